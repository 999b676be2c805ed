// Package mailtest runs a real SMTP server for tests: mailpit, started as a
// subprocess on free loopback ports, whose HTTP API shows what it received.
//
// mailpit is a tool binary, not a dependency of Verve's module. Install it
// with
//
//	go install github.com/axllent/mailpit@v1.33.1
//
// Tests that need it skip when it is missing, unless VERVE_REQUIRE_SMTP=1
// makes that a failure (as in CI).
package mailtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Version is the mailpit version the tests are written against.
const Version = "v1.33.1"

// Server is a running mailpit.
type Server struct {
	smtpAddr, httpAddr string
	cmd                *exec.Cmd
	exited             chan struct{}
	out                *syncBuffer
	stopOnce           sync.Once
}

// Message is one received message as mailpit parsed it.
type Message struct {
	ID        string   // mailpit's id
	MessageID string   // the Message-ID header, without angle brackets
	From      string   // address
	FromName  string   // display name
	To        []string // addresses
	ToNames   []string // display names, in the order of To
	Subject   string   // decoded
	Username  string   // the SMTP user that sent it, "" without authentication
	Text      string   // the text/plain part, decoded, lines ending in \n
	HTML      string   // the text/html part, decoded, lines ending in \n
}

// Binary returns the path of the mailpit binary: on PATH, or else where go
// install puts it. It returns "" when there is none.
func Binary() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	var dirs []string
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, d := range filepath.SplitList(strings.TrimSpace(string(out))) {
			dirs = append(dirs, filepath.Join(d, "bin"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "mailpit")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// Start runs mailpit for the duration of t, with any further mailpit flags
// (for TLS, authentication or refused recipients). It skips t when mailpit
// is not installed, unless VERVE_REQUIRE_SMTP=1.
func Start(t testing.TB, flags ...string) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		msg := "mailpit not found on PATH or in $(go env GOPATH)/bin; install it with: go install github.com/axllent/mailpit@" + Version
		if os.Getenv("VERVE_REQUIRE_SMTP") == "1" {
			t.Fatal(msg + " (required by VERVE_REQUIRE_SMTP=1)")
		}
		t.Skip(msg)
	}
	// A free port found by listening can be taken by someone else before
	// mailpit binds it; try a few times.
	var err error
	for range 3 {
		var s *Server
		if s, err = start(t, bin, flags); err == nil {
			t.Cleanup(s.Stop)
			return s
		}
	}
	t.Fatalf("start mailpit: %v", err)
	return nil
}

func start(t testing.TB, bin string, flags []string) (*Server, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	s := &Server{
		smtpAddr: "127.0.0.1:" + strconv.Itoa(ports[0]),
		httpAddr: "127.0.0.1:" + strconv.Itoa(ports[1]),
		exited:   make(chan struct{}),
		out:      &syncBuffer{},
	}
	args := []string{
		"--smtp", s.smtpAddr,
		"--listen", s.httpAddr,
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--disable-version-check", // it would ask GitHub for releases
		"--smtp-disable-rdns",     // no DNS look-ups of the client
		"--quiet",
	}
	s.cmd = exec.Command(bin, append(args, flags...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	killWithParent(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.cmd.Wait(); close(s.exited) }()

	deadline := time.Now().Add(30 * time.Second)
	for {
		if s.ready() {
			return s, nil
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("mailpit exited: %s", s.out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("mailpit not ready after 30s: %s", s.out.String())
		}
	}
}

// ready reports whether both the HTTP API and the SMTP port answer.
func (s *Server) ready() bool {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get("http://" + s.httpAddr + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	conn, err := net.DialTimeout("tcp", s.smtpAddr, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// SMTPAddr is the SMTP server's host:port.
func (s *Server) SMTPAddr() string { return s.smtpAddr }

// SMTPHostPort splits SMTPAddr for configurations that want them apart.
func (s *Server) SMTPHostPort() (string, int) {
	host, port, _ := net.SplitHostPort(s.smtpAddr)
	p, _ := strconv.Atoi(port)
	return host, p
}

// Stop ends mailpit; later connections to its ports are refused. Start
// registers it as a cleanup, and calling it again does nothing.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		s.cmd.Process.Kill()
		<-s.exited
	})
}

// Messages returns every message received so far, oldest first, with
// bodies.
func (s *Server) Messages(ctx context.Context) ([]Message, error) {
	return s.messages(ctx, "")
}

// messages returns the messages to the address to, or all when to is "",
// oldest first.
func (s *Server) messages(ctx context.Context, to string) ([]Message, error) {
	var list struct {
		Messages []struct {
			ID string
			To []address
		}
	}
	if err := s.get(ctx, "/api/v1/messages?limit=1000", &list); err != nil {
		return nil, err
	}
	var out []Message
	// The list is newest first.
	for _, sum := range slices.Backward(list.Messages) {
		if to != "" && !slices.ContainsFunc(sum.To, func(a address) bool { return strings.EqualFold(a.Address, to) }) {
			continue
		}
		m, err := s.message(ctx, sum.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

type address struct{ Name, Address string }

func (s *Server) message(ctx context.Context, id string) (Message, error) {
	var raw struct {
		ID, MessageID string
		From          *address
		To            []address
		Subject       string
		Username      string
		Text, HTML    string
	}
	if err := s.get(ctx, "/api/v1/message/"+url.PathEscape(id), &raw); err != nil {
		return Message{}, err
	}
	m := Message{ID: raw.ID, MessageID: raw.MessageID, Subject: raw.Subject, Username: raw.Username,
		// SMTP carries lines ending in CRLF; Go strings end them in LF.
		Text: strings.ReplaceAll(raw.Text, "\r\n", "\n"), HTML: strings.ReplaceAll(raw.HTML, "\r\n", "\n")}
	if raw.From != nil {
		m.From, m.FromName = raw.From.Address, raw.From.Name
	}
	for _, a := range raw.To {
		m.To = append(m.To, a.Address)
		m.ToNames = append(m.ToNames, a.Name)
	}
	return m, nil
}

func (s *Server) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.httpAddr+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// WaitFor waits up to timeout for a message to the address to and returns
// the first one; it fails t when none arrives.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var last error
	for {
		ms, err := s.messages(ctx, to)
		if err == nil && len(ms) > 0 {
			return ms[0]
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			if last != nil && !errors.Is(last, context.DeadlineExceeded) {
				t.Fatalf("no message to %s within %v (last error: %v)", to, timeout, last)
			}
			t.Fatalf("no message to %s within %v", to, timeout)
			return Message{}
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// syncBuffer collects mailpit's output for error messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.b.String())
}

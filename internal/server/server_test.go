package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// slowSender holds every message until its context ends, and then takes
// a while more to give up, as an SMTP server that stalls would.
type slowSender struct {
	started chan struct{}
	ended   atomic.Bool
}

func (s *slowSender) Send(ctx context.Context, m model.Mail) (string, error) {
	close(s.started)
	<-ctx.Done()
	time.Sleep(200 * time.Millisecond)
	s.ended.Store(true)
	return "", ctx.Err()
}

// TestShutdownWaitsForImportsAndMail: when Run's context ends, Run returns
// only once the mail being sent has given up (and is queued again), the
// import jobs have ended and deleted their uploads, and every goroutine
// the server started is gone.
func TestShutdownWaitsForImportsAndMail(t *testing.T) {
	ctx := context.Background()
	store, err := storage.Open(ctx, storagetest.DSN(t, "sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := demo.Generate(ctx, store, demo.Options{Members: 500, Seed: 7, Today: time.Now()}); err != nil {
		t.Fatal(err)
	}
	mailID, err := store.QueueMail(ctx, model.Mail{ToAddr: "ola@example.no", Subject: "Velkommen", TextBody: "Hei", Kind: model.MailJoinConfirmation})
	if err != nil {
		t.Fatal(err)
	}
	before := len(goroutines())

	sender := &slowSender{started: make(chan struct{})}
	uploads := t.TempDir()
	srv, err := New(Config{Store: store, Mail: sender, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), UploadDir: uploads})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Run(runCtx, ln) }()
	select {
	case <-sender.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the mail queue did not start")
	}

	// A real import job: a large list whose preview is under way.
	c := signIn(t, base, "tillitsvalgt")
	loc := uploadList(t, c, base, workplaceOf(t, store, "tillitsvalgt"))
	// And one that takes its time to end, to see that Run waits.
	var jobEnded atomic.Bool
	srv.bg.Go(func() error {
		<-srv.bg.ctx.Done()
		time.Sleep(300 * time.Millisecond)
		jobEnded.Store(true)
		return nil
	})
	resp, err := c.Get(base + loc)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
	}
	if !sender.ended.Load() || !jobEnded.Load() {
		t.Fatalf("Run returned before its work ended: mail %v, job %v", sender.ended.Load(), jobEnded.Load())
	}
	if m, err := store.Mail(ctx, mailID); err != nil || m.Status != model.MailQueued || m.Attempts != 0 {
		t.Fatalf("the mail in flight: %+v %v; want it queued again, no attempt counted", m, err)
	}
	if entries, _ := os.ReadDir(uploads); len(entries) != 0 {
		t.Fatalf("uploads left behind: %v", entries)
	}
	c.CloseIdleConnections()
	// Goroutines end a little after what they ran for has returned.
	for deadline := time.Now().Add(5 * time.Second); len(goroutines()) > before; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			left := goroutines()
			t.Fatalf("%d goroutines left running, %d before:\n%s", len(left), before, strings.Join(left, "\n\n"))
		}
	}
}

// goroutines are the stacks of the running goroutines but scs's in-memory
// session store's cleanup: scs.New starts one for the store the server
// replaces, and stopping it races with its start.
func goroutines() []string {
	buf := make([]byte, 1<<20)
	var gs []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if !strings.Contains(g, "memstore.(*MemStore).startCleanup") {
			gs = append(gs, g)
		}
	}
	return gs
}

// signIn returns a client signed in as a demo user.
func signIn(t *testing.T, base, username string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {username}, "password": {demo.Password}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	return c
}

// workplaceOf is a workplace the user may import lists for.
func workplaceOf(t *testing.T, store *storage.Storage, username string) int64 {
	t.Helper()
	ctx := context.Background()
	u, err := store.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := store.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	wps, err := store.WorkplacesUnder(ctx, p, p.Grants[0].UnitPath, 1)
	if err != nil || len(wps) == 0 {
		t.Fatal("no workplace", err)
	}
	return wps[0].ID
}

// uploadList uploads a 50,000-row list and returns its job's address.
func uploadList(t *testing.T, c *http.Client, base string, workplace int64) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "stor.csv")
	if err := importer.WriteSample(fw, "csv", 50000, 1); err != nil {
		t.Fatal(err)
	}
	mw.WriteField("kind", "newhires")
	mw.Close()
	resp, err := c.Post(fmt.Sprintf("%s/workplaces/%d/import", base, workplace), mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/imports/") {
		t.Fatalf("upload: %d %q", resp.StatusCode, loc)
	}
	return loc
}

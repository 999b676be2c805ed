package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/verve-union/verve/internal/model"
)

// TLS modes for Config.TLS.
const (
	TLSNone     = "none"     // plain SMTP, for a relay on the same host or a test server
	TLSStartTLS = "starttls" // STARTTLS required (port 587), the default
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// Config says how to reach the mail server and whom mail is from.
type Config struct {
	Host     string
	Port     int    // 0 for the mode's usual port: 25, 587 or 465
	Username string // "" for no authentication
	Password string
	From     string        // sender address, post@forbundet.no
	FromName string        // sender's display name, "Forbundet"
	TLS      string        // TLSNone, TLSStartTLS or TLSImplicit; "" means TLSStartTLS
	Timeout  time.Duration // per message, connecting included; 0 for 30 seconds

	// tlsConfig replaces the system's trust, for tests against a server
	// with a certificate of their own.
	tlsConfig *tls.Config
}

// SMTP sends mail through an SMTP server, one connection per message.
type SMTP struct {
	cfg    Config
	client *gomail.Client
	domain string // right-hand side of Message-IDs: the sender's domain
}

// NewSMTP checks cfg and returns a Sender for it. It does not connect.
func NewSMTP(cfg Config) (*SMTP, error) {
	cfg.Host = strings.TrimSpace(cfg.Host)
	if cfg.Host == "" {
		return nil, errors.New("smtp: no host")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil || from.Address != cfg.From || !strings.Contains(cfg.From, "@") {
		return nil, fmt.Errorf("smtp: sender %q is not an e-mail address", cfg.From)
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithTimeout(cfg.Timeout)}
	port := map[string]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}[cfg.TLS]
	switch cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("smtp: TLS must be %q, %q or %q, not %q", TLSNone, TLSStartTLS, TLSImplicit, cfg.TLS)
	}
	if cfg.Port != 0 {
		port = cfg.Port
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("smtp: bad port %d", cfg.Port)
	}
	opts = append(opts, gomail.WithPort(port))
	if cfg.tlsConfig != nil {
		tc := cfg.tlsConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = cfg.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if cfg.Username != "" {
		// The strongest mechanism the server offers; PLAIN and LOGIN only
		// over an encrypted connection.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return &SMTP{cfg: cfg, client: c, domain: cfg.From[strings.LastIndex(cfg.From, "@")+1:]}, nil
}

// Send delivers m as UTF-8 plain text, with its HTML as an alternative when
// it has one. A recipient or message the server refuses for good (5xx)
// gives a Permanent error; anything else may pass on retry.
func (s *SMTP) Send(ctx context.Context, m model.Mail) (string, error) {
	msg, id, err := s.message(m)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := s.client.DialAndSendWithContext(ctx, msg); err != nil {
		if permanentSMTP(err) {
			return "", Permanent(err)
		}
		return "", err
	}
	return id, nil
}

// message builds the MIME message for m and returns it with its Message-ID
// (without angle brackets).
func (s *SMTP) message(m model.Mail) (*gomail.Msg, string, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(s.cfg.FromName, s.cfg.From); err != nil {
		return nil, "", fmt.Errorf("smtp: sender: %w", err)
	}
	var err error
	if m.ToName != "" {
		// go-mail puts the name in quotes as it is: a quote in a name (the
		// join page takes any) must be escaped, or the address is refused.
		err = msg.AddToFormat(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(m.ToName), m.ToAddr)
	} else {
		err = msg.To(m.ToAddr)
	}
	if err != nil {
		return nil, "", Permanent(fmt.Errorf("recipient: %w", err))
	}
	msg.Subject(m.Subject)
	id := messageID(m, s.domain)
	msg.SetMessageIDWithValue(id)
	msg.SetDate()
	// RFC 3834: no vacation replies to a machine.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.TextBody)
	if m.HTMLBody != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTMLBody)
	}
	return msg, id, nil
}

// messageID is the same on every attempt at one outbox message, so that a
// retry after a lost reply from a server that did accept the message can be
// recognised as a duplicate by the receiving side. The creation time keeps
// ids apart between databases that number their outboxes alike.
func messageID(m model.Mail, domain string) string {
	return "verve." + strconv.FormatInt(m.ID, 10) + "." + strconv.FormatInt(m.CreatedAt.UnixNano(), 36) + "@" + domain
}

// permanentSMTP reports whether the server refused the recipient or the
// message itself with a 5xx reply, which no retry will change. A 5xx reply
// to MAIL FROM or to authentication is a configuration problem that may be
// fixed meanwhile, so those are retried.
func permanentSMTP(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) || se.IsTemp() {
		return false
	}
	code := se.ErrorCode()
	switch se.Reason {
	case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
		return code >= 500 && code < 600
	}
	return false
}

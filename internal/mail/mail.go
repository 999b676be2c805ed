// Package mail sends the outbox: a Sender hands one message to a mail
// server (SMTP) or only logs it (Log, for a demo without SMTP), and a
// Deliverer claims due messages from storage, sends them and records each
// outcome, retrying failures with growing delays.
package mail

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"time"

	"github.com/verve-union/verve/internal/model"
)

// Sender delivers one message and returns the Message-ID it was sent with.
type Sender interface {
	Send(ctx context.Context, m model.Mail) (messageID string, err error)
}

// backoff is the delay after the first, second, … failed attempt; the last
// step repeats. With model.MaxMailAttempts = 8 a message is tried for about
// two and a half days before it fails for good.
var backoff = []time.Duration{
	time.Minute,
	5 * time.Minute,
	30 * time.Minute,
	2 * time.Hour,
	6 * time.Hour,
	12 * time.Hour,
	24 * time.Hour,
}

// Backoff returns how long to wait after the given number of failed
// attempts (1 after the first failure) before trying again.
func Backoff(failures int) time.Duration {
	if failures < 1 {
		failures = 1
	}
	return backoff[min(failures, len(backoff))-1]
}

// permanentError marks a failure that no retry can fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that retrying cannot fix, such as a
// recipient the server refuses, so the Deliverer fails the message at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// Log is a Sender for a Verve without a mail server, such as the demo: it
// writes the message to the log and reports it sent with Message-ID "log",
// so it stays visible in the outbox.
type Log struct {
	Logger *slog.Logger // nil for slog.Default()
}

// Send logs that m was not sent: its id, kind and size only. Recipient,
// subject and body stay out of the log (a subject or a link tells that
// someone applied to join a union); the outbox holds them until purged.
func (l Log) Send(ctx context.Context, m model.Mail) (string, error) {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "mail not sent: no SMTP server configured", "id", m.ID, "kind", m.Kind, "bytes", len(m.TextBody)+len(m.HTMLBody))
	return "log", nil
}

// personal matches what in a mail server's error may name a person: an
// address, or a quoted name or address.
var personal = regexp.MustCompile(`[^\s<>"',;:()\[\]]+@[^\s<>"',;:()\[\]]+|"[^"]*"`)

// redact is err's text for the log, with addresses and quoted names
// replaced; the outbox keeps the full text for the admins.
func redact(err error) string {
	if err == nil {
		return ""
	}
	return personal.ReplaceAllString(err.Error(), "[…]")
}

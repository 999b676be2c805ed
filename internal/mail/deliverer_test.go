package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/mail/mailtest"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// engines runs fn on a fresh database of each engine.
func engines(t *testing.T, fn func(t *testing.T, s *storage.Storage)) {
	t.Helper()
	for _, e := range storagetest.Engines {
		t.Run(e, func(t *testing.T) {
			t.Parallel()
			s, err := storage.Open(context.Background(), storagetest.DSN(t, e))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}

// quietLog discards log output unless the test fails.
func quietLog(t *testing.T) *slog.Logger {
	var buf syncBuffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(buf.String())
		}
	})
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

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
	return b.b.String()
}

func queue(t *testing.T, s *storage.Storage, m model.Mail) int64 {
	t.Helper()
	id, err := s.QueueMail(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mailOf(t *testing.T, s *storage.Storage, id int64) model.Mail {
	t.Helper()
	m, err := s.Mail(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDelivererSendsQueuedMail(t *testing.T) {
	srv := mailtest.Start(t)
	engines(t, func(t *testing.T, s *storage.Storage) {
		ctx := context.Background()
		// Each engine writes to its own addresses on the shared server.
		var ids []int64
		for i := range 3 {
			ids = append(ids, queue(t, s, norwegianMail(fmt.Sprintf("medlem%d.%s@example.no", i, s.Dialect()))))
		}
		d := NewDeliverer(s, smtpTo(t, srv), quietLog(t))
		d.Batch = 2
		sent, failed, err := d.RunOnce(ctx)
		if err != nil || sent != 2 || failed != 0 {
			t.Fatalf("first round: sent %d, failed %d, %v", sent, failed, err)
		}
		sent, failed, err = d.RunOnce(ctx)
		if err != nil || sent != 1 || failed != 0 {
			t.Fatalf("second round: sent %d, failed %d, %v", sent, failed, err)
		}
		for i, id := range ids {
			m := mailOf(t, s, id)
			got := srv.WaitFor(t, m.ToAddr, 10*time.Second)
			if m.Status != model.MailSent || m.Attempts != 0 || m.SentAt.IsZero() || m.MessageID != got.MessageID {
				t.Errorf("message %d: %+v; mailpit has Message-ID %q", i, m, got.MessageID)
			}
			if got.Subject != m.Subject || got.Text != m.TextBody {
				t.Errorf("message %d arrived as %+v", i, got)
			}
		}
		if sent, failed, err := d.RunOnce(ctx); sent+failed != 0 || err != nil {
			t.Errorf("nothing due: sent %d, failed %d, %v", sent, failed, err)
		}
	})
}

func TestDelivererServerDown(t *testing.T) {
	engines(t, func(t *testing.T, s *storage.Storage) {
		ctx := context.Background()
		srv := mailtest.Start(t)
		d := NewDeliverer(s, smtpTo(t, srv), quietLog(t))
		first := queue(t, s, norwegianMail("foer@example.no"))
		if sent, _, err := d.RunOnce(ctx); sent != 1 || err != nil {
			t.Fatalf("while up: sent %d, %v", sent, err)
		}
		srv.Stop()

		id := queue(t, s, norwegianMail("etter@example.no"))
		before := time.Now()
		sent, failed, err := d.RunOnce(ctx)
		if err != nil || sent != 0 || failed != 1 {
			t.Fatalf("while down: sent %d, failed %d, %v", sent, failed, err)
		}
		m := mailOf(t, s, id)
		if m.Status != model.MailQueued || m.Attempts != 1 || m.LastError == "" || !m.SentAt.IsZero() {
			t.Errorf("after a failed attempt: %+v", m)
		}
		if !m.NextAttemptAt.After(before) || m.NextAttemptAt.Before(before.Add(Backoff(1))) || m.NextAttemptAt.After(time.Now().Add(Backoff(1))) {
			t.Errorf("next attempt at %v, want a minute after %v", m.NextAttemptAt, before)
		}
		if m := mailOf(t, s, first); m.Status != model.MailSent {
			t.Errorf("first message: %+v", m)
		}
		// Not due again yet.
		if sent, failed, err := d.RunOnce(ctx); sent+failed != 0 || err != nil {
			t.Errorf("before the retry time: sent %d, failed %d, %v", sent, failed, err)
		}
	})
}

func TestDelivererRefusedRecipientFailsForGood(t *testing.T) {
	srv := mailtest.Start(t, "--smtp-allowed-recipients", `@example\.no$`)
	engines(t, func(t *testing.T, s *storage.Storage) {
		id := queue(t, s, norwegianMail("finnes.ikke@example.com"))
		d := NewDeliverer(s, smtpTo(t, srv), quietLog(t))
		if sent, failed, err := d.RunOnce(context.Background()); sent != 0 || failed != 1 || err != nil {
			t.Fatalf("sent %d, failed %d, %v", sent, failed, err)
		}
		if m := mailOf(t, s, id); m.Status != model.MailFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "550") {
			t.Errorf("refused recipient: %+v", m)
		}
	})
}

// fakeSender fails or succeeds as told and records what it was given.
type fakeSender struct {
	mu   sync.Mutex
	sent []model.Mail
	fn   func(ctx context.Context, m model.Mail) (string, error)
}

func (f *fakeSender) Send(ctx context.Context, m model.Mail) (string, error) {
	f.mu.Lock()
	f.sent = append(f.sent, m)
	f.mu.Unlock()
	return f.fn(ctx, m)
}

func TestDelivererBacksOffUntilItGivesUp(t *testing.T) {
	engines(t, func(t *testing.T, s *storage.Storage) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		s.SetClock(clock)
		id := queue(t, s, norwegianMail("ustabil@example.no"))
		d := NewDeliverer(s, &fakeSender{fn: func(context.Context, model.Mail) (string, error) {
			return "", errors.New("421 4.3.2 service not available")
		}}, quietLog(t))
		d.Now = clock
		var waits []time.Duration
		for attempt := 1; ; attempt++ {
			_, failed, err := d.RunOnce(ctx)
			if err != nil || failed != 1 {
				t.Fatalf("attempt %d: failed %d, %v", attempt, failed, err)
			}
			m := mailOf(t, s, id)
			if m.Attempts != attempt {
				t.Fatalf("attempt %d: %+v", attempt, m)
			}
			if m.Status == model.MailFailed {
				break
			}
			wait := m.NextAttemptAt.Sub(now)
			waits = append(waits, wait)
			now = now.Add(wait - time.Second)
			if sent, failed, _ := d.RunOnce(ctx); sent+failed != 0 {
				t.Fatalf("attempt %d: retried before its time", attempt)
			}
			now = now.Add(time.Second)
		}
		want := []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}
		if fmt.Sprint(waits) != fmt.Sprint(want) || len(waits)+1 != model.MaxMailAttempts {
			t.Errorf("waits %v, want %v then failure", waits, want)
		}
	})
}

func TestDelivererStopsAndReleasesOnCancel(t *testing.T) {
	engines(t, func(t *testing.T, s *storage.Storage) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		a := queue(t, s, norwegianMail("a@example.no"))
		b := queue(t, s, norwegianMail("b@example.no"))
		c := queue(t, s, norwegianMail("c@example.no"))
		f := &fakeSender{fn: func(ctx context.Context, m model.Mail) (string, error) {
			if m.ToAddr == "a@example.no" {
				return "id-a", nil
			}
			cancel() // shutting down while b is being sent
			<-ctx.Done()
			return "", ctx.Err()
		}}
		d := NewDeliverer(s, f, quietLog(t))
		sent, failed, err := d.RunOnce(ctx)
		if sent != 1 || failed != 0 || !errors.Is(err, context.Canceled) {
			t.Fatalf("sent %d, failed %d, %v", sent, failed, err)
		}
		if m := mailOf(t, s, a); m.Status != model.MailSent || m.MessageID != "id-a" {
			t.Errorf("a: %+v", m)
		}
		for _, id := range []int64{b, c} {
			if m := mailOf(t, s, id); m.Status != model.MailQueued || m.Attempts != 0 || m.LastError != "" {
				t.Errorf("%d: %+v", id, m)
			}
		}
		// Released, not leased: due again at once.
		f.fn = func(context.Context, model.Mail) (string, error) { return "ok", nil }
		if sent, _, err := d.RunOnce(context.Background()); sent != 2 || err != nil {
			t.Errorf("after release: sent %d, %v", sent, err)
		}
	})
}

func TestDelivererRunUntilCancelled(t *testing.T) {
	engines(t, func(t *testing.T, s *storage.Storage) {
		ctx, cancel := context.WithCancel(context.Background())
		got := make(chan string, 10)
		d := NewDeliverer(s, &fakeSender{fn: func(_ context.Context, m model.Mail) (string, error) {
			got <- m.ToAddr
			return "ok", nil
		}}, quietLog(t))
		done := make(chan struct{})
		go func() { d.Run(ctx, time.Hour); close(done) }()
		// Queued after the first round: only Wake gets it out before the hour.
		time.Sleep(50 * time.Millisecond)
		queue(t, s, norwegianMail("vekket@example.no"))
		d.Wake()
		select {
		case to := <-got:
			if to != "vekket@example.no" {
				t.Errorf("sent to %s", to)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Wake did not start a round")
		}
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop on cancel")
		}
	})
}

func TestLogSender(t *testing.T) {
	engines(t, func(t *testing.T, s *storage.Storage) {
		var buf syncBuffer
		log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		id := queue(t, s, norwegianMail("demo@example.no"))
		d := NewDeliverer(s, Log{Logger: log}, log)
		if sent, failed, err := d.RunOnce(context.Background()); sent != 1 || failed != 0 || err != nil {
			t.Fatalf("sent %d, failed %d, %v", sent, failed, err)
		}
		m := mailOf(t, s, id)
		if m.Status != model.MailSent || m.MessageID != "log" {
			t.Errorf("logged mail: %+v", m)
		}
		// Id, kind and size only: no recipient, subject or body, at any level.
		out := buf.String()
		for _, personal := range []string{"demo@example.no", "Kjærstin", "Velkommen", "takk for at du"} {
			if strings.Contains(out, personal) {
				t.Errorf("the log carries %q: %s", personal, out)
			}
		}
		if !strings.Contains(out, fmt.Sprintf("id=%d", id)) || !strings.Contains(out, "bytes=") {
			t.Errorf("log output lacks id and size: %s", out)
		}
	})
}

// TestRedact: a mail server's error names the recipient; the log does not.
func TestRedact(t *testing.T) {
	err := Permanent(fmt.Errorf(`recipient: 550 5.1.1 <kari.nordmann@example.no>: "Kari Nordmann" unknown`))
	if got := redact(err); strings.Contains(got, "kari") || strings.Contains(got, "Kari") || !strings.Contains(got, "550 5.1.1") {
		t.Errorf("redact = %q", got)
	}
}

func TestBackoff(t *testing.T) {
	for failures, want := range map[int]time.Duration{
		0: time.Minute, 1: time.Minute, 2: 5 * time.Minute, 3: 30 * time.Minute, 4: 2 * time.Hour,
		7: 24 * time.Hour, 8: 24 * time.Hour, 100: 24 * time.Hour,
	} {
		if got := Backoff(failures); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", failures, got, want)
		}
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("550 no such user")
	err := fmt.Errorf("send: %w", Permanent(base))
	if !IsPermanent(err) || !errors.Is(err, base) || IsPermanent(base) || Permanent(nil) != nil {
		t.Errorf("Permanent/IsPermanent do not wrap as they should")
	}
}

package mail

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/verve-union/verve/internal/model"
)

// Queue is the outbox as the Deliverer uses it; *storage.Storage is one.
type Queue interface {
	ClaimMail(ctx context.Context, limit int) ([]model.Mail, error)
	MarkSent(ctx context.Context, id int64, messageID string) error
	MarkFailed(ctx context.Context, id int64, err error, retryAt time.Time, permanent bool) error
	ReleaseMail(ctx context.Context, ids ...int64) error
}

// Deliverer sends the outbox: it claims due messages, sends each and
// records the outcome. Several Deliverers (one per server process) may
// share a database: a claim leases its messages to one of them.
type Deliverer struct {
	queue  Queue
	sender Sender
	log    *slog.Logger
	wake   chan struct{}

	// Batch is how many messages one round claims at most (default 20).
	// A round must finish within storage.MailLease, so keep Batch times
	// the sender's timeout well below it.
	Batch int
	// Now is the clock that retry times are reckoned from; default
	// time.Now. Give it the storage's clock when that is not the real one.
	Now func() time.Time
}

// NewDeliverer returns a Deliverer that sends q's messages with s and logs
// to log (nil for slog.Default()).
func NewDeliverer(q Queue, s Sender, log *slog.Logger) *Deliverer {
	if log == nil {
		log = slog.Default()
	}
	return &Deliverer{queue: q, sender: s, log: log, wake: make(chan struct{}, 1), Batch: 20, Now: time.Now}
}

// markTimeout bounds recording an outcome. Recording runs even when ctx
// has been cancelled meanwhile: a message that went out must be marked
// sent, or it would be sent again.
const markTimeout = 10 * time.Second

// RunOnce claims one batch of due messages and tries each once. It returns
// how many were sent and how many failed (to be retried, or for good), and
// an error when the outbox itself could not be read or written, or ctx
// ended the round early; messages not yet tried are then released.
func (d *Deliverer) RunOnce(ctx context.Context) (sent, failed int, err error) {
	ms, err := d.queue.ClaimMail(ctx, d.batch())
	if err != nil {
		return 0, 0, fmt.Errorf("claim mail: %w", err)
	}
	for i, m := range ms {
		if ctx.Err() != nil {
			return sent, failed, d.release(ctx, ms[i:])
		}
		messageID, sendErr := d.sender.Send(ctx, m)
		if sendErr != nil && ctx.Err() != nil {
			// Stopped while sending: not the message's fault.
			return sent, failed, d.release(ctx, ms[i:])
		}
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
		if sendErr == nil {
			err = d.queue.MarkSent(mctx, m.ID, messageID)
			cancel()
			if err != nil {
				return sent, failed, fmt.Errorf("mark mail %d sent: %w", m.ID, err)
			}
			sent++
			continue
		}
		failed++
		permanent := IsPermanent(sendErr)
		attempts := m.Attempts + 1
		retryAt := d.now().Add(Backoff(attempts))
		if permanent || attempts >= model.MaxMailAttempts {
			d.log.WarnContext(ctx, "mail failed for good", "id", m.ID, "kind", m.Kind, "attempts", attempts, "err", redact(sendErr))
		} else {
			d.log.WarnContext(ctx, "mail failed, will retry", "id", m.ID, "kind", m.Kind, "attempts", attempts, "retry_at", retryAt, "err", redact(sendErr))
		}
		err = d.queue.MarkFailed(mctx, m.ID, sendErr, retryAt, permanent)
		cancel()
		if err != nil {
			return sent, failed, fmt.Errorf("mark mail %d failed: %w", m.ID, err)
		}
	}
	return sent, failed, nil
}

// release gives back claimed messages that were not tried, and returns the
// error that stopped the round.
func (d *Deliverer) release(ctx context.Context, ms []model.Mail) error {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	if err := d.queue.ReleaseMail(rctx, ids...); err != nil {
		d.log.ErrorContext(ctx, "release claimed mail", "ids", ids, "err", err)
	}
	return ctx.Err()
}

func (d *Deliverer) batch() int {
	if d.Batch <= 0 {
		return 20
	}
	return d.Batch
}

func (d *Deliverer) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// Run sends due mail every interval, and at once after Wake, until ctx is
// cancelled. A full batch is followed at once by the next. Errors are
// logged, not returned: the next round tries again.
func (d *Deliverer) Run(ctx context.Context, every time.Duration) {
	for {
		sent, failed, err := d.RunOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			d.log.ErrorContext(ctx, "mail delivery", "err", err)
		} else if sent+failed > 0 {
			d.log.InfoContext(ctx, "mail delivery", "sent", sent, "failed", failed)
		}
		if err == nil && sent+failed >= d.batch() {
			continue
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-d.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Wake makes Run send due mail now rather than at its next tick, for a
// caller that has just queued a message someone is waiting for.
func (d *Deliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

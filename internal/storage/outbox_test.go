package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
)

// testClock is a settable clock for a Storage.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock(s *Storage) *testClock {
	c := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s.SetClock(c.Now)
	return c
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func testMail(to string) model.Mail {
	return model.Mail{ToAddr: to, ToName: "Åse Bjørnstad", Subject: "Velkommen i forbundet, Åse!",
		TextBody: "Hei Åse,\n\nvi har mottatt innmeldingen din.\n", HTMLBody: "<p>Hei Åse,</p>", Kind: model.MailJoinConfirmation}
}

func claimIDs(t *testing.T, s *Storage, limit int) []int64 {
	t.Helper()
	ms, err := s.ClaimMail(context.Background(), limit)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, m := range ms {
		if m.Status != model.MailQueued {
			t.Errorf("claimed message %d has status %s", m.ID, m.Status)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

func TestQueueMail(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		clock := newTestClock(s)
		f := newFixture(t, s)
		p := f.person(t, "Åse", "Bjørnstad", f.wA)
		in := testMail(" ase@example.no ")
		in.PersonID = p.ID
		id, err := s.QueueMail(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Mail(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := testMail("ase@example.no")
		want.ID, want.PersonID, want.Status = id, p.ID, model.MailQueued
		want.CreatedAt, want.NextAttemptAt = clock.Now(), clock.Now()
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}

		for _, bad := range []func(*model.Mail){
			func(m *model.Mail) { m.ToAddr = "ikke en adresse" },
			func(m *model.Mail) { m.ToAddr = "a@b.no, c@d.no" },
			func(m *model.Mail) { m.Subject = "Hei\r\nBcc: alle@example.no" },
			func(m *model.Mail) { m.ToName = "Ola\nNordmann" },
			func(m *model.Mail) { m.TextBody = "" },
			func(m *model.Mail) { m.Kind = "" },
			func(m *model.Mail) { m.HTMLBody = "\xff" },
		} {
			m := testMail("ase@example.no")
			bad(&m)
			if _, err := s.QueueMail(ctx, m); model.ErrorCode(err) != model.EINVALID {
				t.Errorf("%+v: got %v, want invalid", m, err)
			}
		}
		if _, err := s.Mail(ctx, id+100); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("missing mail: %v", err)
		}
	})
}

func TestClaimMailOnlyDue(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		clock := newTestClock(s)
		now, err := s.QueueMail(ctx, testMail("now@example.no"))
		if err != nil {
			t.Fatal(err)
		}
		later := testMail("later@example.no")
		later.NextAttemptAt = clock.Now().Add(time.Hour)
		laterID, err := s.QueueMail(ctx, later)
		if err != nil {
			t.Fatal(err)
		}
		if got := claimIDs(t, s, 10); !slices.Equal(got, []int64{now}) {
			t.Fatalf("claimed %v, want only %d", got, now)
		}
		// Claimed messages are leased: nobody else gets them meanwhile.
		if got := claimIDs(t, s, 10); len(got) != 0 {
			t.Fatalf("claimed %v again within the lease", got)
		}
		// A deliverer that died leaves them to be claimed after the lease.
		clock.Add(MailLease)
		if got := claimIDs(t, s, 10); !slices.Equal(got, []int64{now}) {
			t.Fatalf("after the lease: claimed %v, want %d", got, now)
		}
		if err := s.ReleaseMail(ctx, now); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour)
		if got := claimIDs(t, s, 1); !slices.Equal(got, []int64{now}) {
			t.Fatalf("limit 1: claimed %v, want the oldest due, %d", got, now)
		}
		if got := claimIDs(t, s, 10); !slices.Equal(got, []int64{laterID}) {
			t.Fatalf("claimed %v, want %d", got, laterID)
		}
		if got, err := s.ClaimMail(ctx, 0); err != nil || len(got) != 0 {
			t.Fatalf("limit 0: %v %v", got, err)
		}
	})
}

func TestMailRetrySchedule(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		clock := newTestClock(s)
		id, err := s.QueueMail(ctx, testMail("retry@example.no"))
		if err != nil {
			t.Fatal(err)
		}
		claimIDs(t, s, 10)
		retryAt := clock.Now().Add(5 * time.Minute)
		if err := s.MarkFailed(ctx, id, errors.New("421 4.7.0 prøv igjen senere"), retryAt, false); err != nil {
			t.Fatal(err)
		}
		m, err := s.Mail(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != model.MailQueued || m.Attempts != 1 || m.LastError != "421 4.7.0 prøv igjen senere" || !m.NextAttemptAt.Equal(retryAt) {
			t.Fatalf("after a failure: %+v", m)
		}
		clock.Add(5*time.Minute - time.Second)
		if got := claimIDs(t, s, 10); len(got) != 0 {
			t.Fatalf("claimed %v before the retry time", got)
		}
		clock.Add(time.Second)
		if got := claimIDs(t, s, 10); !slices.Equal(got, []int64{id}) {
			t.Fatalf("claimed %v at the retry time", got)
		}
		if err := s.MarkSent(ctx, id, "<abc@verve>"); err != nil {
			t.Fatal(err)
		}
		m, err = s.Mail(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != model.MailSent || m.MessageID != "<abc@verve>" || !m.SentAt.Equal(clock.Now()) || m.Attempts != 1 {
			t.Fatalf("after sending: %+v", m)
		}
		clock.Add(24 * time.Hour)
		if got := claimIDs(t, s, 10); len(got) != 0 {
			t.Fatalf("claimed sent message: %v", got)
		}
		if err := s.MarkSent(ctx, id, "again"); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("marking a sent message sent again: %v", err)
		}
		if err := s.MarkFailed(ctx, id, errors.New("x"), clock.Now(), false); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("marking a sent message failed: %v", err)
		}
	})
}

func TestMailPermanentFailure(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		clock := newTestClock(s)
		id, err := s.QueueMail(ctx, testMail("flaky@example.no"))
		if err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= model.MaxMailAttempts; attempt++ {
			if got := claimIDs(t, s, 10); !slices.Equal(got, []int64{id}) {
				t.Fatalf("attempt %d: claimed %v", attempt, got)
			}
			if err := s.MarkFailed(ctx, id, fmt.Errorf("feil %d", attempt), clock.Now().Add(time.Minute), false); err != nil {
				t.Fatal(err)
			}
			m, err := s.Mail(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want := model.MailQueued
			if attempt == model.MaxMailAttempts {
				want = model.MailFailed
			}
			if m.Status != want || m.Attempts != attempt || m.LastError != fmt.Sprintf("feil %d", attempt) {
				t.Fatalf("after attempt %d: %+v", attempt, m)
			}
			clock.Add(time.Minute)
		}
		clock.Add(24 * time.Hour)
		if got := claimIDs(t, s, 10); len(got) != 0 {
			t.Fatalf("claimed a failed message: %v", got)
		}

		// A refused recipient fails at once.
		id, err = s.QueueMail(ctx, testMail("finnes.ikke@example.no"))
		if err != nil {
			t.Fatal(err)
		}
		claimIDs(t, s, 10)
		if err := s.MarkFailed(ctx, id, errors.New("550 5.1.1 no such user \x00\xff"), clock.Now().Add(time.Minute), true); err != nil {
			t.Fatal(err)
		}
		m, err := s.Mail(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != model.MailFailed || m.Attempts != 1 || m.LastError != "550 5.1.1 no such user ?" {
			t.Fatalf("after a permanent failure: %+v", m)
		}
	})
}

func TestMailQueuedInRolledBackTxIsNotSent(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		newTestClock(s)
		boom := errors.New("the join application failed")
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := s.queueMail(ctx, tx, testMail("rolled.back@example.no")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		var committed int64
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			committed, err = s.queueMail(ctx, tx, testMail("committed@example.no"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ms, err := s.ClaimMail(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].ID != committed || ms[0].ToAddr != "committed@example.no" {
			t.Fatalf("claimed %+v, want only the committed message", ms)
		}
	})
}

func TestClaimMailConcurrently(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		newTestClock(s)
		const n = 30
		for i := range n {
			if _, err := s.QueueMail(ctx, testMail(fmt.Sprintf("m%d@example.no", i))); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					ms, err := s.ClaimMail(ctx, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ms) == 0 {
						return
					}
					mu.Lock()
					for _, m := range ms {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("claimed %d distinct messages, want %d", len(seen), n)
		}
		for id, k := range seen {
			if k != 1 {
				t.Errorf("message %d claimed %d times", id, k)
			}
		}
	})
}

func TestOutboxList(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		newTestClock(s)
		f := newFixture(t, s)
		var ids []int64
		for i := range 3 {
			id, err := s.QueueMail(ctx, testMail(fmt.Sprintf("m%d@example.no", i)))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		claimIDs(t, s, 1)
		if err := s.MarkSent(ctx, ids[0], "id0"); err != nil {
			t.Fatal(err)
		}
		list := func(status string) []int64 {
			t.Helper()
			ms, err := s.Outbox(ctx, f.admin, status, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return out
		}
		if got := list(""); !slices.Equal(got, []int64{ids[2], ids[1], ids[0]}) {
			t.Errorf("all: %v", got)
		}
		if got := list(model.MailQueued); !slices.Equal(got, []int64{ids[2], ids[1]}) {
			t.Errorf("queued: %v", got)
		}
		if got := list(model.MailSent); !slices.Equal(got, []int64{ids[0]}) {
			t.Errorf("sent: %v", got)
		}
		if got := list(model.MailFailed); len(got) != 0 {
			t.Errorf("failed: %v", got)
		}
		if _, err := s.Outbox(ctx, f.admin, "bogus", 10); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("bad status: %v", err)
		}
		if _, err := s.Outbox(ctx, f.steward, "", 10); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward: %v", err)
		}
	})
}

func TestErasingAPersonErasesTheirMail(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		newTestClock(s)
		f := newFixture(t, s)
		p := f.person(t, "Åse", "Bjørnstad", f.wA)
		m := testMail("ase@example.no")
		m.PersonID = p.ID
		erased, err := s.QueueMail(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		kept, err := s.QueueMail(ctx, testMail("other@example.no"))
		if err != nil {
			t.Fatal(err)
		}
		// As erasure does it: the person's rows elsewhere, then the person.
		for _, q := range []string{`DELETE FROM employments WHERE person_id = $1`, `DELETE FROM persons WHERE id = $1`} {
			if _, err := s.w.ExecContext(ctx, q, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Mail(ctx, erased); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("erased person's mail: %v", err)
		}
		if _, err := s.Mail(ctx, kept); err != nil {
			t.Errorf("other mail: %v", err)
		}
	})
}

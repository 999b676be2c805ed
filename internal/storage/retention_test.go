package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// declined imports a new hire at workplace A who says no at once, and
// returns their person id.
func declined(t *testing.T, s *Storage, f *fixture, first string) int64 {
	t.Helper()
	task := importOne(t, s, f, first)
	if _, err := s.LogOutcome(context.Background(), f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeDeclined}); err != nil {
		t.Fatal(err)
	}
	return task.PersonID
}

func exec(t *testing.T, s *Storage, q string, args ...any) {
	t.Helper()
	if _, err := s.w.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestErasureClearsReferences: a prospect who is someone's recruiter, owns a
// task, logged a contact and earned a credit is still erased once the
// retention period is over; the rows of others that named them stay,
// without the reference.
func TestErasureClearsReferences(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		p := declined(t, s, f, "Petter")
		m := f.person(t, "Mari", "Medlem", f.wA)
		var ms int64
		if err := s.w.QueryRow(`INSERT INTO memberships (person_id, type, status, start_date, recruited_by) VALUES ($1, 'ordinary', 'active', $2, $3) RETURNING id`,
			m.ID, day0, p).Scan(&ms); err != nil {
			t.Fatal(err)
		}
		exec(t, s, `INSERT INTO credits (membership_id, recruiter_id, earned_at) VALUES ($1, $2, $3)`, ms, p, day0)
		exec(t, s, `INSERT INTO contacts (person_id, by_person_id, kind, at) VALUES ($1, $2, 'visit', $3)`, m.ID, p, day0)
		exec(t, s, `INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
			VALUES ('follow_up', 'Ring Mari', $1, $2, $3, $4, $5, 'open', $6)`, m.ID, f.wA.ID, f.clubA.Path, p, day0, day0)

		s.SetClock(func() time.Time { return day0.AddDate(0, 0, DefaultSettings.RetentionDays+1) })
		if n, err := s.EraseExpired(ctx, access.System("test")); err != nil || n != 1 {
			t.Fatalf("erased %d, %v", n, err)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1`, p); n != 0 {
			t.Fatal("the prospect is still there")
		}
		for q, want := range map[string]int{
			`SELECT count(*) FROM memberships WHERE id = $1 AND recruited_by IS NULL`:                                                    1,
			`SELECT count(*) FROM credits WHERE membership_id = $1`:                                                                      0,
			`SELECT count(*) FROM tasks WHERE title = 'Ring Mari' AND owner_person_id IS NULL AND $1 > 0`:                                1,
			`SELECT count(*) FROM contacts WHERE by_person_id IS NULL AND person_id = (SELECT person_id FROM memberships WHERE id = $1)`: 1,
		} {
			if got := count(t, s, q, ms); got != want {
				t.Errorf("%s: %d, want %d", q, got, want)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'erase' AND entity_id = $1`, p); n != 1 {
			t.Errorf("%d erase entries in the audit log", n)
		}
	})
}

// TestOneFailedErasureStopsNoOther: a person who cannot be erased (a row
// Verve does not know refers to them) is audited and kept; the others are
// erased, and the next run, once the row is gone, erases them too.
func TestOneFailedErasureStopsNoOther(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		a, b := declined(t, s, f, "Anders"), declined(t, s, f, "Berit")
		exec(t, s, `CREATE TABLE erase_blocker (person_id BIGINT REFERENCES persons(id))`)
		exec(t, s, `INSERT INTO erase_blocker VALUES ($1)`, a)

		s.SetClock(func() time.Time { return day0.AddDate(0, 0, DefaultSettings.RetentionDays+1) })
		n, err := s.EraseExpired(ctx, access.System("test"))
		if n != 1 || err == nil || !strings.Contains(err.Error(), "erase person") {
			t.Fatalf("erased %d, %v; want 1 and the failure", n, err)
		}
		if count(t, s, `SELECT count(*) FROM persons WHERE id = $1`, a) != 1 || count(t, s, `SELECT count(*) FROM persons WHERE id = $1`, b) != 0 {
			t.Fatal("want the blocked person kept and the other erased")
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'erase_failed' AND person_id = $1 AND detail <> ''`, a); n != 1 {
			t.Fatalf("%d audit entries of the failure", n)
		}
		exec(t, s, `DELETE FROM erase_blocker`)
		if n, err := s.EraseExpired(ctx, access.System("test")); n != 1 || err != nil {
			t.Fatalf("second run erased %d, %v", n, err)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE person_id = $1 AND detail <> ''`, a); n != 0 {
			t.Fatalf("%d audit entries keep the erased person's data", n)
		}
	})
}

// TestEveryPipelineEntryGetsAnEraseDate: entries never contacted, closed
// with "done", said no or contacted later are dated from the last contact,
// else from creation, and erased on that date; one that became a
// membership is not. Nobody with a live entry elsewhere, a role or a user
// account is erased.
func TestEveryPipelineEntryGetsAnEraseDate(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		sys := access.System("test")
		now := day0
		s.SetClock(func() time.Time { return now })
		retain := DefaultSettings.RetentionDays
		never := importOne(t, s, f, "Nils")  // never contacted
		done := importOne(t, s, f, "Dina")   // closed with "done" after a contact ten days on
		joined := importOne(t, s, f, "Jens") // joins
		elsewhere := declined(t, s, f, "Eli")
		steward := declined(t, s, f, "Rolf")
		joinByInvite(t, s, f.steward, pipeline.Outcome{TaskID: joined.ID, Result: pipeline.OutcomeJoined})
		// Eli is asked at workplace B later; Rolf became a shop steward.
		exec(t, s, `INSERT INTO pipeline (person_id, workplace_id, unit_path, kind, created_at) VALUES ($1, $2, $3, 'unorganised', $4)`,
			elsewhere, f.wB.ID, f.clubB.Path, day0.AddDate(0, 0, 100))
		if err := s.AddRole(ctx, sys, &model.Role{PersonID: steward, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: day0}); err != nil {
			t.Fatal(err)
		}
		// Entries from employer lists, and from before the rule, have no
		// date until the worker gives them one.
		if n, err := s.StampEraseDates(ctx, sys); err != nil || n != 3 {
			t.Fatalf("stamped %d, %v; want Nils's and Dina's entries and Eli's at B", n, err)
		}
		now = day0.AddDate(0, 0, 10)
		if err := s.LogContact(ctx, f.steward, &model.Contact{PersonID: done.PersonID, Kind: "phone"}); err != nil {
			t.Fatal(err)
		}
		if err := s.CompleteTask(ctx, f.steward, done.ID); err != nil {
			t.Fatal(err)
		}
		eraseAfter := func(id int64) string {
			var d *time.Time
			if err := s.r.QueryRow(`SELECT erase_after FROM pipeline WHERE person_id = $1 AND workplace_id = $2`, id, f.wA.ID).Scan(&d); err != nil {
				t.Fatal(err)
			}
			if d == nil {
				return "never"
			}
			return d.UTC().Format(time.DateOnly)
		}
		day := func(n int) string { return day0.AddDate(0, 0, n).Format(time.DateOnly) }
		for id, want := range map[int64]string{never.PersonID: day(retain), done.PersonID: day(10 + retain), joined.PersonID: "never",
			elsewhere: day(retain), steward: day(retain)} {
			if got := eraseAfter(id); got != want {
				t.Errorf("person %d: erase after %s, want %s", id, got, want)
			}
		}

		now = day0.AddDate(0, 0, retain+1)
		if n, err := s.EraseExpired(ctx, sys); err != nil || n != 1 {
			t.Fatalf("erased %d, %v; want only Nils", n, err)
		}
		now = day0.AddDate(0, 0, retain+11)
		if n, err := s.EraseExpired(ctx, sys); err != nil || n != 1 {
			t.Fatalf("erased %d, %v; want only Dina", n, err)
		}
		for id, want := range map[int64]int{never.PersonID: 0, done.PersonID: 0, joined.PersonID: 1, elsewhere: 1, steward: 1} {
			if got := count(t, s, `SELECT count(*) FROM persons WHERE id = $1`, id); got != want {
				t.Errorf("person %d: %d left, want %d", id, got, want)
			}
		}
	})
}

// TestRecruiterMustBeAMemberInScope: "joined" credits the user, or a member
// the user may see; anyone else is refused and nothing is written.
func TestRecruiterMustBeAMemberInScope(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, tv := pipelineFixture(t, s)
		ctx := context.Background()
		task := importOne(t, s, f, "Rita")
		prospect := importOne(t, s, f, "Pål")
		outside := f.person(t, "Ola", "Utenfor", f.wB)
		colleague := f.person(t, "Kari", "Kollega", f.wA)
		contacts := count(t, s, `SELECT count(*) FROM contacts`)
		for _, id := range []int64{prospect.PersonID, outside.ID, task.PersonID, 999999} {
			_, err := s.LogOutcome(ctx, f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeJoined, RecruiterID: id, ConfirmURL: testConfirmURL})
			if model.ErrorCode(err) != model.EINVALID {
				t.Errorf("recruiter %d: %v, want EINVALID", id, err)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM contacts`); n != contacts {
			t.Errorf("refused outcomes wrote %d contacts", n-contacts)
		}
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1`, task.PersonID); n != 0 {
			t.Errorf("refused outcome made %d memberships", n)
		}
		colleagues, err := s.Colleagues(ctx, f.steward, f.wA.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range colleagues {
			names = append(names, c.Name)
		}
		if got := strings.Join(names, ", "); got != "Kari Kollega" {
			t.Errorf("colleagues at A = %s", got)
		}
		joinByInvite(t, s, f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeJoined, RecruiterID: colleague.ID})
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1 AND recruited_by = $2`, task.PersonID, colleague.ID); n != 1 {
			t.Error("the colleague is not credited")
		}
		joinByInvite(t, s, f.steward, pipeline.Outcome{TaskID: prospect.ID, Result: pipeline.OutcomeJoined})
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1 AND recruited_by = $2`, prospect.PersonID, tv.ID); n != 1 {
			t.Error("the user is not credited by default")
		}
	})
}

// TestPurgeMail: sent and failed mail goes once older than the setting;
// queued and recent mail stays.
func TestPurgeMail(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		c := newTestClock(s)
		ctx := context.Background()
		sys := access.System("test")
		var old, fresh, queued int64
		for _, id := range []*int64{&old, &queued} {
			var err error
			if *id, err = s.QueueMail(ctx, testMail("a@example.no")); err != nil {
				t.Fatal(err)
			}
		}
		claimIDs(t, s, 1)
		if err := s.MarkSent(ctx, old, "x"); err != nil {
			t.Fatal(err)
		}
		c.Add(time.Duration(DefaultSettings.MailKeepDays) * 24 * time.Hour)
		fresh, _ = s.QueueMail(ctx, testMail("b@example.no"))
		claimIDs(t, s, 2)
		if err := s.MarkSent(ctx, fresh, "y"); err != nil {
			t.Fatal(err)
		}
		c.Add(time.Hour)
		if n, err := s.PurgeMail(ctx, sys); err != nil || n != 1 {
			t.Fatalf("purged %d, %v", n, err)
		}
		for id, want := range map[int64]int{old: 0, fresh: 1, queued: 1} {
			if got := count(t, s, `SELECT count(*) FROM outbox WHERE id = $1`, id); got != want {
				t.Errorf("message %d: %d left, want %d", id, got, want)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'outbox' AND action = 'delete'`); n != 1 {
			t.Errorf("%d audit entries of the purge", n)
		}
	})
}

// TestJobRuns: each job's last run and last failure, for union admins only.
func TestJobRuns(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		c := newTestClock(s)
		ctx := context.Background()
		for _, r := range []struct {
			job string
			err error
		}{{"escalate", nil}, {"erase_expired", errors.New("erase person 7: låst")}, {"erase_expired", nil}} {
			if err := s.RecordJobRun(ctx, r.job, r.err); err != nil {
				t.Fatal(err)
			}
			c.Add(time.Minute)
		}
		runs, err := s.JobRuns(ctx, f.admin)
		if err != nil || len(runs) != 2 {
			t.Fatalf("job runs %+v, %v", runs, err)
		}
		if r := runs[0]; r.Job != "erase_expired" || r.LastError != "erase person 7: låst" || !r.LastRun.After(r.LastErrorAt) {
			t.Errorf("failed job first, with its error: %+v", r)
		}
		if _, err := s.JobRuns(ctx, f.steward); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward reading job runs: %v", err)
		}
	})
}

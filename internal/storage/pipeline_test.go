package storage

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

var day0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// pipelineFixture adds a shop steward (with a person) to club A and fixes
// the clock.
func pipelineFixture(t *testing.T, s *Storage) (*fixture, *model.Person) {
	t.Helper()
	now := day0
	s.SetClock(func() time.Time { return now })
	f := newFixture(t, s)
	tv := f.person(t, "Tove", "Tillitsvalgt", f.wA)
	if err := s.AddRole(context.Background(), access.System("test"), &model.Role{PersonID: tv.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: day0.AddDate(-1, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	f.steward.PersonID = tv.ID
	return f, tv
}

func rowsOf(rs ...ImportRow) iter.Seq2[ImportRow, error] {
	return func(yield func(ImportRow, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func hire(line int, first, last string, w *model.Workplace, mod func(*model.NewHire)) ImportRow {
	h := model.NewHire{Line: line, FirstName: first, LastName: last, StartDate: day0.AddDate(0, 0, 7), BirthDate: time.Date(1995, 5, line%28+1, 0, 0, 0, 0, time.UTC)}
	if mod != nil {
		mod(&h)
	}
	return ImportRow{NewHire: h, WorkplaceID: w.ID}
}

func count(t *testing.T, s *Storage, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportPreviewCommitAndReimport(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, tv := pipelineFixture(t, s)
		ctx := context.Background()
		f.person(t, "Mona", "Medlem", f.wA) // e-mail mona@example.no, mobile 912 34 567
		other := &model.Person{FirstName: "Otto", LastName: "Annen", WorkplaceID: f.wA.ID, OtherUnion: "Fagforbundet", Email: "otto@example.no"}
		if err := s.CreatePerson(ctx, f.admin, other); err != nil {
			t.Fatal(err)
		}
		list := rowsOf(
			hire(2, "Nina", "Ny", f.wA, func(h *model.NewHire) { h.Fnr = "01019512345"; h.Email = "nina@example.no" }),
			hire(3, "Mona", "Medlem", f.wA, func(h *model.NewHire) { h.Email = "mona@example.no" }),
			hire(4, "Otto", "Annen", f.wA, func(h *model.NewHire) { h.Email = "otto@example.no" }),
			hire(5, "Per", "Mobil", f.wA, func(h *model.NewHire) { h.Mobile = "+4791234567" }), // a known mobile: flagged
			hire(6, "Nina", "Ny", f.wA, func(h *model.NewHire) { h.Fnr = "01019512345" }),      // repeats row 2
			hire(7, "Kari", "Uten", f.wA, nil),
		)
		req := ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Filename: "nyansatte.csv", Source: "HR", LawfulBasis: "Hovedavtalen §"}
		persons := count(t, s, `SELECT count(*) FROM persons`)
		res, err := s.Import(ctx, f.steward, req, list)
		if err != nil {
			t.Fatal(err)
		}
		want := map[ImportClass]int{ClassNew: 2, ClassMember: 1, ClassOtherUnion: 1, ClassFlagged: 1, ClassDuplicate: 1}
		for c, n := range want {
			if res.Counts[c] != n {
				t.Errorf("preview %s = %d, want %d (%v)", c, res.Counts[c], n, res.Counts)
			}
		}
		if res.Committed || count(t, s, `SELECT count(*) FROM persons`) != persons || count(t, s, `SELECT count(*) FROM imports`) != 0 {
			t.Fatal("preview changed the database")
		}
		var flagged ImportLine
		for _, l := range res.Lines {
			if l.Class == ClassFlagged {
				flagged = l
			}
		}
		// Everyone in the fixture shares a mobile; the first is the candidate.
		if flagged.Line != 5 || flagged.Match != "mobile" || flagged.Candidate != tv.Name() {
			t.Fatalf("flagged line = %+v", flagged)
		}

		// Commit, deciding the flagged row is someone else.
		req.Commit, req.Decisions = true, map[int]string{5: DecideNew}
		res, err = s.Import(ctx, f.steward, req, list)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Committed || res.Counts[ClassNew] != 3 || res.ImportID == 0 {
			t.Fatalf("commit: %+v", res)
		}
		if got := count(t, s, `SELECT count(*) FROM persons`); got != persons+3 {
			t.Fatalf("persons %d, want %d", got, persons+3)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE fnr_hash IS NOT NULL`); n != 0 {
			t.Fatalf("%d fødselsnumre of non-members were stored", n)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE kind = 'welcome' AND owner_person_id = $1 AND due = $2`, tv.ID, date(day0.AddDate(0, 0, 7))); n != 3 {
			t.Fatalf("%d welcome tasks for the steward on the start date, want 3", n)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'person' AND fields = 'import'`); n != 3 {
			t.Fatalf("%d audit entries for imported persons, want 3", n)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE email = 'mona@example.no'`); n != 1 {
			t.Fatal("member duplicated")
		}
		// The person's page tells where their data came from and on what basis.
		var nina int64
		s.r.QueryRow(`SELECT id FROM persons WHERE email = 'nina@example.no'`).Scan(&nina)
		h, err := s.History(ctx, f.steward, nina)
		if err != nil || len(h.Pipeline) != 1 || h.Pipeline[0].ListSource != "HR" || h.Pipeline[0].LawfulBasis != req.LawfulBasis || h.Pipeline[0].ListFile != "nyansatte.csv" {
			t.Fatalf("pipeline history: %+v, %v", h, err)
		}

		// The same list again creates nothing new.
		res, err = s.Import(ctx, f.steward, req, list)
		if err != nil {
			t.Fatal(err)
		}
		if res.Counts[ClassNew] != 0 || res.Counts[ClassPipeline] != 3 {
			t.Fatalf("reimport: %v", res.Counts)
		}
		if got := count(t, s, `SELECT count(*) FROM persons`); got != persons+3 {
			t.Fatalf("reimport created persons: %d", got)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE kind = 'welcome'`); n != 3 {
			t.Fatalf("reimport made tasks: %d", n)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		boom := errors.New("disk on fire")
		rows := func(yield func(ImportRow, error) bool) {
			for i := range 500 {
				if !yield(hire(i+2, "Ola", "Nordmann", f.wA, func(h *model.NewHire) { h.BirthDate = h.BirthDate.AddDate(0, 0, i) }), nil) {
					return
				}
			}
			yield(ImportRow{}, boom)
		}
		before := count(t, s, `SELECT count(*) FROM persons`)
		_, err := s.Import(ctx, f.admin, ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Commit: true}, rows)
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if count(t, s, `SELECT count(*) FROM persons`) != before || count(t, s, `SELECT count(*) FROM imports`) != 0 {
			t.Fatal("a failed import left rows behind")
		}
		// A row routed to another club's workplace is refused for a steward, whole list.
		_, err = s.Import(ctx, f.steward, ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Commit: true},
			rowsOf(hire(2, "A", "B", f.wA, nil), hire(3, "C", "D", f.wB, nil)))
		if model.ErrorCode(err) != model.ENOTFOUND || count(t, s, `SELECT count(*) FROM persons`) != before {
			t.Fatalf("routing outside scope: %v", err)
		}
		if _, err := s.Import(ctx, f.steward, ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wB.ID}, rowsOf()); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("import for another club's workplace: %v", err)
		}
	})
}

// importOne imports one new hire at workplace A and returns their welcome task.
func importOne(t *testing.T, s *Storage, f *fixture, first string) model.Task {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Import(ctx, f.steward, ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Commit: true},
		rowsOf(hire(2, first, "Nyansatt", f.wA, nil))); err != nil {
		t.Fatal(err)
	}
	d, err := s.MyDay(ctx, f.steward)
	if err != nil {
		t.Fatal(err)
	}
	for _, t := range d.Upcoming {
		if t.PersonName == first+" Nyansatt" {
			return t.Task
		}
	}
	t.Fatalf("no welcome task for %s on Min dag: %+v", first, d)
	return model.Task{}
}

func TestWelcomeSchedulesFollowUpAndJoinCredits(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, tv := pipelineFixture(t, s)
		ctx := context.Background()
		task := importOne(t, s, f, "Ida")
		d, _ := s.MyDay(ctx, f.steward)
		if len(d.NewColleagues) != 1 || d.NewColleagues[0].Contacted {
			t.Fatalf("new colleagues = %+v", d.NewColleagues)
		}
		res, err := s.LogOutcome(ctx, f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeGift, Note: "Hyggelig prat"})
		if err != nil {
			t.Fatal(err)
		}
		if res.FollowUp == nil || !res.FollowUp.Due.Equal(day0.Truncate(24*time.Hour).AddDate(0, 0, 5)) || res.FollowUp.OwnerID != tv.ID {
			t.Fatalf("follow-up = %+v", res.FollowUp)
		}
		if _, err := s.LogOutcome(ctx, f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeMet}); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("logging a closed task: %v", err)
		}
		d, _ = s.MyDay(ctx, f.steward)
		if len(d.Upcoming) != 1 || d.Upcoming[0].Kind != model.TaskFollowUp || !d.NewColleagues[0].Contacted {
			t.Fatalf("Min dag after welcome: %+v", d)
		}
		// "Joined" sends the invitation; the person confirms it, and an
		// advisor approves the application.
		res = joinByInvite(t, s, f.steward, pipeline.Outcome{TaskID: d.Upcoming[0].ID, Result: pipeline.OutcomeJoined})
		if err := s.DecideApplication(ctx, f.admin, membershipOf(t, s, task.PersonID), true, ""); err != nil {
			t.Fatal(err)
		}
		var status model.MembershipStatus
		var recruiter int64
		if err := s.r.QueryRow(`SELECT p.member_status, m.recruited_by FROM persons p JOIN memberships m ON m.person_id = p.id WHERE p.id = $1`, task.PersonID).Scan(&status, &recruiter); err != nil {
			t.Fatal(err)
		}
		if status != model.StatusActive || recruiter != tv.ID {
			t.Fatalf("joined: status %q recruited by %d, want active by %d", status, recruiter, tv.ID)
		}
		rows, total, err := s.Recruitment(ctx, f.admin, day0.AddDate(0, -1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || total.NewHires != 1 || total.Asked != 1 || total.Joined != 1 || total.Lists != 1 || total.MedianDays != 0 {
			t.Fatalf("recruitment = %+v total %+v", rows, total)
		}
		if _, _, err := s.Recruitment(ctx, f.steward, day0); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("steward reading statistics: %v", err)
		}
		// Another club's steward cannot log outcomes here.
		other := &access.Principal{Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubB.Path}}}
		task2 := importOne(t, s, f, "Jon")
		if _, err := s.LogOutcome(ctx, other, pipeline.Outcome{TaskID: task2.ID, Result: pipeline.OutcomeMet}); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("other club logging: %v", err)
		}
	})
}

func TestDeclinedAreErasedAfterRetentionAndOverdueEscalates(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		now := day0
		s.SetClock(func() time.Time { return now })
		task := importOne(t, s, f, "Siri")
		late := importOne(t, s, f, "Lars")
		if _, err := s.LogOutcome(ctx, f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeDeclined, Reason: "Ikke nå"}); err != nil {
			t.Fatal(err)
		}
		// Lars's welcome is due in a week; a week past that plus the limit, it escalates.
		now = day0.AddDate(0, 0, 7+DefaultSettings.EscalateAfterDays+1)
		n, err := s.EscalateOverdue(ctx, access.System("system"))
		if err != nil || n != 1 {
			t.Fatalf("escalated %d, %v", n, err)
		}
		coord := &access.Principal{PersonID: -1, Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: f.clubA.Path}}}
		d, err := s.MyDay(ctx, coord)
		if err != nil || len(d.Escalated) != 1 || d.Escalated[0].ID != late.ID {
			t.Fatalf("coordinator's escalated = %+v, %v", d, err)
		}
		if n, err := s.EraseExpired(ctx, access.System("test")); err != nil || n != 0 {
			t.Fatalf("erased %d before the retention period, %v", n, err)
		}
		now = day0.AddDate(0, 0, DefaultSettings.RetentionDays+1)
		if n, err := s.EraseExpired(ctx, access.System("test")); err != nil || n != 1 {
			t.Fatalf("erased %d, %v", n, err)
		}
		if _, err := s.Person(ctx, f.admin, task.PersonID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("declined prospect still there: %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE person_id = $1 AND detail <> ''`, task.PersonID); n != 0 {
			t.Fatalf("%d audit entries keep the erased person's data", n)
		}
		if _, err := s.Person(ctx, f.admin, late.PersonID); err != nil {
			t.Fatalf("open prospect erased: %v", err)
		}
	})
}

// TestWritesWaitForALargeImport: while a large list commits, other users'
// writes wait for it and then succeed; none fails because of it.
func TestWritesWaitForALargeImport(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		member := f.person(t, "Mette", "Medlem", f.wA)
		const n = 5000
		rows := func(yield func(ImportRow, error) bool) {
			for i := range n {
				r := hire(i+2, "Ola", fmt.Sprintf("Nordmann%d", i), f.wA, nil)
				if !yield(r, nil) {
					return
				}
			}
		}
		done := make(chan error, 1)
		go func() {
			_, err := s.Import(ctx, f.admin, ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Commit: true}, rows)
			done <- err
		}()
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(i) * 10 * time.Millisecond)
				errs <- s.LogContact(ctx, f.admin, &model.Contact{PersonID: member.ID, Kind: "phone", Note: fmt.Sprint(i)})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("a write during the import failed: %v", err)
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := count(t, s, `SELECT count(*) FROM contacts WHERE person_id = $1`, member.ID); got != 20 {
			t.Fatalf("%d contacts, want 20", got)
		}
		if got := count(t, s, `SELECT count(*) FROM pipeline`); got != n {
			t.Fatalf("%d imported, want %d", got, n)
		}
	})
}

// TestImportMatchesAgainInTheMerge: a person created between the matching
// and the merge (a join confirmed meanwhile, say) is matched, not
// duplicated: the merge notices the change and matches again.
func TestImportMatchesAgainInTheMerge(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		s.beforeMerge = func() {
			p := &model.Person{FirstName: "Kari", LastName: "Ny", WorkplaceID: f.wA.ID, MemberStatus: model.StatusProspect, Email: "kari.ny@example.no"}
			if err := s.CreatePerson(ctx, f.admin, p); err != nil {
				t.Error(err)
			}
		}
		list := rowsOf(hire(2, "Kari", "Ny", f.wA, func(h *model.NewHire) { h.Email = "kari.ny@example.no" }), hire(3, "Lars", "Ny", f.wA, nil))
		res, err := s.Import(ctx, f.steward, ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Commit: true}, list)
		if err != nil {
			t.Fatal(err)
		}
		if res.Counts[ClassExisting] != 1 || res.Counts[ClassNew] != 1 {
			t.Fatalf("counts %v, want one existing and one new", res.Counts)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE email = 'kari.ny@example.no'`); n != 1 {
			t.Fatalf("%d persons with the e-mail, want 1", n)
		}
	})
}

// TestNewColleaguesUnionWide: Min dag's new colleagues, in the window and
// the reader's scope, newest start first: the admin's from every club, a
// steward's from theirs. On SQLite the admin's are read without the
// scope's index on pipeline (a union-wide range, which cost a lookup per
// row: half admin Min dag's CPU at 1M members), a steward's by it; on
// PostgreSQL the query is planned per run.
func TestNewColleaguesUnionWide(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _ := pipelineFixture(t, s)
		starts := func(days int) func(*model.NewHire) {
			return func(h *model.NewHire) { h.StartDate = day0.AddDate(0, 0, days) }
		}
		for _, im := range []struct {
			u    *access.Principal
			w    *model.Workplace
			rows []ImportRow
		}{
			{f.steward, f.wA, []ImportRow{hire(2, "Ida", "Nyansatt", f.wA, nil), hire(3, "Åse", "Nyansatt", f.wA, starts(3)),
				hire(4, "Per", "Senere", f.wA, starts(pipeline.NewColleaguesAhead+1))}},
			{f.admin, f.wB, []ImportRow{hire(2, "Bo", "Nyansatt", f.wB, nil)}},
		} {
			if _, err := s.Import(ctx, im.u, ImportRequest{Kind: ImportNewhires, WorkplaceID: im.w.ID, Commit: true}, rowsOf(im.rows...)); err != nil {
				t.Fatal(err)
			}
		}
		names := func(u *access.Principal) string {
			t.Helper()
			d, err := s.MyDay(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			var ns []string
			for _, c := range d.NewColleagues {
				ns = append(ns, c.Name)
			}
			return strings.Join(ns, ", ")
		}
		if got, want := names(f.admin), "Bo Nyansatt, Ida Nyansatt, Åse Nyansatt"; got != want {
			t.Errorf("admin's new colleagues: %s, want %s", got, want)
		}
		if got, want := names(f.steward), "Ida Nyansatt, Åse Nyansatt"; got != want {
			t.Errorf("steward's new colleagues: %s, want %s", got, want)
		}
		if s.dialect == Postgres {
			// A union-wide reader's are planned for each run
			// (serverSettings), past the five runs after which
			// PostgreSQL may keep one plan for all (a scoped reader's
			// are planned once, TestMyDayPlansOnce).
			s.r.SetMaxOpenConns(1)
			for range 6 {
				names(f.admin)
			}
			if n := genericPlans(t, s, "(pl.unit_path || '') >="); n != 0 {
				t.Errorf("new colleagues read %d times by a plan for all scopes", n)
			}
			return
		}
		explain := planner(t, s)
		for _, c := range []struct {
			u     *access.Principal
			index bool
		}{{f.admin, false}, {f.steward, true}} {
			q, a := newColleaguesQuery(s.dialect, c.u, day0)
			plan := strings.Join(explain(q, a...), "\n")
			if strings.Contains(plan, "pipeline_scope") != c.index {
				t.Errorf("%s: pipeline_scope used %v, want %v:\n%s", c.u.Username, !c.index, c.index, plan)
			}
		}
	})
}

// TestMyDayShowsTheFirstOfEachSection: Min dag holds the first DayCards
// tasks of each section by when they are due, says which sections have
// more, and MyDayUpTo holds them all; another steward's tasks count in
// neither.
func TestMyDayShowsTheFirstOfEachSection(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, tv := pipelineFixture(t, s)
		ctx := context.Background()
		other := f.person(t, "Odd", "Annen", f.wA)
		p := f.person(t, "Per", "Oppgave", f.wA)
		add := func(owner int64, due time.Time, n int) {
			for range n {
				exec(t, s, `INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
					VALUES ('ask', 'x', $1, $2, $3, $4, $5, 'open', $6)`, p.ID, f.wA.ID, f.clubA.Path, owner, due, day0)
			}
		}
		today := s.today()
		add(tv.ID, today.AddDate(0, 0, -3), DayCards+4) // overdue: more than a page holds
		add(tv.ID, today, 2)
		add(tv.ID, today.AddDate(0, 0, 2), DayCards) // upcoming: exactly a page
		add(other.ID, today.AddDate(0, 0, -5), 10)   // not the steward's
		d, err := s.MyDay(ctx, f.steward)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Overdue) != DayCards || !d.More.Overdue || len(d.Today) != 2 || d.More.Today || len(d.Upcoming) != DayCards || d.More.Upcoming {
			t.Fatalf("Min dag: %d overdue (more %v), %d today (more %v), %d upcoming (more %v)",
				len(d.Overdue), d.More.Overdue, len(d.Today), d.More.Today, len(d.Upcoming), d.More.Upcoming)
		}
		all, err := s.MyDayUpTo(ctx, f.steward, DayAll)
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Overdue) != DayCards+4 || all.More.Overdue || len(all.Upcoming) != DayCards {
			t.Fatalf("all of Min dag: %d overdue (more %v), %d upcoming", len(all.Overdue), all.More.Overdue, len(all.Upcoming))
		}
		for i, task := range all.Overdue[:DayCards] {
			if task.ID != d.Overdue[i].ID || task.OwnerID != tv.ID {
				t.Fatalf("overdue task %d: %d on Min dag, %d of all (owner %d)", i, d.Overdue[i].ID, task.ID, task.OwnerID)
			}
		}
	})
}

// TestMyDayPlansOnce: on PostgreSQL a steward's own tasks on Min dag are
// planned once for any values (s.once), and a union-wide reader's new
// colleagues on every run, as their plan turns on the values.
func TestMyDayPlansOnce(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		if s.dialect != Postgres {
			t.Skip("SQLite plans each run")
		}
		// One session a pool: pg_prepared_statements is its own.
		s.r.SetMaxOpenConns(1)
		s.once.db.SetMaxOpenConns(1)
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		for range 3 {
			for _, u := range []*access.Principal{f.steward, f.admin} {
				if _, err := s.MyDay(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
		}
		if n := genericPlans(t, s, "UNION ALL"); n < 3 {
			t.Errorf("Min dag's own tasks ran %d times by a plan made once, want 6", n)
		}
		if n := genericPlans(t, s, "(pl.unit_path || '')"); n != 0 {
			t.Errorf("a union-wide reader's new colleagues ran %d times by a plan made once", n)
		}
	})
}

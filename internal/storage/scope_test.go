package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// regionOf is the path of the region above a club of the fixture.
func regionOf(club *model.OrgUnit) string {
	p := strings.TrimSuffix(club.Path, "/")
	return p[:strings.LastIndex(p, "/")+1]
}

// moveTo puts a person in another club, as a transfer would: the
// employments they had end (one still open would keep them in reach of
// that workplace's steward, as a second employer does).
func moveTo(t *testing.T, s *Storage, personID int64, club *model.OrgUnit) {
	t.Helper()
	if _, err := s.w.Exec(`UPDATE persons SET unit_id = $1, unit_path = $2 WHERE id = $3`, club.ID, club.Path, personID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`UPDATE employments SET end_date = start_date WHERE person_id = $1 AND end_date IS NULL`, personID); err != nil {
		t.Fatal(err)
	}
}

// TestTaskOfPersonOutOfScope: a task in the steward's club about a person
// who has since moved to another club is neither shown nor actionable, and
// answers exactly as a task that does not exist.
func TestTaskOfPersonOutOfScope(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _ := pipelineFixture(t, s)
		before, err := s.Home(ctx, f.steward)
		if err != nil {
			t.Fatal(err)
		}
		task := importOne(t, s, f, "Mats")
		moveTo(t, s, task.PersonID, f.clubB)

		if d, err := s.MyDay(ctx, f.steward); err != nil || len(d.Overdue)+len(d.Today)+len(d.Upcoming)+len(d.NewColleagues) != 0 {
			t.Errorf("Min dag shows the moved person: %+v %v", d, err)
		}
		if ts, err := s.DueTasks(ctx, f.steward, 30); err != nil || len(ts) != 0 {
			t.Errorf("due tasks %+v %v", ts, err)
		}
		if h, err := s.Home(ctx, f.steward); err != nil || *h != *before {
			t.Errorf("home counts %+v, before the task %+v (%v)", h, before, err)
		}
		const missing = 999999
		_, gone := s.DayTask(ctx, f.steward, missing)
		if _, err := s.DayTask(ctx, f.steward, task.ID); err == nil || err.Error() != gone.Error() {
			t.Errorf("DayTask: %v, for a missing task: %v", err, gone)
		}
		_, gone = s.LogOutcome(ctx, f.steward, pipeline.Outcome{TaskID: missing, Result: pipeline.OutcomeMet})
		if _, err := s.LogOutcome(ctx, f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeMet}); err == nil || err.Error() != gone.Error() {
			t.Errorf("LogOutcome: %v, for a missing task: %v", err, gone)
		}
		gone = s.CompleteTask(ctx, f.steward, missing)
		if err := s.CompleteTask(ctx, f.steward, task.ID); err == nil || err.Error() != gone.Error() {
			t.Errorf("CompleteTask: %v, for a missing task: %v", err, gone)
		}
		// Where the person is now, the task can be acted on.
		other := &access.Principal{Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: regionOf(f.clubA)}}}
		if _, err := s.LogOutcome(ctx, other, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeMet}); err != nil {
			t.Errorf("coordinator of both clubs: %v", err)
		}
	})
}

// TestReferralCreditsAndDuesInScope: credits, codes and dues are read
// through the principal; recruits outside the user's scope are counted,
// never named.
func TestReferralCreditsAndDuesInScope(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _, rec, code := joinFixture(t, s)
		mine := f.person(t, "Anne", "Innenfor", f.wA)
		theirs := f.person(t, "Bjørn", "Utenfor", f.wB)
		for _, p := range []*model.Person{mine, theirs} {
			var mid int64
			if err := s.w.QueryRow(`INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by)
				VALUES ($1, 'ordinary', 'active', $2, 'join_page', $3) RETURNING id`, p.ID, day0, rec.ID).Scan(&mid); err != nil {
				t.Fatal(err)
			}
			if _, err := s.w.Exec(`INSERT INTO credits (membership_id, recruiter_id, earned_at) VALUES ($1, $2, $3)`, mid, rec.ID, day0); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordPayment(ctx, f.admin, Payment{MembershipID: mid, Month: day0, AmountOre: 35000}); err != nil {
				t.Fatal(err)
			}
			if ps, err := s.Payments(ctx, f.steward, mid); err != nil || (len(ps) == 1) != (p == mine) {
				t.Errorf("steward sees %d payments of %s (%v)", len(ps), p.LastName, err)
			}
		}
		if ps, err := s.Payments(ctx, f.steward, 999999); err != nil || len(ps) != 0 {
			t.Errorf("payments of a missing membership %+v %v", ps, err)
		}

		cs, err := s.CreditsOf(ctx, f.steward, rec.ID)
		if err != nil || len(cs.Named) != 1 || cs.Named[0].Recruit != "Anne Innenfor" || cs.Others != 1 {
			t.Errorf("steward's view of the credits %+v %v", cs, err)
		}
		// The recruiter, without any role, sees the count but no names.
		self := &access.Principal{PersonID: rec.ID}
		if cs, err := s.CreditsOf(ctx, self, rec.ID); err != nil || len(cs.Named) != 0 || cs.Total() != 2 {
			t.Errorf("own credits %+v %v", cs, err)
		}
		// A recruiter out of scope is as missing as one who does not exist.
		_, gone := s.CreditsOf(ctx, f.steward, 999999)
		if _, err := s.CreditsOf(ctx, f.steward, theirs.ID); model.ErrorCode(gone) != model.ENOTFOUND || err == nil || err.Error() != gone.Error() {
			t.Errorf("credits of a person out of scope: %v, of none: %v", err, gone)
		}

		if c, err := s.ExistingReferralCode(ctx, f.steward, rec.ID); err != nil || c != code {
			t.Errorf("steward reads the club member's code: %q %v", c, err)
		}
		other := &access.Principal{Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubB.Path}}}
		if c, err := s.ExistingReferralCode(ctx, other, rec.ID); err != nil || c != "" {
			t.Errorf("other club reads the code: %q %v", c, err)
		}
		if c, err := s.ExistingReferralCode(ctx, self, rec.ID); err != nil || c != code {
			t.Errorf("own code: %q %v", c, err)
		}
		// Making a code needs person:write, or being the person.
		if _, err := s.ReferralCode(ctx, f.steward, mine.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("steward without person:write made a code: %v", err)
		}
		if c, err := s.ReferralCode(ctx, &access.Principal{PersonID: theirs.ID}, theirs.ID); err != nil || c == "" {
			t.Errorf("own new code: %q %v", c, err)
		}
		if c, err := s.ReferralCode(ctx, f.steward, theirs.ID); model.ErrorCode(err) != model.ENOTFOUND || c != "" {
			t.Errorf("steward reached another club's code: %q %v", c, err)
		}
	})
}

// TestAdminRolesActWhereGranted: a union admin granted on a region reads
// the audit log only about persons in the region and changes no
// union-wide setting; the one granted on the root does both.
func TestAdminRolesActWhereGranted(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newFixture(t, s)
		inA := f.person(t, "Aud", "Klubba", f.wA)
		inB := f.person(t, "Bent", "Klubbb", f.wB)
		if err := s.SaveSettings(ctx, f.admin, DefaultSettings); err != nil {
			t.Fatal(err)
		}
		region := &access.Principal{Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: regionOf(f.clubA)}}}
		clubA := &access.Principal{Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: f.clubA.Path}}}

		seen := func(u *access.Principal) map[string]bool {
			t.Helper()
			es, err := s.AuditLog(ctx, u, 100)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]bool{}
			for _, e := range es {
				switch {
				case e.PersonID == inA.ID:
					out["A"] = true
				case e.PersonID == inB.ID:
					out["B"] = true
				case e.PersonID == 0:
					out["none"] = true
				default:
					t.Errorf("entry about person %d", e.PersonID)
				}
			}
			return out
		}
		for name, c := range map[string]struct {
			u    *access.Principal
			want map[string]bool
		}{
			"root":   {f.admin, map[string]bool{"A": true, "B": true, "none": true}},
			"region": {region, map[string]bool{"A": true, "B": true}},
			"club A": {clubA, map[string]bool{"A": true}},
		} {
			if got := seen(c.u); len(got) != len(c.want) || got["A"] != c.want["A"] || got["B"] != c.want["B"] || got["none"] != c.want["none"] {
				t.Errorf("%s admin sees %v, want %v", name, got, c.want)
			}
		}

		for name, err := range map[string]error{
			"settings":      s.SaveSettings(ctx, region, DefaultSettings),
			"join settings": s.SaveJoinSettings(ctx, region, DefaultJoinSettings),
			"benefit":       s.SaveBenefit(ctx, region, &Benefit{Title: "Rabatt"}),
			"delete":        s.DeleteBenefit(ctx, region, 1),
			"reward level":  s.SaveRewardLevel(ctx, region, &RewardLevel{Recruits: 3, Prize: "Kopp"}),
		} {
			if model.ErrorCode(err) != model.EFORBIDDEN {
				t.Errorf("region admin changed %s: %v", name, err)
			}
		}
		if _, err := s.Outbox(ctx, region, "", 10); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("region admin lists the outbox: %v", err)
		}
		// Within the region, a reward level of its own is theirs to make.
		if err := s.SaveRewardLevel(ctx, region, &RewardLevel{UnitID: f.clubA.ID, Recruits: 3, Prize: "Kopp"}); err != nil {
			t.Errorf("region admin's own level: %v", err)
		}
		if err := s.SaveBenefit(ctx, f.admin, &Benefit{Title: "Rabatt"}); err != nil {
			t.Errorf("root admin: %v", err)
		}
	})
}

// TestJobsStayInScope: the scheduled jobs touch only what their principal
// may; the worker's System principal reaches everything.
func TestJobsStayInScope(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _ := pipelineFixture(t, s)
		importOne(t, s, f, "Lars")
		clubB := &access.Principal{Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: f.clubB.Path}}}
		s.SetClock(func() time.Time { return day0.AddDate(0, 0, 30) })
		if n, err := s.EscalateOverdue(ctx, clubB); err != nil || n != 0 {
			t.Errorf("club B escalated %d in club A (%v)", n, err)
		}
		if n, err := s.EscalateOverdue(ctx, nil); err != nil || n != 0 {
			t.Errorf("nil principal escalated %d (%v)", n, err)
		}
		if n, err := s.EscalateOverdue(ctx, access.System("test")); err != nil || n != 1 {
			t.Errorf("system escalated %d (%v)", n, err)
		}
	})
}

// employAt gives a person an open employment at a workplace besides the
// one they have (a second employer), and returns a function that ends it.
func employAt(t *testing.T, s *Storage, personID int64, w *model.Workplace) (end func()) {
	t.Helper()
	var id int64
	if err := s.w.QueryRow(`INSERT INTO employments (person_id, workplace_id, start_date) VALUES ($1, $2, $3) RETURNING id`,
		personID, w.ID, date(s.today())).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		if _, err := s.w.Exec(`UPDATE employments SET end_date = $1 WHERE id = $2`, date(s.today()), id); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSecondWorkplaceReferralCreditsAndDues: a member of another club with
// an open employment at the steward's workplace, whom the steward may open
// (Person), has their referral section there too: their credits, code and
// dues, and they are named among a recruiter's recruits; once the
// employment ends, they are as out of reach as before.
func TestSecondWorkplaceReferralCreditsAndDues(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _, rec, _ := joinFixture(t, s)
		bjorn := f.person(t, "Bjørn", "Tojobber", f.wB)
		var mid int64
		if err := s.w.QueryRow(`INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by)
			VALUES ($1, 'ordinary', 'active', $2, 'join_page', $3) RETURNING id`, bjorn.ID, day0, rec.ID).Scan(&mid); err != nil {
			t.Fatal(err)
		}
		if _, err := s.w.Exec(`INSERT INTO credits (membership_id, recruiter_id, earned_at) VALUES ($1, $2, $3)`, mid, rec.ID, day0); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordPayment(ctx, f.admin, Payment{MembershipID: mid, Month: day0, AmountOre: 35000}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReferralCode(ctx, f.admin, bjorn.ID); err != nil {
			t.Fatal(err)
		}
		// reach is what the steward of club A gets of Bjørn.
		reach := func(want bool) {
			t.Helper()
			_, err := s.Person(ctx, f.steward, bjorn.ID)
			if (err == nil) != want {
				t.Fatalf("steward opens Bjørn: %v, want %v", err, want)
			}
			_, err = s.CreditsOf(ctx, f.steward, bjorn.ID)
			if _, gone := s.CreditsOf(ctx, f.steward, 999999); (want && err != nil) || (!want && (err == nil || err.Error() != gone.Error())) {
				t.Errorf("Bjørn's credits: %v (of none: %v), want them: %v", err, gone, want)
			}
			if code, err := s.ExistingReferralCode(ctx, f.steward, bjorn.ID); err != nil || (code != "") != want {
				t.Errorf("Bjørn's code %q (%v), want one: %v", code, err, want)
			}
			if ps, err := s.Payments(ctx, f.steward, mid); err != nil || (len(ps) == 1) != want {
				t.Errorf("Bjørn's payments %+v (%v), want them: %v", ps, err, want)
			}
			cs, err := s.CreditsOf(ctx, f.steward, rec.ID)
			named := err == nil && len(cs.Named) == 1 && cs.Named[0].Recruit == "Bjørn Tojobber" && cs.Others == 0
			counted := err == nil && len(cs.Named) == 0 && cs.Others == 1
			if (want && !named) || (!want && !counted) {
				t.Errorf("Rita's recruits as the steward sees them: %+v (%v), Bjørn named: %v", cs, err, want)
			}
		}
		reach(false)
		end := employAt(t, s, bjorn.ID, f.wA)
		reach(true)
		end()
		reach(false)
	})
}

// TestSecondWorkplaceNewColleague: a new colleague on Min dag whose first
// workplace is now in another club but who is still employed at the
// steward's workplace is shown, as the welcome task about them is.
func TestSecondWorkplaceNewColleague(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _ := pipelineFixture(t, s)
		task := importOne(t, s, f, "Mats")
		moveTo(t, s, task.PersonID, f.clubB)
		day := func() (tasks, colleagues int) {
			t.Helper()
			d, err := s.MyDay(ctx, f.steward)
			if err != nil {
				t.Fatal(err)
			}
			return len(d.Overdue) + len(d.Today) + len(d.Upcoming), len(d.NewColleagues)
		}
		if ts, cs := day(); ts != 0 || cs != 0 {
			t.Fatalf("moved away: %d tasks, %d new colleagues", ts, cs)
		}
		end := employAt(t, s, task.PersonID, f.wA)
		if ts, cs := day(); ts != 1 || cs != 1 {
			t.Errorf("still employed at A: %d tasks, %d new colleagues", ts, cs)
		}
		end()
		if ts, cs := day(); ts != 0 || cs != 0 {
			t.Errorf("employment ended: %d tasks, %d new colleagues", ts, cs)
		}
	})
}

// TestSecondWorkplaceColleagueRecruits: a member of another club with an
// open employment at the steward's workplace is among the colleagues a
// recruit may be credited to there, and may be credited; once the
// employment ends, neither.
func TestSecondWorkplaceColleagueRecruits(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		first := importOne(t, s, f, "Rita")
		second := importOne(t, s, f, "Pål")
		ola := f.person(t, "Ola", "Tojobber", f.wB)
		colleagues := func() string {
			t.Helper()
			cs, err := s.Colleagues(ctx, f.steward, f.wA.ID)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range cs {
				names = append(names, c.Name)
			}
			return strings.Join(names, ", ")
		}
		credit := func(task model.Task) error {
			_, err := s.LogOutcome(ctx, f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeJoined, RecruiterID: ola.ID, ConfirmURL: testConfirmURL})
			return err
		}
		if got := colleagues(); got != "" {
			t.Errorf("colleagues at A before Ola works there: %q", got)
		}
		if err := credit(first); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("Ola credited from another club: %v", err)
		}
		end := employAt(t, s, ola.ID, f.wA)
		if got := colleagues(); got != "Ola Tojobber" {
			t.Errorf("colleagues at A with Ola's second job there: %q", got)
		}
		joinByInvite(t, s, f.steward, pipeline.Outcome{TaskID: first.ID, Result: pipeline.OutcomeJoined, RecruiterID: ola.ID})
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1 AND recruited_by = $2`, first.PersonID, ola.ID); n != 1 {
			t.Error("Ola is not credited")
		}
		end()
		if got := colleagues(); strings.Contains(got, "Ola") {
			t.Errorf("colleagues at A after Ola's job there ended: %q", got)
		}
		if err := credit(second); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("Ola credited after his job at A ended: %v", err)
		}
	})
}

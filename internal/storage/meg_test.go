package storage

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
	"github.com/verve-union/verve/internal/register"
)

const testConfirmURL = "https://verve.example/bli-medlem/bekreft/"

// joinByInvite logs "joined" for o's task and confirms the invitation by
// the link it returns, as the person would.
func joinByInvite(t *testing.T, s *Storage, u *access.Principal, o pipeline.Outcome) *OutcomeResult {
	t.Helper()
	o.ConfirmURL = testConfirmURL
	res, err := s.LogOutcome(context.Background(), u, o)
	if err != nil {
		t.Fatal(err)
	}
	m := linkRE.FindStringSubmatch(res.Invitation)
	if m == nil {
		t.Fatalf("invitation link %q", res.Invitation)
	}
	if _, err := s.ConfirmApplication(context.Background(), access.Visitor(""), m[1]); err != nil {
		t.Fatal(err)
	}
	return res
}

// membershipOf is the person's newest membership.
func membershipOf(t *testing.T, s *Storage, personID int64) int64 {
	t.Helper()
	var id int64
	if err := s.r.QueryRow(`SELECT id FROM memberships WHERE person_id = $1 ORDER BY id DESC LIMIT 1`, personID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestJoinedSendsAnInvitation: "joined" makes no membership; it mails the
// person the join page prefilled, and only their confirmation makes the
// membership, pending or (where the union auto-approves) active, credited
// to who asked, closing the pipeline entry and its open tasks.
func TestJoinedSendsAnInvitation(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, tv := pipelineFixture(t, s)
		ctx := context.Background()
		colleague := f.person(t, "Kari", "Kollega", f.wA)
		task := importOne(t, s, f, "Rita")
		exec(t, s, `UPDATE persons SET email = 'rita@example.no' WHERE id = $1`, task.PersonID)
		res, err := s.LogOutcome(ctx, f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeJoined, RecruiterID: colleague.ID, ConfirmURL: testConfirmURL})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1`, task.PersonID); n != 0 {
			t.Fatalf("joined made %d memberships before confirmation", n)
		}
		if !res.Mailed || res.FollowUp == nil || res.FollowUp.Title != pipeline.TitleConfirmJoin {
			t.Fatalf("outcome = %+v", res)
		}
		_, text, token := confirmMail(t, s, "rita@example.no")
		if !strings.Contains(res.Invitation, token) || !strings.Contains(text, "LINK") {
			t.Fatalf("mail %q, link %q", text, res.Invitation)
		}
		in, err := s.InvitationByLink(ctx, token)
		if err != nil || in == nil || in.FirstName != "Rita" || in.Email != "rita@example.no" || in.Workplace != f.wA.Name || in.Recruiter != "Kari Kollega" {
			t.Fatalf("invitation = %+v, %v", in, err)
		}
		// A stray task about her at the workplace, which joining closes too.
		exec(t, s, `INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
			VALUES ('ask', 'x', $1, $2, $3, $4, $5, 'open', $6)`, task.PersonID, f.wA.ID, f.clubA.Path, tv.ID, day0, day0)
		ar, err := s.ConfirmApplication(ctx, access.Visitor(""), token)
		if err != nil {
			t.Fatal(err)
		}
		if ar.PersonID != task.PersonID || ar.Status != model.StatusPending || ar.RecruiterID != colleague.ID {
			t.Fatalf("confirmed = %+v", ar)
		}
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1 AND recruited_by = $2 AND status = 'pending' AND source = $3`,
			task.PersonID, colleague.ID, model.SourceJoinPage); n != 1 {
			t.Error("no pending application credited to the colleague")
		}
		if n := count(t, s, `SELECT count(*) FROM pipeline WHERE person_id = $1 AND outcome = 'joined' AND erase_after IS NULL`, task.PersonID); n != 1 {
			t.Error("the pipeline entry is not closed as joined and kept")
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1 AND status = 'open'`, task.PersonID); n != 0 {
			t.Errorf("%d open tasks about a new member", n)
		}
		if _, err := s.ConfirmApplication(ctx, access.Visitor(""), token); err != ErrLinkUsed {
			t.Fatalf("second confirmation: %v", err)
		}
		if apps, err := s.Applications(ctx, f.admin, model.StatusPending, 10); err != nil || len(apps) != 1 || apps[0].Recruiter != "Kari Kollega" {
			t.Fatalf("applications = %+v, %v", apps, err)
		}

		// Auto-approval: active at once. Without an e-mail address the
		// link is only handed over.
		if err := s.SaveJoinSettings(ctx, f.admin, JoinSettings{AutoApprove: true, CreditMonths: 3, Intro: "x", Consent: "ja"}); err != nil {
			t.Fatal(err)
		}
		other := importOne(t, s, f, "Pål")
		mails := count(t, s, `SELECT count(*) FROM outbox`)
		res = joinByInvite(t, s, f.steward, pipeline.Outcome{TaskID: other.ID, Result: pipeline.OutcomeJoined})
		if res.Mailed || count(t, s, `SELECT count(*) FROM outbox`) != mails {
			t.Error("an invitation was mailed to a person without an address")
		}
		if n := count(t, s, `SELECT count(*) FROM persons p JOIN memberships m ON m.person_id = p.id
			WHERE p.id = $1 AND p.member_status = 'active' AND m.status = 'active' AND m.recruited_by = $2`, other.PersonID, tv.ID); n != 1 {
			t.Error("auto-approved invitation: no active membership credited to the steward")
		}
	})
}

// TestNewHiresAreShared: a list's new hires go to the workplace's
// stewards, by department where a role names one, else in turn.
func TestNewHiresAreShared(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, tv := pipelineFixture(t, s)
		ctx := context.Background()
		sys := access.System("test")
		akutt := f.person(t, "Aud", "Akutt", f.wA)
		third := f.person(t, "Siv", "Steward", f.wA)
		former := f.person(t, "Finn", "Før", f.wA)
		today := s.Today()
		// Siv is elected for a term, as an admin appoints; Finn's term ended
		// today, so he shares nothing.
		for _, r := range []*model.Role{
			{PersonID: akutt.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: day0},
			{PersonID: third.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: today.AddDate(0, -1, 0), EndDate: today.AddDate(2, 0, 0)},
			{PersonID: former.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: today.AddDate(-2, 0, 0), EndDate: today},
		} {
			if err := s.AddRole(ctx, sys, r); err != nil {
				t.Fatal(err)
			}
		}
		exec(t, s, `UPDATE roles SET department = 'Akutt' WHERE person_id = $1`, akutt.ID)
		dept := func(d string) func(*model.NewHire) { return func(h *model.NewHire) { h.Department = d } }
		list := rowsOf(hire(2, "A", "En", f.wA, dept("akutt")), hire(3, "B", "To", f.wA, nil), hire(4, "C", "Tre", f.wA, dept("Lager")),
			hire(5, "D", "Fire", f.wA, nil), hire(6, "E", "Fem", f.wA, dept("AKUTT")))
		if _, err := s.Import(ctx, f.steward, ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Filename: "x.csv", Source: "HR",
			LawfulBasis: "x", Commit: true}, list); err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		rows, err := s.r.Query(`SELECT p.first_name, t.owner_person_id FROM tasks t JOIN persons p ON p.id = t.person_id WHERE t.kind = 'welcome'`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			var o int64
			if err := rows.Scan(&n, &o); err != nil {
				t.Fatal(err)
			}
			got[n] = o
		}
		rows.Close()
		// Tove and Siv cover the workplace and take turns; Aud has Akutt.
		want := map[string]int64{"A": akutt.ID, "B": tv.ID, "C": third.ID, "D": tv.ID, "E": akutt.ID}
		for n, o := range want {
			if got[n] != o {
				t.Errorf("%s's welcome goes to %d, want %d (all: %v)", n, got[n], o, got)
			}
		}
	})
}

// TestHandOverTask: a steward hands a task to a fellow steward of the
// club, who may take it back; a person without such a role is refused,
// and a steward of another club cannot touch it.
func TestHandOverTask(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, tv := pipelineFixture(t, s)
		ctx := context.Background()
		sys := access.System("test")
		fellow := f.person(t, "Frode", "Fellow", f.wA)
		plain := f.person(t, "Mona", "Medlem", f.wA)
		away := f.person(t, "Berit", "Borte", f.wB)
		former := f.person(t, "Finn", "Før", f.wA)
		today := s.Today()
		// Frode holds a two-year term; Finn's ended today.
		for _, r := range []*model.Role{
			{PersonID: fellow.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: today.AddDate(0, -1, 0), EndDate: today.AddDate(2, 0, 0)},
			{PersonID: away.ID, Role: model.RoleShopSteward, UnitID: f.clubB.ID, StartDate: day0},
			{PersonID: former.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: today.AddDate(-2, 0, 0), EndDate: today},
		} {
			if err := s.AddRole(ctx, sys, r); err != nil {
				t.Fatal(err)
			}
		}
		task := importOne(t, s, f, "Rita")
		holders, err := s.TaskHolders(ctx, f.steward, task.UnitPath, task.WorkplaceID)
		if err != nil || len(holders) != 1 || holders[0].PersonID != fellow.ID {
			t.Fatalf("holders = %+v, %v", holders, err)
		}
		for _, id := range []int64{plain.ID, away.ID, former.ID, 0} {
			if err := s.ReassignTask(ctx, f.steward, task.ID, id); model.ErrorCode(err) != model.EINVALID {
				t.Errorf("hand to %d: %v", id, err)
			}
		}
		if err := s.ReassignTask(ctx, f.steward, task.ID, fellow.ID); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE id = $1 AND owner_person_id = $2`, task.ID, fellow.ID); n != 1 {
			t.Error("the task did not move")
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'task' AND entity_id = $1 AND fields = 'owner'`, task.ID); n != 1 {
			t.Error("the hand-over is not audited")
		}
		other := &access.Principal{PersonID: away.ID, Username: "berit", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubB.Path}}}
		if err := s.ReassignTask(ctx, other, task.ID, away.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a steward of another club: %v", err)
		}
		// Ta over: Tove takes it back.
		if err := s.ReassignTask(ctx, f.steward, task.ID, tv.ID); err != nil {
			t.Fatal(err)
		}
		d, err := s.MyDay(ctx, f.steward)
		if err != nil || len(d.Upcoming)+len(d.Today)+len(d.Overdue) != 1 {
			t.Fatalf("Tove's day after taking it over: %+v, %v", d, err)
		}
	})
}

// TestMeIsOnlyThemselves: a member without any role reads their own page
// and data, corrects their own contact details (audited under their name),
// and reaches nobody else.
func TestMeIsOnlyThemselves(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		mona := f.person(t, "Mona", "Medlem", f.wA)
		kari := f.person(t, "Kari", "Kollega", f.wA)
		exec(t, s, `INSERT INTO memberships (person_id, type, status, start_date) VALUES ($1, 'ordinary', 'active', $2)`, mona.ID, day0)
		exec(t, s, `INSERT INTO employments (person_id, workplace_id, start_date, department) VALUES ($1, $2, $3, 'Akutt')`, mona.ID, f.wA.ID, day0)
		u := &access.Principal{UserID: 42, PersonID: mona.ID, Username: "mona"}
		me, err := s.Me(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if me.Person.ID != mona.ID || me.Workplace != f.wA.Name || len(me.Memberships) != 1 || me.Memberships[0].Status != model.StatusActive {
			t.Fatalf("me = %+v", me)
		}
		if _, err := s.Person(ctx, u, kari.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a member reads a colleague: %v", err)
		}
		if _, err := s.History(ctx, u, kari.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a member reads a colleague's history: %v", err)
		}
		if _, err := s.UpdateContactInfo(ctx, u, kari.ID, "x@example.no", "", "", ""); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a member corrects a colleague: %v", err)
		}
		p, err := s.UpdateContactInfo(ctx, u, mona.ID, "mona.ny@example.no", "+4798765432", "Nygata 2", "7010")
		if err != nil {
			t.Fatal(err)
		}
		if p.Email != "mona.ny@example.no" || p.PostalPlace == "" {
			t.Errorf("corrected = %+v", p)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'person' AND entity_id = $1 AND user_id = 42 AND action = 'update'`, mona.ID); n != 1 {
			t.Error("the correction is not audited under the member's name")
		}
		d, err := s.OwnData(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if d.Person.Email != "mona.ny@example.no" || len(d.Memberships) != 1 || len(d.Employments) != 1 || d.Employments[0].Department != "Akutt" {
			t.Errorf("own data = %+v", d)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'person' AND entity_id = $1`, mona.ID); n != 1 {
			t.Error("the download is not audited")
		}
		// A steward reads themself too, with their scope's arguments unused.
		if p, err := s.Person(ctx, f.steward, f.steward.PersonID); err != nil || p.ID != f.steward.PersonID {
			t.Errorf("a steward reading themself: %v", err)
		}
		nobody := &access.Principal{UserID: 43, Username: "uten person"}
		if _, err := s.Me(ctx, nobody); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a user without a person: %v", err)
		}
		if ids := personIDs(t, s, u); !slices.Equal(ids, []int64{}) {
			t.Errorf("a member searching finds %v", ids)
		}
	})
}

func personIDs(t *testing.T, s *Storage, u *access.Principal) []int64 {
	t.Helper()
	ps, err := s.SearchPersons(context.Background(), u, "e", 50)
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{}
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

// TestRegisterJoinClosesPipeline: a known person the register has as a
// member again is no longer asked: their open pipeline entry closes as
// joined and its open tasks are cancelled.
func TestRegisterJoinClosesPipeline(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		now := regDay0
		s.SetClock(func() time.Time { return now })
		admin, _ := regAdmin(t, s)
		load(t, s, admin, register.Options{}, baseExport()...)
		resigned := baseExport()
		resigned[1].Status, resigned[1].Resigned = model.StatusResigned, d(2026, 3, 1)
		now = now.AddDate(0, 0, 7)
		load(t, s, admin, register.Options{}, resigned...)
		ola := personByNo(t, s, "1002")
		var wid int64
		var path string
		if err := s.r.QueryRow(`SELECT workplace_id, unit_path FROM persons WHERE id = $1`, ola).Scan(&wid, &path); err != nil {
			t.Fatal(err)
		}
		exec(t, s, `INSERT INTO pipeline (person_id, workplace_id, unit_path, kind, created_at) VALUES ($1, $2, $3, 'unorganised', $4)`, ola, wid, path, now)
		exec(t, s, `INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, due, status, created_at)
			VALUES ('ask', 'x', $1, $2, $3, $4, 'open', $5)`, ola, wid, path, now, now)
		now = now.AddDate(0, 0, 7)
		load(t, s, admin, register.Options{}, baseExport()...)
		if n := count(t, s, `SELECT count(*) FROM pipeline WHERE person_id = $1 AND outcome = 'joined'`, ola); n != 1 {
			t.Error("the pipeline entry is not closed as joined")
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1 AND status = 'open' AND kind = 'ask'`, ola); n != 0 {
			t.Errorf("%d open asks of a member", n)
		}
	})
}

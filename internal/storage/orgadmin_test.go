package storage

import (
	"context"
	"slices"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// orgFixture adds to the fixture a branch in the region, a second region
// with a club and a workplace, and an admin of that region only.
type orgFixture struct {
	*fixture
	region, branch, region2, clubC *model.OrgUnit
	wC                             *model.Workplace
	regionAdmin                    *access.Principal
}

func newOrgFixture(t *testing.T, s *Storage) *orgFixture {
	t.Helper()
	ctx := context.Background()
	f := &orgFixture{fixture: newFixture(t, s)}
	region, err := s.AdminUnit(ctx, f.admin, f.clubA.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	f.region = &region.OrgUnit
	f.branch = &model.OrgUnit{Kind: model.UnitBranch, Name: "Avdeling Sør", ParentID: f.region.ID}
	f.region2 = &model.OrgUnit{Kind: model.UnitRegion, Name: "Region Vest", ParentID: f.region.ParentID}
	for _, o := range []*model.OrgUnit{f.branch, f.region2} {
		if err := s.CreateUnit(ctx, f.admin, o); err != nil {
			t.Fatal(err)
		}
	}
	f.regionAdmin = &access.Principal{Username: "vest", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitID: f.region2.ID, UnitPath: f.region2.Path}}}
	f.clubC = &model.OrgUnit{Kind: model.UnitClub, Name: "Klubb C", ParentID: f.region2.ID}
	if err := s.CreateUnit(ctx, f.regionAdmin, f.clubC); err != nil {
		t.Fatal(err)
	}
	f.wC = &model.Workplace{UnitID: f.clubC.ID, Name: "Bergen kommune", Orgnr: "964338531"}
	if err := s.CreateWorkplace(ctx, f.regionAdmin, f.wC); err != nil {
		t.Fatal(err)
	}
	return f
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if model.ErrorCode(err) != code {
		t.Fatalf("%s: %v (code %q), want %s", what, err, model.ErrorCode(err), code)
	}
}

func (f *orgFixture) pathOf(t *testing.T, query string, id int64) string {
	t.Helper()
	var p string
	if err := f.s.DB().QueryRow(query, id).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMoveUnitRewritesPaths(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newOrgFixture(t, s)
		p := f.person(t, "Kari", "Nordmann", f.wA)
		var taskID int64
		if err := s.DB().QueryRow(`INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, due, status, created_at)
			VALUES ('welcome', 'x', $1, $2, $3, $4, 'open', $5) RETURNING id`, p.ID, f.wA.ID, f.clubA.Path, day0, day0).Scan(&taskID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "under itself", s.MoveUnit(ctx, f.admin, f.clubA.ID, f.clubA.ID), model.EINVALID)
		wantCode(t, "region under its own branch", s.MoveUnit(ctx, f.admin, f.region.ID, f.branch.ID), model.EINVALID)
		wantCode(t, "the union", s.MoveUnit(ctx, f.admin, f.region.ParentID, f.region2.ID), model.EINVALID)

		if err := s.MoveUnit(ctx, f.admin, f.clubA.ID, f.branch.ID); err != nil {
			t.Fatal(err)
		}
		want := f.branch.Path + itoa(f.clubA.ID) + "/"
		for what, got := range map[string]string{
			"unit":   f.pathOf(t, `SELECT path FROM org_units WHERE id = $1`, f.clubA.ID),
			"person": f.pathOf(t, `SELECT unit_path FROM persons WHERE id = $1`, p.ID),
			"task":   f.pathOf(t, `SELECT unit_path FROM tasks WHERE id = $1`, taskID),
		} {
			if got != want {
				t.Errorf("%s path = %s, want %s", what, got, want)
			}
		}
		// The members' subtree counts moved with the club.
		if n, err := s.RebuildAggregates(ctx, f.admin); err != nil || n != 0 {
			t.Fatalf("after the move the rebuild corrected %d counts (%v)", n, err)
		}
		if n, err := s.memberSum(ctx, access.Scope{Paths: []string{f.branch.Path}}); err != nil || n != 1 {
			t.Fatalf("the branch's members %d (%v), want 1", n, err)
		}
		// The steward of the club, loaded afresh, still sees the workplace.
		w, err := s.Workplace(ctx, &access.Principal{Username: "tv", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: want}}}, f.wA.ID)
		if err != nil || w.UnitPath != want {
			t.Fatalf("workplace after move: %v %v", w, err)
		}
		h, err := s.UnitHistory(ctx, f.admin, f.clubA.ID, 10)
		if err != nil || len(h) < 2 || h[0].Action != "move" || h[0].Detail != "Region Trøndelag → Avdeling Sør" {
			t.Fatalf("history = %+v, %v", h, err)
		}
		// Moving it back under a unit that does not take clubs, then rename.
		if err := s.RenameUnit(ctx, f.admin, f.clubA.ID, "  Klubb Alfa "); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "empty name", s.RenameUnit(ctx, f.admin, f.clubA.ID, " "), model.EINVALID)
		wantCode(t, "branch under a club", s.MoveUnit(ctx, f.admin, f.branch.ID, f.clubB.ID), model.EINVALID)
	})
}

func TestCloseUnitMovesWhatHangsBelow(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newOrgFixture(t, s)
		p := f.person(t, "Kari", "Nordmann", f.wA)
		if err := s.AddRole(ctx, f.admin, &model.Role{PersonID: p.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: s.Today()}); err != nil {
			t.Fatal(err)
		}
		// A prize for recruiting in club A, and a coordinator of club B
		// given club A as a further scope.
		level := &RewardLevel{UnitID: f.clubA.ID, Recruits: 3, Prize: "Kinobillett"}
		if err := s.SaveRewardLevel(ctx, f.admin, level); err != nil {
			t.Fatal(err)
		}
		coord := &model.Role{PersonID: f.person(t, "Kai", "Koordinator", f.wB).ID, Role: model.RoleCoordinator, UnitID: f.clubB.ID, StartDate: s.Today()}
		if err := s.AddRole(ctx, f.admin, coord); err != nil {
			t.Fatal(err)
		}
		if err := s.AddRoleScope(ctx, f.admin, &model.RoleScope{RoleID: coord.ID, UnitID: f.clubA.ID}); err != nil {
			t.Fatal(err)
		}
		pre, err := s.PreviewClose(ctx, f.admin, f.clubA.ID)
		if err != nil || pre.Workplaces != 1 || pre.Members != 1 || pre.Roles != 1 || pre.SubUnits != 0 || pre.RewardLevels != 1 || pre.Portfolios != 1 {
			t.Fatalf("preview %+v, %v", pre, err)
		}
		_, err = s.CloseUnit(ctx, f.admin, f.clubA.ID, 0)
		wantCode(t, "members without a target", err, model.EINVALID)
		_, err = s.CloseUnit(ctx, f.admin, f.region.ID, f.clubB.ID)
		wantCode(t, "a region with open clubs", err, model.ECONFLICT)
		if _, err := s.CloseUnit(ctx, f.admin, f.clubA.ID, f.clubB.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.pathOf(t, `SELECT unit_path FROM persons WHERE id = $1`, p.ID); got != f.clubB.Path {
			t.Errorf("person path %s, want %s", got, f.clubB.Path)
		}
		// The subtree counts followed the workplace, the members and the
		// ended role.
		if n, err := s.RebuildAggregates(ctx, f.admin); err != nil || n != 0 {
			t.Errorf("after closing the rebuild corrected %d counts (%v)", n, err)
		}
		w, _ := s.Workplace(ctx, f.admin, f.wA.ID)
		if w.UnitID != f.clubB.ID {
			t.Errorf("workplace in unit %d, want %d", w.UnitID, f.clubB.ID)
		}
		roles, _ := s.Roles(ctx, f.admin, f.clubA.ID, 10)
		if len(roles) != 0 {
			t.Errorf("roles still held: %+v", roles)
		}
		levels, err := s.RewardLevels(ctx)
		if err != nil || len(levels) != 1 || levels[0].UnitID != f.clubB.ID {
			t.Errorf("reward levels after closing: %+v, %v", levels, err)
		}
		if _, scopes, err := s.RoleScopes(ctx, f.admin, coord.ID); err != nil || len(scopes) != 0 {
			t.Errorf("the coordinator still reaches the closed club: %+v, %v", scopes, err)
		}
		tree, _ := s.UnitTree(ctx, f.admin)
		for _, u := range tree {
			if u.ID == f.clubA.ID {
				t.Error("closed unit in the tree")
			}
		}
		wantCode(t, "a unit under a closed one", s.CreateUnit(ctx, f.admin, &model.OrgUnit{Kind: model.UnitClub, Name: "X", ParentID: f.clubA.ID}), model.ECONFLICT)
		wantCode(t, "rename a closed unit", s.RenameUnit(ctx, f.admin, f.clubA.ID, "Y"), model.ECONFLICT)
		// An empty unit closes without a target.
		if _, err := s.CloseUnit(ctx, f.admin, f.branch.ID, 0); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMoveAndMergeWorkplaces(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newOrgFixture(t, s)
		p := f.person(t, "Ola", "Nordmann", f.wB)
		if _, err := s.DB().Exec(`INSERT INTO employments (person_id, workplace_id, start_date) VALUES ($1, $2, $3)`, p.ID, f.wB.ID, day0); err != nil {
			t.Fatal(err)
		}
		if err := s.MoveWorkplace(ctx, f.admin, f.wB.ID, f.branch.ID); err != nil {
			t.Fatal(err)
		}
		// An open possible match between a person of B and one of A is
		// decided where both are: the region, before and after B moves to
		// the branch in it; the union once A moves to another region.
		q := f.person(t, "Ola", "Nordmenn", f.wA)
		if _, err := s.DB().Exec(`INSERT INTO match_candidates (person_id, candidate_id, unit_path, source, match, created_at) VALUES ($1, $2, $3, 'import', 'name_birth', $4)`,
			p.ID, q.ID, f.region.Path, day0); err != nil {
			t.Fatal(err)
		}
		if err := s.MoveWorkplace(ctx, f.admin, f.wB.ID, f.branch.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.pathOf(t, `SELECT unit_path FROM persons WHERE id = $1`, p.ID); got != f.branch.Path {
			t.Errorf("person after move: %s, want %s", got, f.branch.Path)
		}
		if err := s.MoveWorkplace(ctx, f.admin, f.wA.ID, f.clubC.ID); err != nil {
			t.Fatal(err)
		}
		if got, union := f.pathOf(t, `SELECT unit_path FROM match_candidates WHERE person_id = $1`, p.ID), access.CommonPath(f.region.Path, f.region2.Path); got != union {
			t.Errorf("possible match after the move: decided at %s, want %s", got, union)
		}
		if err := s.MoveWorkplace(ctx, f.admin, f.wA.ID, f.clubA.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.pathOf(t, `SELECT unit_path FROM match_candidates WHERE person_id = $1`, p.ID); got != f.region.Path {
			t.Errorf("possible match after moving back: decided at %s, want %s", got, f.region.Path)
		}
		wantCode(t, "orgnr", s.LinkOrgnr(ctx, f.admin, f.wB.ID, "123"), model.EINVALID)
		wantCode(t, "orgnr of another", s.LinkOrgnr(ctx, f.admin, f.wB.ID, f.wA.Orgnr), model.ECONFLICT)
		if err := s.LinkOrgnr(ctx, f.admin, f.wB.ID, "974 760 673"); err != nil {
			t.Fatal(err)
		}
		// An advisor's portfolio holds the duplicate: it follows the merge.
		adv := f.person(t, "Rita", "Rådgiver", f.wA)
		advRole := &model.Role{PersonID: adv.ID, Role: model.RoleAdvisor, UnitID: f.clubA.ID, StartDate: s.Today()}
		if err := s.AddRole(ctx, f.admin, advRole); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(`INSERT INTO role_scopes (role_id, workplace_id) VALUES ($1, $2)`, advRole.ID, f.wB.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "merge into itself", s.MergeWorkplaces(ctx, f.admin, f.wB.ID, f.wB.ID), model.EINVALID)
		// Each place has its own chief steward: merged, the workplace would
		// have two at once. Refused until one term has ended.
		for _, w := range []*model.Workplace{f.wA, f.wB} {
			chief := f.person(t, "Hege", "Hoved", w)
			if _, err := s.DB().Exec(`INSERT INTO roles (person_id, role, unit_id, workplace_id, start_date) SELECT $1, 'chief_shop_steward', unit_id, id, $2 FROM workplaces WHERE id = $3`,
				chief.ID, day0, w.ID); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, "merge two chief stewards", s.MergeWorkplaces(ctx, f.admin, f.wB.ID, f.wA.ID), model.ECONFLICT)
		if n := count(t, s, `SELECT count(*) FROM workplaces WHERE id = $1`, f.wB.ID); n != 1 {
			t.Fatal("a refused merge deleted the workplace")
		}
		if _, err := s.DB().Exec(`UPDATE roles SET end_date = $1 WHERE workplace_id = $2`, date(s.Today()), f.wB.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.MergeWorkplaces(ctx, f.admin, f.wB.ID, f.wA.ID); err != nil {
			t.Fatal(err)
		}
		var wid, ewid int64
		s.DB().QueryRow(`SELECT workplace_id FROM persons WHERE id = $1`, p.ID).Scan(&wid)
		s.DB().QueryRow(`SELECT workplace_id FROM employments WHERE person_id = $1`, p.ID).Scan(&ewid)
		if wid != f.wA.ID || ewid != f.wA.ID || f.pathOf(t, `SELECT unit_path FROM persons WHERE id = $1`, p.ID) != f.clubA.Path {
			t.Errorf("after merge: person at %d, employment at %d", wid, ewid)
		}
		var swid int64
		s.DB().QueryRow(`SELECT workplace_id FROM role_scopes WHERE role_id = $1`, advRole.ID).Scan(&swid)
		if swid != f.wA.ID {
			t.Errorf("portfolio after merge: workplace %d, want %d", swid, f.wA.ID)
		}
		_, err := s.Workplace(ctx, f.admin, f.wB.ID)
		wantCode(t, "merged workplace", err, model.ENOTFOUND)
		h, err := s.WorkplaceHistory(ctx, f.admin, f.wA.ID, 10)
		if err != nil || len(h) == 0 || h[0].Action != "merge" {
			t.Fatalf("history %+v %v", h, err)
		}
	})
}

func TestAppointAndOverlap(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newOrgFixture(t, s)
		today := s.Today()
		a, b := f.person(t, "Anne", "Leder", f.wA), f.person(t, "Bjørn", "Nestleder", f.wA)
		term := func(p *model.Person, role model.RoleName, years, startYears int) *model.Role {
			return &model.Role{PersonID: p.ID, Role: role, UnitID: f.clubA.ID, StartDate: today.AddDate(startYears, 0, 0), EndDate: today.AddDate(startYears+years, 0, 0)}
		}
		first := term(a, model.RoleChiefShopSteward, 2, 0)
		if err := s.AddRole(ctx, f.admin, first); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "overlapping chief", s.AddRole(ctx, f.admin, term(b, model.RoleChiefShopSteward, 2, 1)), model.ECONFLICT)
		wantCode(t, "open-ended chief", s.AddRole(ctx, f.admin, &model.Role{PersonID: b.ID, Role: model.RoleChiefShopSteward, UnitID: f.clubA.ID, StartDate: today.AddDate(-1, 0, 0)}), model.ECONFLICT)
		if err := s.AddRole(ctx, f.admin, term(b, model.RoleChiefShopSteward, 2, 2)); err != nil {
			t.Fatalf("the next term: %v", err)
		}
		// Shop stewards are many.
		for _, p := range []*model.Person{a, b} {
			if err := s.AddRole(ctx, f.admin, term(p, model.RoleShopSteward, 2, 0)); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, "end before start", s.AddRole(ctx, f.admin, &model.Role{PersonID: b.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: today, EndDate: today}), model.EINVALID)
		wantCode(t, "unknown role", s.AddRole(ctx, f.admin, &model.Role{PersonID: b.ID, Role: "king", UnitID: f.clubA.ID, StartDate: today}), model.EINVALID)

		// Ending the first term today lets another chief in.
		if err := s.EndRole(ctx, f.admin, first.ID, today); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "ending twice", s.EndRole(ctx, f.admin, first.ID, today), model.ECONFLICT)
		if err := s.AddRole(ctx, f.admin, term(a, model.RoleChiefShopSteward, 1, 0)); err != nil {
			t.Fatalf("after the end: %v", err)
		}
		roles, err := s.Roles(ctx, f.admin, f.clubA.ID, 10)
		if err != nil || len(roles) != 4 || !roles[0].EndDate.Equal(today.AddDate(1, 0, 0)) || roles[0].EndsSoon {
			t.Fatalf("roles %+v, %v", roles, err)
		}
	})
}

func TestOrgAdminPermissions(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newOrgFixture(t, s)
		p := f.person(t, "Kari", "Nordmann", f.wA)
		ra, st := f.regionAdmin, f.steward
		// A region admin cannot touch another region; a steward nothing.
		for _, c := range []struct {
			who  *access.Principal
			code string
		}{{ra, model.ENOTFOUND}, {st, model.EFORBIDDEN}} {
			wantCode(t, "create unit", s.CreateUnit(ctx, c.who, &model.OrgUnit{Kind: model.UnitClub, Name: "X", ParentID: f.clubA.ID}), c.code)
			wantCode(t, "create workplace", s.CreateWorkplace(ctx, c.who, &model.Workplace{UnitID: f.clubA.ID, Name: "X", Orgnr: "974760673"}), c.code)
			wantCode(t, "rename", s.RenameUnit(ctx, c.who, f.clubA.ID, "X"), c.code)
			wantCode(t, "appoint", s.AddRole(ctx, c.who, &model.Role{PersonID: p.ID, Role: model.RoleShopSteward, UnitID: f.clubA.ID, StartDate: s.Today()}), c.code)
			_, err := s.CloseUnit(ctx, c.who, f.clubA.ID, f.clubB.ID)
			wantCode(t, "close", err, c.code)
			wantCode(t, "move", s.MoveUnit(ctx, c.who, f.clubA.ID, f.branch.ID), c.code)
		}
		wantCode(t, "region admin moves a workplace", s.MoveWorkplace(ctx, ra, f.wA.ID, f.clubC.ID), model.ENOTFOUND)
		wantCode(t, "region admin pulls one in", s.MoveWorkplace(ctx, ra, f.wC.ID, f.clubA.ID), model.ENOTFOUND)
		wantCode(t, "region admin merges across", s.MergeWorkplaces(ctx, ra, f.wC.ID, f.wA.ID), model.ENOTFOUND)
		wantCode(t, "steward moves own workplace", s.MoveWorkplace(ctx, st, f.wA.ID, f.clubB.ID), model.EFORBIDDEN)
		wantCode(t, "region admin appoints an outsider", s.AddRole(ctx, ra, &model.Role{PersonID: p.ID, Role: model.RoleShopSteward, UnitID: f.clubC.ID, StartDate: s.Today()}), model.ENOTFOUND)
		wantCode(t, "region admin makes a root", s.CreateUnit(ctx, ra, &model.OrgUnit{Kind: model.UnitUnion, Name: "X"}), model.ENOTFOUND)
		if _, err := s.UnitHistory(ctx, ra, f.clubA.ID, 5); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("history of another region: %v", err)
		}
		if roles, _ := s.Roles(ctx, st, 0, 10); len(roles) != 0 {
			t.Errorf("steward lists roles: %v", roles)
		}
		// Within its region the region admin may.
		if err := s.RenameUnit(ctx, ra, f.clubC.ID, "Klubb Vest"); err != nil {
			t.Fatal(err)
		}
		if units, _ := s.AdminUnits(ctx, ra); len(units) != 2 || units[0].ID != f.region2.ID || units[1].Depth != 1 {
			t.Errorf("admin units of the region admin: %+v", units)
		}
	})
}

func TestDisableAccount(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newOrgFixture(t, s)
		p := f.person(t, "Kari", "Nordmann", f.wA)
		usr := &model.User{PersonID: p.ID, Username: "kari", PasswordHash: "x"}
		wantCode(t, "region admin adds a user elsewhere", s.CreateUser(ctx, f.regionAdmin, usr), model.ENOTFOUND)
		wantCode(t, "steward adds a user", s.CreateUser(ctx, f.steward, usr), model.EFORBIDDEN)
		if err := s.CreateUser(ctx, f.admin, usr); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "region admin disables", s.SetDisabled(ctx, f.regionAdmin, usr.ID, true, "nei"), model.ENOTFOUND)
		wantCode(t, "no reason", s.SetDisabled(ctx, f.admin, usr.ID, true, " "), model.EINVALID)
		if err := s.SetDisabled(ctx, f.admin, usr.ID, true, "Sluttet som tillitsvalgt"); err != nil {
			t.Fatal(err)
		}
		_, err := s.Principal(ctx, usr.ID)
		wantCode(t, "disabled principal", err, model.EUNAUTH)
		acc, _ := s.Accounts(ctx, f.admin, 10)
		if len(acc) != 1 || !acc[0].Disabled || acc[0].Reason != "Sluttet som tillitsvalgt" || acc[0].Name != "Kari Nordmann" {
			t.Fatalf("accounts %+v", acc)
		}
		if acc, _ := s.Accounts(ctx, f.regionAdmin, 10); len(acc) != 0 {
			t.Fatalf("region admin lists %+v", acc)
		}
		if err := s.SetDisabled(ctx, f.admin, usr.ID, false, "Tilbake"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Principal(ctx, usr.ID); err != nil {
			t.Fatal(err)
		}
		self := &access.Principal{UserID: usr.ID, Username: "kari", Grants: f.admin.Grants}
		wantCode(t, "disable oneself", s.SetDisabled(ctx, self, usr.ID, true, "x"), model.EINVALID)
	})
}

// TestRegisterRolesStayTheRegisters: a role from the member register is
// listed as the register's, cannot be ended here, and outlives the closing
// of its unit (the next register load decides); Verve's own role ends.
func TestRegisterRolesStayTheRegisters(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newOrgFixture(t, s)
		p := f.person(t, "Rita", "Register", f.wA)
		var regRole int64
		if err := s.DB().QueryRow(`INSERT INTO roles (person_id, role, unit_id, start_date, source) VALUES ($1, 'shop_steward', $2, $3, 'register') RETURNING id`,
			p.ID, f.clubA.ID, date(s.Today().AddDate(-1, 0, 0))).Scan(&regRole); err != nil {
			t.Fatal(err)
		}
		own := &model.Role{PersonID: p.ID, Role: model.RoleClubLeader, UnitID: f.clubA.ID, StartDate: s.Today()}
		if err := s.AddRole(ctx, f.admin, own); err != nil {
			t.Fatal(err)
		}
		roles, err := s.Roles(ctx, f.admin, f.clubA.ID, 10)
		if err != nil || len(roles) != 2 {
			t.Fatalf("roles %+v, %v", roles, err)
		}
		for _, r := range roles {
			if r.Register != (r.ID == regRole) {
				t.Errorf("role %d: register %v", r.ID, r.Register)
			}
		}
		wantCode(t, "ending the register's role", s.EndRole(ctx, f.admin, regRole, s.Today()), model.ECONFLICT)
		pre, err := s.PreviewClose(ctx, f.admin, f.clubA.ID)
		if err != nil || pre.Roles != 1 {
			t.Fatalf("preview counts %d roles to end, want Verve's one (%v)", pre.Roles, err)
		}
		if _, err := s.CloseUnit(ctx, f.admin, f.clubA.ID, f.clubB.ID); err != nil {
			t.Fatal(err)
		}
		var regEnded, ownEnded bool
		s.DB().QueryRow(`SELECT end_date IS NOT NULL FROM roles WHERE id = $1`, regRole).Scan(&regEnded)
		s.DB().QueryRow(`SELECT end_date IS NOT NULL FROM roles WHERE id = $1`, own.ID).Scan(&ownEnded)
		if regEnded || !ownEnded {
			t.Errorf("after closing: the register's role ended %v, Verve's %v", regEnded, ownEnded)
		}
	})
}

// TestRolesFirstEnding: the list of terms has those ending first, by date,
// unit and person, then the open ones by unit and person (Norwegian
// order), past terms left out; a shorter list is its beginning; a unit's
// list and a region admin's hold theirs only, and RoleCount counts what
// the full list holds.
func TestRolesFirstEnding(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newOrgFixture(t, s)
		today := s.Today()
		exec := writerExec(t, s)
		term := func(first, last string, unit *model.OrgUnit, w *model.Workplace, start, end int) {
			p := f.person(t, first, last, w)
			var until any
			if end != 0 {
				until = date(today.AddDate(0, 0, end))
			}
			exec(`INSERT INTO roles (person_id, role, unit_id, start_date, end_date) VALUES ($1, 'shop_steward', $2, $3, $4)`,
				p.ID, unit.ID, date(today.AddDate(0, 0, start)), until)
		}
		term("Tidligere", "Tillitsvalgt", f.clubA, f.wA, -400, -1)
		term("Åse", "Ås", f.clubB, f.wB, -10, 0)
		term("Kari", "Berg", f.clubB, f.wB, -10, 0)
		term("Ny", "Nilsen", f.clubA, f.wA, 5, 0)
		term("Bjørn", "Olsen", f.clubB, f.wB, -10, 30)
		term("Anne", "Hansen", f.clubA, f.wA, -10, 30)
		term("Vera", "Vik", f.clubC, f.wC, -10, 10)
		all := []string{"Vera Vik", "Anne Hansen", "Bjørn Olsen", "Ny Nilsen", "Kari Berg", "Åse Ås"}
		names := func(u *access.Principal, unit int64, limit int) []string {
			t.Helper()
			roles, err := s.Roles(ctx, u, unit, limit)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range roles {
				out = append(out, r.Person)
			}
			return out
		}
		count := func(u *access.Principal) int {
			t.Helper()
			n, err := s.RoleCount(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, c := range []struct {
			who   *access.Principal
			unit  int64
			limit int
			want  []string
		}{
			{f.admin, 0, 10, all},
			{f.admin, 0, 2, all[:2]},
			{f.admin, 0, 5, all[:5]},
			{f.admin, f.clubB.ID, 10, []string{"Bjørn Olsen", "Kari Berg", "Åse Ås"}},
			{f.regionAdmin, 0, 10, []string{"Vera Vik"}},
			{f.regionAdmin, f.clubB.ID, 10, nil},
			{f.steward, 0, 10, nil},
		} {
			if got := names(c.who, c.unit, c.limit); !slices.Equal(got, c.want) {
				t.Errorf("%s, unit %d, %d: %v\nwant %v", c.who.Username, c.unit, c.limit, got, c.want)
			}
		}
		if n := count(f.admin); n != len(all) {
			t.Errorf("admin counts %d terms, want %d", n, len(all))
		}
		if n := count(f.regionAdmin); n != 1 {
			t.Errorf("region admin counts %d terms, want 1", n)
		}
		if n := count(f.steward); n != 0 {
			t.Errorf("steward counts %d terms, want 0", n)
		}
	})
}

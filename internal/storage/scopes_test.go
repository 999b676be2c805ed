package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// scopesFixture adds to the fixture a second region with two clubs: club C
// with workplace C, club D with workplaces D and E. Workplaces B and C
// belong to one company group (hovedenhet group).
type scopesFixture struct {
	*fixture
	region2, clubC, clubD *model.OrgUnit
	wC, wD, wE            *model.Workplace
	persons               map[int64]*model.Person // one member per workplace, by workplace id
}

const groupOrgnr = "974760673"

func newScopesFixture(t *testing.T, s *Storage) *scopesFixture {
	t.Helper()
	ctx := context.Background()
	sys := access.System("test")
	f := &scopesFixture{fixture: newFixture(t, s), persons: map[int64]*model.Person{}}
	var unionID int64
	if err := s.r.QueryRow(`SELECT id FROM org_units WHERE parent_id IS NULL`).Scan(&unionID); err != nil {
		t.Fatal(err)
	}
	f.region2 = &model.OrgUnit{Kind: model.UnitRegion, Name: "Region Nord", ParentID: unionID}
	if err := s.CreateUnit(ctx, sys, f.region2); err != nil {
		t.Fatal(err)
	}
	f.clubC = &model.OrgUnit{Kind: model.UnitClub, Name: "Klubb C", ParentID: f.region2.ID}
	f.clubD = &model.OrgUnit{Kind: model.UnitClub, Name: "Klubb D", ParentID: f.region2.ID}
	for _, u := range []*model.OrgUnit{f.clubC, f.clubD} {
		if err := s.CreateUnit(ctx, sys, u); err != nil {
			t.Fatal(err)
		}
	}
	f.wC = &model.Workplace{UnitID: f.clubC.ID, Name: "NAV Tromsø", Orgnr: "973760009", Employees: 20}
	f.wD = &model.Workplace{UnitID: f.clubD.ID, Name: "Bodø kommune", Orgnr: "973760025", Employees: 30}
	f.wE = &model.Workplace{UnitID: f.clubD.ID, Name: "Bodø havn", Orgnr: "973760068", Employees: 5}
	for _, w := range []*model.Workplace{f.wC, f.wD, f.wE} {
		if err := s.CreateWorkplace(ctx, sys, w); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.w.Exec(`UPDATE workplaces SET parent_orgnr = $1 WHERE id IN ($2, $3)`, groupOrgnr, f.wB.ID, f.wC.ID); err != nil {
		t.Fatal(err)
	}
	for i, w := range []*model.Workplace{f.wA, f.wB, f.wC, f.wD, f.wE} {
		f.persons[w.ID] = f.person(t, fmt.Sprintf("Medlem%d", i), "Arbeidsplass"+string(rune('A'+i)), w)
	}
	return f
}

// user makes a person holding role on unit, with a login, and returns the
// role's id and the user's id.
func (f *scopesFixture) user(t *testing.T, name string, role model.RoleName, unit *model.OrgUnit) (roleID, userID int64) {
	t.Helper()
	ctx := context.Background()
	p := f.person(t, name, "Rolle", f.wA)
	r := &model.Role{PersonID: p.ID, Role: role, UnitID: unit.ID, StartDate: day0.AddDate(0, -1, 0)}
	if err := f.s.AddRole(ctx, f.admin, r); err != nil {
		t.Fatal(err)
	}
	usr := &model.User{PersonID: p.ID, Username: strings.ToLower(name), PasswordHash: "x"}
	if err := f.s.CreateUser(ctx, f.admin, usr); err != nil {
		t.Fatal(err)
	}
	return r.ID, usr.ID
}

// seen returns the ids of the fixture's workplaces whose member and whose
// page u reaches, checking that lists, counts and single reads agree.
func (f *scopesFixture) seen(t *testing.T, u *access.Principal) []int64 {
	t.Helper()
	ctx := context.Background()
	var out []int64
	found, err := f.s.SearchPersons(ctx, u, "Arbeidsplass", 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []*model.Workplace{f.wA, f.wB, f.wC, f.wD, f.wE} {
		p := f.persons[w.ID]
		_, perr := f.s.Person(ctx, u, p.ID)
		_, werr := f.s.WorkplaceSummary(ctx, u, w.ID)
		listed, err := f.s.PersonsAtWorkplace(ctx, u, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		searched := slices.ContainsFunc(found, func(q *model.Person) bool { return q.ID == p.ID })
		in := perr == nil
		if (werr == nil) != in || (len(listed) > 0) != in || searched != in {
			t.Fatalf("%s: person %v, workplace %v, listed %d, searched %v: disagree", w.Name, perr, werr, len(listed), searched)
		}
		if !in && (model.ErrorCode(perr) != model.ENOTFOUND || model.ErrorCode(werr) != model.ENOTFOUND) {
			t.Fatalf("%s out of scope: %v, %v; want not found", w.Name, perr, werr)
		}
		if in {
			out = append(out, w.ID)
		}
	}
	h, err := f.s.Home(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if h.Workplaces != len(out) {
		t.Errorf("home counts %d workplaces, the pages reach %d", h.Workplaces, len(out))
	}
	return out
}

// TestScopesBeyondOneSubtree: a coordinator of club A given club C in
// another region, and an advisor of club A given workplace D and the
// company group of B and C, see exactly those, and lose them when their
// term ends.
func TestScopesBeyondOneSubtree(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newScopesFixture(t, s)
		coordRole, coordUser := f.user(t, "Kari", model.RoleCoordinator, f.clubA)
		advisorRole, advisorUser := f.user(t, "Rådgiver", model.RoleAdvisor, f.clubA)
		for _, rs := range []*model.RoleScope{
			{RoleID: coordRole, UnitID: f.clubC.ID},
			{RoleID: advisorRole, WorkplaceID: f.wD.ID},
			{RoleID: advisorRole, ParentOrgnr: "974 760 673"},
		} {
			if err := s.AddRoleScope(ctx, f.admin, rs); err != nil {
				t.Fatal(err)
			}
		}
		coord, err := s.Principal(ctx, coordUser)
		if err != nil {
			t.Fatal(err)
		}
		if got := coord.Scope(access.PersonRead); !slices.Equal(got.Paths, []string{f.clubA.Path, f.clubC.Path}) || len(got.Workplaces) != 0 {
			t.Fatalf("coordinator's scope = %+v", got)
		}
		if got, want := f.seen(t, coord), []int64{f.wA.ID, f.wC.ID}; !slices.Equal(got, want) {
			t.Errorf("coordinator sees %v, want %v", got, want)
		}
		advisor, err := s.Principal(ctx, advisorUser)
		if err != nil {
			t.Fatal(err)
		}
		// Workplace E shares club D with D, but is not in the portfolio.
		if got, want := f.seen(t, advisor), []int64{f.wA.ID, f.wB.ID, f.wC.ID, f.wD.ID}; !slices.Equal(got, want) {
			t.Errorf("advisor sees %v, want %v", got, want)
		}
		ws, err := s.PortfolioWorkplaces(ctx, advisor, 10)
		if err != nil || len(ws) != 3 || ws[0].Name != "Bodø kommune" {
			t.Errorf("portfolio %v %v", ws, err)
		}
		// Writes follow the same scope: a contact at D, none at E.
		if err := s.LogContact(ctx, advisor, &model.Contact{PersonID: f.persons[f.wD.ID].ID, Kind: model.ContactPhone}); err != nil {
			t.Errorf("contact in the portfolio: %v", err)
		}
		if err := s.LogContact(ctx, advisor, &model.Contact{PersonID: f.persons[f.wE.ID].ID, Kind: model.ContactPhone}); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("contact outside the portfolio: %v, want not found", err)
		}

		// A company group's later workplace joins the portfolio.
		if _, err := s.w.Exec(`UPDATE workplaces SET parent_orgnr = $1 WHERE id = $2`, groupOrgnr, f.wE.ID); err != nil {
			t.Fatal(err)
		}
		s.auth.changed() // a write outside inTx is seen within a second (authcache.go); now, here
		if advisor, err = s.Principal(ctx, advisorUser); err != nil {
			t.Fatal(err)
		}
		if got := f.seen(t, advisor); len(got) != 5 {
			t.Errorf("advisor after E joined the group sees %v", got)
		}

		// The scopes end with the term.
		if _, err := s.w.Exec(`UPDATE roles SET end_date = $1 WHERE id IN ($2, $3)`, date(s.today()), coordRole, advisorRole); err != nil {
			t.Fatal(err)
		}
		s.auth.changed()
		for _, id := range []int64{coordUser, advisorUser} {
			u, err := s.Principal(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(u.Grants) != 0 || len(f.seen(t, u)) != 0 {
				t.Errorf("user %d after the term: %+v", id, u.Grants)
			}
		}
	})
}

// TestAddRoleScopeRefuses: a scope names one thing, in the admin's own
// scope; company groups are for union-wide admins; everything is audited.
func TestAddRoleScopeRefuses(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newScopesFixture(t, s)
		roleID, _ := f.user(t, "Kari", model.RoleCoordinator, f.clubA)
		regionAdmin := &access.Principal{Username: "regionadmin", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: regionOf(f.clubA)}}}
		for name, c := range map[string]struct {
			u    *access.Principal
			rs   model.RoleScope
			code string
		}{
			"nothing":          {f.admin, model.RoleScope{RoleID: roleID}, model.EINVALID},
			"two":              {f.admin, model.RoleScope{RoleID: roleID, UnitID: f.clubC.ID, WorkplaceID: f.wC.ID}, model.EINVALID},
			"bad orgnr":        {f.admin, model.RoleScope{RoleID: roleID, ParentOrgnr: "123"}, model.EINVALID},
			"unknown role":     {f.admin, model.RoleScope{RoleID: 999999, UnitID: f.clubC.ID}, model.ENOTFOUND},
			"unknown unit":     {f.admin, model.RoleScope{RoleID: roleID, UnitID: 999999}, model.ENOTFOUND},
			"other region":     {regionAdmin, model.RoleScope{RoleID: roleID, UnitID: f.clubC.ID}, model.ENOTFOUND},
			"other workplace":  {regionAdmin, model.RoleScope{RoleID: roleID, WorkplaceID: f.wC.ID}, model.ENOTFOUND},
			"group not global": {regionAdmin, model.RoleScope{RoleID: roleID, ParentOrgnr: groupOrgnr}, model.EFORBIDDEN},
			"steward":          {f.steward, model.RoleScope{RoleID: roleID, UnitID: f.clubA.ID}, model.ENOTFOUND},
		} {
			rs := c.rs
			if err := s.AddRoleScope(ctx, c.u, &rs); model.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		if n := countWhere(t, s, `SELECT count(*) FROM role_scopes`); n != 0 {
			t.Fatalf("%d role scopes written", n)
		}
		rs := &model.RoleScope{RoleID: roleID, WorkplaceID: f.wB.ID}
		if err := s.AddRoleScope(ctx, regionAdmin, rs); err != nil {
			t.Fatal(err)
		}
		role, list, err := s.RoleScopes(ctx, regionAdmin, roleID)
		if err != nil || len(list) != 1 || list[0].Name != f.wB.Name || role.Person != "Kari Rolle" || role.UnitName != f.clubA.Name {
			t.Fatalf("role %+v, scopes %+v %v", role, list, err)
		}
		if _, _, err := s.RoleScopes(ctx, f.steward, roleID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a steward lists a role's scopes: %v", err)
		}
		if err := s.RemoveRoleScope(ctx, f.steward, rs.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a steward removes a role's scope: %v", err)
		}
		if err := s.RemoveRoleScope(ctx, regionAdmin, rs.ID); err != nil {
			t.Fatal(err)
		}
		if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'role_scope' AND username = 'regionadmin'`); n != 2 {
			t.Errorf("%d audit entries, want 2", n)
		}
	})
}

func countWhere(t *testing.T, s *Storage, q string) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// planner returns what explains a query on a reader connection of s: the
// plan's lines (their last column). On PostgreSQL the sequential scan is
// off: the tables are empty, where it would win, and the plan is to show
// whether an index can serve.
func planner(t *testing.T, s *Storage) func(q string, args ...any) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := s.r.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	explain := "EXPLAIN QUERY PLAN "
	if s.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
			t.Fatal(err)
		}
		explain = "EXPLAIN "
	}
	return func(q string, args ...any) []string {
		t.Helper()
		rows, err := conn.QueryContext(ctx, explain+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var plan []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
		}
		return plan
	}
}

// TestScopeFilterUsesIndexes: a scope of two subtrees and a portfolio is
// one index range per subtree and one index lookup for the workplaces, on
// persons, tasks and workplaces, in both engines' plans.
func TestScopeFilterUsesIndexes(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		sc := access.Scope{Paths: []string{"/1/2/", "/1/7/9/"}, Workplaces: []int64{3, 5, 8}}
		explain := planner(t, s)
		var pa, ta, wa access.Args
		for _, q := range []struct {
			from, where string
			a           access.Args
		}{
			{"persons p", sc.FilterAt("p.unit_path", "p.workplace_id", &pa), pa},
			{"tasks t", sc.FilterAt("t.unit_path", "t.workplace_id", &ta), ta},
			{"workplaces w JOIN org_units u ON u.id = w.unit_id", workplaceFilter(sc, &wa), wa},
		} {
			plan := explain(`SELECT count(*) FROM `+q.from+` WHERE `+q.where, q.a...)
			text := strings.Join(plan, "\n")
			t.Logf("%s:\n%s", q.from, text)
			if strings.Contains(text, "Seq Scan") || slices.ContainsFunc(plan, func(l string) bool { return strings.HasPrefix(l, "SCAN") }) {
				t.Errorf("%s: a full scan:\n%s", q.from, text)
			}
		}
	})
}

// TestWorkplaceSteward: a shop steward appointed on workplace D alone
// (club D also holds workplace E) sees exactly D's people, with no second
// factor; the department is kept; a second chief shop steward of D is
// refused while a chief of the club is not; D's history shows the term;
// moving D to club C takes the role along; ending the term takes the
// workplace away.
func TestWorkplaceSteward(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newScopesFixture(t, s)
		p := f.person(t, "Verne", "Ombud", f.wD)
		usr := &model.User{PersonID: p.ID, Username: "verneombud", PasswordHash: "x"}
		if err := s.CreateUser(ctx, f.admin, usr); err != nil {
			t.Fatal(err)
		}
		role := &model.Role{PersonID: p.ID, Role: model.RoleShopSteward, WorkplaceID: f.wD.ID, Department: " Havn ", StartDate: s.Today(), EndDate: s.Today().AddDate(2, 0, 0)}
		if err := s.AddRole(ctx, f.admin, role); err != nil {
			t.Fatal(err)
		}
		if role.UnitID != f.clubD.ID {
			t.Errorf("the role's unit is %d, want the workplace's club %d", role.UnitID, f.clubD.ID)
		}
		steward, err := s.Principal(ctx, usr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sc := steward.Scope(access.PersonRead); len(sc.Paths) != 0 || !slices.Equal(sc.Workplaces, []int64{f.wD.ID}) || steward.NeedsTwoFactor() {
			t.Fatalf("the workplace steward's scope = %+v, second factor %v", sc, steward.NeedsTwoFactor())
		}
		if got, want := f.seen(t, steward), []int64{f.wD.ID}; !slices.Equal(got, want) {
			t.Errorf("the workplace steward sees %v, want %v", got, want)
		}
		// Counted as a steward of D, not of E.
		for _, c := range []struct {
			w    *model.Workplace
			want int
		}{{f.wD, 1}, {f.wE, 0}} {
			ws, err := s.WorkplaceSummary(ctx, f.admin, c.w.ID)
			if err != nil || ws.Stewards != c.want {
				t.Errorf("%s: %d stewards, want %d (%v)", c.w.Name, ws.Stewards, c.want, err)
			}
			at, err := s.StewardsAt(ctx, f.admin, c.w)
			if err != nil || len(at) != c.want || (c.want == 1 && at[0].WorkplaceName != f.wD.Name) {
				t.Errorf("%s: stewards listed %+v, %v", c.w.Name, at, err)
			}
		}
		roles, err := s.Roles(ctx, f.admin, f.clubD.ID, 10)
		if err != nil || len(roles) != 1 || roles[0].WorkplaceID != f.wD.ID || roles[0].WorkplaceName != f.wD.Name || roles[0].Department != "Havn" {
			t.Fatalf("roles of club D: %+v, %v", roles, err)
		}

		// One chief shop steward per workplace, and one for the club.
		other, third := f.person(t, "Andre", "Ombud", f.wD), f.person(t, "Tredje", "Ombud", f.wD)
		chief := func(p *model.Person, wp int64) *model.Role {
			return &model.Role{PersonID: p.ID, Role: model.RoleChiefShopSteward, UnitID: f.clubD.ID, WorkplaceID: wp, StartDate: s.Today()}
		}
		if err := s.AddRole(ctx, f.admin, chief(other, f.wD.ID)); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "a second chief of D", s.AddRole(ctx, f.admin, chief(third, f.wD.ID)), model.ECONFLICT)
		if err := s.AddRole(ctx, f.admin, chief(third, 0)); err != nil {
			t.Errorf("the club's chief beside D's: %v", err)
		}
		wantCode(t, "a workplace of another unit", s.AddRole(ctx, f.admin, &model.Role{PersonID: third.ID, Role: model.RoleShopSteward,
			UnitID: f.clubC.ID, WorkplaceID: f.wD.ID, StartDate: s.Today()}), model.EINVALID)
		h, err := s.WorkplaceHistory(ctx, f.admin, f.wD.ID, 10)
		if err != nil || len(h) != 3 || h[1].Entity != "role" || h[1].Role != string(model.RoleShopSteward) || h[1].Person != "Verne Ombud" {
			t.Errorf("D's history %+v, %v", h, err)
		}

		// The role follows its workplace to another club.
		if err := s.MoveWorkplace(ctx, f.admin, f.wD.ID, f.clubC.ID); err != nil {
			t.Fatal(err)
		}
		if roles, err := s.Roles(ctx, f.admin, f.clubC.ID, 10); err != nil || len(roles) != 2 {
			t.Errorf("club C's roles after the move: %+v, %v", roles, err)
		}
		if steward, err = s.Principal(ctx, usr.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := f.seen(t, steward), []int64{f.wD.ID}; !slices.Equal(got, want) {
			t.Errorf("after the move the workplace steward sees %v, want %v", got, want)
		}

		// The term ends; D is out of reach.
		if err := s.EndRole(ctx, f.admin, role.ID, s.Today()); err != nil {
			t.Fatal(err)
		}
		if steward, err = s.Principal(ctx, usr.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.seen(t, steward); len(got) != 0 {
			t.Errorf("after the term the steward sees %v", got)
		}
	})
}

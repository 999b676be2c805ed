package access

import (
	"slices"
	"testing"

	"github.com/verve-union/verve/internal/model"
)

func TestScopeContains(t *testing.T) {
	u := &Principal{Grants: []Grant{
		{Role: model.RoleShopSteward, UnitPath: "/1/4/17/"},
		{Role: model.RoleCoordinator, UnitPath: "/1/4/"},
		{Role: model.RoleBoardMember, UnitPath: "/1/"},
	}}
	s := u.Scope(PersonRead)
	if !slices.Equal(s.Paths, []string{"/1/4/"}) {
		t.Fatalf("paths = %v, want the coordinator's region only (board members cannot read persons)", s.Paths)
	}
	for path, want := range map[string]bool{"/1/4/": true, "/1/4/17/": true, "/1/40/": false, "/1/": false, "/1/5/4/": false} {
		if got := s.Contains(path); got != want {
			t.Errorf("Contains(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestFilterRangeMatchesContains(t *testing.T) {
	// The SQL range must agree with the prefix test for every path.
	s := Scope{Paths: []string{"/1/4/", "/1/7/12/"}}
	var a Args
	if got := s.Filter("p", &a); got != "((p >= $1 AND p < $2) OR (p >= $3 AND p < $4))" {
		t.Fatalf("filter = %s", got)
	}
	for _, path := range []string{"/1/4/", "/1/4/9/", "/1/40/", "/1/41/2/", "/1/3/", "/1/7/12/", "/1/7/120/", "/1/7/1/", "/1/"} {
		in := false
		for i := 0; i < len(a); i += 2 {
			if path >= a[i].(string) && path < a[i+1].(string) {
				in = true
			}
		}
		if in != s.Contains(path) {
			t.Errorf("%s: range says %v, prefix says %v", path, in, s.Contains(path))
		}
	}
}

func TestEmptyScope(t *testing.T) {
	var u *Principal
	if u.Can(PersonRead) {
		t.Fatal("nil principal may read")
	}
	var a Args
	if got := u.Scope(PersonRead).Filter("p", &a); got != "1 = 0" || len(a) != 0 {
		t.Fatalf("empty scope filter = %q %v", got, a)
	}
}

func TestPermissionsByRole(t *testing.T) {
	steward := &Principal{Grants: []Grant{{Role: model.RoleShopSteward, UnitPath: "/1/2/3/4/"}}}
	if !steward.Can(PersonRead) || steward.Can(AuditRead) || steward.Can(UserAdmin) {
		t.Fatal("steward permissions wrong")
	}
	admin := &Principal{Grants: []Grant{{Role: model.RoleUnionAdmin, UnitPath: "/1/"}}}
	if !admin.Can(AuditRead) || !admin.Can(UserAdmin) {
		t.Fatal("admin lacks admin permissions")
	}
}

func TestUnionWide(t *testing.T) {
	root := &Principal{Grants: []Grant{{Role: model.RoleUnionAdmin, UnitPath: "/1/"}}}
	region := &Principal{Grants: []Grant{{Role: model.RoleUnionAdmin, UnitPath: "/1/4/"}}}
	board := &Principal{Grants: []Grant{{Role: model.RoleBoardMember, UnitPath: "/1/"}, {Role: model.RoleUnionAdmin, UnitPath: "/1/4/"}}}
	var none *Principal
	for name, c := range map[string]struct {
		u    *Principal
		want bool
	}{
		"root admin": {root, true}, "region admin": {region, false}, "board on root, admin on region": {board, false},
		"system": {System("worker"), true}, "nil": {none, false},
	} {
		if got := c.u.UnionWide(UserAdmin); got != c.want {
			t.Errorf("%s: UnionWide(user:admin) = %v, want %v", name, got, c.want)
		}
	}
	if !board.UnionWide(StatisticsRead) {
		t.Error("board member on the root lacks union-wide statistics")
	}
	if none.HasRole(model.RoleUnionAdmin) {
		t.Error("nil principal holds a role")
	}
}

func TestVisitorMayDoNothing(t *testing.T) {
	v := Visitor("10.0.0.2")
	if v.Username != "nettside" || v.RemoteAddr != "10.0.0.2" || v.System || v.UserID != 0 || len(v.Grants) != 0 {
		t.Fatalf("visitor %+v", v)
	}
	for _, ps := range rolePermissions {
		for _, p := range ps {
			if v.Can(p) || v.UnionWide(p) || !v.Scope(p).Empty() {
				t.Errorf("visitor may use %s", p)
			}
		}
	}
}

func TestCommonPath(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"/1/4/17/", "/1/4/20/", "/1/4/"},
		{"/1/4/17/", "/1/5/17/", "/1/"},
		{"/1/4/", "/1/4/17/", "/1/4/"},
		{"/1/4/17/", "/1/4/17/", "/1/4/17/"},
		{"/1/41/", "/1/4/", "/1/"}, // a shared digit is no shared unit
	} {
		if got := CommonPath(c.a, c.b); got != c.want {
			t.Errorf("CommonPath(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

func TestScopeBeyondOneSubtree(t *testing.T) {
	u := &Principal{Grants: []Grant{
		{Role: model.RoleCoordinator, UnitPath: "/1/4/17/", Subtrees: []string{"/1/5/30/", "/1/4/"}},
		{Role: model.RoleAdvisor, UnitPath: "/1/6/", Workplaces: []int64{9, 3}},
		{Role: model.RoleBoardMember, UnitPath: "/1/7/", Workplaces: []int64{11}},
	}}
	s := u.Scope(PersonRead)
	if !slices.Equal(s.Paths, []string{"/1/4/", "/1/5/30/", "/1/6/"}) || !slices.Equal(s.Workplaces, []int64{3, 9}) {
		t.Fatalf("scope = %+v", s)
	}
	for _, c := range []struct {
		path string
		wp   int64
		want bool
	}{{"/1/5/30/", 0, true}, {"/1/5/31/", 0, false}, {"/1/5/31/", 9, true}, {"/1/7/", 11, false}, {"/1/7/", 0, false}} {
		if got := s.ContainsAt(c.path, c.wp); got != c.want {
			t.Errorf("ContainsAt(%q, %d) = %v", c.path, c.wp, got)
		}
	}
	if s.Contains("/1/5/31/") {
		t.Error("Contains, which knows no workplace, reaches a portfolio")
	}
	var a Args
	if got := s.FilterAt("p", "w", &a); got != "(((p >= $1 AND p < $2) OR (p >= $3 AND p < $4) OR (p >= $5 AND p < $6)) OR w IN ($7, $8))" || len(a) != 8 {
		t.Errorf("filter = %s %v", got, a)
	}
	a = nil
	if got := (Scope{Workplaces: []int64{5}}).FilterAt("p", "w", &a); got != "(w IN ($1))" {
		t.Errorf("portfolio only: %s", got)
	}
	a = nil
	if got := (Scope{Workplaces: []int64{5}}).Filter("p", &a); got != "1 = 0" || len(a) != 0 {
		t.Errorf("Filter of a portfolio only: %s", got)
	}
	if (Scope{Workplaces: []int64{5}}).Empty() {
		t.Error("a portfolio is not empty")
	}
	// A further subtree on the root makes a grant union-wide.
	root := &Principal{Grants: []Grant{{Role: model.RoleUnionAdmin, UnitPath: "/1/4/", Subtrees: []string{"/1/"}}}}
	if !root.UnionWide(UserAdmin) || u.UnionWide(PersonRead) {
		t.Error("UnionWide ignores further subtrees")
	}
	// A club's role reaching further places needs a second factor.
	for _, g := range []Grant{{UnitKind: model.UnitClub, Subtrees: []string{"/1/5/30/"}}, {UnitKind: model.UnitClub, Workplaces: []int64{3}}} {
		if !(&Principal{Grants: []Grant{g}}).NeedsTwoFactor() {
			t.Errorf("%+v: no second factor", g)
		}
	}
}

func TestNeedsTwoFactor(t *testing.T) {
	for _, c := range []struct {
		kinds []model.UnitKind
		want  bool
	}{
		{nil, false}, // a member: only themselves
		{[]model.UnitKind{model.UnitClub}, false},
		{[]model.UnitKind{model.UnitClub, model.UnitClub}, false},
		{[]model.UnitKind{model.UnitClub, model.UnitBranch}, true},
		{[]model.UnitKind{model.UnitRegion}, true},
		{[]model.UnitKind{model.UnitUnion}, true},
		{[]model.UnitKind{""}, true}, // unknown: the strict side
	} {
		p := &Principal{}
		for _, k := range c.kinds {
			p.Grants = append(p.Grants, Grant{Role: model.RoleShopSteward, UnitKind: k})
		}
		if got := p.NeedsTwoFactor(); got != c.want {
			t.Errorf("grants on %v: %v, want %v", c.kinds, got, c.want)
		}
	}
}

// TestIsSelf: a member is themself and nobody else; a principal without a
// person (the visitor, a job) is nobody.
func TestIsSelf(t *testing.T) {
	member := &Principal{UserID: 3, PersonID: 7}
	for _, c := range []struct {
		u    *Principal
		id   int64
		want bool
	}{
		{member, 7, true}, {member, 8, false}, {member, 0, false},
		{&Principal{UserID: 4}, 0, false}, {Visitor("1.2.3.4"), 0, false}, {System("test"), 0, false}, {nil, 7, false},
	} {
		if got := c.u.IsSelf(c.id); got != c.want {
			t.Errorf("%+v IsSelf(%d) = %v, want %v", c.u, c.id, got, c.want)
		}
	}
}

// TestWorkplaceGrant: a role held on one workplace of a club reaches that
// workplace and not the club's subtree, and needs no second factor, even
// on a workplace that hangs on a branch.
func TestWorkplaceGrant(t *testing.T) {
	for _, kind := range []model.UnitKind{model.UnitClub, model.UnitBranch} {
		u := &Principal{Grants: []Grant{{Role: model.RoleShopSteward, UnitPath: "/1/4/17/", UnitKind: kind, WorkplaceID: 8}}}
		s := u.Scope(PersonRead)
		if len(s.Paths) != 0 || !slices.Equal(s.Workplaces, []int64{8}) {
			t.Fatalf("%s: scope = %+v", kind, s)
		}
		if !s.ContainsAt("/1/4/17/", 8) || s.ContainsAt("/1/4/17/", 9) || s.Contains("/1/4/17/") {
			t.Errorf("%s: the workplace grant reaches beyond its workplace", kind)
		}
		if u.NeedsTwoFactor() || u.UnionWide(PersonRead) {
			t.Errorf("%s: a workplace's steward needs a second factor or is union-wide", kind)
		}
	}
	// Given a further workplace, it reaches both.
	u := &Principal{Grants: []Grant{{Role: model.RoleShopSteward, UnitPath: "/1/4/17/", UnitKind: model.UnitClub, WorkplaceID: 8, Workplaces: []int64{3}}}}
	if s := u.Scope(PersonRead); !slices.Equal(s.Workplaces, []int64{3, 8}) || !u.NeedsTwoFactor() {
		t.Errorf("scope %+v, second factor %v", s, u.NeedsTwoFactor())
	}
}

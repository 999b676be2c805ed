// Package access decides who may do what: permissions named resource:action
// granted by role, and the org-unit scope that every query reading persons
// is filtered by.
package access

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/model"
)

// Permission is a resource:action pair, checked where routes are registered.
type Permission string

const (
	PersonRead     Permission = "person:read"
	PersonWrite    Permission = "person:write"
	WorkplaceRead  Permission = "workplace:read"
	TaskRead       Permission = "task:read"
	TaskWrite      Permission = "task:write"
	ContactWrite   Permission = "contact:write"
	OrgUnitRead    Permission = "orgunit:read"
	AuditRead      Permission = "audit:read"
	NewhireImport  Permission = "newhire:import"
	UserAdmin      Permission = "user:admin"
	ExportRun      Permission = "export:run"
	StatisticsRead Permission = "statistics:read"
	// StudentRead shows the student members (graduating soon, conversion
	// rates, study start); StudentWrite converts them to working membership.
	StudentRead  Permission = "student:read"
	StudentWrite Permission = "student:write"
	// MembershipApprove decides join applications in the user's scope.
	MembershipApprove Permission = "membership:approve"
)

// OrgUnitWrite administers the organisation in its scope: org units,
// workplaces and the roles held on them (storage/orgadmin.go).
const OrgUnitWrite Permission = "orgunit:write"

// base is what every role that works with members may do in its scope.
var base = []Permission{PersonRead, WorkplaceRead, TaskRead, TaskWrite, ContactWrite, OrgUnitRead}

// rolePermissions is the catalogue: which role grants which permissions.
var rolePermissions = map[model.RoleName][]Permission{
	model.RoleShopSteward:      append(slices.Clone(base), NewhireImport),
	model.RoleChiefShopSteward: append(slices.Clone(base), NewhireImport),
	model.RoleClubLeader:       append(slices.Clone(base), NewhireImport),
	model.RoleStudyLeader:      {PersonRead, WorkplaceRead, OrgUnitRead, TaskRead, StudentRead},
	model.RoleCoordinator:      append(slices.Clone(base), NewhireImport, PersonWrite, ExportRun, StatisticsRead, StudentRead, StudentWrite),
	model.RoleAdvisor:          append(slices.Clone(base), PersonWrite, StatisticsRead, MembershipApprove),
	model.RoleBoardMember:      {OrgUnitRead, WorkplaceRead, StatisticsRead},
	model.RoleUnionAdmin: append(slices.Clone(base), NewhireImport, PersonWrite, ExportRun,
		StatisticsRead, AuditRead, UserAdmin, OrgUnitWrite, StudentRead, StudentWrite, MembershipApprove),
}

// roleSystem is held only by System principals: every permission.
const roleSystem model.RoleName = "system"

func init() {
	all := map[Permission]bool{}
	for _, ps := range rolePermissions {
		for _, p := range ps {
			all[p] = true
		}
	}
	for p := range all {
		rolePermissions[roleSystem] = append(rolePermissions[roleSystem], p)
	}
}

// System returns the principal that scheduled jobs and the command line act
// as: every permission, union-wide, under a name the audit log records
// ("verve import", "verve (planlagt jobb)"). There is no nil principal:
// nil may do nothing.
func System(name string) *Principal {
	return &Principal{Username: name, System: true, Grants: []Grant{{Role: roleSystem, UnitPath: "/"}}}
}

// Visitor returns the principal of the public, unauthenticated visitor of
// the join page, coming from remoteAddr: no grants, so it may do nothing
// but what the public storage functions allow (submit and confirm a join
// application). The audit log names it "nettside".
func Visitor(remoteAddr string) *Principal {
	return &Principal{Username: "nettside", RemoteAddr: remoteAddr}
}

// Grant is one active role of a user on an org unit. Its scope is the
// unit's subtree, and the further subtrees and workplaces the role was
// given (a coordinator for every NAV office across regions, an advisor's
// portfolio of workplaces and company groups).
type Grant struct {
	RoleID   int64
	Role     model.RoleName
	UnitID   int64
	UnitPath string
	UnitKind model.UnitKind
	// WorkplaceID, when not 0, is the one workplace of the unit the role
	// is held on (a steward for that place only): the grant acts on it
	// and not on the unit's subtree.
	WorkplaceID int64
	// Subtrees are the paths of further org units the role acts on.
	Subtrees []string
	// Workplaces are the ids of workplaces the role acts on wherever
	// they sit in the tree: a portfolio, with company groups resolved to
	// their workplaces.
	Workplaces []int64
}

// Paths returns the grant's unit path, unless it is held on one
// workplace, and its further subtrees.
func (g Grant) Paths() []string {
	if g.WorkplaceID != 0 {
		return g.Subtrees
	}
	return append([]string{g.UnitPath}, g.Subtrees...)
}

// workplaces returns the workplace the grant is held on, if any, and its
// further workplaces.
func (g Grant) workplaces() []int64 {
	if g.WorkplaceID != 0 {
		return append([]int64{g.WorkplaceID}, g.Workplaces...)
	}
	return g.Workplaces
}

// Principal is who acts: a signed-in user with the roles they hold today,
// a System job or command, or the public Visitor. It is also who the audit
// log names for a change, and from where.
type Principal struct {
	UserID   int64
	PersonID int64
	Username string
	Name     string
	Grants   []Grant
	// System marks a job or the command line rather than a signed-in user.
	System bool
	// RemoteAddr is where the request came from, for the audit log; empty
	// for jobs and the command line.
	RemoteAddr string
}

// Can reports whether any of the user's roles grants p.
func (u *Principal) Can(p Permission) bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		if slices.Contains(rolePermissions[g.Role], p) {
			return true
		}
	}
	return false
}

// Scope returns where the user may use p: the subtrees of the roles
// granting it, without paths already covered by a parent, and their
// workplaces.
func (u *Principal) Scope(p Permission) Scope {
	var paths []string
	var wps []int64
	if u != nil {
		for _, g := range u.Grants {
			if slices.Contains(rolePermissions[g.Role], p) {
				paths = append(paths, g.Paths()...)
				wps = append(wps, g.workplaces()...)
			}
		}
	}
	slices.Sort(wps)
	wps = slices.Compact(wps)
	slices.Sort(paths)
	var out []string
	for _, p := range paths {
		if len(out) > 0 && strings.HasPrefix(p, out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return Scope{Paths: out, Workplaces: wps}
}

// UnionWide reports whether the user may use p for the whole union: a
// grant holding p sits on the root of the org-unit tree (or the user is a
// System principal). Union-wide settings, and records tied to no person,
// need this; a grant on a region acts only within the region, however
// strong its role.
func (u *Principal) UnionWide(p Permission) bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		if slices.ContainsFunc(g.Paths(), isRoot) && slices.Contains(rolePermissions[g.Role], p) {
			return true
		}
	}
	return false
}

// isRoot reports whether path names the root of the tree: a unit without
// a parent has a path of one segment ("/1/"), and System's grant is on "/".
// One database holds one union, so its root is the whole union.
func isRoot(path string) bool {
	return path == "/" || (strings.HasPrefix(path, "/") && strings.Count(path, "/") == 2 && strings.HasSuffix(path, "/"))
}

// NeedsTwoFactor reports whether the user must sign in with a second
// factor: a role whose scope covers more than one club (one on a union,
// region or branch, or given further subtrees or workplaces) reaches many
// members' data, a password alone is not enough for it.
func (u *Principal) NeedsTwoFactor() bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		// A role held on one workplace reaches less than a club, wherever
		// the workplace hangs.
		if (g.UnitKind != model.UnitClub && g.WorkplaceID == 0) || len(g.Subtrees) > 0 || len(g.Workplaces) > 0 {
			return true
		}
	}
	return false
}

// IsSelf reports whether personID is the user themself: every signed-in
// person may read their own record and correct their own contact details,
// with or without a role, and no one else's by this rule.
func (u *Principal) IsSelf(personID int64) bool {
	return u != nil && u.PersonID != 0 && personID == u.PersonID
}

// HasRole reports whether the user holds role anywhere.
func (u *Principal) HasRole(role model.RoleName) bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// Scope is a set of org-unit subtrees, each named by its materialised path,
// and a set of workplaces wherever they sit. The zero Scope contains
// nothing.
type Scope struct {
	Paths []string
	// Workplaces reach only what is tied to a workplace (its persons,
	// tasks, new-hire lists), through FilterAt and ContainsAt; Filter
	// and Contains, which know no workplace, leave them out.
	Workplaces []int64
}

// Contains reports whether the unit with the given path lies in one of the
// scope's subtrees.
func (s Scope) Contains(path string) bool {
	for _, p := range s.Paths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// ContainsAt reports whether something at workplace (0 for none) in the
// unit with the given path lies in the scope.
func (s Scope) ContainsAt(path string, workplace int64) bool {
	return s.Contains(path) || (workplace != 0 && slices.Contains(s.Workplaces, workplace))
}

// CommonPath returns the path of the lowest org unit that covers both
// paths ("/1/4/17/" and "/1/4/20/" give "/1/4/"): who decides a matter
// that concerns both places.
func CommonPath(a, b string) string {
	end := 0
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == '/' {
			end = i + 1
		}
	}
	return a[:end]
}

// Empty reports whether the scope contains nothing.
func (s Scope) Empty() bool { return len(s.Paths) == 0 && len(s.Workplaces) == 0 }

// Args accumulates query arguments and hands out $N placeholders, so that
// scope filters can be spliced into any query.
type Args []any

// Add appends v and returns its placeholder.
func (a *Args) Add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// Filter returns an SQL condition that holds when col (a materialised path)
// lies in the scope, adding its arguments to args. Each subtree is a range
// [path, path') where path' is path with its final '/' raised to '0', so
// the condition uses a plain index on col in both engines. An empty scope
// yields a condition that is always false.
func (s Scope) Filter(col string, args *Args) string {
	if len(s.Paths) == 0 {
		return "1 = 0"
	}
	parts := make([]string, len(s.Paths))
	for i, p := range s.Paths {
		parts[i] = "(" + col + " >= " + args.Add(p) + " AND " + col + " < " + args.Add(upper(p)) + ")"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// FilterAt is Filter for rows that also name a workplace in workplaceCol:
// they lie in the scope when their path does or their workplace is one of
// the scope's. The workplaces are one IN list, which an index on
// workplaceCol serves, OR-ed with the subtrees' ranges.
func (s Scope) FilterAt(col, workplaceCol string, args *Args) string {
	if len(s.Workplaces) == 0 {
		return s.Filter(col, args)
	}
	var paths string
	if len(s.Paths) > 0 {
		paths = s.Filter(col, args) + " OR "
	}
	ph := make([]string, len(s.Workplaces))
	for i, w := range s.Workplaces {
		ph[i] = args.Add(w)
	}
	return "(" + paths + workplaceCol + " IN (" + strings.Join(ph, ", ") + "))"
}

// upper returns the smallest string greater than every string with prefix p
// when p ends in '/'.
func upper(p string) string {
	return p[:len(p)-1] + "0"
}

type ctxKey struct{}

// WithPrincipal returns a context carrying the signed-in user.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the signed-in user, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// Package demo generates a deterministic, realistic Norwegian union: the
// same seed and the same "today" always give the same data, so demos,
// benchmarks and screenshots are repeatable.
package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/demo/data"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage"
)

// Options set the size and the randomness of the generated union.
type Options struct {
	Members int
	Seed    uint64
	// Today anchors every date, so the data looks current whenever it is
	// made; zero is the store's today.
	Today time.Time
	// Progress, when set, is told how many of the members are written.
	Progress func(done, total int)
	// Register keeps the database in step with the union's member
	// register (RegisterExport), as `verve demo` does: member numbers,
	// the register's codes, roles, employments, dues and the hashes a
	// first load keeps. Without it the demo has no register yet, for
	// tests of a first load into a populated union.
	Register bool
}

// Login is a demo user and its password, printed by `verve demo`.
type Login struct {
	Role, Username, Password, Name, Unit string
}

// Result tells what was generated.
type Result struct {
	Rows   map[string]int
	Logins []Login
}

// Password is the password of every demo user. It is public: the demo is
// for trying Verve, never for real members.
const Password = "verve-demo"

// MinMembers and MaxMembers bound --members; the upper bound keeps a typo
// from filling the disk.
const (
	MinMembers = 100
	MaxMembers = 5_000_000
)

// Generate fills an empty database with a union of about o.Members members.
// Everything is written in one transaction: a failure leaves it empty.
func Generate(ctx context.Context, s *storage.Storage, o Options) (*Result, error) {
	if err := o.valid(); err != nil {
		return nil, err
	}
	if o.Today.IsZero() {
		o.Today = s.Today()
	}
	o.Today = time.Date(o.Today.Year(), o.Today.Month(), o.Today.Day(), 0, 0, 0, 0, time.UTC)
	empty, err := s.Empty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, model.ErrorKey(model.ECONFLICT, "err.demo.notempty")
	}
	b, err := s.Bulk(ctx)
	if err != nil {
		return nil, err
	}
	g := newGen(o, b, s.FnrHash, s.SealFnr)
	g.hasher = s.RegisterHasher()
	if err := g.run(); err != nil {
		b.Rollback()
		return nil, err
	}
	rows, err := b.Commit(access.System("verve seed"), fmt.Sprintf("demo union, %d members, seed %d", o.Members, o.Seed))
	if err != nil {
		return nil, err
	}
	return &Result{Rows: rows, Logins: g.logins}, nil
}

// newGen starts a generator writing to b; hash and seal make what is
// stored of a fødselsnummer.
func newGen(o Options, b sink, hash, seal func(string) any) *gen {
	return &gen{o: o, b: b, hash: hash, seal: seal, r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), fnrs: map[string]bool{},
		emails: map[string]bool{}, unitByID: map[int64]*unit{}, reg: map[int64]*regMember{}, codes: map[model.UnitKind]int{}}
}

// sink takes the generated rows: a storage.Bulk, or nothing when only
// the register files are wanted.
type sink interface {
	Define(table string, cols ...string)
	Add(table string, values ...any) error
}

func (o Options) valid() error {
	if o.Members < MinMembers || o.Members > MaxMembers {
		return model.ErrorKey(model.EINVALID, "err.demo.members", "min", MinMembers, "max", MaxMembers)
	}
	return nil
}

// gen carries the generator's state through the steps of run.
type gen struct {
	o    Options
	b    sink
	r    *rand.Rand
	fnrs map[string]bool
	// emails keeps addresses unique, as sign-in by link needs (a shared
	// address signs no one in).
	emails map[string]bool
	hash   func(string) any // the keyed hash stored for a fødselsnummer
	seal   func(string) any // an applicant's number, sealed until exported

	nextUnit, nextWorkplace, nextPerson, nextMembership, nextEmployment, nextRole, nextContact, nextTask, nextImport, nextPipeline, nextMatch, nextApplication int64

	regions      map[string]*unit // by county
	branches     map[string]*unit // by municipality
	byCounty     map[string][]*unit
	postal       map[string][]norway.PostalPlace // by municipality
	postalCounty map[string][]norway.PostalPlace
	union        *unit

	workplaces []*workplace
	members    int
	logins     []Login
	users      []pendingUser

	// The member register the union's members come from (register.go).
	unitByID map[int64]*unit
	codes    map[model.UnitKind]int // units of each kind so far, for their codes
	reg      map[int64]*regMember   // by person
	regIDs   []int64                // the register's persons, in order
	hasher   *register.Hasher       // nil: no database to keep the register's values in
	kept     []keptValues           // the settled members' values (settle)
}

type unit struct {
	id     int64
	path   string
	name   string
	code   string // the register's code
	kind   model.UnitKind
	parent *unit
	county string
	coord  int64 // the region's recruitment coordinator
}

type workplace struct {
	id, unitID int64
	path       string
	name       string
	orgnr      string
	place      data.Place
	sector     data.Sector
	employees  int
	density    float64
	members    []int64
	stewards   []int64
	recent     []joiner // members who joined in the last half year
}

type pendingUser struct {
	role     model.RoleName
	username string
	personID int64
	unit     string
}

func (g *gen) run() error {
	b := g.b
	b.Define("org_units", "id", "parent_id", "kind", "name", "sort_key", "path", "county", "code")
	b.Define("workplaces", "id", "unit_id", "name", "sort_key", "orgnr", "municipality", "municipality_no", "postal_code", "employees", "sector", "parent_orgnr")
	b.Define("persons", "id", "first_name", "last_name", "sort_key", "search_key", "birth_date", "fnr_hash", "email", "mobile", "address",
		"postal_code", "postal_place", "unit_id", "unit_path", "workplace_id", "member_status", "other_union", "created_at", "updated_at", "member_no")
	b.Define("memberships", "id", "person_id", "type", "status", "start_date", "end_date", "source", "recruited_by", "institution", "programme", "expected_graduation",
		"applied_at", "decided_at", "dues_status", "paid_up_to")
	b.Define("applications", "id", "token_hash", "created_at", "expires_at", "confirmed_at", "type", "fnr_hash", "fnr_sealed", "workplace_id",
		"lang", "person_id", "membership_id")
	b.Define("employments", "id", "person_id", "workplace_id", "start_date", "end_date", "position", "department", "source")
	b.Define("roles", "id", "person_id", "role", "unit_id", "start_date", "end_date", "source")
	b.Define("contacts", "id", "person_id", "by_person_id", "kind", "at", "note")
	b.Define("tasks", "id", "kind", "title", "person_id", "workplace_id", "unit_path", "owner_person_id", "due", "status", "created_at", "done_at")
	b.Define("users", "id", "person_id", "username", "password_hash", "locale", "disabled", "created_at")
	b.Define("imports", "id", "kind", "workplace_id", "unit_path", "filename", "source", "lawful_basis", "rows_read", "rows_created", "rows_matched", "rows_error", "created_at")
	b.Define("match_candidates", "id", "person_id", "candidate_id", "unit_path", "source", "match", "import_id", "created_at")
	b.Define("pipeline", "id", "person_id", "workplace_id", "unit_path", "import_id", "kind", "start_date", "created_at", "first_contact_at", "outcome", "outcome_at", "decline_reason", "erase_after")

	steps := []func() error{g.orgUnits, g.planWorkplaces, g.staff, g.workplacePeople, g.stewardWork, g.students, g.graduates, g.possibleMatches, g.applications, g.crossScopes, g.demoUsers, g.register}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
		g.settle()
	}
	return nil
}

func (g *gen) addUnit(parent *unit, kind model.UnitKind, name, county string) (*unit, error) {
	g.nextUnit++
	u := &unit{id: g.nextUnit, name: name, county: county, kind: kind, parent: parent, code: g.unitCode(kind)}
	var parentID any
	u.path = "/"
	if parent != nil {
		parentID, u.path = parent.id, parent.path
	}
	u.path += fmt.Sprint(u.id) + "/"
	g.unitByID[u.id] = u
	return u, g.b.Add("org_units", u.id, parentID, kind, name, norway.SortKey(name), u.path, county, g.inStep(u.code, ""))
}

// orgUnits builds the union, a region per county and a branch for each of
// the larger municipalities; smaller places belong to their county's
// largest branch.
func (g *gen) orgUnits() error {
	var err error
	if g.union, err = g.addUnit(nil, model.UnitUnion, "Teknologforbundet (demo)", ""); err != nil {
		return err
	}
	g.regions, g.branches, g.byCounty = map[string]*unit{}, map[string]*unit{}, map[string][]*unit{}
	g.postal = map[string][]norway.PostalPlace{}
	for _, p := range norway.PostalPlaces() {
		g.postal[p.Municipality] = append(g.postal[p.Municipality], p)
	}
	places := data.Places()
	slices.SortStableFunc(places, func(a, b data.Place) int { return cmp.Compare(b.Weight, a.Weight) })
	var counties []string
	for _, p := range places {
		if !slices.Contains(counties, p.County) {
			counties = append(counties, p.County)
		}
	}
	slices.SortFunc(counties, func(a, b string) int { return strings.Compare(norway.SortKey(a), norway.SortKey(b)) })
	for _, c := range counties {
		reg, err := g.addUnit(g.union, model.UnitRegion, "Region "+c, c)
		if err != nil {
			return err
		}
		g.regions[c] = reg
	}
	for _, p := range places {
		if n := len(g.byCounty[p.County]); n >= 6 || (n > 0 && p.Weight < 20) {
			continue
		}
		br, err := g.addUnit(g.regions[p.County], model.UnitBranch, "Avdeling "+p.Name, p.County)
		if err != nil {
			return err
		}
		g.branches[p.Name] = br
		g.byCounty[p.County] = append(g.byCounty[p.County], br)
	}
	return nil
}

func (g *gen) branchFor(p data.Place) *unit {
	if b := g.branches[p.Name]; b != nil {
		return b
	}
	return g.byCounty[p.County][0]
}

// planWorkplaces draws workplaces (about one per 56 members, as in NITO's
// 1,700 company groups for 96,000 members) and scales their head counts so
// that the members add up to the target.
func (g *gen) planWorkplaces() error {
	n := max(3, g.o.Members*1700/96000)
	budget := g.o.Members * 86 / 100 // the rest are students and retired members
	total := 0.0
	for range n {
		w := &workplace{place: data.PickPlace(g.r), sector: data.PickSector(g.r)}
		w.employees = max(3, w.sector.EmployeeCount(g.r)/4)
		switch x := g.r.Float64(); {
		case x < 0.12:
			w.density = g.r.Float64() * 0.06 // barely organised
		case x < 0.30:
			w.density = 0.70 + g.r.Float64()*0.25 // strongholds
		default:
			w.density = 0.15 + g.r.Float64()*0.55
		}
		total += w.density * float64(w.employees)
		g.workplaces = append(g.workplaces, w)
	}
	scale := float64(budget) / total
	orgnrs := map[string]bool{}
	for _, w := range g.workplaces {
		w.employees = max(2, int(float64(w.employees)*scale+0.5))
		g.nextWorkplace++
		w.id = g.nextWorkplace
		w.name = data.EmployerName(g.r, w.sector.Key, w.place.Name, data.Surname(g.r))
		branch := g.branchFor(w.place)
		club, err := g.addUnit(branch, model.UnitClub, "Klubb "+w.name, w.place.County)
		if err != nil {
			return err
		}
		w.unitID, w.path = club.id, club.path
		orgnr := norway.GenerateOrgnr(g.r)
		for orgnrs[orgnr] {
			orgnr = norway.GenerateOrgnr(g.r)
		}
		orgnrs[orgnr], w.orgnr = true, orgnr
		pc := g.postalIn(w.place)
		if err := g.b.Add("workplaces", w.id, w.unitID, w.name, norway.SortKey(w.name), orgnr, w.place.Name, pc.MunicipalityNo,
			pc.Code, w.employees, w.sector.Key, parentOrgnr(w.name)); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) postalIn(p data.Place) norway.PostalPlace {
	if list := g.postal[p.Name]; len(list) > 0 {
		return list[g.r.IntN(len(list))]
	}
	if g.postalCounty == nil {
		g.postalCounty = map[string][]norway.PostalPlace{}
		for _, pp := range norway.PostalPlaces() {
			g.postalCounty[pp.County] = append(g.postalCounty[pp.County], pp)
		}
	}
	if inCounty := g.postalCounty[p.County]; len(inCounty) > 0 {
		return inCounty[g.r.IntN(len(inCounty))]
	}
	all := norway.PostalPlaces()
	return all[g.r.IntN(len(all))]
}

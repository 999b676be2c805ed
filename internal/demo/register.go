package demo

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/demo/data"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage"
)

// The demo union keeps its members in a member register, as a real union
// does: every member and former member has a member number, and the
// database holds what a first load of the register's export would have
// left (the register's codes of the units, its roles and employments, the
// dues it reports, and the hashes of its values). So loading the demo's
// export (RegisterExport) changes nothing, and loading the same register a
// month later (RegisterMonth) does what a month does.

// regMember is a person as the union's member register holds them.
type regMember struct {
	id   int64 // the person
	rec  register.Record
	unit *unit // the member's unit: club, branch, region or the union
}

// memberNoBase plus a person's id is the member's number.
const memberNoBase = 1_000_000

// registerRoles are the roles the register holds: the stewards' roles,
// elected in the clubs. Board members, coordinators, advisors and study
// leaders are appointed in Verve.
var registerRoles = map[model.RoleName]bool{model.RoleShopSteward: true, model.RoleChiefShopSteward: true, model.RoleClubLeader: true}

// Where a role or an employment came from, as storage records it.
const fromRegister, fromVerve = "register", "verve"

// registered enters person p, of the unit unitID, in the register.
func (g *gen) registered(p *person, unitID int64) *regMember {
	m := &regMember{id: p.id, unit: g.unitByID[unitID], rec: register.Record{MemberNo: memberNo(p.id), Fnr: p.fnr,
		First: p.first, Last: p.last, Birth: p.birth, Has: register.AllColumns()}}
	g.reg[p.id] = m
	g.regIDs = append(g.regIDs, p.id)
	return m
}

// inStep is what a column holds of the register: v when the database is
// kept in step with it (Options.Register), else none, its value without.
func (g *gen) inStep(v, none any) any {
	if g.o.Register {
		return v
	}
	return none
}

// memberNo is the member number of a registered person.
func memberNo(personID int64) string { return strconv.FormatInt(memberNoBase+personID, 10) }

// unitCode is the register's code of the next unit of kind.
func (g *gen) unitCode(kind model.UnitKind) string {
	g.codes[kind]++
	switch n := g.codes[kind]; kind {
	case model.UnitRegion:
		return fmt.Sprintf("R%02d", n)
	case model.UnitBranch:
		return fmt.Sprintf("A%03d", n)
	case model.UnitClub:
		return fmt.Sprintf("K%05d", n)
	}
	return ""
}

// registerMembership notes a membership of a registered person: the
// register holds their latest. It returns the dues the register reports:
// paid up to last month, three months behind in arrears, and paid up to
// the month a former member left.
func (g *gen) registerMembership(personID int64, typ model.MembershipType, status model.MembershipStatus, start, end time.Time, recruiter int64) (model.DuesStatus, time.Time) {
	m := g.reg[personID]
	if m == nil || !(model.IsMember(status) || status == model.StatusResigned) {
		return "", time.Time{}
	}
	r := &m.rec
	month := model.MonthOf(g.o.Today)
	r.Type, r.Status, r.Joined, r.Resigned, r.Reason, r.Leave, r.Recruiter = typ, status, start, end, "", "", ""
	switch status {
	case model.StatusActive:
		r.Dues, r.PaidUpTo = model.DuesPaid, month.AddDate(0, -1, 0)
	case model.StatusArrears:
		r.Dues, r.PaidUpTo = model.DuesArrears, month.AddDate(0, -3, 0)
	default:
		r.Dues, r.PaidUpTo = "", model.MonthOf(end)
		r.Reason, r.Leave = "Eget ønske", model.LeaveChurn
	}
	if recruiter != 0 { // a member at their workplace, registered
		r.Recruiter = memberNo(recruiter)
	}
	return r.Dues, r.PaidUpTo
}

// registerRole notes a role, and returns where it came from.
func (g *gen) registerRole(personID int64, role model.RoleName, start time.Time) string {
	m := g.reg[personID]
	if m == nil || !registerRoles[role] {
		return fromVerve
	}
	t := register.RoleTerm{Role: role, From: start}
	if !slices.Contains(m.rec.Roles, t) {
		m.rec.Roles = append(m.rec.Roles, t)
	}
	return fromRegister
}

// registerEmployment notes a registered person's current job, and
// returns where the employment came from.
func (g *gen) registerEmployment(personID int64, w *workplace, end time.Time) string {
	m := g.reg[personID]
	if m == nil || !end.IsZero() {
		return ""
	}
	m.rec.Orgnr, m.rec.Employer = w.orgnr, w.name
	return fromRegister
}

// place names u and the units above it in r, as the register does.
func place(r *register.Record, u *unit) {
	r.Region, r.Branch, r.Club = register.UnitRef{}, register.UnitRef{}, register.UnitRef{}
	for ; u != nil; u = u.parent {
		ref := register.UnitRef{Code: u.code, Name: u.name}
		switch u.kind {
		case model.UnitRegion:
			r.Region = ref
		case model.UnitBranch:
			r.Branch = ref
		case model.UnitClub:
			r.Club = ref
		}
	}
}

// registerMembers are the register's members, in the order of their numbers,
// with their units named.
func (g *gen) registerMembers() []*regMember {
	out := make([]*regMember, 0, len(g.regIDs))
	for _, id := range g.regIDs {
		if m := g.reg[id]; m.rec.Status != "" {
			place(&m.rec, m.unit)
			out = append(out, m)
		}
	}
	return out
}

// records are the members' rows.
func (g *gen) records() []*register.Record {
	ms := g.registerMembers()
	out := make([]*register.Record, len(ms))
	for i, m := range ms {
		out[i] = &m.rec
	}
	return out
}

// keptValues are a member's hashed register values, as a load keeps them.
type keptValues struct {
	person int64
	hashes string
}

// settle hashes the values of the members registered so far, whose rows
// are final once their step (or workplace) is done, and lets their
// records go: a database is seeded without holding the whole register.
// Without a database to seed, the records stay for the register files.
func (g *gen) settle() {
	if g.hasher == nil {
		return
	}
	if g.o.Register {
		for _, m := range g.registerMembers() {
			g.kept = append(g.kept, keptValues{m.id, g.hasher.Fresh(m.rec)})
		}
	}
	for _, id := range g.regIDs {
		delete(g.reg, id)
	}
	g.regIDs = g.regIDs[:0]
}

// register keeps what a first load of the register's export would have
// left: the load, the hashes of each member's values, and how the demo
// was made, to write its register files again.
func (g *gen) register() error {
	if g.hasher == nil || !g.o.Register {
		return nil
	}
	g.settle()
	g.b.Define("register_loads", "id", "at", "username", "first_load", "rows_read", "created")
	g.b.Define("register_values", "person_id", "hashes", "load_id")
	g.b.Define("settings", "key", "value")
	if err := g.b.Add("register_loads", 1, g.o.Today, "verve seed", true, len(g.kept), len(g.kept)); err != nil {
		return err
	}
	for _, k := range g.kept {
		if err := g.b.Add("register_values", k.person, k.hashes, 1); err != nil {
			return err
		}
	}
	return g.b.Add("settings", storage.DemoRecipeKey, g.o.Recipe())
}

// Recipe is how o makes its union, in the words ParseRecipe reads.
func (o Options) Recipe() string {
	return fmt.Sprintf("members=%d seed=%d today=%s", o.Members, o.Seed, o.Today.Format(time.DateOnly))
}

// ParseRecipe reads a Recipe: the options of a demo in step with its
// register.
func ParseRecipe(s string) (Options, error) {
	o := Options{Register: true}
	var today string
	if _, err := fmt.Sscanf(s, "members=%d seed=%d today=%s", &o.Members, &o.Seed, &today); err != nil {
		return o, fmt.Errorf("demo recipe %q: %w", s, err)
	}
	var err error
	o.Today, err = time.Parse(time.DateOnly, today)
	return o, err
}

// discard is the sink of a union generated only for its register.
type discard struct{}

func (discard) Define(string, ...string) {}
func (discard) Add(string, ...any) error { return nil }

// regenerate makes the union o describes again, in memory only.
func regenerate(o Options) (*gen, error) {
	if err := o.valid(); err != nil {
		return nil, err
	}
	if o.Today.IsZero() {
		return nil, fmt.Errorf("demo: the register needs the union's day")
	}
	o.Today = time.Date(o.Today.Year(), o.Today.Month(), o.Today.Day(), 0, 0, 0, 0, time.UTC)
	o.Progress = nil
	none := func(string) any { return nil }
	g := newGen(o, discard{}, none, none)
	return g, g.run()
}

// RegisterExport writes the member register of the union Generate makes
// of o (o.Today set), as the register exports it: loaded into that
// database it changes nothing; loaded into an empty one (with its first
// admin) it brings in the regions, branches, clubs, workplaces, members
// and stewards' roles.
func RegisterExport(w io.Writer, o Options) (int, error) {
	g, err := regenerate(o)
	if err != nil {
		return 0, err
	}
	return write(w, g.records())
}

// RegisterMonth writes the same register after a month of changes, dated
// in the month before o.Today, so that none lies ahead of the day it is
// loaded (the demo hears of them late, as Verve does). About 2.5% of the
// members changed (resignations for churn, death, retirement, transfer and
// exclusion; job changes; arrears and stopped deductions; new contact
// details; stewards' terms starting and ending) and 0.5% new members.
func RegisterMonth(w io.Writer, o Options) (int, error) {
	g, err := regenerate(o)
	if err != nil {
		return 0, err
	}
	return write(w, g.month())
}

func write(w io.Writer, recs []*register.Record) (int, error) {
	rw := register.NewWriter(w)
	for _, r := range recs {
		if err := rw.Write(r); err != nil {
			return 0, err
		}
	}
	return len(recs), rw.Close()
}

// monthReasons are the reasons members leave in a month, by the words of
// the register (DefaultVocabulary maps them).
var monthReasons = data.NewWeighted([]string{"Eget ønske", "Død", "Pensjonert", "Overgang til annet forbund", "Ekskludert"},
	[]int{60, 10, 15, 10, 5})

// month is the register a month after the union's day.
func (g *gen) month() []*register.Record {
	c := rand.New(rand.NewPCG(g.o.Seed^0x5851f42d4c957f2d, g.o.Seed+1))
	recs := g.records()
	leaves := register.DefaultVocabulary().Reasons
	// The month up to the union's day, so that no change lies ahead of
	// the day it is loaded.
	days := int(g.o.Today.Sub(g.o.Today.AddDate(0, -1, 0)).Hours() / 24)
	when := func() time.Time { return g.o.Today.AddDate(0, 0, -1-c.IntN(days)) }
	out := make([]*register.Record, 0, len(recs)+len(recs)/200+1)
	for _, r := range recs {
		if c.IntN(1000) < 25 && model.IsMember(r.Status) {
			changed := *r
			changed.Roles = slices.Clone(r.Roles)
			g.change(c, &changed, when(), leaves)
			r = &changed
		}
		out = append(out, r)
	}
	// The new members: colleagues at the union's workplaces.
	g.r = c
	for range max(1, len(recs)/200) {
		w := g.workplaces[c.IntN(len(g.workplaces))]
		p, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, minAge: 22, maxAge: 60, status: model.StatusActive, withFnr: true})
		if err != nil {
			panic(err) // the discarding sink fails nothing
		}
		m := g.reg[p.id]
		joined := when()
		g.registerMembership(p.id, model.TypeOrdinary, model.StatusActive, joined, time.Time{}, 0)
		m.rec.PaidUpTo = model.MonthOf(joined)
		g.registerEmployment(p.id, w, time.Time{})
		place(&m.rec, m.unit)
		out = append(out, &m.rec)
	}
	return out
}

// change is one member's change in the month, on day.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// leaves maps the register's reasons (normalised) to Verve's.
func (g *gen) change(c *rand.Rand, r *register.Record, day time.Time, leaves map[string]model.LeaveReason) {
	switch k := c.IntN(100); {
	case k < 30: // a resignation, for one of monthReasons
		day = latest(day, r.Joined)
		r.Status, r.Dues, r.Resigned, r.Reason = model.StatusResigned, "", day, monthReasons.Pick(c)
		r.Leave = leaves[register.Norm(r.Reason)]
		for i := range r.Roles {
			if r.Roles[i].To.IsZero() {
				r.Roles[i].To = latest(day, r.Roles[i].From)
			}
		}
	case k < 50 && r.Orgnr != "": // a new job; the roles stay with the old club
		w := g.workplaces[c.IntN(len(g.workplaces))]
		if w.orgnr == r.Orgnr {
			w = g.workplaces[(slices.Index(g.workplaces, w)+1)%len(g.workplaces)]
		}
		r.Orgnr, r.Employer, r.Roles = w.orgnr, w.name, nil
		place(r, g.unitByID[w.unitID])
	case k < 70 && r.Status == model.StatusActive:
		r.Status, r.Dues = model.StatusArrears, model.DuesArrears
	case k < 78 && r.Dues == model.DuesPaid:
		r.Dues = model.DuesDeductionStopped
	case k >= 95 && r.Club.Code != "" && len(r.Roles) == 0: // elected steward
		r.Roles = []register.RoleTerm{{Role: model.RoleShopSteward, From: day}}
	case k >= 95 && len(r.Roles) > 0 && r.Roles[0].To.IsZero(): // a term ends
		r.Roles[0].To = latest(day, r.Roles[0].From)
	default: // new contact details
		r.Mobile = fmt.Sprintf("+47%d%07d", []int{9, 4}[c.IntN(2)], c.IntN(10_000_000))
		r.Email = strings.Replace(r.Email, "@", ".ny@", 1)
		r.Address = fmt.Sprintf("%s %d", streets[c.IntN(len(streets))], 1+c.IntN(120))
	}
}

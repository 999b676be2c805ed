package demo

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/demo/data"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage"
)

var (
	streets = []string{"Storgata", "Kirkegata", "Skolegata", "Fjordveien", "Bjørkeveien", "Granveien", "Industriveien",
		"Strandgata", "Solbakken", "Lia", "Tunet", "Kongens gate", "Dronningens gate", "Parkveien", "Sjøgata", "Elvegata",
		"Bakkeveien", "Furuveien", "Eikelia", "Møllevegen", "Åsveien", "Sætervegen", "Øvre Torggate", "Nedre Vollgate"}
	mailDomains  = []string{"gmail.com", "gmail.com", "gmail.com", "hotmail.com", "online.no", "outlook.com", "icloud.com", "yahoo.no"}
	otherUnions  = []string{"Tekna", "Tekna", "Parat", "Forskerforbundet", "Delta", "Fagforbundet"}
	joinSources  = []model.Source{model.SourceRecruited, model.SourceRecruited, model.SourceWebsite, model.SourceWebsite, model.SourceShopSteward, model.SourceCampaign, model.SourceStudentRecruitment}
	contactNotes = []string{"Velkomstsamtale, fikk brosjyre og kaffekopp.", "Spurte om forsikringene.", "Snakket om lønnsoppgjøret.",
		"Ønsker å bli med på medlemsmøte.", "Tok opp arbeidstid og overtid.", "Ringte etter utmelding, vurderer å komme tilbake.",
		"Ikke tilstede, prøver igjen.", "Interessert i kurs for tillitsvalgte.", ""}
)

// personSpec is what the generator decides about a person before writing.
type personSpec struct {
	unitID    int64
	unitPath  string
	workplace *workplace
	minAge    int
	maxAge    int
	status    model.MembershipStatus
	other     string
	withFnr   bool
	twin      *person // when set: the same name and birth date as this person
	// applicant: joined on the join page, not yet in the member register
	// (every other person with a fødselsnummer is a member or was one).
	applicant bool
}

type person struct {
	id          int64
	fnr         string // in memory only; the database gets its keyed hash
	name        string
	first, last string
	unitPath    string
	birth       time.Time
	female      bool
}

// ascii makes a name usable in an e-mail address.
var ascii = strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", "é", "e", "ü", "u", "ö", "o", "ä", "a", " ", "", "-", "", "'", "")

func (g *gen) newPerson(sp personSpec) (*person, error) {
	r := g.r
	g.nextPerson++
	p := &person{id: g.nextPerson, female: r.IntN(100) < 36, unitPath: sp.unitPath}
	age := sp.minAge + r.IntN(sp.maxAge-sp.minAge+1)
	p.birth = g.o.Today.AddDate(-age, 0, -r.IntN(365))
	first := data.MaleGivenBorn(r, p.birth.Year())
	if p.female {
		first = data.FemaleGivenBorn(r, p.birth.Year())
	}
	last := data.Surname(r)
	if t := sp.twin; t != nil {
		first, last, p.birth, p.female = t.first, t.last, t.birth, t.female
	}
	p.first, p.last, p.name = first, last, first+" "+last
	var fnr any
	if sp.withFnr {
		f := norway.GenerateFnr(p.birth, p.female, r)
		for g.fnrs[f] {
			f = norway.GenerateFnr(p.birth, p.female, r)
		}
		g.fnrs[f] = true
		fnr, p.fnr = g.hash(f), f
	}
	local := ascii.Replace(strings.ToLower(first)) + "." + ascii.Replace(strings.ToLower(last))
	if r.IntN(3) == 0 {
		local += fmt.Sprint(r.IntN(99) + 1)
	}
	domain := mailDomains[r.IntN(len(mailDomains))]
	email := local + "@" + domain
	// A clash gets a number, without drawing from r, so that the rest of
	// the union stays as it was.
	for n := 100; g.emails[email]; n++ {
		email = local + fmt.Sprint(n) + "@" + domain
	}
	g.emails[email] = true
	mobile := fmt.Sprintf("+47%d%07d", []int{9, 4}[r.IntN(2)], r.IntN(10_000_000))
	var pc norway.PostalPlace
	if sp.workplace != nil {
		pc = g.postalIn(sp.workplace.place)
	} else {
		pc = g.postalIn(data.Place{County: g.countyOf(sp.unitPath)})
	}
	address := fmt.Sprintf("%s %d", streets[r.IntN(len(streets))], 1+r.IntN(120))
	mp := &model.Person{FirstName: first, LastName: last, Email: email, Mobile: mobile}
	sortKey, searchKey := storage.PersonKeys(mp)
	var wid any
	if sp.workplace != nil {
		wid = sp.workplace.id
	}
	created := g.o.Today.AddDate(0, 0, -r.IntN(3000))
	var memberNo any
	if sp.withFnr && !sp.applicant {
		m := g.registered(p, sp.unitID)
		m.rec.Email, m.rec.Mobile, m.rec.Address, m.rec.Postal, m.rec.Place = email, mobile, address, pc.Code, pc.Place
		memberNo = g.inStep(m.rec.MemberNo, nil)
	}
	return p, g.b.Add("persons", p.id, first, last, sortKey, searchKey, p.birth, fnr, email, mobile, address,
		pc.Code, pc.Place, sp.unitID, sp.unitPath, wid, sp.status, sp.other, created, created, memberNo)
}

// countyOf finds the county of a region or branch path.
func (g *gen) countyOf(path string) string {
	for c, reg := range g.regions {
		if strings.HasPrefix(path, reg.path) {
			return c
		}
	}
	return ""
}

func (g *gen) day(daysAgoMin, daysAgoMax int) time.Time {
	return g.o.Today.AddDate(0, 0, -(daysAgoMin + g.r.IntN(daysAgoMax-daysAgoMin+1)))
}

func (g *gen) membership(personID int64, typ model.MembershipType, status model.MembershipStatus, start, end time.Time, source model.Source, recruiter int64, inst, prog string, grad time.Time) error {
	g.nextMembership++
	dues, paid := g.registerMembership(personID, typ, status, start, end, recruiter)
	return g.b.Add("memberships", g.nextMembership, personID, typ, status, start, nullTime(end), string(source), nullID(recruiter),
		inst, prog, nullTime(grad), nil, nil, g.inStep(string(dues), ""), g.inStep(nullTime(paid), nil))
}

func (g *gen) role(personID int64, role model.RoleName, unitID int64, start time.Time) error {
	g.nextRole++
	return g.b.Add("roles", g.nextRole, personID, role, unitID, start, nil, g.inStep(g.registerRole(personID, role, start), fromVerve))
}

func (g *gen) task(kind model.TaskKind, title string, personID int64, w *workplace, path string, owner int64, due time.Time) error {
	g.nextTask++
	var wid any
	if w != nil {
		wid = w.id
	}
	return g.b.Add("tasks", g.nextTask, kind, title, personID, wid, path, nullID(owner), due, model.TaskOpen, g.o.Today, nil)
}

func (g *gen) contact(personID, by int64, kind model.ContactKind, at time.Time) error {
	g.nextContact++
	return g.b.Add("contacts", g.nextContact, personID, nullID(by), string(kind), at, contactNotes[g.r.IntN(len(contactNotes))])
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// staffMember creates an active member of the unit who holds a role there.
func (g *gen) staffMember(unitID int64, path string, min, max int) (*person, error) {
	p, err := g.newPerson(personSpec{unitID: unitID, unitPath: path, minAge: min, maxAge: max, status: model.StatusActive, withFnr: true})
	if err == nil {
		err = g.membership(p.id, model.TypeOrdinary, model.StatusActive, g.day(400, 9000), time.Time{}, model.SourceWebsite, 0, "", "", time.Time{})
	}
	return p, err
}

// staff creates the union's own people: an administrator, a coordinator,
// two advisors and a study leader per region, and a board per branch.
func (g *gen) staff() error {
	member := func(u *unit, min, max int) (*person, error) { return g.staffMember(u.id, u.path, min, max) }
	for i := range 2 {
		p, err := member(g.union, 35, 60)
		if err != nil {
			return err
		}
		if err := g.role(p.id, model.RoleUnionAdmin, g.union.id, g.day(300, 3000)); err != nil {
			return err
		}
		if i == 0 {
			g.users = append(g.users, pendingUser{model.RoleUnionAdmin, "admin", p.id, g.union.path})
		}
	}
	first := true
	for _, reg := range g.sortedRegions() {
		for _, role := range []model.RoleName{model.RoleCoordinator, model.RoleAdvisor, model.RoleAdvisor, model.RoleStudyLeader} {
			p, err := member(reg, 28, 62)
			if err != nil {
				return err
			}
			if err := g.role(p.id, role, reg.id, g.day(100, 2500)); err != nil {
				return err
			}
			if role == model.RoleCoordinator {
				reg.coord = p.id
			}
			if first && !g.hasUser(role) {
				g.users = append(g.users, pendingUser{role, map[model.RoleName]string{model.RoleCoordinator: "vervekoordinator",
					model.RoleAdvisor: "radgiver", model.RoleStudyLeader: "studieleder"}[role], p.id, reg.path})
			}
		}
		first = false
		for _, br := range g.byCounty[reg.county] {
			for range 5 {
				p, err := member(br, 30, 70)
				if err != nil {
					return err
				}
				if err := g.role(p.id, model.RoleBoardMember, br.id, g.day(30, 1500)); err != nil {
					return err
				}
				if !g.hasUser(model.RoleBoardMember) {
					g.users = append(g.users, pendingUser{model.RoleBoardMember, "styremedlem", p.id, br.path})
				}
			}
		}
	}
	return nil
}

func (g *gen) hasUser(role model.RoleName) bool {
	for _, u := range g.users {
		if u.role == role {
			return true
		}
	}
	return false
}

func (g *gen) sortedRegions() []*unit {
	var out []*unit
	for _, reg := range g.regions {
		out = append(out, reg)
	}
	slices.SortFunc(out, func(a, b *unit) int { return cmp.Compare(a.id, b.id) })
	return out
}

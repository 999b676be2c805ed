package register

import (
	"encoding/csv"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/demo/data"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/norway"
)

// GenOptions describe a synthetic union's register export.
type GenOptions struct {
	Members int       // rows in the first export; 0 = 1,000
	Seed    uint64    // same seed, same bytes
	Today   time.Time // the first export's day; zero = 1 November 2026
}

func (o GenOptions) withDefaults() GenOptions {
	if o.Members <= 0 {
		o.Members = 1000
	}
	if o.Today.IsZero() {
		o.Today = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	return o
}

// genHeader is the export's header row, as a Norwegian register writes it.
var genHeader = []string{"Medlemsnummer", "Fødselsnummer", "Fornavn", "Etternavn", "Fødselsdato", "E-post", "Mobil",
	"Adresse", "Postnr", "Poststed", "Fortrolig adresse", "Arbeidsgiver orgnr", "Arbeidsgiver", "Regionkode",
	"Region", "Avdelingskode", "Avdeling", "Klubbkode", "Klubb", "Medlemstype", "Status", "Innmeldt", "Utmeldt",
	"Utmeldingsårsak", "Vervet av", "Kontingentstatus", "Betalt til", "Verv", "Verv fra", "Verv til"}

// The register's words the generator writes (the vocabulary reads them).
var (
	genTypes   = map[string]string{"o": "Ordinær", "s": "Student", "p": "Pensjonist", "l": "Lærling"}
	genRoles   = []string{"Tillitsvalgt", "Tillitsvalgt", "Tillitsvalgt", "Hovedtillitsvalgt", "Klubbleder", "Verneombud", "Studieleder"}
	genReasons = data.NewWeighted([]string{"Eget ønske", "Død", "Pensjonert", "Overgang til annet forbund", "Ekskludert"},
		[]int{55, 12, 18, 10, 5})
	genStreets = []string{"Storgata", "Kirkegata", "Skolegata", "Fjordveien", "Bjørkeveien", "Granveien", "Industriveien",
		"Strandgata", "Solbakken", "Parkveien", "Sjøgata", "Elvegata", "Bakkeveien", "Furuveien", "Åsveien", "Sætervegen"}
	genDomains = []string{"example.no", "example.com", "example.net", "example.org"}
)

type genUnit struct{ code, name string }

type genBranch struct {
	genUnit
	region int
	postal []norway.PostalPlace
}

type genEmployer struct {
	orgnr, name string
	branch      int
	club        genUnit // zero: no club, the members belong to the branch
}

type genRole struct {
	name     string
	from, to time.Time
}

type genMember struct {
	no                  int
	fnr, first, last    string
	birth               time.Time
	email, mobile       string
	addr, postal, place string
	protect             string
	employer, branch    int // employer -1: none
	second              int // a second employer, -1: none
	typ, status         string
	joined, resigned    time.Time
	reason              string
	recruiter           int // member number, 0: none
	dues                string
	paid                time.Time
	roles               []genRole
}

// generator is one synthetic union: its tree and employers, drawn first
// from the seed, then its members one by one, so the changes file can
// replay the first export without holding it.
type generator struct {
	opt       GenOptions
	r         *rand.Rand
	regions   []genUnit
	branches  []genBranch
	employers []genEmployer
	fnrs      map[uint64]struct{}
}

func newGenerator(opt GenOptions) *generator {
	opt = opt.withDefaults()
	g := &generator{opt: opt, r: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), fnrs: map[uint64]struct{}{}}
	postal := map[string][]norway.PostalPlace{}
	for _, p := range norway.PostalPlaces() {
		postal[p.Municipality] = append(postal[p.Municipality], p)
	}
	regionOf := map[string]int{}
	for i, c := range norway.Counties() {
		regionOf[c] = i
		g.regions = append(g.regions, genUnit{"R" + pad(i+1, 2), c})
	}
	for _, p := range data.Places() {
		ri, ok := regionOf[p.County]
		if !ok || len(postal[p.Name]) == 0 {
			continue
		}
		g.branches = append(g.branches, genBranch{genUnit{"A" + pad(len(g.branches)+1, 3), p.Name}, ri, postal[p.Name]})
	}
	n := max(20, opt.Members/60)
	orgnrs := map[string]bool{}
	for i := range n {
		b := g.r.IntN(len(g.branches))
		var orgnr string
		for orgnr == "" || orgnrs[orgnr] {
			orgnr = norway.GenerateOrgnr(g.r)
		}
		orgnrs[orgnr] = true
		name := data.EmployerName(g.r, data.PickSector(g.r).Key, g.branches[b].name, data.Surname(g.r))
		e := genEmployer{orgnr: orgnr, name: name, branch: b}
		if i < n*2/5 { // the larger workplaces (drawn more often, below) have a club
			e.club = genUnit{"K" + pad(i+1, 5), "Klubben " + name}
		}
		g.employers = append(g.employers, e)
	}
	return g
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}

func genDay(t time.Time) string { return t.Format("02.01.2006") }

// between is a day drawn from [a, b].
func between(r *rand.Rand, a, b time.Time) time.Time {
	days := int(b.Sub(a).Hours() / 24)
	if days <= 0 {
		return a
	}
	return a.AddDate(0, 0, r.IntN(days+1))
}

// employer draws an employer, the first (larger) ones more often.
func (g *generator) employer(r *rand.Rand) int {
	n := len(g.employers)
	return r.IntN(n) * r.IntN(n) / n
}

// member draws member number no, joined in [joinFrom, asOf]; joinFrom zero
// means any time the member's age allows.
func (g *generator) member(r *rand.Rand, no int, asOf, joinFrom time.Time) genMember {
	m := genMember{no: no, employer: -1, second: -1, status: "Aktiv", dues: "Betalt"}
	age := 22 + r.IntN(45)
	switch k := r.IntN(100); {
	case k < 5:
		m.typ, age = genTypes["s"], 19+r.IntN(10)
	case k < 8:
		m.typ, age = genTypes["l"], 16+r.IntN(4)
	case k < 16:
		m.typ, age = genTypes["p"], 67+r.IntN(18)
	default:
		m.typ = genTypes["o"]
	}
	m.birth = asOf.AddDate(-age-1, 0, 1+r.IntN(364))
	female := r.IntN(2) == 0
	if female {
		m.first = data.FemaleGivenBorn(r, m.birth.Year())
	} else {
		m.first = data.MaleGivenBorn(r, m.birth.Year())
	}
	m.last = data.Surname(r)
	m.fnr = g.fnr(r, m.birth, female)
	nos := strconv.Itoa(no)
	m.email = importer.NormHeader(m.first) + "." + importer.NormHeader(m.last) + nos + "@" + genDomains[r.IntN(len(genDomains))]
	m.mobile = mobile(r)
	m.addr = genStreets[r.IntN(len(genStreets))] + " " + strconv.Itoa(1+r.IntN(120))
	switch k := r.IntN(1000); {
	case k < 4:
		m.protect = "Fortrolig"
	case k < 5:
		m.protect = "Strengt fortrolig"
	}
	if m.typ == genTypes["o"] || m.typ == genTypes["l"] || r.IntN(5) == 0 {
		m.employer = g.employer(r)
		m.branch = g.employers[m.employer].branch
		if r.IntN(25) == 0 { // a second job, as about one in twenty-five has
			if e := g.employer(r); e != m.employer {
				m.second = e
			}
		}
	} else {
		m.branch = r.IntN(len(g.branches))
	}
	p := g.branches[m.branch].postal
	pp := p[r.IntN(len(p))]
	m.postal, m.place = pp.Code, pp.Place

	earliest := m.birth.AddDate(16, 0, 0)
	if joinFrom.After(earliest) {
		earliest = joinFrom
	} else if y := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC); earliest.Before(y) {
		earliest = y
	}
	m.joined = between(r, earliest, asOf.AddDate(0, 0, -1))
	if m.joined.After(asOf.AddDate(0, 0, -1095)) && no > 100001 && r.IntN(4) == 0 {
		m.recruiter = 100001 + r.IntN(no-100001)
	}
	m.paid = time.Date(asOf.Year(), asOf.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	switch k := r.IntN(100); {
	case joinFrom.IsZero() && k < 6 && m.joined.Before(asOf.AddDate(0, -2, 0)):
		m.status, m.dues = "Utmeldt", ""
		m.resigned = between(r, m.joined.AddDate(0, 1, 0), asOf.AddDate(0, -1, 0))
		m.reason = genReasons.Pick(r)
		m.paid = time.Date(m.resigned.Year(), m.resigned.Month(), 1, 0, 0, 0, 0, time.UTC)
	case k < 8:
		m.status, m.dues = "Restanse", "Restanse"
		m.paid = m.paid.AddDate(0, -2, 0)
	}
	if m.resigned.IsZero() && m.employer >= 0 && g.employers[m.employer].club.code != "" && r.IntN(25) == 0 {
		m.roles = append(m.roles, genRole{name: genRoles[r.IntN(len(genRoles))], from: between(r, m.joined, asOf.AddDate(0, 0, -1))})
		if r.IntN(8) == 0 && m.roles[0].name != "Verneombud" {
			m.roles = append(m.roles, genRole{name: "Verneombud", from: m.roles[0].from})
		}
	}
	return m
}

func mobile(r *rand.Rand) string {
	lead := "9"
	if r.IntN(3) == 0 {
		lead = "4"
	}
	return lead + pad(r.IntN(10_000_000), 7)
}

// fnr draws a fødselsnummer not used before in this union; about one in
// seventy is a D-number.
func (g *generator) fnr(r *rand.Rand, birth time.Time, female bool) string {
	for {
		f := norway.GenerateFnr(birth, female, r)
		if r.IntN(70) == 0 {
			if d, ok := dNumber(f); ok {
				f = d
			}
		}
		k, _ := strconv.ParseUint(f, 10, 64)
		if _, used := g.fnrs[k]; !used {
			g.fnrs[k] = struct{}{}
			return f
		}
	}
}

// dNumber turns a fødselsnummer into the D-number with the same date and
// individual number (day + 40), when its control digits exist.
func dNumber(fnr string) (string, bool) {
	b := []byte(fnr)
	b[0] += 4
	for k1 := byte('0'); k1 <= '9'; k1++ {
		for k2 := byte('0'); k2 <= '9'; k2++ {
			b[9], b[10] = k1, k2
			if _, err := norway.ParseFnr(string(b)); err == nil {
				return string(b), true
			}
		}
	}
	return "", false
}

func (g *generator) row(m *genMember) []string {
	var (
		orgnr, emp string
		club       genUnit
	)
	if m.employer >= 0 {
		e := g.employers[m.employer]
		orgnr, emp, club = e.orgnr, e.name, e.club
	}
	b := g.branches[m.branch]
	reg := g.regions[b.region]
	var recruiter, resigned, paid string
	if m.recruiter != 0 {
		recruiter = strconv.Itoa(m.recruiter)
	}
	if !m.resigned.IsZero() {
		resigned = genDay(m.resigned)
	}
	if !m.paid.IsZero() {
		paid = m.paid.Format("2006-01")
	}
	var roles, from, to []string
	ended := false
	for _, t := range m.roles {
		roles, from = append(roles, t.name), append(from, genDay(t.from))
		if t.to.IsZero() {
			to = append(to, "")
		} else {
			to, ended = append(to, genDay(t.to)), true
		}
	}
	toCell := ""
	if ended {
		toCell = strings.Join(to, ";")
	}
	var orgnr2, emp2 string
	if m.second >= 0 {
		orgnr2, emp2 = g.employers[m.second].orgnr, g.employers[m.second].name
	}
	return []string{strconv.Itoa(m.no), m.fnr, m.first, m.last, genDay(m.birth), m.email, m.mobile, m.addr, m.postal,
		m.place, m.protect, orgnr, emp, reg.code, reg.name, b.code, b.name, club.code, club.name, m.typ, m.status,
		genDay(m.joined), resigned, m.reason, recruiter, m.dues, paid, strings.Join(roles, ";"), strings.Join(from, ";"), toCell,
		orgnr2, emp2, "", ""}
}

// Generate writes the first export of a synthetic union with opt.Members
// members: regions (counties) → branches (municipalities) → clubs at the
// larger employers, employers with valid organisasjonsnummer, valid
// synthetic fødselsnummer and some D-numbers, roles, protected addresses,
// recruiters and some resigned members. UTF-8, ';'-separated.
func Generate(w io.Writer, opt GenOptions) error {
	g := newGenerator(opt)
	cw := newGenWriter(w)
	if err := cw.Write(writeHeader); err != nil {
		return err
	}
	for i := range g.opt.Members {
		m := g.member(g.r, 100001+i, g.opt.Today, time.Time{})
		if err := cw.Write(g.row(&m)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func newGenWriter(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	return cw
}

// GenerateChanges writes the same union's export a month later: about 2.5%
// of the members changed (job changes, contact details, arrears, a stopped
// deduction, roles started and ended, resignations for churn, death,
// retirement, transfer and exclusion) and 0.5% new members at the end.
func GenerateChanges(w io.Writer, opt GenOptions) error {
	g := newGenerator(opt)
	c := rand.New(rand.NewPCG(g.opt.Seed^0x5851f42d4c957f2d, g.opt.Seed+1))
	month := g.opt.Today.AddDate(0, 1, 0)
	cw := newGenWriter(w)
	if err := cw.Write(writeHeader); err != nil {
		return err
	}
	for i := range g.opt.Members {
		m := g.member(g.r, 100001+i, g.opt.Today, time.Time{})
		switch {
		case !m.resigned.IsZero():
		case len(m.roles) > 0 && m.roles[0].to.IsZero() && c.IntN(10) == 0:
			m.roles[0].to = between(c, g.opt.Today, month.AddDate(0, 0, -1)) // a term ends
		case c.IntN(1000) < 23:
			g.change(c, &m, month)
		}
		if err := cw.Write(g.row(&m)); err != nil {
			return err
		}
	}
	for i := range max(1, g.opt.Members/200) {
		m := g.member(c, 100001+g.opt.Members+i, month, g.opt.Today)
		if err := cw.Write(g.row(&m)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// change applies one month's change to a member of the first export.
// Paid-up-to months are left as they were, so the members not drawn here
// read as unchanged.
func (g *generator) change(c *rand.Rand, m *genMember, month time.Time) {
	when := between(c, g.opt.Today, month.AddDate(0, 0, -1))
	switch k := c.IntN(100); {
	case k < 25: // a new job
		e := g.employer(c)
		if e == m.employer {
			e = (e + 1) % len(g.employers)
		}
		m.employer, m.branch = e, g.employers[e].branch
		if m.second == e {
			m.second = -1
		}
		m.roles = nil // roles belong to the old club
	case k < 45: // new contact details
		m.mobile = mobile(c)
		m.email = strings.Replace(m.email, "@", ".ny@", 1)
		m.addr = genStreets[c.IntN(len(genStreets))] + " " + strconv.Itoa(1+c.IntN(120))
	case k < 60:
		m.status, m.dues = "Restanse", "Restanse"
	case k < 70:
		m.dues = "Trekk stoppet"
	case k < 80: // a role starts
		if m.employer >= 0 && g.employers[m.employer].club.code != "" && len(m.roles) == 0 {
			m.roles = append(m.roles, genRole{name: "Tillitsvalgt", from: when})
		} else {
			m.mobile = mobile(c)
		}
	case k < 88: // a role ends
		if len(m.roles) > 0 {
			m.roles[0].to = when
		} else {
			m.mobile = mobile(c)
		}
	default:
		m.status, m.dues, m.resigned, m.reason = "Utmeldt", "", when, genReasons.Pick(c)
		if m.resigned.Before(m.joined) {
			m.resigned = m.joined
		}
		for i := range m.roles {
			m.roles[i].to = m.resigned
		}
	}
}

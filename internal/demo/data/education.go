package data

import (
	"math/rand/v2"
	"slices"
)

// Field keys group programmes so that an institution can declare which
// kinds of degree it awards. Without this the generator would happily give
// someone a nursing degree from NHH or an MSc in marine technology from
// Høgskulen i Volda.
const (
	FieldIngeniør        = "ingeniørfag"     // three-year engineering bachelor
	FieldTeknologi       = "teknologi"       // five-year sivilingeniør master
	FieldHelse           = "helsefag"        // bioingeniør, sykepleie, radiografi
	FieldIT              = "IT"              // informatics and information systems
	FieldØkonomi         = "økonomi"         // business administration
	FieldSamfunnsøkonomi = "samfunnsøkonomi" // economics
	FieldRealfag         = "realfag"         // natural sciences
	FieldSamfunnsfag     = "samfunnsfag"     // social sciences and public administration
	FieldArkitektur      = "arkitektur"      // architecture and planning
)

// Institution is a Norwegian higher-education institution.
//
// City is the formal seat (or, where there is none, the largest campus) and
// County its county under the 2024 county structure. Campuses lists the
// towns where it teaches, which matters because many members studied at a
// regional campus (NTNU Gjøvik, UiT Narvik) rather than in the seat city.
// Weight is roughly the number of students, used as the relative chance
// that a member graduated there.
type Institution struct {
	Name     string
	Short    string
	City     string
	County   string
	Campuses []string
	Weight   int
	Fields   []string
}

var institutions = []Institution{
	{"Norges teknisk-naturvitenskapelige universitet", "NTNU", "Trondheim", "Trøndelag",
		[]string{"Trondheim", "Gjøvik", "Ålesund"}, 43000,
		[]string{FieldIngeniør, FieldTeknologi, FieldHelse, FieldIT, FieldØkonomi, FieldSamfunnsøkonomi, FieldRealfag, FieldSamfunnsfag, FieldArkitektur}},
	{"Universitetet i Oslo", "UiO", "Oslo", "Oslo",
		[]string{"Oslo"}, 27500,
		[]string{FieldIT, FieldRealfag, FieldSamfunnsfag, FieldSamfunnsøkonomi}},
	{"OsloMet – storbyuniversitetet", "OsloMet", "Oslo", "Oslo",
		[]string{"Oslo", "Kjeller"}, 22000,
		[]string{FieldIngeniør, FieldHelse, FieldIT, FieldØkonomi, FieldSamfunnsfag}},
	{"Handelshøyskolen BI", "BI", "Oslo", "Oslo",
		[]string{"Oslo", "Bergen", "Stavanger", "Trondheim"}, 20000,
		[]string{FieldØkonomi, FieldSamfunnsøkonomi}},
	{"Universitetet i Bergen", "UiB", "Bergen", "Vestland",
		[]string{"Bergen"}, 18500,
		[]string{FieldIT, FieldRealfag, FieldSamfunnsfag, FieldSamfunnsøkonomi, FieldTeknologi}},
	{"UiT Norges arktiske universitet", "UiT", "Tromsø", "Troms",
		[]string{"Tromsø", "Narvik", "Alta", "Harstad", "Hammerfest"}, 17500,
		[]string{FieldIngeniør, FieldTeknologi, FieldHelse, FieldIT, FieldØkonomi, FieldRealfag, FieldSamfunnsfag}},
	{"Universitetet i Sørøst-Norge", "USN", "Bø", "Telemark",
		[]string{"Bø", "Porsgrunn", "Notodden", "Rauland", "Drammen", "Hønefoss", "Kongsberg", "Horten"}, 17000,
		[]string{FieldIngeniør, FieldHelse, FieldIT, FieldØkonomi, FieldSamfunnsfag}},
	{"Høgskulen på Vestlandet", "HVL", "Bergen", "Vestland",
		[]string{"Bergen", "Haugesund", "Stord", "Førde", "Sogndal"}, 17000,
		[]string{FieldIngeniør, FieldHelse, FieldIT, FieldØkonomi, FieldSamfunnsfag}},
	{"Høyskolen Kristiania", "Kristiania", "Oslo", "Oslo",
		[]string{"Oslo", "Bergen"}, 15000,
		[]string{FieldIT, FieldØkonomi, FieldHelse, FieldSamfunnsfag}},
	{"Universitetet i Agder", "UiA", "Kristiansand", "Agder",
		[]string{"Kristiansand", "Grimstad"}, 14000,
		[]string{FieldIngeniør, FieldTeknologi, FieldHelse, FieldIT, FieldØkonomi, FieldSamfunnsfag}},
	{"Høgskolen i Innlandet", "INN", "Lillehammer", "Innlandet",
		[]string{"Lillehammer", "Hamar", "Elverum", "Kongsvinger", "Rena", "Evenstad"}, 14000,
		[]string{FieldHelse, FieldIT, FieldØkonomi, FieldSamfunnsfag, FieldRealfag}},
	{"Universitetet i Stavanger", "UiS", "Stavanger", "Rogaland",
		[]string{"Stavanger"}, 12000,
		[]string{FieldIngeniør, FieldTeknologi, FieldHelse, FieldIT, FieldØkonomi, FieldRealfag, FieldSamfunnsfag}},
	{"Nord universitet", "Nord", "Bodø", "Nordland",
		[]string{"Bodø", "Levanger", "Steinkjer", "Namsos", "Mo i Rana", "Stjørdal"}, 11000,
		[]string{FieldHelse, FieldØkonomi, FieldSamfunnsfag, FieldRealfag}},
	{"Høgskolen i Østfold", "HiØ", "Halden", "Østfold",
		[]string{"Halden", "Fredrikstad"}, 7500,
		[]string{FieldIngeniør, FieldHelse, FieldIT, FieldØkonomi, FieldSamfunnsfag}},
	{"Norges miljø- og biovitenskapelige universitet", "NMBU", "Ås", "Akershus",
		[]string{"Ås"}, 7000,
		[]string{FieldTeknologi, FieldRealfag, FieldSamfunnsøkonomi, FieldØkonomi, FieldArkitektur}},
	{"VID vitenskapelige høgskole", "VID", "Oslo", "Oslo",
		[]string{"Oslo", "Bergen", "Stavanger", "Sandnes"}, 5000,
		[]string{FieldHelse, FieldSamfunnsfag}},
	{"Høgskulen i Volda", "HVO", "Volda", "Møre og Romsdal",
		[]string{"Volda"}, 4000,
		[]string{FieldSamfunnsfag}},
	{"Norges Handelshøyskole", "NHH", "Bergen", "Vestland",
		[]string{"Bergen"}, 3600,
		[]string{FieldØkonomi, FieldSamfunnsøkonomi}},
	{"Høgskolen i Molde", "HiMolde", "Molde", "Møre og Romsdal",
		[]string{"Molde"}, 2800,
		[]string{FieldØkonomi, FieldIT, FieldHelse}},
	{"Lovisenberg diakonale høgskole", "LDH", "Oslo", "Oslo",
		[]string{"Oslo"}, 1600,
		[]string{FieldHelse}},
	{"Arkitektur- og designhøgskolen i Oslo", "AHO", "Oslo", "Oslo",
		[]string{"Oslo"}, 700,
		[]string{FieldArkitektur}},
}

// Study is a degree programme.
//
// Years is the nominal total study time (3 for a bachelor, 5 for an
// integrated or 3+2 master), which lets the generator derive a plausible
// graduation year from a birth year. Only, when non-empty, restricts the
// programme to the institutions with those Short names, for programmes that
// exist at just one or two places.
type Study struct {
	Name   string
	Level  string // "bachelor" or "master"
	Field  string
	Years  int
	Weight int
	Only   []string
}

// programmes lists degree programmes with weights reflecting the member mix
// of an engineers'/public-sector union (many engineering bachelors and
// sivilingeniører, a large bioingeniør group, some economists and social
// scientists), not national graduation numbers.
var programmes = []Study{
	// Engineering bachelors.
	{"Bachelor i ingeniørfag – elektro", "bachelor", FieldIngeniør, 3, 120, nil},
	{"Bachelor i ingeniørfag – bygg", "bachelor", FieldIngeniør, 3, 120, nil},
	{"Bachelor i ingeniørfag – data", "bachelor", FieldIngeniør, 3, 90, nil},
	{"Bachelor i ingeniørfag – maskin", "bachelor", FieldIngeniør, 3, 90, nil},
	{"Bachelor i ingeniørfag – automatisering og robotikk", "bachelor", FieldIngeniør, 3, 30, nil},
	{"Bachelor i ingeniørfag – kjemi", "bachelor", FieldIngeniør, 3, 25, nil},
	{"Bachelor i ingeniørfag – fornybar energi", "bachelor", FieldIngeniør, 3, 25, nil},
	{"Bachelor i ingeniørfag – petroleum", "bachelor", FieldIngeniør, 3, 15, []string{"UiS"}},
	{"Bachelor i ingeniørfag – geomatikk", "bachelor", FieldIngeniør, 3, 12, nil},
	{"Bachelor i ingeniørfag – skipsdesign", "bachelor", FieldIngeniør, 3, 5, []string{"NTNU"}},

	// Sivilingeniør (master i teknologi).
	{"Master i teknologi (sivilingeniør) – bygg- og miljøteknikk", "master", FieldTeknologi, 5, 60, []string{"NTNU", "UiS", "UiT"}},
	{"Master i teknologi (sivilingeniør) – datateknologi", "master", FieldTeknologi, 5, 40, []string{"NTNU", "UiS", "UiA", "UiT", "UiB"}},
	{"Master i teknologi (sivilingeniør) – industriell økonomi og teknologiledelse", "master", FieldTeknologi, 5, 35, []string{"NTNU", "UiS", "UiA"}},
	{"Master i teknologi (sivilingeniør) – elektronisk systemdesign og innovasjon", "master", FieldTeknologi, 5, 30, []string{"NTNU"}},
	{"Master i teknologi (sivilingeniør) – produktutvikling og produksjon", "master", FieldTeknologi, 5, 30, []string{"NTNU"}},
	{"Master i teknologi (sivilingeniør) – energi og miljø", "master", FieldTeknologi, 5, 25, []string{"NTNU", "UiB"}},
	{"Master i teknologi (sivilingeniør) – petroleumsteknologi", "master", FieldTeknologi, 5, 20, []string{"NTNU", "UiS"}},
	{"Master i teknologi (sivilingeniør) – kybernetikk og robotikk", "master", FieldTeknologi, 5, 20, []string{"NTNU"}},
	{"Master i teknologi (sivilingeniør) – konstruksjoner og materialer", "master", FieldTeknologi, 5, 20, []string{"UiS", "NTNU"}},
	{"Master i teknologi (sivilingeniør) – marin teknikk", "master", FieldTeknologi, 5, 15, []string{"NTNU"}},
	{"Master i teknologi (sivilingeniør) – kommunikasjonsteknologi og digital sikkerhet", "master", FieldTeknologi, 5, 15, []string{"NTNU"}},
	{"Master i teknologi (sivilingeniør) – fornybar energi", "master", FieldTeknologi, 5, 10, []string{"UiA", "NMBU"}},
	{"Master i teknologi (sivilingeniør) – vann- og miljøteknikk", "master", FieldTeknologi, 5, 8, []string{"NMBU"}},
	{"Master i teknologi (sivilingeniør) – byggeteknikk og arkitektur", "master", FieldTeknologi, 5, 8, []string{"NMBU"}},
	{"Master i teknologi (sivilingeniør) – havteknologi", "master", FieldTeknologi, 5, 8, []string{"UiB"}},
	{"Master i teknologi (sivilingeniør) – geomatikk", "master", FieldTeknologi, 5, 5, []string{"NMBU"}},

	// Health.
	{"Bachelor i bioingeniørfag", "bachelor", FieldHelse, 3, 80, []string{"NTNU", "OsloMet", "HVL", "UiT", "USN", "UiA"}},
	{"Bachelor i sykepleie", "bachelor", FieldHelse, 3, 40, nil},
	{"Bachelor i radiografi", "bachelor", FieldHelse, 3, 20, []string{"NTNU", "OsloMet", "UiT", "HVL"}},
	{"Master i biomedisinsk laboratorievitenskap", "master", FieldHelse, 5, 8, []string{"NTNU", "OsloMet", "UiT", "HVL"}},
	{"Bachelor i ortopediingeniørfag", "bachelor", FieldHelse, 3, 3, []string{"OsloMet"}},

	// IT.
	{"Bachelor i informasjonsteknologi", "bachelor", FieldIT, 3, 35, nil},
	{"Master i informatikk", "master", FieldIT, 5, 25, []string{"UiO", "UiB", "NTNU", "UiT"}},
	{"Bachelor i IT og informasjonssystemer", "bachelor", FieldIT, 3, 15, nil},
	{"Master i informasjonssikkerhet", "master", FieldIT, 5, 8, []string{"NTNU"}},

	// Business and economics.
	{"Bachelor i økonomi og administrasjon", "bachelor", FieldØkonomi, 3, 30, nil},
	{"Master i økonomi og administrasjon (siviløkonom)", "master", FieldØkonomi, 5, 25, nil},
	{"Bachelor i logistikk og supply chain management", "bachelor", FieldØkonomi, 3, 5, []string{"HiMolde"}},
	{"Master i samfunnsøkonomi", "master", FieldSamfunnsøkonomi, 5, 15, nil},
	{"Bachelor i samfunnsøkonomi", "bachelor", FieldSamfunnsøkonomi, 3, 6, nil},

	// Natural sciences.
	{"Master i geologi", "master", FieldRealfag, 5, 8, []string{"NTNU", "UiO", "UiB", "UiT", "UiS"}},
	{"Master i fysikk", "master", FieldRealfag, 5, 8, []string{"NTNU", "UiO", "UiB", "UiT"}},
	{"Master i kjemi", "master", FieldRealfag, 5, 8, []string{"NTNU", "UiO", "UiB", "UiT", "NMBU"}},
	{"Master i biologi", "master", FieldRealfag, 5, 8, nil},
	{"Master i miljø og naturforvaltning", "master", FieldRealfag, 5, 6, []string{"NMBU", "INN", "Nord"}},
	{"Master i akvakultur", "master", FieldRealfag, 5, 4, []string{"NMBU", "Nord", "UiT", "UiB"}},

	// Social sciences and public administration.
	{"Master i statsvitenskap", "master", FieldSamfunnsfag, 5, 10, []string{"UiO", "UiB", "NTNU", "UiT", "UiA"}},
	{"Master i offentlig ledelse og styring", "master", FieldSamfunnsfag, 5, 10, nil},
	{"Bachelor i organisasjon og ledelse", "bachelor", FieldSamfunnsfag, 3, 8, nil},
	{"Bachelor i sosiologi", "bachelor", FieldSamfunnsfag, 3, 5, []string{"UiO", "UiB", "NTNU", "UiT"}},
	{"Master i samfunnsgeografi", "master", FieldSamfunnsfag, 5, 4, []string{"UiO", "UiB", "NTNU"}},
	{"Bachelor i journalistikk", "bachelor", FieldSamfunnsfag, 3, 3, []string{"HVO", "OsloMet", "Nord"}},

	// Architecture and planning.
	{"Master i arkitektur", "master", FieldArkitektur, 5, 8, []string{"NTNU", "AHO"}},
	{"Master i by- og regionplanlegging", "master", FieldArkitektur, 5, 5, []string{"NMBU"}},
	{"Master i landskapsarkitektur", "master", FieldArkitektur, 5, 4, []string{"NMBU"}},
}

// Pickers built once from the read-only tables above.
var (
	institutionPicker = func() *Weighted[Institution] {
		w := make([]int, len(institutions))
		for i, in := range institutions {
			w[i] = in.Weight
		}
		return NewWeighted(institutions, w)
	}()
	programmePicker = newStudyPicker(programmes)

	// programmesAt is keyed by Institution.Short; built up front so that
	// ProgrammeAt stays O(log n) and needs no locking.
	programmesAt = func() map[string]*Weighted[Study] {
		m := make(map[string]*Weighted[Study], len(institutions))
		for _, in := range institutions {
			m[in.Short] = newStudyPicker(offeredAt(in))
		}
		return m
	}()
)

func newStudyPicker(ss []Study) *Weighted[Study] {
	w := make([]int, len(ss))
	for i, s := range ss {
		w[i] = s.Weight
	}
	return NewWeighted(ss, w)
}

// offers reports whether in plausibly awards s.
func offers(in Institution, s Study) bool {
	if !slices.Contains(in.Fields, s.Field) {
		return false
	}
	return len(s.Only) == 0 || slices.Contains(s.Only, in.Short)
}

// offeredAt returns the programmes the institution awards, or all
// programmes if it awards none of them (only possible for a caller-made
// Institution), so that the result is never empty.
func offeredAt(in Institution) []Study {
	var out []Study
	for _, s := range programmes {
		if offers(in, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return programmes
	}
	return out
}

// Institutions returns a copy of the institution table.
func Institutions() []Institution {
	out := slices.Clone(institutions)
	for i := range out {
		out[i].Campuses = slices.Clone(out[i].Campuses)
		out[i].Fields = slices.Clone(out[i].Fields)
	}
	return out
}

// Programmes returns a copy of the programme table.
func Programmes() []Study {
	out := slices.Clone(programmes)
	for i := range out {
		out[i].Only = slices.Clone(out[i].Only)
	}
	return out
}

// PickInstitution returns an institution weighted by student numbers.
// The Campuses and Fields slices are shared with the package tables and must
// not be modified.
func PickInstitution(r *rand.Rand) Institution { return institutionPicker.Pick(r) }

// Programme returns a degree programme weighted by how common it is among
// the union's members. The Only slice is shared with the package table and
// must not be modified.
func Programme(r *rand.Rand) Study { return programmePicker.Pick(r) }

// ProgrammeAt returns a programme that the institution actually offers,
// weighted as in Programme. Use it after PickInstitution when the
// institution is chosen first.
func ProgrammeAt(r *rand.Rand, in Institution) Study {
	if p, ok := programmesAt[in.Short]; ok {
		return p.Pick(r)
	}
	return newStudyPicker(offeredAt(in)).Pick(r)
}

// InstitutionFor returns an institution that offers the programme, weighted
// by student numbers. Use it after Programme when the programme is chosen
// first; choosing the programme first gives the union its realistic
// education mix, and this keeps the pair consistent. If no institution in
// the table offers the programme (a caller-made Study), any institution is
// returned.
func InstitutionFor(r *rand.Rand, s Study) Institution {
	var cands []Institution
	var weights []int
	for _, in := range institutions {
		if offers(in, s) {
			cands = append(cands, in)
			weights = append(weights, in.Weight)
		}
	}
	if len(cands) == 0 {
		return institutionPicker.Pick(r)
	}
	return NewWeighted(cands, weights).Pick(r)
}

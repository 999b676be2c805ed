package data

import (
	"math/rand/v2"
	"slices"
	"strings"
)

// Sector keys. They follow the split used in Norwegian collective
// bargaining (stat, kommune, fylkeskommune, helseforetak and private), which
// is what decides a member's tariff agreement, so the generator needs it on
// every workplace.
const (
	SectorStat          = "stat"
	SectorKommune       = "kommune"
	SectorFylkeskommune = "fylkeskommune"
	SectorPrivat        = "privat"
	SectorHelseforetak  = "helseforetak"
)

// Sector describes one bargaining sector.
//
// Weight is the relative number of workplaces (not members) in the sector
// for an engineers'/public-sector union: many small private firms, fewer but
// much larger hospitals. MinEmployees and MaxEmployees bound the total head
// count of one workplace in that sector, of which the union organises a
// share; EmployeeCount draws from that range.
type Sector struct {
	Key          string
	Label        string
	Weight       int
	MinEmployees int
	MaxEmployees int
}

var sectors = []Sector{
	{SectorPrivat, "Privat sektor", 52, 5, 2500},
	{SectorKommune, "Kommunal sektor", 22, 20, 6000},
	{SectorStat, "Statlig sektor", 15, 15, 4000},
	{SectorFylkeskommune, "Fylkeskommunal sektor", 5, 40, 2500},
	{SectorHelseforetak, "Helseforetak", 6, 300, 20000},
}

var sectorPicker = func() *Weighted[Sector] {
	w := make([]int, len(sectors))
	for i, s := range sectors {
		w[i] = s.Weight
	}
	return NewWeighted(sectors, w)
}()

// Sectors returns a copy of the sector table.
func Sectors() []Sector { return slices.Clone(sectors) }

// PickSector returns a sector weighted by its number of workplaces.
func PickSector(r *rand.Rand) Sector { return sectorPicker.Pick(r) }

// LookupSector returns the sector with the given key.
func LookupSector(key string) (Sector, bool) {
	for _, s := range sectors {
		if s.Key == key {
			return s, true
		}
	}
	return Sector{}, false
}

// EmployeeCount draws a head count between MinEmployees and MaxEmployees.
// It is log-uniform rather than uniform because workplace sizes are heavily
// skewed: most firms are small and a few are very large. A uniform draw
// would make the typical private firm have over a thousand employees.
func (s Sector) EmployeeCount(r *rand.Rand) int {
	lo, hi := max(1, s.MinEmployees), max(1, s.MaxEmployees)
	if hi <= lo {
		return lo
	}
	// Integer log-uniform: pick a doubling band uniformly, then a value
	// uniformly within it. Integer-only so results do not depend on the
	// platform's floating-point behaviour.
	var bands [][2]int
	for a := lo; a <= hi; a *= 2 {
		bands = append(bands, [2]int{a, min(2*a-1, hi)})
	}
	b := bands[r.IntN(len(bands))]
	return b[0] + r.IntN(b[1]-b[0]+1)
}

// Place is a Norwegian municipality with the facts EmployerName needs to
// produce consistent names: its county (for fylkeskommune and
// Statsforvalteren), the health trust serving it, and the hospital in it, if
// any. Weight is roughly the population in thousands, which is a fair proxy
// for how many workplaces a union has there.
type Place struct {
	Name     string
	County   string
	Weight   int
	HF       string // the helseforetak (health trust) serving the municipality
	Hospital string // a hospital located in the municipality, or ""
	Nynorsk  bool   // the municipality uses Nynorsk in official names
}

// places lists municipalities (2024 county structure) that together cover
// every county and the large majority of the population.
var places = []Place{
	// Oslo and Akershus.
	{"Oslo", "Oslo", 717, "Oslo universitetssykehus HF", "", false},
	{"Bærum", "Akershus", 130, "Vestre Viken HF", "Bærum sykehus", false},
	{"Asker", "Akershus", 97, "Vestre Viken HF", "", false},
	{"Lillestrøm", "Akershus", 92, "Akershus universitetssykehus HF", "", false},
	{"Nordre Follo", "Akershus", 62, "Akershus universitetssykehus HF", "", false},
	{"Lørenskog", "Akershus", 48, "Akershus universitetssykehus HF", "", false},
	{"Ullensaker", "Akershus", 42, "Akershus universitetssykehus HF", "", false},
	{"Eidsvoll", "Akershus", 27, "Akershus universitetssykehus HF", "", false},
	{"Nittedal", "Akershus", 25, "Akershus universitetssykehus HF", "", false},
	{"Nes", "Akershus", 24, "Akershus universitetssykehus HF", "", false},
	{"Ås", "Akershus", 21, "Akershus universitetssykehus HF", "", false},
	{"Frogn", "Akershus", 16, "Akershus universitetssykehus HF", "", false},
	// Østfold.
	{"Fredrikstad", "Østfold", 85, "Sykehuset Østfold HF", "", false},
	{"Sarpsborg", "Østfold", 59, "Sykehuset Østfold HF", "Sykehuset Østfold Kalnes", false},
	{"Moss", "Østfold", 51, "Sykehuset Østfold HF", "Sykehuset Østfold Moss", false},
	{"Indre Østfold", "Østfold", 46, "Sykehuset Østfold HF", "", false},
	{"Halden", "Østfold", 32, "Sykehuset Østfold HF", "", false},
	// Buskerud.
	{"Drammen", "Buskerud", 103, "Vestre Viken HF", "Drammen sykehus", false},
	{"Ringerike", "Buskerud", 31, "Vestre Viken HF", "Ringerike sykehus", false},
	{"Kongsberg", "Buskerud", 28, "Vestre Viken HF", "Kongsberg sykehus", false},
	{"Lier", "Buskerud", 27, "Vestre Viken HF", "", false},
	// Vestfold.
	{"Sandefjord", "Vestfold", 65, "Sykehuset i Vestfold HF", "", false},
	{"Tønsberg", "Vestfold", 58, "Sykehuset i Vestfold HF", "Sykehuset i Vestfold, Tønsberg", false},
	{"Larvik", "Vestfold", 48, "Sykehuset i Vestfold HF", "Sykehuset i Vestfold, Larvik", false},
	{"Horten", "Vestfold", 28, "Sykehuset i Vestfold HF", "", false},
	{"Færder", "Vestfold", 27, "Sykehuset i Vestfold HF", "", false},
	{"Holmestrand", "Vestfold", 26, "Sykehuset i Vestfold HF", "", false},
	// Telemark.
	{"Skien", "Telemark", 56, "Sykehuset Telemark HF", "Sykehuset Telemark, Skien", false},
	{"Porsgrunn", "Telemark", 37, "Sykehuset Telemark HF", "Sykehuset Telemark, Porsgrunn", false},
	{"Notodden", "Telemark", 13, "Sykehuset Telemark HF", "Sykehuset Telemark, Notodden", false},
	{"Kragerø", "Telemark", 10, "Sykehuset Telemark HF", "", false},
	// Agder.
	{"Kristiansand", "Agder", 117, "Sørlandet sykehus HF", "Sørlandet sykehus Kristiansand", false},
	{"Arendal", "Agder", 46, "Sørlandet sykehus HF", "Sørlandet sykehus Arendal", false},
	{"Grimstad", "Agder", 24, "Sørlandet sykehus HF", "", false},
	{"Lindesnes", "Agder", 24, "Sørlandet sykehus HF", "", false},
	{"Flekkefjord", "Agder", 9, "Sørlandet sykehus HF", "Sørlandet sykehus Flekkefjord", false},
	// Rogaland.
	{"Stavanger", "Rogaland", 148, "Helse Stavanger HF", "Stavanger universitetssjukehus", false},
	{"Sandnes", "Rogaland", 83, "Helse Stavanger HF", "", false},
	{"Karmøy", "Rogaland", 43, "Helse Fonna HF", "", false},
	{"Haugesund", "Rogaland", 38, "Helse Fonna HF", "Haugesund sjukehus", false},
	{"Sola", "Rogaland", 28, "Helse Stavanger HF", "", false},
	{"Klepp", "Rogaland", 20, "Helse Stavanger HF", "", true},
	{"Time", "Rogaland", 19, "Helse Stavanger HF", "", true},
	{"Eigersund", "Rogaland", 15, "Helse Stavanger HF", "", false},
	{"Tysvær", "Rogaland", 11, "Helse Fonna HF", "", true},
	// Vestland.
	{"Bergen", "Vestland", 291, "Helse Bergen HF", "Haukeland universitetssjukehus", false},
	{"Askøy", "Vestland", 30, "Helse Bergen HF", "", false},
	{"Bjørnafjorden", "Vestland", 26, "Helse Bergen HF", "", true},
	{"Sunnfjord", "Vestland", 22, "Helse Førde HF", "Førde sentralsjukehus", true},
	{"Stord", "Vestland", 19, "Helse Fonna HF", "Stord sjukehus", true},
	{"Kinn", "Vestland", 17, "Helse Førde HF", "", true},
	{"Voss", "Vestland", 16, "Helse Bergen HF", "Voss sjukehus", true},
	{"Sogndal", "Vestland", 12, "Helse Førde HF", "", true},
	// Møre og Romsdal.
	{"Ålesund", "Møre og Romsdal", 58, "Helse Møre og Romsdal HF", "Ålesund sjukehus", true},
	{"Molde", "Møre og Romsdal", 33, "Helse Møre og Romsdal HF", "Molde sjukehus", false},
	{"Kristiansund", "Møre og Romsdal", 24, "Helse Møre og Romsdal HF", "Kristiansund sjukehus", false},
	{"Volda", "Møre og Romsdal", 11, "Helse Møre og Romsdal HF", "Volda sjukehus", true},
	{"Ørsta", "Møre og Romsdal", 11, "Helse Møre og Romsdal HF", "", true},
	// Trøndelag.
	{"Trondheim", "Trøndelag", 214, "St. Olavs hospital HF", "", false},
	{"Stjørdal", "Trøndelag", 25, "Helse Nord-Trøndelag HF", "", false},
	{"Steinkjer", "Trøndelag", 24, "Helse Nord-Trøndelag HF", "", false},
	{"Levanger", "Trøndelag", 20, "Helse Nord-Trøndelag HF", "Sykehuset Levanger", false},
	{"Orkland", "Trøndelag", 18, "St. Olavs hospital HF", "Orkdal sykehus", false},
	{"Namsos", "Trøndelag", 15, "Helse Nord-Trøndelag HF", "Sykehuset Namsos", false},
	{"Oppdal", "Trøndelag", 7, "St. Olavs hospital HF", "", false},
	{"Røros", "Trøndelag", 6, "St. Olavs hospital HF", "Røros sykehus", false},
	// Innlandet.
	{"Ringsaker", "Innlandet", 35, "Sykehuset Innlandet HF", "", false},
	{"Hamar", "Innlandet", 32, "Sykehuset Innlandet HF", "Sykehuset Innlandet Hamar", false},
	{"Gjøvik", "Innlandet", 31, "Sykehuset Innlandet HF", "Sykehuset Innlandet Gjøvik", false},
	{"Lillehammer", "Innlandet", 29, "Sykehuset Innlandet HF", "Sykehuset Innlandet Lillehammer", false},
	{"Elverum", "Innlandet", 21, "Sykehuset Innlandet HF", "Sykehuset Innlandet Elverum", false},
	{"Kongsvinger", "Innlandet", 18, "Sykehuset Innlandet HF", "Sykehuset Innlandet Kongsvinger", false},
	{"Gran", "Innlandet", 14, "Sykehuset Innlandet HF", "", false},
	{"Tynset", "Innlandet", 6, "Sykehuset Innlandet HF", "Sykehuset Innlandet Tynset", false},
	// Nordland.
	{"Bodø", "Nordland", 53, "Nordlandssykehuset HF", "", false},
	{"Rana", "Nordland", 26, "Helgelandssykehuset HF", "Helgelandssykehuset Mo i Rana", false},
	{"Narvik", "Nordland", 21, "Universitetssykehuset Nord-Norge HF", "UNN Narvik", false},
	{"Vefsn", "Nordland", 13, "Helgelandssykehuset HF", "Helgelandssykehuset Mosjøen", false},
	{"Vestvågøy", "Nordland", 11, "Nordlandssykehuset HF", "Nordlandssykehuset Lofoten", false},
	{"Sortland", "Nordland", 11, "Nordlandssykehuset HF", "", false},
	{"Vågan", "Nordland", 10, "Nordlandssykehuset HF", "", false},
	{"Fauske", "Nordland", 10, "Nordlandssykehuset HF", "", false},
	{"Alstahaug", "Nordland", 7, "Helgelandssykehuset HF", "Helgelandssykehuset Sandnessjøen", false},
	// Troms.
	{"Tromsø", "Troms", 78, "Universitetssykehuset Nord-Norge HF", "", false},
	{"Harstad", "Troms", 25, "Universitetssykehuset Nord-Norge HF", "UNN Harstad", false},
	{"Senja", "Troms", 15, "Universitetssykehuset Nord-Norge HF", "", false},
	// Finnmark.
	{"Alta", "Finnmark", 21, "Finnmarkssykehuset HF", "", false},
	{"Hammerfest", "Finnmark", 11, "Finnmarkssykehuset HF", "Hammerfest sykehus", false},
	{"Sør-Varanger", "Finnmark", 10, "Finnmarkssykehuset HF", "Kirkenes sykehus", false},
	{"Vadsø", "Finnmark", 6, "Finnmarkssykehuset HF", "", false},
}

var placePicker = func() *Weighted[Place] {
	w := make([]int, len(places))
	for i, p := range places {
		w[i] = p.Weight
	}
	return NewWeighted(places, w)
}()

// Places returns a copy of the municipality table.
func Places() []Place { return slices.Clone(places) }

// PickPlace returns a municipality weighted by population.
func PickPlace(r *rand.Rand) Place { return placePicker.Pick(r) }

// LookupPlace returns the municipality with the given name.
func LookupPlace(name string) (Place, bool) {
	for _, p := range places {
		if p.Name == name {
			return p, true
		}
	}
	return Place{}, false
}

// employerPattern is one way to build a workplace name. Patterns are data
// rather than a switch so that tests can check every one of them, and so
// that adding a pattern does not disturb the code that chooses them.
type employerPattern struct {
	weight int
	// usesPlace is true when the result always contains the place name.
	// Tests rely on it; it also documents which names are local.
	usesPlace bool
	// needs reports whether the pattern makes sense for this place, e.g. a
	// "<Place> sjukehus" only where there is a hospital. Nil means always.
	needs func(p Place, known bool) bool
	build func(r *rand.Rand, p Place, surname string) string
}

func knownPlace(_ Place, known bool) bool { return known }
func hasHospital(p Place, known bool) bool {
	return known && p.Hospital != ""
}
func hasCounty(p Place, known bool) bool {
	return known && p.County != "" && p.County != "Oslo"
}
func isOslo(p Place, _ bool) bool  { return p.Name == "Oslo" }
func notOslo(p Place, _ bool) bool { return p.Name != "Oslo" }

func fixed(s string) func(*rand.Rand, Place, string) string {
	return func(*rand.Rand, Place, string) string { return s }
}

func pick(list []string) func(*rand.Rand, Place, string) string {
	return func(r *rand.Rand, _ Place, _ string) string { return list[r.IntN(len(list))] }
}

// Word lists for invented private companies. Private employers are
// fictional on purpose: demo data must not suggest that a real company's
// staff are members of a union.
var (
	brandWords = []string{
		"Nordic", "Fjord", "Polar", "Aurora", "Nordlys", "Norrøn", "Kyst",
		"Havbris", "Tind", "Fjell", "Midnattsol", "Skagerak", "Vestkyst",
		"Nord", "Bølge", "Granitt", "Stål", "Isbre", "Havørn", "Lynx",
	}
	norskWords = []string{
		"Måleteknikk", "Vegteknikk", "Elkontroll", "Brannteknikk",
		"Havbruksteknologi", "Kulde", "Betongteknikk", "Energiservice",
		"Automasjon", "Vannrensing", "Prosessteknikk", "Geoteknikk",
		"Kraftelektronikk", "Laboratorieservice", "Signalteknikk",
		"Ventilasjon", "Industrimontasje", "Sikkerhetssystemer",
	}
	stateAgencies = []string{
		"Statsbygg", "Norges vassdrags- og energidirektorat",
		"Statistisk sentralbyrå", "Meteorologisk institutt",
		"Direktoratet for samfunnssikkerhet og beredskap",
		"Digitaliseringsdirektoratet", "Direktoratet for byggkvalitet",
		"Jernbanedirektoratet", "Bane NOR SF", "Forsvarsbygg",
		"Forsvarets materiell", "Havforskningsinstituttet",
		"Sjøfartsdirektoratet", "Luftfartstilsynet",
		"Nasjonal kommunikasjonsmyndighet", "Riksantikvaren",
		"Direktoratet for strålevern og atomsikkerhet",
		"Miljødirektoratet", "Arbeids- og velferdsdirektoratet",
		"Havindustritilsynet", "Norsk romsenter",
	}
	healthWide = []string{
		"Sykehuspartner HF", "Sykehusapotekene HF",
		"Helse Sør-Øst RHF", "Helse Vest RHF", "Helse Midt-Norge RHF",
		"Helse Nord RHF", "Helse Vest IKT AS", "Helse Nord IKT HF",
	}
)

// employerPatterns holds the naming patterns for each sector.
var employerPatterns = map[string][]employerPattern{
	SectorKommune: {
		{weight: 30, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " kommune"
		}},
		{weight: 3, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " kommunale eiendom KF"
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " havn KF"
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " brann og redning IKS"
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + "regionens interkommunale renovasjon IKS"
		}},
		{weight: 1, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " vann og avløp KF"
		}},
	},
	SectorFylkeskommune: {
		{weight: 10, needs: hasCounty, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.County + " fylkeskommune"
		}},
		{weight: 6, usesPlace: true, needs: notOslo, build: func(_ *rand.Rand, p Place, _ string) string {
			if p.Nynorsk {
				return p.Name + " vidaregåande skule"
			}
			return p.Name + " videregående skole"
		}},
		{weight: 2, needs: hasCounty, build: func(_ *rand.Rand, p Place, _ string) string {
			return "Tannhelsetjenesten i " + p.County
		}},
		// Oslo is both municipality and county, so its county-level work
		// is done by municipal agencies.
		{weight: 12, usesPlace: true, needs: isOslo, build: pick([]string{
			"Oslo kommune, Utdanningsetaten", "Oslo kommune, Bymiljøetaten",
			"Oslo kommune, Undervisningsbygg Oslo KF",
		})},
	},
	SectorStat: {
		{weight: 8, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return "NAV " + p.Name
		}},
		{weight: 6, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return "Statens vegvesen " + p.Name
		}},
		{weight: 5, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return "Skatteetaten " + p.Name
		}},
		{weight: 3, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return "Mattilsynet " + p.Name
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return "Kartverket " + p.Name
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return "Arbeidstilsynet " + p.Name
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return "Tolletaten " + p.Name
		}},
		{weight: 3, needs: hasCounty, build: func(_ *rand.Rand, p Place, _ string) string {
			return "Statsforvalteren i " + p.County
		}},
		{weight: 8, build: func(r *rand.Rand, p Place, _ string) string {
			// Prefer an institution located in the place, so that a
			// university workplace sits in its own city.
			var local []Institution
			for _, in := range institutions {
				if in.City == p.Name || slices.Contains(in.Campuses, p.Name) {
					local = append(local, in)
				}
			}
			if len(local) > 0 {
				return local[r.IntN(len(local))].Name
			}
			return institutionPicker.Pick(r).Name
		}},
		{weight: 8, build: pick(stateAgencies)},
	},
	SectorHelseforetak: {
		{weight: 10, needs: hasHospital, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Hospital
		}},
		{weight: 6, usesPlace: true, needs: knownPlace, build: func(_ *rand.Rand, p Place, _ string) string {
			if strings.Contains(p.HF, p.Name) {
				return p.HF
			}
			return p.HF + ", " + p.Name
		}},
		{weight: 4, usesPlace: true, needs: func(_ Place, known bool) bool { return !known }, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " sykehus"
		}},
		{weight: 2, usesPlace: true, needs: func(_ Place, known bool) bool { return !known }, build: func(_ *rand.Rand, p Place, _ string) string {
			return "Helse " + p.Name + " HF"
		}},
		{weight: 1, build: pick(healthWide)},
	},
	SectorPrivat: {
		{weight: 6, build: func(_ *rand.Rand, _ Place, s string) string { return s + " Elektro AS" }},
		{weight: 3, build: func(_ *rand.Rand, _ Place, s string) string { return s + " Rør AS" }},
		{weight: 2, build: func(_ *rand.Rand, _ Place, s string) string { return s + " Maskin AS" }},
		{weight: 2, build: func(_ *rand.Rand, _ Place, s string) string { return s + " & Sønner AS" }},
		{weight: 2, build: func(_ *rand.Rand, _ Place, s string) string { return "Ingeniørfirmaet " + s + " AS" }},
		{weight: 2, build: func(_ *rand.Rand, _ Place, s string) string { return s + " Arkitekter AS" }},
		{weight: 2, build: func(_ *rand.Rand, _ Place, s string) string { return s + " Rådgivende Ingeniører AS" }},
		{weight: 5, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " Bygg og Anlegg AS"
		}},
		{weight: 3, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " Energi AS"
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " Elektro AS"
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " Entreprenør AS"
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " Mekaniske Verksted AS"
		}},
		{weight: 2, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " Automasjon AS"
		}},
		{weight: 1, usesPlace: true, build: func(_ *rand.Rand, p Place, _ string) string {
			return p.Name + " Kraft AS"
		}},
		{weight: 4, build: func(r *rand.Rand, _ Place, _ string) string {
			return brandWords[r.IntN(len(brandWords))] + " Engineering AS"
		}},
		{weight: 3, build: func(r *rand.Rand, _ Place, _ string) string {
			return brandWords[r.IntN(len(brandWords))] + " Consult AS"
		}},
		{weight: 2, build: func(r *rand.Rand, _ Place, _ string) string {
			return brandWords[r.IntN(len(brandWords))] + " Solutions AS"
		}},
		{weight: 2, build: func(r *rand.Rand, _ Place, _ string) string {
			return brandWords[r.IntN(len(brandWords))] + " Subsea AS"
		}},
		{weight: 2, build: func(r *rand.Rand, _ Place, _ string) string {
			return brandWords[r.IntN(len(brandWords))] + " Data AS"
		}},
		{weight: 2, build: func(r *rand.Rand, _ Place, _ string) string {
			return brandWords[r.IntN(len(brandWords))] + " Teknikk AS"
		}},
		{weight: 4, build: func(r *rand.Rand, _ Place, _ string) string {
			return "Norsk " + norskWords[r.IntN(len(norskWords))] + " AS"
		}},
	},
}

// EmployerName returns a plausible Norwegian workplace name for the given
// sector, e.g. "Bergen kommune", "NAV Tromsø", "Vestland fylkeskommune",
// "Sykehuset Innlandet Gjøvik" or "Hansen Elektro AS".
//
// place should be a municipality name; when it is one of Places the name is
// kept consistent with its county, health trust and hospital, otherwise only
// patterns that need nothing but the name are used. surname feeds patterns
// such as "<Surname> Elektro AS". An empty place or surname is replaced by
// one drawn from r, and an unknown sector is treated as "privat", so the
// result is never empty. The result depends only on the arguments and the
// state of r.
func EmployerName(r *rand.Rand, sector, place, surname string) string {
	p, known := LookupPlace(place)
	if place == "" {
		p, known = PickPlace(r), true
	} else if !known {
		p = Place{Name: place}
	}
	if surname == "" {
		surname = Surname(r)
	}
	pats, ok := employerPatterns[sector]
	if !ok {
		pats = employerPatterns[SectorPrivat]
	}
	usable := make([]employerPattern, 0, len(pats))
	weights := make([]int, 0, len(pats))
	for _, pt := range pats {
		if pt.needs == nil || pt.needs(p, known) {
			usable = append(usable, pt)
			weights = append(weights, pt.weight)
		}
	}
	return NewWeighted(usable, weights).Pick(r).build(r, p, surname)
}

// positions lists job titles (stilling) per sector with relative
// frequencies for an engineers'/public-sector union. Titles follow the
// conventions of each sector's pay system: the state uses rådgiver,
// seniorrådgiver and førstekonsulent; hospitals are dominated by
// bioingeniører and radiografer; private firms use engineering titles.
var positions = map[string][]Entry{
	SectorStat: {
		{"seniorrådgiver", 25}, {"rådgiver", 20}, {"overingeniør", 10},
		{"førstekonsulent", 8}, {"senioringeniør", 8}, {"ingeniør", 6},
		{"saksbehandler", 6}, {"prosjektleder", 5}, {"avdelingsingeniør", 5},
		{"seniorkonsulent", 4}, {"sjefingeniør", 4}, {"seksjonssjef", 3},
		{"forsker", 3}, {"seniorforsker", 2}, {"spesialrådgiver", 2},
		{"utreder", 2}, {"avdelingsdirektør", 2}, {"førsteamanuensis", 2},
		{"IT-konsulent", 2}, {"universitetslektor", 1}, {"fagdirektør", 1},
		{"sivilingeniør", 1}, {"konsulent", 1}, {"tekniker", 1},
	},
	SectorKommune: {
		{"ingeniør", 15}, {"rådgiver", 12}, {"saksbehandler", 10},
		{"byggesaksbehandler", 8}, {"sykepleier", 8}, {"seniorrådgiver", 6},
		{"prosjektleder", 6}, {"konsulent", 6}, {"avdelingsingeniør", 5},
		{"arealplanlegger", 5}, {"VA-ingeniør", 4}, {"avdelingsleder", 4},
		{"tekniker", 4}, {"driftsingeniør", 4}, {"enhetsleder", 3},
		{"oppmålingsingeniør", 3}, {"byggeleder", 3}, {"IKT-konsulent", 3},
		{"miljørådgiver", 2}, {"landbruksrådgiver", 2}, {"eiendomsforvalter", 2},
		{"overingeniør", 2}, {"sivilingeniør", 1}, {"førstekonsulent", 1},
	},
	SectorFylkeskommune: {
		{"rådgiver", 15}, {"seniorrådgiver", 10}, {"ingeniør", 8},
		{"lektor", 6}, {"lærer", 6}, {"prosjektleder", 6},
		{"saksbehandler", 6}, {"byggeleder", 4}, {"IKT-konsulent", 4},
		{"overingeniør", 4}, {"avdelingsleder", 3}, {"tekniker", 3},
		{"sivilingeniør", 2}, {"konsulent", 2}, {"førstekonsulent", 1},
	},
	SectorPrivat: {
		{"ingeniør", 25}, {"prosjektingeniør", 12}, {"prosjektleder", 12},
		{"sivilingeniør", 12}, {"konsulent", 8}, {"rådgivende ingeniør", 8},
		{"systemutvikler", 8}, {"seniorkonsulent", 6}, {"elektroingeniør", 6},
		{"utviklingsingeniør", 6}, {"tekniker", 6}, {"avdelingsleder", 5},
		{"byggeleder", 5}, {"driftstekniker", 4}, {"kvalitetsingeniør", 4},
		{"salgsingeniør", 4}, {"servicetekniker", 4}, {"automasjonsingeniør", 4},
		{"HMS-rådgiver", 3}, {"fagleder", 3}, {"rådgiver", 3},
		{"seniorrådgiver", 2}, {"daglig leder", 2}, {"overingeniør", 1},
	},
	SectorHelseforetak: {
		{"bioingeniør", 30}, {"sykepleier", 15}, {"radiograf", 12},
		{"medisinskteknisk ingeniør", 6}, {"spesialsykepleier", 5},
		{"fagbioingeniør", 5}, {"rådgiver", 5}, {"spesialbioingeniør", 4},
		{"ingeniør", 4}, {"intensivsykepleier", 3}, {"seniorrådgiver", 3},
		{"avdelingsleder", 3}, {"seksjonsleder", 3}, {"IKT-rådgiver", 3},
		{"prosjektleder", 3}, {"konsulent", 3}, {"driftstekniker", 2},
		{"ortopediingeniør", 2}, {"saksbehandler", 2}, {"overingeniør", 1},
		{"tekniker", 1},
	},
}

// departments lists typical department names (avdeling) per sector. They
// are uniform in weight; real organisation charts vary too much for
// frequencies to mean anything.
var departments = map[string][]string{
	SectorStat: {
		"Fagavdelingen", "Administrasjonsavdelingen", "IT-avdelingen",
		"Økonomiavdelingen", "Seksjon for digitalisering", "Utbyggingsavdelingen",
		"Drift og vedlikehold", "Tilsynsavdelingen", "Analyseavdelingen",
		"Juridisk avdeling", "HR-avdelingen", "Kundesenteret", "Regionkontoret",
		"Trafikant og kjøretøy", "Eiendomsavdelingen",
	},
	SectorKommune: {
		"Plan og bygg", "Vann og avløp", "Teknisk drift", "Eiendom",
		"Byggesak", "Oppmåling og geodata", "Helse og omsorg",
		"Hjemmetjenesten", "IKT", "Samfunnsutvikling", "Miljø og landbruk",
		"Brann og redning", "Økonomi", "Kommunedirektørens stab",
		"Vei og park",
	},
	SectorFylkeskommune: {
		"Samferdsel", "Utdanning", "Fylkesveg", "Eiendom", "Kultur",
		"Regional utvikling", "Tannhelse", "Digitalisering",
		"Klima og miljø", "Økonomi", "Kollektivtrafikk",
	},
	SectorPrivat: {
		"Prosjekt", "Engineering", "Elektro", "Bygg", "Automasjon",
		"Service", "Salg", "Forskning og utvikling", "Produksjon",
		"Kvalitet og HMS", "IT", "Drift", "Innkjøp", "Rådgivning",
		"Energi", "Samferdsel og infrastruktur",
	},
	SectorHelseforetak: {
		"Avdeling for medisinsk biokjemi", "Avdeling for mikrobiologi",
		"Avdeling for patologi", "Avdeling for immunologi og transfusjonsmedisin",
		"Radiologisk avdeling", "Medisinsk teknologi", "Intensivavdelingen",
		"Akuttmottaket", "Medisinsk avdeling", "Kirurgisk avdeling",
		"Nukleærmedisinsk avdeling", "Laboratoriemedisin", "IKT",
		"Drift og eiendom", "Blodbanken",
	},
}

var positionPickers = func() map[string]*Weighted[string] {
	m := make(map[string]*Weighted[string], len(positions))
	for k, v := range positions {
		m[k] = newEntryPicker(v)
	}
	return m
}()

// Position returns a job title typical for the sector. An unknown sector is
// treated as "privat".
func Position(r *rand.Rand, sector string) string {
	p, ok := positionPickers[sector]
	if !ok {
		p = positionPickers[SectorPrivat]
	}
	return p.Pick(r)
}

// Positions returns a copy of the job-title table for a sector, or nil for
// an unknown sector.
func Positions(sector string) []Entry { return slices.Clone(positions[sector]) }

// Department returns a department name typical for the sector. An unknown
// sector is treated as "privat".
func Department(r *rand.Rand, sector string) string {
	d, ok := departments[sector]
	if !ok {
		d = departments[SectorPrivat]
	}
	return d[r.IntN(len(d))]
}

// Departments returns a copy of the department list for a sector, or nil for
// an unknown sector.
func Departments(sector string) []string { return slices.Clone(departments[sector]) }

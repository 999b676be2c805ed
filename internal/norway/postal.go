package norway

import (
	"math/rand/v2"
	"slices"
	"sync"
)

// ErrPostalCode is returned by ValidatePostalCode.
var ErrPostalCode = keyError("valid.postal_code")

// PostalPlace is one postal code with its poststed and the municipality and
// county (fylke) it belongs to, using the 2024 division of Norway.
type PostalPlace struct {
	Code           string // four digits, e.g. "0150"
	Place          string // poststed in capitals as Posten writes it, e.g. "OSLO"
	Municipality   string // kommune, e.g. "Oslo"
	MunicipalityNo string // kommunenummer, e.g. "0301"
	County         string // fylke, e.g. "Oslo"
}

// counties lists the 15 counties from 1 January 2024 in the order of their
// county numbers, which is the order official statistics use.
var counties = [...]struct {
	prefix, name string
	population   int // thousands, 1 January 2024 (SSB), rounded
}{
	{"03", "Oslo", 717},
	{"11", "Rogaland", 499},
	{"15", "Møre og Romsdal", 270},
	{"18", "Nordland", 243},
	{"31", "Østfold", 311},
	{"32", "Akershus", 723},
	{"33", "Buskerud", 271},
	{"34", "Innlandet", 373},
	{"39", "Vestfold", 256},
	{"40", "Telemark", 177},
	{"42", "Agder", 318},
	{"46", "Vestland", 651},
	{"50", "Trøndelag", 483},
	{"55", "Troms", 169},
	{"56", "Finnmark", 75},
}

// postalTable indexes postalCodes; it is built on first use.
type postalTable struct {
	places   []PostalPlace
	byCode   map[string]int   // code -> index in places
	byCounty map[string][]int // county -> indexes in places
}

var postal = sync.OnceValue(func() *postalTable {
	countyOf := make(map[string]string, len(counties))
	for _, c := range counties {
		countyOf[c.prefix] = c.name
	}
	t := &postalTable{
		places:   make([]PostalPlace, len(postalCodes)),
		byCode:   make(map[string]int, len(postalCodes)),
		byCounty: make(map[string][]int, len(counties)),
	}
	for i, p := range postalCodes {
		county := countyOf[p.municipality[:2]]
		t.places[i] = PostalPlace{
			Code:           p.code,
			Place:          p.place,
			Municipality:   municipalityNames[p.municipality],
			MunicipalityNo: p.municipality,
			County:         county,
		}
		t.byCode[p.code] = i
		t.byCounty[county] = append(t.byCounty[county], i)
	}
	return t
})

// ValidatePostalCode checks that code is four ASCII digits. It does not
// require the code to be in the table, which holds a selection only.
func ValidatePostalCode(code string) error {
	if len(code) != 4 {
		return ErrPostalCode
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return ErrPostalCode
		}
	}
	return nil
}

// LookupPostal returns the place for a postal code, if the code is in the
// table. The table is a selection of the register (a few thousand codes, all
// municipalities), not all of it, so a miss does not mean the code is wrong.
func LookupPostal(code string) (PostalPlace, bool) {
	t := postal()
	i, ok := t.byCode[code]
	if !ok {
		return PostalPlace{}, false
	}
	return t.places[i], true
}

// PostalPlaces returns all places in the table, sorted by postal code. The
// slice is a copy and may be modified.
func PostalPlaces() []PostalPlace {
	return slices.Clone(postal().places)
}

// Counties returns the names of the 15 counties, in county-number order.
func Counties() []string {
	names := make([]string, len(counties))
	for i, c := range counties {
		names[i] = c.name
	}
	return names
}

// CountyPopulation returns the county's population in thousands at
// 1 January 2024, rounded, or 0 for an unknown county. It is meant as a
// weight for demo data, not as statistics.
func CountyPopulation(county string) int {
	for _, c := range counties {
		if c.name == county {
			return c.population
		}
	}
	return 0
}

// MunicipalitiesIn returns the names of the municipalities in a county that
// appear in the table, sorted by kommunenummer. It returns nil for an
// unknown county.
func MunicipalitiesIn(county string) []string {
	t := postal()
	var numbers []string
	for _, i := range t.byCounty[county] {
		numbers = append(numbers, t.places[i].MunicipalityNo)
	}
	slices.Sort(numbers)
	numbers = slices.Compact(numbers)
	for i, no := range numbers {
		numbers[i] = municipalityNames[no]
	}
	return numbers
}

// PickPostalPlace returns a random place for demo data: the county is drawn
// in proportion to its population and the place uniformly within it, so that
// generated members are spread over Norway roughly like real people. It is
// deterministic for a given r.
func PickPostalPlace(r *rand.Rand) PostalPlace {
	total := 0
	for _, c := range counties {
		total += c.population
	}
	n := r.IntN(total)
	county := counties[len(counties)-1].name
	for _, c := range counties {
		if n < c.population {
			county = c.name
			break
		}
		n -= c.population
	}
	t := postal()
	idx := t.byCounty[county]
	return t.places[idx[r.IntN(len(idx))]]
}

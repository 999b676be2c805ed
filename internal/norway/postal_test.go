package norway

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestLookupPostal(t *testing.T) {
	tests := []PostalPlace{
		{"0150", "OSLO", "Oslo", "0301", "Oslo"},
		{"1336", "SANDVIKA", "Bærum", "3201", "Akershus"},
		{"2000", "LILLESTRØM", "Lillestrøm", "3205", "Akershus"},
		{"1604", "FREDRIKSTAD", "Fredrikstad", "3107", "Østfold"},
		{"3011", "DRAMMEN", "Drammen", "3301", "Buskerud"},
		{"3060", "SVELVIK", "Drammen", "3301", "Buskerud"},
		{"2315", "HAMAR", "Hamar", "3403", "Innlandet"},
		{"2730", "LUNNER", "Lunner", "3234", "Akershus"},
		{"3110", "TØNSBERG", "Tønsberg", "3905", "Vestfold"},
		{"3710", "SKIEN", "Skien", "4003", "Telemark"},
		{"4005", "STAVANGER", "Stavanger", "1103", "Rogaland"},
		{"4608", "KRISTIANSAND S", "Kristiansand", "4204", "Agder"},
		{"5003", "BERGEN", "Bergen", "4601", "Vestland"},
		{"6002", "ÅLESUND", "Ålesund", "1508", "Møre og Romsdal"},
		{"6270", "BRATTVÅG", "Haram", "1580", "Møre og Romsdal"},
		{"7010", "TRONDHEIM", "Trondheim", "5001", "Trøndelag"},
		{"8003", "BODØ", "Bodø", "1804", "Nordland"},
		{"9008", "TROMSØ", "Tromsø", "5501", "Troms"},
		{"9600", "HAMMERFEST", "Hammerfest", "5603", "Finnmark"},
		{"9990", "BÅTSFJORD", "Båtsfjord", "5632", "Finnmark"},
	}
	for _, want := range tests {
		got, ok := LookupPostal(want.Code)
		if !ok || got != want {
			t.Errorf("LookupPostal(%q) = %+v, %v; want %+v", want.Code, got, ok, want)
		}
	}
	for _, code := range []string{"", "0000", "150", " 0150", "9999"} {
		if got, ok := LookupPostal(code); ok {
			t.Errorf("LookupPostal(%q) = %+v, want not found", code, got)
		}
	}
}

func TestPostalTable(t *testing.T) {
	places := PostalPlaces()
	if len(places) < 400 {
		t.Fatalf("only %d postal places", len(places))
	}
	counties := Counties()
	perCounty := map[string]int{}
	for i, p := range places {
		if err := ValidatePostalCode(p.Code); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
		if i > 0 && places[i-1].Code >= p.Code {
			t.Errorf("codes not strictly increasing at %s", p.Code)
		}
		if p.Place == "" || p.Place != strings.ToUpper(p.Place) || strings.TrimSpace(p.Place) != p.Place {
			t.Errorf("%+v: place must be non-empty capitals", p)
		}
		if p.Municipality == "" || len(p.MunicipalityNo) != 4 {
			t.Errorf("%+v: incomplete municipality", p)
		}
		if !slices.Contains(counties, p.County) {
			t.Errorf("%+v: unknown county", p)
		}
		perCounty[p.County]++
	}
	for _, c := range counties {
		if perCounty[c] < 20 {
			t.Errorf("county %s has only %d postal places", c, perCounty[c])
		}
	}
	// A municipality has one number and one name.
	nameOf := map[string]string{}
	noOf := map[string]string{}
	for _, p := range places {
		key := p.County + "/" + p.Municipality
		if n, ok := noOf[key]; ok && n != p.MunicipalityNo {
			t.Errorf("%s has numbers %s and %s", key, n, p.MunicipalityNo)
		}
		noOf[key] = p.MunicipalityNo
		if n, ok := nameOf[p.MunicipalityNo]; ok && n != p.Municipality {
			t.Errorf("%s is named %s and %s", p.MunicipalityNo, n, p.Municipality)
		}
		nameOf[p.MunicipalityNo] = p.Municipality
	}
	// Every 2024 municipality is represented (Norway has 357).
	if len(nameOf) != 357 {
		t.Errorf("table covers %d municipalities, want 357", len(nameOf))
	}
	// PostalPlaces returns a copy.
	places[0].Place = "CHANGED"
	if p, _ := LookupPostal(places[0].Code); p.Place == "CHANGED" {
		t.Error("PostalPlaces exposes the internal table")
	}
}

func TestCounties(t *testing.T) {
	want := []string{"Oslo", "Rogaland", "Møre og Romsdal", "Nordland", "Østfold", "Akershus", "Buskerud",
		"Innlandet", "Vestfold", "Telemark", "Agder", "Vestland", "Trøndelag", "Troms", "Finnmark"}
	if got := Counties(); !slices.Equal(got, want) {
		t.Errorf("Counties() = %q", got)
	}
	total := 0
	for _, c := range want {
		p := CountyPopulation(c)
		if p <= 0 {
			t.Errorf("CountyPopulation(%q) = %d", c, p)
		}
		total += p
	}
	if total < 5400 || total > 5700 {
		t.Errorf("population totals %d thousand, want about 5 550", total)
	}
	if CountyPopulation("Viken") != 0 {
		t.Error("CountyPopulation of a former county should be 0")
	}
	if CountyPopulation("Akershus") <= CountyPopulation("Finnmark") {
		t.Error("Akershus should weigh more than Finnmark")
	}
}

func TestMunicipalitiesIn(t *testing.T) {
	if got := MunicipalitiesIn("Oslo"); !slices.Equal(got, []string{"Oslo"}) {
		t.Errorf("MunicipalitiesIn(Oslo) = %q", got)
	}
	if got, want := MunicipalitiesIn("Vestfold"), []string{"Horten", "Holmestrand", "Tønsberg", "Sandefjord", "Larvik", "Færder"}; !slices.Equal(got, want) {
		t.Errorf("MunicipalitiesIn(Vestfold) = %q, want %q", got, want)
	}
	if got := MunicipalitiesIn("Møre og Romsdal"); !slices.Contains(got, "Haram") || !slices.Contains(got, "Ålesund") {
		t.Errorf("MunicipalitiesIn(Møre og Romsdal) = %q, want Haram and Ålesund", got)
	}
	if got := len(MunicipalitiesIn("Akershus")); got != 21 {
		t.Errorf("Akershus has %d municipalities in the table, want 21", got)
	}
	if got := MunicipalitiesIn("Viken"); got != nil {
		t.Errorf("MunicipalitiesIn(Viken) = %q, want nil", got)
	}
}

func TestValidatePostalCode(t *testing.T) {
	for _, ok := range []string{"0001", "0150", "9990", "1234"} {
		if err := ValidatePostalCode(ok); err != nil {
			t.Errorf("ValidatePostalCode(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "150", "01500", "01a0", " 150", "015 ", "０１５０", "-150"} {
		if err := ValidatePostalCode(bad); !errors.Is(err, ErrPostalCode) {
			t.Errorf("ValidatePostalCode(%q) = %v, want ErrPostalCode", bad, err)
		}
	}
	if ErrPostalCode.Error() != "postnummeret må ha fire siffer" {
		t.Errorf("ErrPostalCode = %q", ErrPostalCode)
	}
}

func TestPickPostalPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	const n = 50000
	counts := map[string]int{}
	for range n {
		p := PickPostalPlace(r)
		if _, ok := LookupPostal(p.Code); !ok {
			t.Fatalf("picked unknown place %+v", p)
		}
		counts[p.County]++
	}
	total := 0
	for _, c := range Counties() {
		total += CountyPopulation(c)
	}
	for _, c := range Counties() {
		want := float64(n) * float64(CountyPopulation(c)) / float64(total)
		if got := float64(counts[c]); got < want*0.85 || got > want*1.15 {
			t.Errorf("%s picked %v times, want about %.0f", c, got, want)
		}
	}
	a := PickPostalPlace(rand.New(rand.NewPCG(5, 6)))
	b := PickPostalPlace(rand.New(rand.NewPCG(5, 6)))
	if a != b {
		t.Errorf("same seed gave %+v and %+v", a, b)
	}
}

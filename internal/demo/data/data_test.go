package data

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// draw produces a long sequence touching every picker, so that the
// determinism test covers them all, including the ones with variable
// numbers of draws (EmployerName).
func draw(r *rand.Rand) []string {
	var out []string
	for i := 0; i < 300; i++ {
		sec := PickSector(r)
		pl := PickPlace(r)
		st := Programme(r)
		in := InstitutionFor(r, st)
		out = append(out,
			Surname(r), FemaleGiven(r), MaleGiven(r),
			FemaleGivenBorn(r, 1950+i%60), MaleGivenBorn(r, 1950+i%60),
			sec.Key, pl.Name, st.Name, in.Name,
			PickInstitution(r).Name, ProgrammeAt(r, in).Name,
			EmployerName(r, sec.Key, pl.Name, ""),
			EmployerName(r, sec.Key, "", ""),
			Position(r, sec.Key), Department(r, sec.Key),
			strings.Repeat("x", sec.EmployeeCount(r)%7),
		)
	}
	return out
}

func TestDeterministicForSameSeed(t *testing.T) {
	a := draw(newRand(42))
	b := draw(newRand(42))
	if !slices.Equal(a, b) {
		t.Fatal("same seed produced different sequences")
	}
	c := draw(newRand(43))
	if slices.Equal(a, c) {
		t.Fatal("different seeds produced identical sequences; the seed is not used")
	}
}

func TestWeightedFollowsWeights(t *testing.T) {
	w := NewWeighted([]string{"a", "b", "c", "never"}, []int{1, 3, 6, 0})
	if w.Total() != 10 || w.Len() != 4 {
		t.Fatalf("Total=%d Len=%d, want 10 and 4", w.Total(), w.Len())
	}
	r := newRand(1)
	const n = 200_000
	counts := map[string]int{}
	for i := 0; i < n; i++ {
		counts[w.Pick(r)]++
	}
	if counts["never"] != 0 {
		t.Fatalf("zero-weight item picked %d times", counts["never"])
	}
	// Pearson chi-square with 2 degrees of freedom; 13.8 is the 0.1 %
	// critical value, so a correct picker fails this about once in a
	// thousand seeds, and the seed is fixed.
	chi := 0.0
	for item, wt := range map[string]int{"a": 1, "b": 3, "c": 6} {
		exp := float64(n) * float64(wt) / 10
		d := float64(counts[item]) - exp
		chi += d * d / exp
	}
	if chi > 13.8 {
		t.Fatalf("chi-square %.1f too large; counts %v", chi, counts)
	}
}

func TestWeightedSingleItemAndCopy(t *testing.T) {
	items := []int{7}
	w := NewWeighted(items, []int{5})
	items[0] = 8 // must not leak into the picker
	r := newRand(2)
	for i := 0; i < 10; i++ {
		if got := w.Pick(r); got != 7 {
			t.Fatalf("Pick = %d, want 7", got)
		}
	}
}

func TestNewWeightedPanicsOnBadInput(t *testing.T) {
	cases := map[string]func(){
		"length mismatch": func() { NewWeighted([]int{1, 2}, []int{1}) },
		"empty":           func() { NewWeighted([]int{}, []int{}) },
		"negative":        func() { NewWeighted([]int{1, 2}, []int{1, -1}) },
		"all zero":        func() { NewWeighted([]int{1, 2}, []int{0, 0}) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f()
		})
	}
}

// heaviestAndLightest returns the names with the highest and lowest weight.
func heaviestAndLightest(names []string, weights []int) (string, string) {
	hi, lo := 0, 0
	for i, w := range weights {
		if w > weights[hi] {
			hi = i
		}
		if w < weights[lo] {
			lo = i
		}
	}
	return names[hi], names[lo]
}

func TestNamePickersFollowWeights(t *testing.T) {
	split := func(es []Entry) ([]string, []int) {
		var n []string
		var w []int
		for _, e := range es {
			n = append(n, e.Value)
			w = append(w, e.Weight)
		}
		return n, w
	}
	splitGiven := func(gs []GivenName) ([]string, []int) {
		var n []string
		var w []int
		for _, g := range gs {
			n = append(n, g.Name)
			w = append(w, g.Weight)
		}
		return n, w
	}
	type tc struct {
		name    string
		pick    func(*rand.Rand) string
		names   []string
		weights []int
	}
	sn, sw := split(Surnames())
	fn, fw := splitGiven(FemaleGivenNames())
	mn, mw := splitGiven(MaleGivenNames())
	for _, c := range []tc{
		{"surname", Surname, sn, sw},
		{"female", FemaleGiven, fn, fw},
		{"male", MaleGiven, mn, mw},
	} {
		t.Run(c.name, func(t *testing.T) {
			heavy, light := heaviestAndLightest(c.names, c.weights)
			r := newRand(7)
			counts := map[string]int{}
			for i := 0; i < 300_000; i++ {
				counts[c.pick(r)]++
			}
			if counts[heavy] <= counts[light] {
				t.Fatalf("heaviest %q drawn %d times, lightest %q %d times", heavy, counts[heavy], light, counts[light])
			}
			if counts[heavy] == 0 {
				t.Fatalf("heaviest %q never drawn", heavy)
			}
		})
	}
}

func TestGivenNamesFollowGenerations(t *testing.T) {
	r := newRand(9)
	count := func(pick func(*rand.Rand, int) string, year int, name string) int {
		n := 0
		for i := 0; i < 100_000; i++ {
			if pick(r, year) == name {
				n++
			}
		}
		return n
	}
	if old, young := count(FemaleGivenBorn, 1945, "Bjørg"), count(FemaleGivenBorn, 2000, "Bjørg"); old <= 5*young {
		t.Errorf("Bjørg: born 1945 %d, born 2000 %d; want far more in 1945", old, young)
	}
	if old, young := count(MaleGivenBorn, 1960, "Noah"), count(MaleGivenBorn, 2010, "Noah"); young <= 5*old {
		t.Errorf("Noah: born 1960 %d, born 2010 %d; want far more in 2010", old, young)
	}
	// Out-of-range years are clamped, not a panic.
	_ = FemaleGivenBorn(r, 1800)
	_ = MaleGivenBorn(r, 2200)
}

func checkList(t *testing.T, what string, values []string, minLen int) {
	t.Helper()
	if len(values) < minLen {
		t.Errorf("%s: %d entries, want at least %d", what, len(values), minLen)
	}
	seen := map[string]bool{}
	for _, v := range values {
		if strings.TrimSpace(v) == "" || v != strings.TrimSpace(v) {
			t.Errorf("%s: empty or padded entry %q", what, v)
		}
		if !utf8.ValidString(v) {
			t.Errorf("%s: invalid UTF-8 %q", what, v)
		}
		if seen[v] {
			t.Errorf("%s: duplicate %q", what, v)
		}
		seen[v] = true
	}
}

func TestNameListsAreClean(t *testing.T) {
	var sn, fn, mn []string
	for _, e := range Surnames() {
		sn = append(sn, e.Value)
		if e.Weight <= 0 {
			t.Errorf("surname %q has weight %d", e.Value, e.Weight)
		}
	}
	for _, g := range FemaleGivenNames() {
		fn = append(fn, g.Name)
		if g.Weight <= 0 || g.PeakYear < 1900 || g.PeakYear > 2025 {
			t.Errorf("female %q: weight %d peak %d", g.Name, g.Weight, g.PeakYear)
		}
	}
	for _, g := range MaleGivenNames() {
		mn = append(mn, g.Name)
		if g.Weight <= 0 || g.PeakYear < 1900 || g.PeakYear > 2025 {
			t.Errorf("male %q: weight %d peak %d", g.Name, g.Weight, g.PeakYear)
		}
	}
	checkList(t, "surnames", sn, 200)
	checkList(t, "female given names", fn, 150)
	checkList(t, "male given names", mn, 150)

	// Spot-check names the brief requires, including Norwegian letters.
	for _, want := range []string{"Hansen", "Jørgensen", "Sæther", "Nygård", "Ødegård", "Bøe", "Nguyen", "Kowalski", "Nowak"} {
		if !slices.Contains(sn, want) {
			t.Errorf("surname %q missing", want)
		}
	}
	for _, want := range []string{"Anne", "Bjørg", "Åse", "Nora", "Ingeborg"} {
		if !slices.Contains(fn, want) {
			t.Errorf("female name %q missing", want)
		}
	}
	for _, want := range []string{"Jan", "Øyvind", "Ørjan", "Åge", "Håkon", "Mohammed", "Piotr"} {
		if !slices.Contains(mn, want) {
			t.Errorf("male name %q missing", want)
		}
	}
}

func TestOtherListsAreClean(t *testing.T) {
	var pn []string
	for _, p := range Places() {
		pn = append(pn, p.Name)
		if p.County == "" || p.HF == "" || p.Weight <= 0 {
			t.Errorf("place %+v incomplete", p)
		}
	}
	checkList(t, "places", pn, 50)

	var sk []string
	for _, s := range Sectors() {
		sk = append(sk, s.Key)
		if s.Weight <= 0 || s.MinEmployees <= 0 || s.MaxEmployees < s.MinEmployees {
			t.Errorf("sector %+v has bad weight or range", s)
		}
	}
	checkList(t, "sectors", sk, 5)
	for _, key := range []string{SectorStat, SectorKommune, SectorFylkeskommune, SectorPrivat, SectorHelseforetak} {
		if _, ok := LookupSector(key); !ok {
			t.Errorf("sector %q missing", key)
		}
		var titles []string
		for _, e := range Positions(key) {
			titles = append(titles, e.Value)
		}
		checkList(t, "positions/"+key, titles, 10)
		checkList(t, "departments/"+key, Departments(key), 8)
	}

	var prog []string
	for _, s := range Programmes() {
		prog = append(prog, s.Name)
		if s.Level != "bachelor" && s.Level != "master" || s.Years < 3 || s.Weight <= 0 {
			t.Errorf("programme %+v has bad level, years or weight", s)
		}
		if InstitutionFor(newRand(1), s).Name == "" {
			t.Errorf("programme %q has no institution", s.Name)
		}
		// Every programme must be offered somewhere, or InstitutionFor
		// silently falls back to an unrelated institution.
		found := false
		for _, in := range Institutions() {
			found = found || offers(in, s)
		}
		if !found {
			t.Errorf("programme %q is offered by no institution", s.Name)
		}
	}
	checkList(t, "programmes", prog, 20)
}

func TestInstitutionsHaveCities(t *testing.T) {
	var names, shorts []string
	for _, in := range Institutions() {
		names = append(names, in.Name)
		shorts = append(shorts, in.Short)
		if in.City == "" || in.County == "" {
			t.Errorf("%s: missing city or county", in.Name)
		}
		if !slices.Contains(in.Campuses, in.City) {
			t.Errorf("%s: seat %q not among campuses %v", in.Name, in.City, in.Campuses)
		}
		if in.Weight <= 0 || len(in.Fields) == 0 {
			t.Errorf("%s: weight %d, fields %v", in.Name, in.Weight, in.Fields)
		}
	}
	checkList(t, "institutions", names, 15)
	checkList(t, "institution short names", shorts, 15)
	for _, want := range []string{"NTNU", "UiO", "UiB", "UiT", "UiS", "UiA", "OsloMet", "HVL", "USN", "Nord", "HiØ", "INN", "NMBU", "HiMolde", "HVO", "NHH", "BI"} {
		if !slices.Contains(shorts, want) {
			t.Errorf("institution %q missing", want)
		}
	}
}

func TestProgrammeAtIsOffered(t *testing.T) {
	r := newRand(5)
	for _, in := range Institutions() {
		for i := 0; i < 200; i++ {
			s := ProgrammeAt(r, in)
			if !offers(in, s) {
				t.Fatalf("%s offered %q", in.Short, s.Name)
			}
		}
	}
	// NHH awards no nursing degrees.
	nhh := Institutions()[slices.IndexFunc(Institutions(), func(in Institution) bool { return in.Short == "NHH" })]
	for i := 0; i < 500; i++ {
		if s := ProgrammeAt(r, nhh); s.Field != FieldØkonomi && s.Field != FieldSamfunnsøkonomi {
			t.Fatalf("NHH gave %q", s.Name)
		}
	}
	// A caller-made institution still gets a programme.
	if s := ProgrammeAt(r, Institution{Name: "Ukjent", Short: "X"}); s.Name == "" {
		t.Fatal("empty programme for unknown institution")
	}
}

func TestEmployerNameNeverEmpty(t *testing.T) {
	r := newRand(11)
	secs := append(Sectors(), Sector{Key: "ukjent"})
	places := []string{"", "Oslo", "Bergen", "Ås", "Sola", "Tromsø", "Ukjentby"}
	for _, s := range secs {
		for _, p := range places {
			for _, sn := range []string{"", "Hansen"} {
				for i := 0; i < 200; i++ {
					name := EmployerName(r, s.Key, p, sn)
					if strings.TrimSpace(name) == "" || name != strings.TrimSpace(name) || strings.Contains(name, "  ") {
						t.Fatalf("EmployerName(%q, %q, %q) = %q", s.Key, p, sn, name)
					}
				}
			}
		}
	}
}

// TestEmployerPatternsUsePlace checks every pattern directly rather than
// sampling, so that a rarely chosen pattern cannot hide a bug.
func TestEmployerPatternsUsePlace(t *testing.T) {
	r := newRand(13)
	const surname = "Kristoffersen"
	for sector, pats := range employerPatterns {
		for i, pt := range pats {
			for _, p := range append(Places(), Place{Name: "Ukjentby"}) {
				_, known := LookupPlace(p.Name)
				if pt.needs != nil && !pt.needs(p, known) {
					continue
				}
				name := pt.build(r, p, surname)
				if name == "" {
					t.Fatalf("%s pattern %d: empty for %q", sector, i, p.Name)
				}
				if pt.usesPlace && !strings.Contains(name, p.Name) {
					t.Errorf("%s pattern %d: %q does not contain place %q", sector, i, name, p.Name)
				}
			}
		}
	}
	// And through the public entry point for the commonest case.
	for i := 0; i < 100; i++ {
		if got := EmployerName(r, SectorKommune, "Tromsø", "Hansen"); !strings.Contains(got, "Tromsø") {
			t.Fatalf("kommune name %q lacks place", got)
		}
	}
	if got := EmployerName(r, SectorKommune, "Bergen", ""); !strings.HasPrefix(got, "Bergen") {
		t.Errorf("kommune name %q does not start with Bergen", got)
	}
}

func TestEmployeeCountWithinRange(t *testing.T) {
	r := newRand(17)
	for _, s := range Sectors() {
		small := 0
		for i := 0; i < 5000; i++ {
			n := s.EmployeeCount(r)
			if n < s.MinEmployees || n > s.MaxEmployees {
				t.Fatalf("%s: %d outside [%d, %d]", s.Key, n, s.MinEmployees, s.MaxEmployees)
			}
			if n < (s.MinEmployees+s.MaxEmployees)/2 {
				small++
			}
		}
		// Sizes are skewed towards small workplaces.
		if small < 2500 {
			t.Errorf("%s: only %d of 5000 below the midpoint", s.Key, small)
		}
	}
	if n := (Sector{MinEmployees: 10, MaxEmployees: 10}).EmployeeCount(r); n != 10 {
		t.Errorf("degenerate range gave %d", n)
	}
}

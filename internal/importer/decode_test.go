package importer

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

func testReader(format string, header ...string) *Reader {
	return &Reader{info: Info{Format: format}, header: header, now: testNow}
}

func validFnr(t *testing.T, birth string) string {
	t.Helper()
	d, _ := ParseDate(birth, DateBirth, csvDates)
	return norway.GenerateFnr(d, true, rand.New(rand.NewPCG(1, 2)))
}

func TestSplitFullName(t *testing.T) {
	for _, tc := range []struct{ in, first, last, reason string }{
		{"Kari Nordmann", "Kari", "Nordmann", ""},
		{"Kari Anne Nordmann", "Kari Anne", "Nordmann", ""},
		{"  Kari   Anne  Nordmann ", "Kari Anne", "Nordmann", ""},
		{"Nordmann, Kari Anne", "Kari Anne", "Nordmann", ""},
		{"Nordmann,Kari", "Kari", "Nordmann", ""},
		{"Ødegård, Åsmund", "Åsmund", "Ødegård", ""},
		{"Ole-Martin O'Brien", "Ole-Martin", "O'Brien", ""},
		{"Cher", "", "", reasonNameParts},
		{"Nordmann,", "", "", reasonNameParts},
		{", Kari", "", "", reasonNameParts},
		{"Kari Nordmann 2", "", "", reasonNameDigits},
		{"Kari; Nordmann", "", "", reasonNameChars},
	} {
		first, last, reason := splitFullName(tc.in)
		if first != tc.first || last != tc.last || reason != tc.reason {
			t.Errorf("splitFullName(%q) = %q, %q, %q; want %q, %q, %q", tc.in, first, last, reason, tc.first, tc.last, tc.reason)
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"Ole-Martin":       "Ole-Martin",
		"O'Brien":          "O'Brien",
		"D’Souza":          "D’Souza",
		" Åsmund ":         "Åsmund",
		"Anne  K.  Berg":   "Anne K. Berg",
		"Zoë":              "Zoë",
		"Nguyễn":           "Nguyễn",
		"Jean-Luc\tPicard": "Jean-Luc Picard",
	} {
		if got, reason := CleanName(in); got != want || reason != "" {
			t.Errorf("cleanName(%q) = %q, %q; want %q", in, got, reason, want)
		}
	}
	for in, want := range map[string]string{
		"Ola2":      reasonNameDigits,
		"Ola ٣":     reasonNameDigits,
		"Ola\x00":   reasonNameChars,
		"Ola\u200b": reasonNameChars,
		"@ola":      reasonNameChars,
		"Ola;Nord":  reasonNameChars,
		`"Ola"`:     reasonNameChars,
	} {
		if _, reason := CleanName(in); reason != want {
			t.Errorf("cleanName(%q) reason = %q, want %q", in, reason, want)
		}
	}
}

func TestDecodeNames(t *testing.T) {
	r := testReader("csv", "Fornavn", "Etternavn", "Navn")
	m := Mapping{FirstName, LastName, FullName}
	for _, tc := range []struct {
		cells       []string
		first, last string
		errs        []model.RowError
	}{
		{[]string{"Kari", "Nordmann", ""}, "Kari", "Nordmann", nil},
		{[]string{"", "", "Nordmann, Kari"}, "Kari", "Nordmann", nil},
		{[]string{"Kari", "", "Kari Anne Nordmann"}, "Kari Anne", "Nordmann", nil}, // full name fills the gap
		{[]string{"", "", ""}, "", "", []model.RowError{{Line: 7, Column: "Navn", Reason: reasonNoName}}},
		{[]string{"Kari", "", ""}, "", "", []model.RowError{{Line: 7, Column: "Etternavn", Reason: reasonNoLast}}},
		{[]string{"Kari1", "Nordmann", ""}, "", "", []model.RowError{{Line: 7, Column: "Fornavn", Value: "Kari1", Reason: reasonNameDigits}}},
	} {
		h, errs := r.Decode(Row{Line: 7, Cells: tc.cells}, m)
		if !sameErrs(t, errs, tc.errs) {
			t.Errorf("%q: errors %+v, want %+v", tc.cells, errs, tc.errs)
		}
		if h.FirstName != tc.first || h.LastName != tc.last || h.Line != 7 {
			t.Errorf("%q: %+v", tc.cells, h)
		}
	}
	// Without first/last columns, a missing name is reported on the name column.
	r = testReader("csv", "E-post", "Navn")
	_, errs := r.Decode(Row{Line: 3, Cells: []string{"a@example.no"}}, Mapping{Email, FullName})
	if !sameErrs(t, errs, []model.RowError{{Line: 3, Column: "Navn", Reason: reasonNoName}}) {
		t.Errorf("errors %+v", errs)
	}
}

func TestDecodeFnrAndBirthDate(t *testing.T) {
	fnr := validFnr(t, "17.05.1990")
	r := testReader("csv", "Navn", "Født", "Fnr")
	m := Mapping{FullName, BirthDate, Fnr}

	h, errs := r.Decode(Row{Line: 2, Cells: []string{"Kari Nordmann", "", fnr[:6] + " " + fnr[6:]}}, m)
	if errs != nil || h.Fnr != fnr || !h.BirthDate.Equal(date(1990, 5, 17)) {
		t.Errorf("fnr only: %+v %+v", h, errs)
	}
	h, errs = r.Decode(Row{Line: 2, Cells: []string{"Kari Nordmann", "1990-05-17", fnr}}, m)
	if errs != nil || !h.BirthDate.Equal(date(1990, 5, 17)) {
		t.Errorf("agreeing: %+v %+v", h, errs)
	}
	dotted := fnr[:2] + "." + fnr[2:4] + "." + fnr[4:6] + " " + fnr[6:]
	h, errs = r.Decode(Row{Line: 2, Cells: []string{"Kari Nordmann", "16.05.1990", dotted}}, m)
	want := []model.RowError{{Line: 2, Column: "Født", Value: "16.05.1990", Reason: reasonBirthFnr}}
	if !sameErrs(t, errs, want) || h.Fnr != "" {
		t.Errorf("disagreeing: %+v %+v", h, errs)
	}
	// Excel drops the leading zero of a numeric fødselsnummer.
	zero := norway.GenerateFnr(date(1985, 2, 1), false, rand.New(rand.NewPCG(3, 4)))
	h, errs = r.Decode(Row{Line: 2, Cells: []string{"Ola Hansen", "", zero[1:]}}, m)
	if errs != nil || h.Fnr != zero {
		t.Errorf("leading zero: %+v %+v", h, errs)
	}
	// A D-nummer gives its encoded date.
	h, errs = r.Decode(Row{Line: 2, Cells: []string{"Ola Hansen", "", dNumber(t, "410180")}}, m)
	if errs != nil || !h.BirthDate.Equal(date(1980, 1, 1)) {
		t.Errorf("D-nummer: %+v %+v", h, errs)
	}
}

// dNumber finds a valid D-nummer starting with prefix (day+40, month, year).
func dNumber(t *testing.T, prefix string) string {
	t.Helper()
	for n := range 100000 {
		s := prefix + fmt.Sprintf("%05d", n)
		if f, err := norway.ParseFnr(s); err == nil && f.IsDNumber() {
			return s
		}
	}
	t.Fatal("no D-nummer")
	return ""
}

func TestDecodeContactAndText(t *testing.T) {
	r := testReader("csv", "Navn", "E-post", "Mobil", "Stilling", "Avdeling", "Sted")
	m := Mapping{FullName, Email, Mobile, Position, Department, Location}
	h, errs := r.Decode(Row{Line: 4, Cells: []string{
		"Kari Nordmann", " Kari.Nordmann@Example.NO ", "+47 912 34 567", "Sykepleier\n(natt)", "  Medisinsk  ", "Oslo\x00"}}, m)
	want := model.NewHire{Line: 4, FirstName: "Kari", LastName: "Nordmann", Email: "kari.nordmann@example.no",
		Mobile: "+4791234567", Position: "Sykepleier (natt)", Department: "Medisinsk", Location: "Oslo"}
	if errs != nil || h != want {
		t.Errorf("got %+v %+v\nwant %+v", h, errs, want)
	}

	for _, bad := range []string{"kari", "kari@", "@example.no", "kari@example", "kari@.no", "kari@example.no.",
		"kari@@example.no", "kari nordmann@example.no", "Kari <kari@example.no>", `"kari"@example.no`, "kari@exa mple.no"} {
		if _, reason := ParseEmail(bad); reason != reasonEmail {
			t.Errorf("parseEmail(%q) accepted", bad)
		}
	}
	for _, good := range []string{"kari@example.no", "kari.nordmann+nyansatt@sub.example.co.uk", "o'brien@example.ie"} {
		if got, reason := ParseEmail(good); reason != "" || got != good {
			t.Errorf("parseEmail(%q) = %q, %q", good, got, reason)
		}
	}
	if _, reason := ParseMobile("22 33 44 55"); !strings.HasPrefix(locale.T("nb", reason), "Mobilnummeret må være") {
		t.Errorf("landline reason %q", reason)
	}
}

func TestDecodeErrorShape(t *testing.T) {
	r := testReader("xlsx", "Fornavn", "Etternavn", "", "Stilling")
	m := Mapping{FirstName, LastName, Email, Position}
	long := strings.Repeat("å", 201)
	h, errs := r.Decode(Row{Line: 9, Cells: []string{"Kari", "Nordmann", "ikke-en-adresse", long}}, m)
	want := []model.RowError{
		{Line: 9, Column: "Kolonne C", Value: "ikke-en-adresse", Reason: reasonEmail},
		{Line: 9, Column: "Stilling", Value: strings.Repeat("å", 39) + "…", Reason: reasonTooLong},
	}
	if !sameErrs(t, errs, want) {
		t.Errorf("errors %+v\nwant %+v", errs, want)
	}
	if h != (model.NewHire{Line: 9}) {
		t.Errorf("a row with errors must come back empty: %+v", h)
	}
	// 200 runes is allowed.
	if _, errs := r.Decode(Row{Line: 9, Cells: []string{"Kari", "Nordmann", "", long[:400]}}, m); errs != nil {
		t.Errorf("200 runes: %+v", errs)
	}
	// CSV numbers columns.
	if got := testReader("csv").ColumnName(2); got != "Kolonne 3" {
		t.Errorf("csv column name %q", got)
	}
}

func TestShorten(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"kort":                   "kort",
		"to\nlinjer":             "to linjer",
		strings.Repeat("x", 40):  strings.Repeat("x", 40),
		strings.Repeat("ø", 41):  strings.Repeat("ø", 39) + "…",
		strings.Repeat("x", 1e6): strings.Repeat("x", 39) + "…",
	} {
		got := Shorten(in)
		if got != want || utf8.RuneCountInString(got) > 40 {
			t.Errorf("shorten(%.50q) = %q", in, got)
		}
	}
}

func TestDecodeRowProblems(t *testing.T) {
	r := testReader("csv", "Fornavn", "Etternavn")
	m := Mapping{FirstName, LastName}
	for _, tc := range []struct {
		row  Row
		want model.RowError
	}{
		{Row{Line: 5, Cells: []string{"Kari"}, Problem: model.Text{Key: "import.why.quote"}}, model.RowError{Line: 5, Reason: "import.why.quote"}},
		{Row{Line: 6, Cells: []string{"Fornavn", " Etternavn "}}, model.RowError{Line: 6, Reason: reasonRepeatHeader}},
		{Row{Line: 7, Cells: []string{"Nordmann", " Kari", "Drift"}}, model.RowError{Line: 7, Value: "Drift", Reason: reasonExtraCells}},
	} {
		_, errs := r.Decode(tc.row, m)
		if !sameErrs(t, errs, []model.RowError{tc.want}) {
			t.Errorf("%+v: %+v", tc.row, errs)
		}
	}
	// Empty trailing cells are no extra cells; in XLSX a note to the right is fine.
	if _, errs := r.Decode(Row{Line: 8, Cells: []string{"Kari", "Nordmann", "", " "}}, m); errs != nil {
		t.Errorf("trailing empty cells: %+v", errs)
	}
	x := testReader("xlsx", "Fornavn", "Etternavn")
	if _, errs := x.Decode(Row{Line: 8, Cells: []string{"Kari", "Nordmann", "starter senere"}}, m); errs != nil {
		t.Errorf("xlsx note: %+v", errs)
	}
}

// sameErrs reports whether errs are want, whose Reason is the reason's
// key (the constants); it checks that each Reason is its key's bokmål text.
func sameErrs(t *testing.T, errs, want []model.RowError) bool {
	t.Helper()
	if len(errs) != len(want) {
		return false
	}
	for i, e := range errs {
		if e.Reason != e.Why.In("nb") {
			t.Errorf("line %d: reason %q is not %s in bokmål", e.Line, e.Reason, e.Why.Key)
		}
		w := want[i]
		if e.Line != w.Line || e.Column != w.Column || e.Value != w.Value || e.Why.Key != w.Reason {
			return false
		}
	}
	return true
}

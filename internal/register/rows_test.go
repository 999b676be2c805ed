package register

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/locale/localetest"
	"github.com/verve-union/verve/internal/model"
)

// englishHeader is a register export with English names in an order of
// its own.
const englishHeader = "Status,Member number,Last name,First name,National ID number,Email,Mobile,Postal code," +
	"Employer orgnr,Region,Branch,Club,Membership type,Joined,Resigned,Reason,Recruited by,Dues status,Paid up to," +
	"Roles,Role from,Role to,Protected address\n"

func readEnglish(t *testing.T, rows ...string) ([]Record, map[int][]model.RowError, *Reader) {
	t.Helper()
	r := openBytes(t, []byte(englishHeader+strings.Join(rows, "\n")+"\n"), ReadOptions{})
	recs, bad := readAll(t, r)
	return recs, bad, r
}

func TestEnglishColumnsAnyOrder(t *testing.T) {
	recs, bad, r := readEnglish(t,
		`active,A-17,Berg,Siri,24129039562,siri@example.no,+47 412 34 567,5003,904 411 647,West,Bergen,Club 1,ordinary,2020-01-15,,,A-3,paid,03.2026,"steward;safety rep","2021-01-01;2022-02-01",;2025-12-31,yes`)
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	m := r.Mapping()
	if m[0] != MemberStatus || m[1] != MemberNo || m[4] != Fnr || m[10] != BranchName || m[22] != Protected {
		t.Errorf("mapping = %v", m)
	}
	rec := recs[0]
	if rec.MemberNo != "A-17" || rec.Last != "Berg" || rec.Mobile != "+4741234567" || rec.Orgnr != "904411647" ||
		rec.Region.Name != "West" || rec.Branch.Name != "Bergen" || rec.Club.Name != "Club 1" || rec.Recruiter != "A-3" ||
		rec.Protect != model.AddressConfidential || !rec.Birth.Equal(date(1990, 12, 24)) || !rec.Joined.Equal(date(2020, 1, 15)) {
		t.Errorf("record = %+v", rec)
	}
	want := []RoleTerm{{model.RoleShopSteward, date(2021, 1, 1), time.Time{}}, {model.RoleSafetyRep, date(2022, 2, 1), date(2025, 12, 31)}}
	if len(rec.Roles) != 2 || rec.Roles[0] != want[0] || rec.Roles[1] != want[1] {
		t.Errorf("roles = %+v", rec.Roles)
	}
	if rec.Has[Fnr] != true || rec.Has[Address] {
		t.Errorf("Has = %v", rec.Has)
	}
}

// TestRowProblems: each bad cell is named by row, column and reason.
func TestRowProblems(t *testing.T) {
	for _, c := range []struct {
		name, row   string
		key, column string
	}{
		{"no member number", `active,,Berg,Siri,,,,,,,,,,,,,,,,,,,`, "register.row.nomemberno", "Member number"},
		{"member number with spaces", `active,A 17,Berg,Siri,,,,,,,,,,,,,,,,,,,`, "register.row.memberno", "Member number"},
		{"bad fnr", `active,1,Berg,Siri,24129039563,,,,,,,,,,,,,,,,,,`, "import.why.fnr.control", "National ID number"},
		{"bad email", `active,1,Berg,Siri,,siri(at)example.no,,,,,,,,,,,,,,,,,`, "import.why.email", "Email"},
		{"landline", `active,1,Berg,Siri,,,22 33 44 55,,,,,,,,,,,,,,,,`, "import.why.mobile.norway", "Mobile"},
		{"bad postal code", `active,1,Berg,Siri,,,,50030,,,,,,,,,,,,,,,`, "register.row.postal", "Postal code"},
		{"bad orgnr", `active,1,Berg,Siri,,,,,904411648,,,,,,,,,,,,,,`, "register.row.orgnr", "Employer orgnr"},
		{"bad date", `active,1,Berg,Siri,,,,,,,,,,31.02.2020,,,,,,,,,`, "import.why.datemissing", "Joined"},
		{"resigned before joining", `resigned,1,Berg,Siri,,,,,,,,,,01.02.2020,01.01.2020,own wish,,,,,,,`, "register.row.resignedbefore", "Resigned"},
		{"role ends before it starts", `active,1,Berg,Siri,,,,,,,,,,,,,,,,steward,01.02.2020,01.01.2020,`, "register.row.rolebefore", "Role to"},
		{"dates for no role", `active,1,Berg,Siri,,,,,,,,,,,,,,,,,01.02.2020,,`, "register.row.rolecount", "Roles"},
		{"two dates for three roles", `active,1,Berg,Siri,,,,,,,,,,,,,,,,"steward;safety rep;club leader","01.02.2020;01.02.2021",,`, "register.row.rolecount", "Role from"},
		{"role for a non-member", `resigned,1,Berg,Siri,,,,,,,,,,,,,,,,steward,01.02.2020,,`, "register.row.rolenonmember", "Roles"},
		{"unknown type", `active,1,Berg,Siri,,,,,,,,,honorary,,,,,,,,,,`, "register.row.unknown.type", "Membership type"},
		{"unknown status", `sleeping,1,Berg,Siri,,,,,,,,,,,,,,,,,,,`, "register.row.unknown.status", "Status"},
		{"unknown role", `active,1,Berg,Siri,,,,,,,,,,,,,,,,treasurer-elect,,,`, "register.row.unknown.role", "Roles"},
		{"unknown reason", `resigned,1,Berg,Siri,,,,,,,,,,,01.01.2020,moved abroad,,,,,,,`, "register.row.unknown.reason", "Reason"},
		{"unknown dues", `active,1,Berg,Siri,,,,,,,,,,,,,,late,,,,,`, "register.row.unknown.dues", "Dues status"},
		{"bad month", `active,1,Berg,Siri,,,,,,,,,,,,,,,13.2026,,,,`, "register.row.month", "Paid up to"},
		{"bad protection", `active,1,Berg,Siri,,,,,,,,,,,,,,,,,,,maybe`, "register.row.protected", "Protected address"},
		{"self-recruited", `active,1,Berg,Siri,,,,,,,,,,,,,1,,,,,,`, "register.row.selfrecruit", "Recruited by"},
		{"empty first name", `active,1,Berg,,,,,,,,,,,,,,,,,,,,`, "import.why.nofirst", "First name"},
		{"name with digits", `active,1,Berg2,Siri,,,,,,,,,,,,,,,,,,,`, "import.why.namedigits", "Last name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			recs, bad, _ := readEnglish(t, c.row)
			if len(recs) != 0 {
				t.Fatalf("row accepted: %+v", recs[0])
			}
			if !hasReason(bad[2], c.key, c.column) {
				t.Errorf("want %s in %q, got %+v", c.key, c.column, bad[2])
			}
			for _, e := range bad[2] {
				if e.Line != 2 || e.Reason == "" || strings.HasPrefix(e.Reason, "register.") || strings.HasPrefix(e.Reason, "import.") {
					t.Errorf("problem not in the catalogue or without its row: %+v", e)
				}
			}
		})
	}
}

// TestUnknownCounted: unknown coded values are listed once each with the
// rows they kept out, and the rows pass once the union maps them.
func TestUnknownCounted(t *testing.T) {
	rows := []string{
		`active,1,Berg,Siri,,,,,,,,,honorary,,,,,,,,,,`,
		`active,2,Berg,Siri,,,,,,,,,Honorary,,,,,,,,,,`,
		`active,3,Berg,Siri,,,,,,,,,,,,,,,,treasurer-elect,,,`,
	}
	_, bad, r := readEnglish(t, rows...)
	if len(bad) != 3 {
		t.Fatalf("%d rows failed", len(bad))
	}
	u := r.Unknown()
	if len(u) != 2 || u[0] != (Unknown{MemberType, "honorary", 2}) || u[1] != (Unknown{Roles, "treasurer-elect", 1}) {
		t.Errorf("Unknown = %+v", u)
	}
	voc := Vocabulary{Types: map[string]model.MembershipType{"honorary": model.TypeOrdinary},
		Roles: map[string]model.RoleName{"treasurer elect": model.RoleBoardMember}}
	r2 := openBytes(t, []byte(englishHeader+strings.Join(rows, "\n")), ReadOptions{Vocabulary: voc})
	recs, bad := readAll(t, r2)
	if len(recs) != 3 || len(bad) != 0 {
		t.Errorf("mapped: %d records, problems %v", len(recs), bad)
	}
}

// TestRememberedMapping: a column the guess does not know is read by the
// mapping remembered from the last load; a form's mapping wins over both.
func TestRememberedMapping(t *testing.T) {
	data := []byte("Medlemsnr;Fornavn;Etternavn;Kode for arbeidsplass\n1;Siri;Berg;K1\n")
	r := openBytes(t, data, ReadOptions{})
	if r.Mapping()[3] != Ignore {
		t.Fatalf("guessed %v", r.Mapping())
	}
	saved := Remember(r.Header(), []Field{MemberNo, FirstName, LastName, ClubCode})
	r = openBytes(t, data, ReadOptions{Columns: saved})
	recs, _ := readAll(t, r)
	if len(recs) != 1 || recs[0].Club.Code != "K1" || !recs[0].Has[ClubCode] {
		t.Errorf("remembered mapping not used: %+v", recs)
	}
	if got := r.Remember(); got[importer.NormHeader("Kode for arbeidsplass")] != ClubCode {
		t.Errorf("Remember = %v", got)
	}
	r = openBytes(t, data, ReadOptions{Columns: saved, Mapping: []Field{MemberNo, FirstName, LastName, Ignore}})
	recs, _ = readAll(t, r)
	if recs[0].Has[ClubCode] {
		t.Error("the form's mapping did not win")
	}
}

func TestMappingErrors(t *testing.T) {
	_, err := Open(bytes.NewReader([]byte("Fornavn;Etternavn\nSiri;Berg\n")), 26, ReadOptions{})
	if model.ErrorCode(err) != model.EINVALID || !strings.Contains(err.Error(), "medlemsnummer") {
		t.Errorf("no member number column: %v", err)
	}
	for _, m := range [][]Field{{MemberNo, MemberNo}, {MemberNo, "shoe_size"}} {
		data := []byte("a;b\n1;2\n")
		if _, err := Open(bytes.NewReader(data), int64(len(data)), ReadOptions{Mapping: m}); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("%v: %v", m, err)
		}
	}
}

func TestMonth(t *testing.T) {
	d := rowDecoder{r: &Reader{dates: importer.DateContext{Today: testToday}}}
	for in, want := range map[string]time.Time{
		"2026-03": date(2026, 3, 1), "03.2026": date(2026, 3, 1), "3/2026": date(2026, 3, 1), "mars 2026": date(2026, 3, 1),
		"31.03.2026": date(2026, 3, 1), "2026-03-15": date(2026, 3, 1), "Mar 2026": date(2026, 3, 1),
	} {
		if got, ok := d.month(in); !ok || !got.Equal(want) {
			t.Errorf("month(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"13.2026", "2026-13", "mars", "2026", "x"} {
		if _, ok := d.month(in); ok {
			t.Errorf("month(%q) accepted", in)
		}
	}
}

func TestProtection(t *testing.T) {
	for in, want := range map[string]model.AddressProtection{
		"": model.AddressOpen, "Nei": model.AddressOpen, "ja": model.AddressConfidential, "X": model.AddressConfidential,
		"Fortrolig": model.AddressConfidential, "kode 7": model.AddressConfidential,
		"Strengt fortrolig": model.AddressStrictlyConfidential, "Kode 6": model.AddressStrictlyConfidential,
	} {
		if got, ok := protection(in); !ok || got != want {
			t.Errorf("protection(%q) = %q, %v", in, got, ok)
		}
	}
}

func TestSplitList(t *testing.T) {
	for in, want := range map[string][]string{
		"": nil, " ": nil, "a": {"a"}, "a; b": {"a", "b"}, "a;": {"a", ""}, ";b": {"", "b"}, "a;;c": {"a", "", "c"}, "a|b\nc": {"a", "b", "c"},
	} {
		got := splitList(in)
		if strings.Join(got, "/") != strings.Join(want, "/") || len(got) != len(want) {
			t.Errorf("splitList(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestXLSX: an XLSX export with dates as Excel serials, a numeric member
// number and a postal code that lost its leading zero.
func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	for i, row := range [][]any{
		{"Medlemsregister"},
		{"Medlemsnummer", "Fornavn", "Etternavn", "Fødselsnummer", "Postnr", "Innmeldt", "Status", "Verv", "Verv fra"},
		{100001, "Åse", "Ødegård", "01018038591", 150, 40179, "Aktiv", "Hovedtillitsvalgt", 43831},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r := openBytes(t, buf.Bytes(), ReadOptions{})
	if r.Info().Format != "xlsx" || r.Info().HeaderRow != 2 {
		t.Errorf("info = %+v", r.Info())
	}
	recs, bad := readAll(t, r)
	if len(bad) > 0 || len(recs) != 1 {
		t.Fatalf("records %v, problems %v", recs, bad)
	}
	rec := recs[0]
	if rec.MemberNo != "100001" || rec.Postal != "0150" || !rec.Joined.Equal(date(2010, 1, 1)) ||
		len(rec.Roles) != 1 || rec.Roles[0] != (RoleTerm{model.RoleChiefShopSteward, date(2020, 1, 1), time.Time{}}) {
		t.Errorf("record = %+v", rec)
	}
}

// TestNoUserVisibleText: problems are catalogue keys; the column names and
// words the reader recognises, and the generator's rows, are data.
func TestNoUserVisibleText(t *testing.T) {
	voc := DefaultVocabulary()
	localetest.NoUserVisibleText(t, ".", localetest.Options{
		KeyCalls: map[string]int{"fail": 2, "coded": 4},
		Allow: func(s string) bool {
			k := Norm(s)
			_, a := aliases[k]
			_, b := voc.Types[k]
			_, c := voc.Statuses[k]
			_, d := voc.Roles[k]
			_, e := voc.Reasons[k]
			_, f := voc.Dues[k]
			_, p := protection(s)
			return a || b || c || d || e || f || p
		},
		Data:    []string{"generate.go", "vocabulary.go", "columns.go"},
		MinKeys: 20,
	})
}

func TestUnknownOf(t *testing.T) {
	_, _, r := readEnglish(t, `active,1,Berg,Siri,,,,,,,,,honorary,,,,,,,,,,`)
	if u := UnknownOf(r); len(u) != 1 || u[0].Value != "honorary" {
		t.Errorf("UnknownOf(reader) = %v", u)
	}
	if u := UnknownOf(struct{ Source }{}); u != nil {
		t.Errorf("UnknownOf(a source without counts) = %v", u)
	}
}

// TestFurtherEmployers: numbered employer columns, Norwegian or English,
// are the member's further employers; a repeat counts once, and a row
// without a first employer has its first further one as the primary.
func TestFurtherEmployers(t *testing.T) {
	for _, header := range []string{
		"Medlemsnr;Arbeidsgiver orgnr;Arbeidsgiver;Arbeidsgiver 2 orgnr;Arbeidsgiver 2;Arbeidsgiver 3 orgnr;Arbeidsgiver 3\n",
		"Member number;Employer orgnr;Employer name;Employer 2 orgnr;Employer 2 name;Employer 3 orgnr;Employer 3 name\n",
	} {
		data := header + "1;904411647;Sykehuset;974760673;Skolen;;\n" +
			"2;904411647;Sykehuset;904411647;Sykehuset;974760673;Skolen\n" +
			";;;;;;\n" +
			"3;;;974760673;Skolen;;\n" +
			"4;904411647;Sykehuset;12345;Feil;;\n"
		r := openBytes(t, []byte(data), ReadOptions{})
		if m := r.Mapping(); m[3] != EmployerOrgnr2 || m[4] != EmployerName2 || m[5] != EmployerOrgnr3 || m[6] != EmployerName3 {
			t.Fatalf("%s: mapping %v", header, m)
		}
		recs, bad := readAll(t, r)
		if len(recs) != 3 {
			t.Fatalf("%s: %d records, bad %v", header, len(recs), bad)
		}
		skolen := []Job{{Orgnr: "974760673", Name: "Skolen"}}
		if recs[0].Orgnr != "904411647" || !slices.Equal(recs[0].Jobs, skolen) {
			t.Errorf("two employers: %+v", recs[0])
		}
		if recs[1].Orgnr != "904411647" || !slices.Equal(recs[1].Jobs, skolen) {
			t.Errorf("the first repeated: %+v", recs[1])
		}
		if recs[2].Orgnr != "974760673" || recs[2].Employer != "Skolen" || len(recs[2].Jobs) != 0 {
			t.Errorf("only a second: %+v", recs[2])
		}
		col := strings.Split(strings.TrimSpace(header), ";")[3]
		if !hasReason(bad[6], "register.row.orgnr", col) {
			t.Errorf("a bad second orgnr, by its own header %q: %+v", col, bad[6])
		}
	}
	// A further employer without the first's column cannot be read.
	data := "Medlemsnr;Arbeidsgiver 2 orgnr\n1;974760673\n"
	var e *model.Error
	if _, err := Open(bytes.NewReader([]byte(data)), int64(len(data)), ReadOptions{}); !errors.As(err, &e) || e.Key != "register.mapping.employer" {
		t.Fatalf("no first employer column: %v", err)
	}
}

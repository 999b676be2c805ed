package register

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
)

var testToday = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func openBytes(t testing.TB, data []byte, opt ReadOptions) *Reader {
	t.Helper()
	if opt.Import.Today.IsZero() {
		opt.Import.Today = testToday
	}
	r, err := Open(bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// readAll reads every row: the records, and the problems by line.
func readAll(t testing.TB, src Source) ([]Record, map[int][]model.RowError) {
	t.Helper()
	var recs []Record
	bad := map[int][]model.RowError{}
	for {
		rec, errs, err := src.Next()
		if errors.Is(err, io.EOF) {
			return recs, bad
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(errs) > 0 {
			bad[rec.Line] = errs
			continue
		}
		recs = append(recs, rec)
	}
}

func hasReason(errs []model.RowError, key, column string) bool {
	for _, e := range errs {
		if e.Why.Key == key && (column == "" || e.Column == column) {
			return true
		}
	}
	return false
}

func TestReadWindows1252(t *testing.T) {
	data, err := os.ReadFile("testdata/register-1252.csv")
	if err != nil {
		t.Fatal(err)
	}
	r := openBytes(t, data, ReadOptions{})
	info := r.Info()
	if info.Encoding != "windows-1252" || info.Delimiter != ';' || info.HeaderRow != 2 {
		t.Errorf("info = %+v", info)
	}
	recs, bad := readAll(t, r)
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3 (lines 3, 8, 9); problems %v", len(recs), bad)
	}
	a := recs[0]
	want := Record{Line: 3, MemberNo: "1001", Fnr: "01018038591", First: "Åse", Last: "Ødegård", Birth: date(1980, 1, 1),
		Email: "ase@example.no", Mobile: "+4791234567", Address: "Storgata 1", Postal: "0150", Place: "Oslo",
		Orgnr: "923609016", Employer: "Sykehuset Øst", Region: UnitRef{"R1", "Øst"}, Branch: UnitRef{"A11", "Oslo"},
		Club: UnitRef{"K111", "Klubben ved Sykehuset Øst"}, Type: model.TypeOrdinary, Status: model.StatusActive,
		Joined: date(2010, 2, 1), Dues: model.DuesPaid, PaidUpTo: date(2026, 3, 1),
		Roles: []RoleTerm{{Role: model.RoleShopSteward, From: date(2020, 1, 1)}}}
	a.Has = nil
	if !equalRecords(a, want) {
		t.Errorf("line 3:\n got %+v\nwant %+v", a, want)
	}
	if !recs[0].Has[PaidUpTo] || recs[0].Has[BirthDate] {
		t.Errorf("Has = %v", recs[0].Has)
	}
	d := recs[1] // the status alone says why a member left
	if d.Line != 8 || d.Status != model.StatusResigned || d.Leave != model.LeaveDeath || d.Type != model.TypeRetired ||
		len(d.Roles) != 1 || d.Roles[0] != (RoleTerm{model.RoleClubLeader, date(2020, 1, 1), date(2026, 10, 4)}) {
		t.Errorf("line 8 = %+v", d)
	}
	l := recs[2]
	if l.Line != 9 || l.Protect != model.AddressStrictlyConfidential || l.Leave != model.LeaveChurn ||
		l.Dues != model.DuesDeductionStopped || l.Recruiter != "1001" || !l.Resigned.Equal(date(2026, 9, 30)) ||
		l.PaidUpTo != date(2026, 8, 1) {
		t.Errorf("line 9 = %+v", l)
	}

	for _, c := range []struct {
		line        int
		key, column string
	}{
		{4, "import.why.email", "E-post"},
		{4, "register.row.unknown.type", "Medlemstype"},
		{4, "register.row.resignedbefore", "Utmeldt"},
		{5, "register.row.membertwice", "Medlemsnr"},
		{6, "register.row.fnrtwice", "Fødselsnummer"},
		{7, "register.row.branchregion", "Avdelingskode"},
		{10, "register.row.rolenonmember", "Verv"},
	} {
		if !hasReason(bad[c.line], c.key, c.column) {
			t.Errorf("line %d lacks %s in %q: %v", c.line, c.key, c.column, bad[c.line])
		}
	}
	if !strings.Contains(bad[5][0].Reason, "rad 3") || !strings.Contains(bad[6][0].Reason, "rad 3") {
		t.Errorf("duplicates do not name the first row: %v / %v", bad[5], bad[6])
	}
	for _, e := range bad[6] {
		if strings.Contains(e.Value, "01018038591") || strings.Contains(e.Reason, "01018038591") {
			t.Errorf("the fødselsnummer is echoed in a problem: %+v", e)
		}
	}
	u := r.Unknown()
	if len(u) != 1 || u[0] != (Unknown{Field: MemberType, Value: "Æresmedlem", Rows: 1}) {
		t.Errorf("Unknown = %+v", u)
	}
}

func equalRecords(a, b Record) bool {
	if len(a.Roles) != len(b.Roles) {
		return false
	}
	for i := range a.Roles {
		if a.Roles[i] != b.Roles[i] {
			return false
		}
	}
	a.Roles, b.Roles, a.Has, b.Has = nil, nil, nil, nil
	return a.Line == b.Line && a.MemberNo == b.MemberNo && a.Fnr == b.Fnr && a.First == b.First && a.Last == b.Last &&
		a.Birth.Equal(b.Birth) && a.Email == b.Email && a.Mobile == b.Mobile && a.Address == b.Address &&
		a.Postal == b.Postal && a.Place == b.Place && a.Protect == b.Protect && a.Orgnr == b.Orgnr &&
		a.Employer == b.Employer && a.Region == b.Region && a.Branch == b.Branch && a.Club == b.Club &&
		a.Type == b.Type && a.Status == b.Status && a.Joined.Equal(b.Joined) && a.Resigned.Equal(b.Resigned) &&
		a.Reason == b.Reason && a.Leave == b.Leave && a.Recruiter == b.Recruiter && a.Dues == b.Dues &&
		a.PaidUpTo.Equal(b.PaidUpTo)
}

func importerToday(t time.Time) importer.Options { return importer.Options{Today: t} }

package register

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// TestWriterReadsBack: a Record the Writer writes reads back as the same
// Record, with the same hashes, so a database seeded with a Record's
// hashes is in step with the file.
func TestWriterReadsBack(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	recs := []Record{
		{MemberNo: "1000001", Fnr: norway.GenerateFnr(day(1970, 1, 1), true, rand.New(rand.NewPCG(1, 2))), First: "Kari", Last: "Nordmann", Birth: day(1970, 1, 1), Email: "kari.nordmann@example.no",
			Mobile: "+4791234567", Address: "Storgata 1", Postal: "0150", Place: "OSLO", Orgnr: "974760673", Employer: "Bedrift AS",
			Jobs:   []Job{{Orgnr: "973760009", Name: "Trondheim kommune"}},
			Region: UnitRef{"R01", "Region Oslo"}, Branch: UnitRef{"A001", "Avdeling Oslo"}, Club: UnitRef{"K00001", "Klubb Bedrift AS"},
			Type: model.TypeOrdinary, Status: model.StatusArrears, Joined: day(2001, 3, 4), Recruiter: "1000002", Dues: model.DuesArrears,
			PaidUpTo: day(2026, 9, 1), Roles: []RoleTerm{{Role: model.RoleShopSteward, From: day(2020, 1, 1)},
				{Role: model.RoleSafetyRep, From: day(2021, 2, 2), To: day(2026, 12, 31)}}},
		{MemberNo: "1000002", First: "Per", Last: "Ås", Protect: model.AddressStrictlyConfidential, Type: model.TypeRetired,
			Status: model.StatusResigned, Joined: day(1990, 1, 1), Resigned: day(2026, 11, 2), Reason: "Død", Leave: model.LeaveDeath,
			Region: UnitRef{"R02", "Region Vest"}},
		{MemberNo: "1000003", First: "Ola", Last: "Student", Type: model.TypeStudent, Status: model.StatusActive, Dues: model.DuesDeductionStopped},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for i := range recs {
		recs[i].Has = AllColumns()
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	read, bad := readAll(t, openBytes(t, buf.Bytes(), ReadOptions{}))
	if len(bad) > 0 || len(read) != len(recs) {
		t.Fatalf("read %d records, problems %v", len(read), bad)
	}
	h := NewHasher([]byte("key"))
	for i, got := range read {
		want := recs[i]
		want.Line = got.Line
		if !reflect.DeepEqual(got, want) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got, want)
		}
		if h.Fresh(got) != h.Fresh(recs[i]) {
			t.Errorf("row %d hashes differently read back", i)
		}
	}
}

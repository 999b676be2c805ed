package dues

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
	"golang.org/x/text/encoding/charmap"
)

func read(t *testing.T, file string) ([]Row, error) {
	t.Helper()
	return Read(strings.NewReader(file), int64(len(file)))
}

func TestRead(t *testing.T) {
	latin1, _ := charmap.Windows1252.NewEncoder().String("E-post;Måned;Beløp\nove@example.no;11.2026;1 234,50\n")
	april := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, file string
		want       []Row
	}{
		{"semicolon", "e-post;måned;beløp\nove@example.no;2026-04;350,00\n",
			[]Row{{Line: 2, Email: "ove@example.no", Month: april, Amount: 35000}}},
		{"comma with BOM", "\ufeffmedlemskap,month,amount\n17,2026-04,350\n",
			[]Row{{Line: 2, MembershipID: 17, Month: april, Amount: 35000}}},
		{"tab, CRLF, blank rows", "medlemskap\tmåned\tbeløp\r\n\r\n17\t04.2026\tkr 350,5\r\n",
			[]Row{{Line: 3, MembershipID: 17, Month: april, Amount: 35050}}},
		{"Windows-1252", latin1,
			[]Row{{Line: 2, Email: "ove@example.no", Month: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Amount: 123450}}},
		{"title row above the header", "Kontingent fra fakturasystemet\n\nmedlemskap;måned;beløp\n17;2026-04;350\n",
			[]Row{{Line: 4, MembershipID: 17, Month: april, Amount: 35000}}},
		{"problems", "medlemskap;e-post;måned;beløp\n;;2026-04;350\n17;;13.2026;350\n17;;2026-04;3,505\n",
			[]Row{
				{Line: 2, Month: april, Amount: 35000, Problem: model.Text{Key: "dues.row.nomember"}},
				{Line: 3, MembershipID: 17, Amount: 35000, Problem: model.Text{Key: "err.month.invalid", Args: []any{"month", `"13.2026"`}}},
				{Line: 4, MembershipID: 17, Month: april, Problem: model.Text{Key: "err.amount.invalid", Args: []any{"amount", `"3,505"`}}},
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, err := read(t, c.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(c.want) {
				t.Fatalf("rows %+v, want %+v", rows, c.want)
			}
			for i := range rows {
				if g, w := rows[i], c.want[i]; g.Line != w.Line || g.MembershipID != w.MembershipID || g.Email != w.Email ||
					!g.Month.Equal(w.Month) || g.Amount != w.Amount || g.Problem.In("nb") != w.Problem.In("nb") {
					t.Errorf("row %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
	for _, bad := range []string{"", "e-post;måned\nove@example.no;2026-04\n", "medlemskap;måned;beløp\n", "navn;telefon\nOve;41000000\n"} {
		if rows, err := read(t, bad); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("%q: %+v %v, want invalid", bad, rows, err)
		}
	}
}

func TestReport(t *testing.T) {
	april := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	rows := []Row{
		{Line: 2, Email: "Ove@example.no", Month: april, Amount: 35050},
		{Line: 3, Email: "ukjent@example.no", Month: april, Amount: 35000},
		{Line: 4, MembershipID: 9, Month: april, Amount: 35000},
		{Line: 5, Problem: model.Text{Key: "dues.row.nomember"}},
	}
	outs := []Outcome{
		{MembershipID: 7},
		{Err: &model.Error{Code: model.ENOTFOUND, Message: "Fant ikke medlemskapet."}},
		{MembershipID: 9, Err: &model.Error{Code: model.ECONFLICT, Message: "Kontingent for 04.2026 er allerede registrert."}},
		{},
	}
	report, ok := Report(rows, outs, "nb")
	want := []Line{
		{2, true, "Medlemskap 7, 04.2026: 350,50 kr"},
		{3, false, "Fant ikke noe aktivt medlemskap med e-posten ukjent@example.no."},
		{4, false, "Kontingent for 04.2026 er allerede registrert."},
		{5, false, "Raden mangler medlemskap og e-post."},
	}
	if ok || len(report) != len(want) {
		t.Fatalf("report %+v %v", report, ok)
	}
	for i := range want {
		if report[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, report[i], want[i])
		}
	}
	if report, ok := Report(rows[:1], outs[:1], "nb"); !ok || len(report) != 1 {
		t.Errorf("all good: %+v %v", report, ok)
	}
	if _, ok := Report(rows[:1], []Outcome{{Err: errors.New("boom")}}, "nb"); ok {
		t.Error("a failed row reported ok")
	}
}

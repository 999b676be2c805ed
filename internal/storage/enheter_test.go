package storage

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/enheter"
	"github.com/verve-union/verve/internal/model"
)

// enheterFixture adds to the fixture three workplaces that are sub-units
// in the Enhetsregisteret sample (internal/enheter/testdata): Helsehuset
// (club A, 3 members), Bergen legevakt (club B, no employee count in the
// register) and Tøyen sykehjem (club A, closed in the register).
type enheterFixture struct {
	*fixture
	helse, legevakt, toyen *model.Workplace
}

func newEnheterFixture(t *testing.T, s *Storage) *enheterFixture {
	t.Helper()
	f := &enheterFixture{fixture: newFixture(t, s)}
	f.helse = &model.Workplace{UnitID: f.clubA.ID, Name: "Helsehuset", Orgnr: "973760009", Employees: 10}
	f.legevakt = &model.Workplace{UnitID: f.clubB.ID, Name: "Legevakta", Orgnr: "973760025", Employees: 7}
	f.toyen = &model.Workplace{UnitID: f.clubA.ID, Name: "Tøyen sykehjem", Orgnr: "973760068", Employees: 12}
	for _, w := range []*model.Workplace{f.helse, f.legevakt, f.toyen} {
		if err := s.CreateWorkplace(context.Background(), access.System("test"), w); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"Anne", "Bjørn", "Cecilie"} {
		f.person(t, name, "Helse", f.helse)
	}
	return f
}

// loadSample loads a sample file of the register as System would.
func loadSample(t *testing.T, s *Storage, u *access.Principal, file string, req EnheterRequest) (*EnheterResult, error) {
	t.Helper()
	fh, err := os.Open("../enheter/testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	r, err := enheter.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	req.Filename = file
	return s.ImportEnheter(context.Background(), u, req, r.All())
}

// TestImportEnheterDensity: a load of the register's sample fills in the
// workplaces it holds, and density on the workplace page is members ÷ the
// register's employees.
func TestImportEnheterDensity(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newEnheterFixture(t, s)
		ctx := context.Background()
		sys := access.System("verve import")
		add := enheter.Selection{Municipalities: []string{"0301"}, NACEPrefixes: []string{"87"}}
		res, err := loadSample(t, s, sys, "underenheter.json", EnheterRequest{Add: add.Wants})
		if err != nil {
			t.Fatal(err)
		}
		// The bakery is not 87, Tøyen is closed (and known), the invalid
		// orgnr was skipped by the reader: Grünerløkka alone is added.
		if res.Merge <= 0 || (EnheterResult{Units: res.Units, Updated: res.Updated, Closed: res.Closed, Added: res.Added, Missing: res.Missing}) != (EnheterResult{Units: 6, Updated: 3, Closed: 1, Added: 1, Missing: 2}) {
			t.Errorf("result %+v", *res)
		}
		ws, err := s.WorkplaceSummary(ctx, f.admin, f.helse.ID)
		if err != nil {
			t.Fatal(err)
		}
		w := ws.Workplace
		if w.Employees != 120 || w.Name != "TRONDHEIM KOMMUNE HELSEHUSET" || w.Address != "Olav Tryggvasons gate 5, Inngang B" ||
			w.PostalCode != "7011" || w.PostalPlace != "TRONDHEIM" || w.Municipality != "Trondheim" || w.MunicipalityNo != "5001" ||
			w.NACE != "86.229" || w.NACEText != "Andre spesialiserte legetjenester" || w.ParentOrgnr != "942110464" ||
			!w.Closed.IsZero() || !w.RegisterDate.Equal(s.Today()) || w.UnitID != f.clubA.ID {
			t.Errorf("Helsehuset after the load: %+v", w)
		}
		if ws.Members != 3 || ws.Density() != 3.0/120 {
			t.Errorf("density %d/%d = %v, want 3/120", ws.Members, ws.Employees, ws.Density())
		}
		// No count in the register keeps Verve's.
		if lv, _ := s.Workplace(ctx, f.admin, f.legevakt.ID); lv.Employees != 7 || lv.Name != "BERGEN KOMMUNE LEGEVAKT" {
			t.Errorf("legevakt %+v", lv)
		}
		if ty, _ := s.Workplace(ctx, f.admin, f.toyen.ID); !ty.Closed.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("Tøyen's closing day %v", ty.Closed)
		}
		// Workplaces the file does not hold are untouched.
		if wa, _ := s.Workplace(ctx, f.admin, f.wA.ID); wa.Name != "Trondheim kommune" || wa.Employees != 10 || !wa.RegisterDate.IsZero() {
			t.Errorf("wA %+v", wa)
		}
		// The added one sits at the root: the admin sees it, a steward not.
		root, _ := s.RootUnit(ctx)
		gl, err := s.WorkplaceByOrgnr(ctx, f.admin, "973760033")
		if err != nil || gl.UnitID != root || gl.Employees != 35 || gl.Municipality != "Oslo" || gl.NACE != "87.101" {
			t.Fatalf("added %+v, %v", gl, err)
		}
		if _, err := s.WorkplaceByOrgnr(ctx, f.steward, "973760033"); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("steward sees the added workplace: %v", err)
		}
		// One audit entry with the counts.
		log, err := s.AuditLog(ctx, f.admin, 50)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		for _, e := range log {
			if e.Action == "import" && e.Entity == "workplace" {
				n++
				if e.Username != "verve import" || !strings.Contains(e.Detail, "underenheter.json: 6 enheter lest, 3 arbeidsplasser oppdatert (1 nedlagt), 1 lagt til, 2 ikke i registeret") {
					t.Errorf("audit entry %+v", e)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d audit entries for the load", n)
		}
		// The same register as gzipped CSV changes nothing more and adds
		// nothing twice; the added workplace is now updated like the rest.
		res, err = loadSample(t, s, sys, "underenheter.csv.gz", EnheterRequest{Add: add.Wants})
		if err != nil {
			t.Fatal(err)
		}
		if res.Merge = 0; *res != (EnheterResult{Units: 6, Updated: 4, Closed: 1, Added: 0, Missing: 2}) {
			t.Errorf("second load %+v", *res)
		}
		if ws, _ := s.WorkplaceSummary(ctx, f.admin, f.helse.ID); ws.Employees != 120 || ws.Address != "Olav Tryggvasons gate 5, Inngang B" {
			t.Errorf("after the CSV %+v", ws.Workplace)
		}
	})
}

// TestSubUnitsOf: the hovedenhet's orgnr finds its sub-units among the
// workplaces the user may see; several are for an admin to choose between
// (ParentChoices, ResolveParent).
func TestSubUnitsOf(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newEnheterFixture(t, s)
		ctx := context.Background()
		add := enheter.Selection{Municipalities: []string{"0301"}}
		if _, err := loadSample(t, s, access.System("verve import"), "underenheter.csv", EnheterRequest{Add: add.Wants, Under: f.clubB.ID}); err != nil {
			t.Fatal(err)
		}
		names := func(ws []*model.Workplace, err error) string {
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, w := range ws {
				out = append(out, w.Orgnr)
			}
			return strings.Join(out, ",")
		}
		if got := names(s.SubUnitsOf(ctx, f.admin, "942 110 464")); got != "973760009" {
			t.Errorf("Trondheim kommune's sub-units: %s", got)
		}
		// Grünerløkka and the bakery were added under club B; Tøyen is club A's.
		if got := names(s.SubUnitsOf(ctx, f.admin, "974760673")); got != "973760041,973760033,973760068" {
			t.Errorf("974760673's sub-units: %s", got)
		}
		if got := names(s.SubUnitsOf(ctx, f.steward, "974760673")); got != "973760068" {
			t.Errorf("steward of club A: %s", got)
		}
		if _, err := s.SubUnitsOf(ctx, f.admin, "12345"); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("invalid orgnr: %v", err)
		}

		// A register export named an employer by the hovedenhet: the
		// workplace it made is listed with the sub-units to choose from,
		// and merged into the one chosen.
		parent := &model.Workplace{UnitID: f.clubA.ID, Name: "Oslo kommune", Orgnr: "974760673"}
		if err := s.CreateWorkplace(ctx, f.admin, parent); err != nil {
			t.Fatal(err)
		}
		p := f.person(t, "Hanne", "Hovedenhet", parent)
		// The fixture's workplace with Trondheim kommune's number is one too.
		choices, err := s.ParentChoices(ctx, f.admin, 10)
		if err != nil || len(choices) != 2 || choices[0].Workplace.ID != parent.ID || choices[1].Workplace.Orgnr != "942110464" {
			t.Fatalf("choices %+v, %v", choices, err)
		}
		if got := names(choices[0].SubUnits, nil); got != "973760041,973760033,973760068" {
			t.Errorf("sub-units to choose from: %s", got)
		}
		if choices, err := s.ParentChoices(ctx, f.steward, 10); err != nil || len(choices) != 0 {
			t.Errorf("a steward's choices %+v, %v", choices, err)
		}
		trondheim, err := s.WorkplaceByOrgnr(ctx, f.admin, "973760009")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveParent(ctx, f.admin, parent.ID, trondheim.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a workplace of another hovedenhet: %v", err)
		}
		toyen := choices[0].SubUnits[2]
		if err := s.ResolveParent(ctx, f.steward, parent.ID, toyen.ID); err == nil {
			t.Error("a steward resolved a hovedenhet")
		}
		if err := s.ResolveParent(ctx, f.admin, parent.ID, toyen.ID); err != nil {
			t.Fatal(err)
		}
		if q, err := s.Person(ctx, f.admin, p.ID); err != nil || q.WorkplaceID != toyen.ID {
			t.Errorf("the person after resolving: %+v, %v", q, err)
		}
		if choices, err := s.ParentChoices(ctx, f.admin, 10); err != nil || len(choices) != 1 {
			t.Errorf("choices after resolving %+v, %v", choices, err)
		}
		if h, err := s.WorkplaceHistory(ctx, f.admin, toyen.ID, 5); err != nil || len(h) == 0 || h[0].Action != "merge" {
			t.Errorf("history %+v, %v", h, err)
		}
	})
}

// TestImportEnheterRefused: a file cut short changes nothing; only a
// union-wide admin may load the register, under a unit that exists.
func TestImportEnheterRefused(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newEnheterFixture(t, s)
		ctx := context.Background()
		data, err := os.ReadFile("../enheter/testdata/underenheter.json")
		if err != nil {
			t.Fatal(err)
		}
		r, err := enheter.NewReader(strings.NewReader(string(data[:len(data)-200])))
		if err != nil {
			t.Fatal(err)
		}
		add := enheter.Selection{Municipalities: []string{"0301"}}
		_, err = s.ImportEnheter(ctx, access.System("verve import"), EnheterRequest{Add: add.Wants}, r.All())
		if model.ErrorCode(err) != model.EINVALID || !strings.Contains(model.ErrorMessageOrText(err), "avkuttet") {
			t.Fatalf("truncated file: %v", err)
		}
		if w, _ := s.Workplace(ctx, f.admin, f.helse.ID); w.Employees != 10 || w.Name != "Helsehuset" {
			t.Errorf("a cut file changed %+v", w)
		}
		if _, err := s.WorkplaceByOrgnr(ctx, f.admin, "973760033"); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("a cut file added a workplace: %v", err)
		}
		if _, err := loadSample(t, s, f.steward, "underenheter.json", EnheterRequest{}); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward: %v", err)
		}
		regionAdmin := &access.Principal{Username: "ra", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: f.clubA.Path}}}
		if _, err := loadSample(t, s, regionAdmin, "underenheter.json", EnheterRequest{}); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("admin below the root: %v", err)
		}
		if _, err := loadSample(t, s, f.admin, "underenheter.json", EnheterRequest{Under: 9999}); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("no such unit: %v", err)
		}
		if _, err := loadSample(t, s, f.admin, "underenheter.json", EnheterRequest{}); err != nil {
			t.Errorf("union admin: %v", err)
		}
	})
}

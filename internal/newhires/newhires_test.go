package newhires

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

type world struct {
	s      *storage.Storage
	admin  *access.Principal
	w1, w2 *model.Workplace
}

// newWorld opens a database with a union, a club and two workplaces of
// the same employer.
func newWorld(t *testing.T, engine string) *world {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, storagetest.DSN(t, engine))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	union := &model.OrgUnit{Kind: model.UnitUnion, Name: "Forbundet"}
	if err := s.CreateUnit(ctx, access.System("test"), union); err != nil {
		t.Fatal(err)
	}
	club := &model.OrgUnit{Kind: model.UnitClub, Name: "Klubben", ParentID: union.ID}
	if err := s.CreateUnit(ctx, access.System("test"), club); err != nil {
		t.Fatal(err)
	}
	w := &world{s: s, admin: &access.Principal{Username: "admin", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: union.Path}}}}
	w.w1 = &model.Workplace{UnitID: club.ID, Name: "Sykehuset, Ahus", Orgnr: "942110464"}
	w.w2 = &model.Workplace{UnitID: club.ID, Name: "Sykehuset, Kongsvinger", Orgnr: "923609016"}
	for _, wp := range []*model.Workplace{w.w1, w.w2} {
		if err := s.CreateWorkplace(ctx, access.System("test"), wp); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *world) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := w.s.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// dataRows counts the rows the reader yields for a file, or -1 when the
// file cannot be opened.
func dataRows(b []byte) int {
	rd, err := importer.Open(bytes.NewReader(b), int64(len(b)), importer.Options{})
	if err != nil {
		return -1
	}
	defer rd.Close()
	n := 0
	for {
		if _, err := rd.Next(); err != nil {
			return n
		}
		n++
	}
}

// TestBrokenFilesChangeNothingOrOnlyGoodRows commits every awkward file
// of the importer's test set: a file that cannot be read changes nothing,
// and every row reported as a problem stays out of the database.
func TestBrokenFilesChangeNothingOrOnlyGoodRows(t *testing.T) {
	dir := "../importer/testdata/files"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, engine)
			ctx := context.Background()
			for _, e := range entries {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				persons, imports := w.count(t, "persons"), w.count(t, "imports")
				req := Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires, Filename: e.Name(), Commit: true}}
				rep, err := Run(ctx, w.s, w.admin, w.w1, bytes.NewReader(b), int64(len(b)), req)
				switch {
				case err != nil:
					if model.ErrorCode(err) != model.EINVALID || model.ErrorMessage(err) == "" {
						t.Errorf("%s: unclear error %v", e.Name(), err)
					}
					if w.count(t, "persons") != persons || w.count(t, "imports") != imports {
						t.Errorf("%s: unreadable file changed the database", e.Name())
					}
				case rep.MappingError.Key != "":
					if w.count(t, "imports") != imports {
						t.Errorf("%s: a file without a usable mapping was imported", e.Name())
					}
				default:
					res := rep.Result
					if !res.Committed {
						t.Fatalf("%s: not committed", e.Name())
					}
					// Every row read is either staged or reported, never both.
					if total := dataRows(b); res.Rows+rep.ErrorRows != total {
						t.Errorf("%s: %d rows staged + %d rejected, file has %d", e.Name(), res.Rows, rep.ErrorRows, total)
					}
					if got := w.count(t, "persons") - persons; got != res.Counts[storage.ClassNew] {
						t.Errorf("%s: %d persons created, report says %d", e.Name(), got, res.Counts[storage.ClassNew])
					}
					for _, re := range rep.Errors {
						if re.Line <= 0 || re.Reason == "" {
							t.Errorf("%s: unclear row error %+v", e.Name(), re)
						}
					}
				}
			}
		})
	}
}

const twoSites = "Fornavn;Etternavn;Fødselsdato;E-post;Avdeling;Startdato\n" +
	"Kari;Nordmann;01.02.1990;kari@example.no;Ahus;01.12.2026\n" +
	"Ola;Hansen;03.04.1988;ola@example.no;Kongsvinger;01.12.2026\n" +
	"Per;Ukjent;05.06.1991;per@example.no;Gjøvik;01.12.2026\n"

func TestRoutingRemembersMappingAndRoutes(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, engine)
			ctx := context.Background()
			run := func(req Request) *Report {
				t.Helper()
				rep, err := Run(ctx, w.s, w.admin, w.w1, bytes.NewReader([]byte(twoSites)), int64(len(twoSites)), req)
				if err != nil {
					t.Fatal(err)
				}
				return rep
			}
			// Routing by a field no column has: the message names the field
			// in the reader's language.
			rep := run(Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires}, RouteBy: importer.Location})
			if got := rep.MappingError.In("en"); got != "Choose which column is “Location”, or do not route the rows." {
				t.Errorf("no location column, en: %q", got)
			}
			if got := rep.MappingError.In("nb"); !strings.Contains(got, "«Arbeidssted»") {
				t.Errorf("no location column, nb: %q", got)
			}
			// Routing by department without routes: every row is unrouted, values listed.
			rep = run(Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires}, RouteBy: importer.Department})
			if rep.ErrorRows != 3 || len(rep.RouteValues) != 3 {
				t.Fatalf("unrouted: %d errors, values %v", rep.ErrorRows, rep.RouteValues)
			}
			routes := map[string]int64{RouteKey("AHUS"): w.w1.ID, RouteKey(" kongsvinger "): w.w2.ID}
			rep = run(Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires, Commit: true}, RouteBy: importer.Department, Routes: routes})
			if rep.ErrorRows != 1 || rep.Errors[0].Line != 4 || rep.Errors[0].Column != "Avdeling" || rep.Result.Counts[storage.ClassNew] != 2 {
				t.Fatalf("routed: %+v %+v", rep.Errors, rep.Result)
			}
			var at1, at2 int
			w.s.DB().QueryRow(`SELECT count(*) FROM persons WHERE workplace_id = $1`, w.w1.ID).Scan(&at1)
			w.s.DB().QueryRow(`SELECT count(*) FROM persons WHERE workplace_id = $1`, w.w2.ID).Scan(&at2)
			if at1 != 1 || at2 != 1 {
				t.Fatalf("routed to w1 %d, w2 %d", at1, at2)
			}
			// Next time the employer's mapping and routes are offered again.
			rep = run(Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires}})
			if rep.RouteBy != importer.Department || rep.Routes[RouteKey("Ahus")] != w.w1.ID || rep.Result.Counts[storage.ClassPipeline] != 2 {
				t.Fatalf("remembered: by %q routes %v counts %v", rep.RouteBy, rep.Routes, rep.Result.Counts)
			}
		})
	}
}

func TestTruncatedFileChangesNothing(t *testing.T) {
	var buf bytes.Buffer
	if err := importer.WriteSample(&buf, "xlsx", 3000, 1); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()[:buf.Len()*2/3]
	w := newWorld(t, "sqlite")
	_, err := Run(context.Background(), w.s, w.admin, w.w1, bytes.NewReader(b), int64(len(b)),
		Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires, Commit: true}})
	if err == nil || w.count(t, "persons") != 0 || w.count(t, "imports") != 0 {
		t.Fatalf("truncated file: err %v, %d persons", err, w.count(t, "persons"))
	}
}

// cancelAt cancels a context once the reader passes an offset: a server
// stopping while a list is read.
type cancelAt struct {
	*bytes.Reader
	at     int64
	cancel context.CancelFunc
}

func (c cancelAt) ReadAt(p []byte, off int64) (int, error) {
	if off > c.at {
		c.cancel()
	}
	return c.Reader.ReadAt(p, off)
}

// TestCancelledCommitChangesNothing: a commit whose context ends halfway
// through the list (the server stopping) rolls back, all or nothing.
func TestCancelledCommitChangesNothing(t *testing.T) {
	var buf bytes.Buffer
	if err := importer.WriteSample(&buf, "csv", 5000, 1); err != nil {
		t.Fatal(err)
	}
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, engine)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			file := cancelAt{Reader: bytes.NewReader(buf.Bytes()), at: int64(buf.Len() / 2), cancel: cancel}
			_, err := Run(ctx, w.s, w.admin, w.w1, file, int64(buf.Len()),
				Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires, Commit: true}})
			if err == nil || ctx.Err() == nil {
				t.Fatalf("cancelled commit: err %v", err)
			}
			for _, table := range []string{"persons", "imports", "tasks"} {
				if n := w.count(t, table); n != 0 {
					t.Errorf("%d %s after a cancelled commit", n, table)
				}
			}
		})
	}
}

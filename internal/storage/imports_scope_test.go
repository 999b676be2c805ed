package storage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// outsideFixture is the pipeline fixture with a second region and, outside
// the steward's club, a member, a former member and a prospect known by
// each matching key, half in the steward's region (club B) and half in
// the other region; and two lists for the steward's workplace: one whose
// rows are those persons, and one of strangers shaped the same.
type outsideFixture struct {
	*fixture
	unionPath, regionPath string
	region2               *model.OrgUnit
	wC                    *model.Workplace
	outsiders             []*model.Person // by row: outsiders[i] is row i+2
	keys                  []string        // the key row i+2 matches by
	known, strangers      []ImportRow
}

func newOutsideFixture(t *testing.T, s *Storage) *outsideFixture {
	t.Helper()
	ctx := context.Background()
	f, _ := pipelineFixture(t, s)
	o := &outsideFixture{fixture: f}
	var regionID int64
	if err := s.r.QueryRow(`SELECT r.id, r.path, u.path FROM org_units r JOIN org_units u ON u.id = r.parent_id WHERE r.id = $1`, f.clubA.ParentID).
		Scan(&regionID, &o.regionPath, &o.unionPath); err != nil {
		t.Fatal(err)
	}
	var unionID int64
	s.r.QueryRow(`SELECT id FROM org_units WHERE path = $1`, o.unionPath).Scan(&unionID)
	o.region2 = &model.OrgUnit{Kind: model.UnitRegion, Name: "Region Vest", ParentID: unionID}
	if err := s.CreateUnit(ctx, access.System("test"), o.region2); err != nil {
		t.Fatal(err)
	}
	clubC := &model.OrgUnit{Kind: model.UnitClub, Name: "Klubb C", ParentID: o.region2.ID}
	if err := s.CreateUnit(ctx, access.System("test"), clubC); err != nil {
		t.Fatal(err)
	}
	o.wC = &model.Workplace{UnitID: clubC.ID, Name: "Bergen kommune", Orgnr: "964338531", Employees: 10}
	if err := s.CreateWorkplace(ctx, access.System("test"), o.wC); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	line := 2
	for _, status := range []model.MembershipStatus{model.StatusActive, model.StatusResigned, model.StatusProspect} {
		for _, key := range []string{"fnr", "email", "mobile", "name_birth"} {
			n := line - 2
			w := []*model.Workplace{f.wB, o.wC}[n%2]
			birth := time.Date(1980+n, 3, 10+n, 0, 0, 0, 0, time.UTC)
			p := &model.Person{FirstName: "Kjent", LastName: fmt.Sprintf("Person%c", 'A'+n), BirthDate: birth, WorkplaceID: w.ID, MemberStatus: status,
				Fnr: norway.GenerateFnr(birth, n%2 == 0, r), Email: fmt.Sprintf("kjent%d@example.no", n), Mobile: fmt.Sprintf("+479300%04d", n)}
			if err := s.CreatePerson(ctx, f.admin, p); err != nil {
				t.Fatal(err)
			}
			// The row carries only the one key, as the stranger's row does.
			strangerBirth := birth.AddDate(0, 1, 0)
			shape := func(first, last, fnr, email, mobile string, birth time.Time) ImportRow {
				return hire(line, first, last, f.wA, func(h *model.NewHire) {
					switch key {
					case "fnr":
						h.Fnr = fnr
					case "email":
						h.Email = email
					case "mobile":
						h.Mobile = mobile
					case "name_birth":
						h.BirthDate = birth
					}
				})
			}
			o.known = append(o.known, shape(p.FirstName, p.LastName, p.Fnr, p.Email, p.Mobile, birth))
			o.strangers = append(o.strangers, shape("Fremmed", fmt.Sprintf("Person%c", 'A'+n), norway.GenerateFnr(strangerBirth, true, r),
				fmt.Sprintf("fremmed%d@example.no", n), fmt.Sprintf("+479400%04d", n), strangerBirth))
			o.outsiders = append(o.outsiders, p)
			o.keys = append(o.keys, key)
			line++
		}
	}
	return o
}

// outsiderState is everything Verve holds on a person that an import could
// change: the person's row and what hangs on them.
func outsiderState(t *testing.T, s *Storage, id int64) string {
	t.Helper()
	return fmt.Sprintf("%s pipeline=%d tasks=%d employments=%d", dumpRows(t, s, `SELECT * FROM persons WHERE id = $1`, id),
		count(t, s, `SELECT count(*) FROM pipeline WHERE person_id = $1`, id),
		count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1`, id),
		count(t, s, `SELECT count(*) FROM employments WHERE person_id = $1`, id))
}

// anonymous is a report without the names the lists differ in.
func anonymous(res *ImportResult) ([]ImportLine, map[ImportClass]int, int) {
	lines := slices.Clone(res.Lines)
	for i := range lines {
		lines[i].Name = ""
	}
	return lines, res.Counts, res.Rows
}

// importedTasks are the tasks a committed list made, without whom they are for.
func importedTasks(t *testing.T, s *Storage, importID int64) []string {
	t.Helper()
	rows, err := s.r.Query(`SELECT t.kind, t.title, COALESCE(t.owner_person_id, 0), t.due, t.status, t.workplace_id, t.unit_path
		FROM tasks t JOIN pipeline pl ON pl.person_id = t.person_id WHERE pl.import_id = $1`, importID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind, title, status, path string
		var owner, wid int64
		var due time.Time
		if err := rows.Scan(&kind, &title, &owner, &due, &status, &wid, &path); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(kind, title, owner, due.Format(time.DateOnly), status, wid, path))
	}
	slices.Sort(out)
	return out
}

// TestImportOutsideScopeIsAStranger: a shop steward's list whose rows are
// members, former members and prospects outside the steward's club, by
// fødselsnummer, e-mail, mobile or name and birth date, previews and
// commits exactly as a list of strangers does; those persons are neither
// changed nor made readable, and each pair is left for someone who sees
// both to decide.
func TestImportOutsideScopeIsAStranger(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		o := newOutsideFixture(t, s)
		ctx := context.Background()
		before := map[int64]string{}
		for _, p := range o.outsiders {
			before[p.ID] = outsiderState(t, s, p.ID)
		}
		run := func(rows []ImportRow, file string, commit bool) *ImportResult {
			t.Helper()
			req := ImportRequest{Kind: ImportNewhires, WorkplaceID: o.wA.ID, Filename: file, Source: "HR", Commit: commit}
			res, err := s.Import(ctx, o.steward, req, rowsOf(rows...))
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		same := func(what string, known, strangers *ImportResult) {
			t.Helper()
			kl, kc, kn := anonymous(known)
			sl, sc, sn := anonymous(strangers)
			if fmt.Sprint(kl, kc, kn) != fmt.Sprint(sl, sc, sn) {
				t.Fatalf("%s differs:\nknown     %v %v %d\nstrangers %v %v %d", what, kl, kc, kn, sl, sc, sn)
			}
			if known.Counts[ClassNew] != len(o.known) {
				t.Fatalf("%s: %v, want every row new", what, known.Counts)
			}
		}
		same("preview", run(o.known, "kjente.csv", false), run(o.strangers, "fremmede.csv", false))
		if n := count(t, s, `SELECT count(*) FROM match_candidates`); n != 0 {
			t.Fatalf("a preview recorded %d possible matches", n)
		}

		known, strangers := run(o.known, "kjente.csv", true), run(o.strangers, "fremmede.csv", true)
		same("commit", known, strangers)
		for _, id := range []int64{known.ImportID, strangers.ImportID} {
			if n := count(t, s, `SELECT count(*) FROM pipeline pl JOIN persons p ON p.id = pl.person_id
				WHERE pl.import_id = $1 AND p.member_status = 'prospect' AND p.fnr_hash IS NULL AND p.workplace_id = $2`, id, o.wA.ID); n != len(o.known) {
				t.Fatalf("import %d made %d prospects at the steward's workplace, want %d", id, n, len(o.known))
			}
		}
		if kt, st := importedTasks(t, s, known.ImportID), importedTasks(t, s, strangers.ImportID); !slices.Equal(kt, st) || len(kt) != len(o.known) {
			t.Fatalf("tasks differ:\nknown     %v\nstrangers %v", kt, st)
		}

		for i, p := range o.outsiders {
			if got := outsiderState(t, s, p.ID); got != before[p.ID] {
				t.Errorf("row %d changed %s:\nbefore %s\nafter  %s", i+2, p.Name(), before[p.ID], got)
			}
			if _, err := s.Person(ctx, o.steward, p.ID); model.ErrorCode(err) != model.ENOTFOUND {
				t.Errorf("the steward reads %s after the import: %v", p.Name(), err)
			}
			// The pair waits for whoever covers both: the region for club B,
			// the union across regions.
			want := o.regionPath
			if p.WorkplaceID == o.wC.ID {
				want = o.unionPath
			}
			var path, match string
			var importID int64
			err := s.r.QueryRow(`SELECT mc.unit_path, mc.match, mc.import_id FROM match_candidates mc JOIN pipeline pl ON pl.person_id = mc.person_id
				WHERE mc.candidate_id = $1 AND pl.import_id = $2 AND mc.source = 'import'`, p.ID, known.ImportID).Scan(&path, &match, &importID)
			if err != nil || path != want || match != o.keys[i] || importID != known.ImportID {
				t.Errorf("row %d (%s): possible match at %q by %q from %d, want %q by %q from %d (%v)", i+2, p.Name(), path, match, importID, want, o.keys[i], known.ImportID, err)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM match_candidates`); n != len(o.known) {
			t.Fatalf("%d possible matches, want %d (none for strangers)", n, len(o.known))
		}

		// Each preview is in the audit log: who, which list, where, how
		// many, and nothing of the rows.
		entries, err := s.AuditLog(ctx, o.admin, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var previews []model.AuditEntry
		for _, e := range entries {
			if e.Action == "preview" {
				previews = append(previews, e)
			}
		}
		if len(previews) != 2 {
			t.Fatalf("%d preview entries, want 2", len(previews))
		}
		for _, e := range previews {
			if e.Username != "tv" || e.Entity != "workplace" || e.EntityID != o.wA.ID || !strings.Contains(e.Detail, ".csv: 12 rader, 12 nye, 0 kjente") || e.PersonID != 0 {
				t.Errorf("preview entry = %+v", e)
			}
			for _, r := range append(slices.Clone(o.known), o.strangers...) {
				for _, v := range []string{r.FirstName, r.LastName, r.Email, r.Mobile, r.Fnr} {
					if v != "" && strings.Contains(e.Detail, v) {
						t.Errorf("preview entry %q holds %q", e.Detail, v)
					}
				}
			}
		}
	})
}

// TestPossibleMatchesAreDecidedByWhoCoversBoth: the pairs an import left
// are shown to and decided by the people whose scope covers both persons,
// and by nobody else.
func TestPossibleMatchesAreDecidedByWhoCoversBoth(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		o := newOutsideFixture(t, s)
		ctx := context.Background()
		if _, err := s.Import(ctx, o.steward, ImportRequest{Kind: ImportNewhires, WorkplaceID: o.wA.ID, Commit: true}, rowsOf(o.known...)); err != nil {
			t.Fatal(err)
		}
		coordinator := func(path string) *access.Principal {
			return &access.Principal{Username: "koordinator", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: path}}}
		}
		home, other := coordinator(o.regionPath), coordinator(o.region2.Path)
		byKnown := map[int64]PossibleMatch{}
		all, err := s.PossibleMatches(ctx, o.admin, 100)
		if err != nil || len(all) != len(o.known) {
			t.Fatalf("admin sees %d possible matches, want %d (%v)", len(all), len(o.known), err)
		}
		for _, m := range all {
			byKnown[m.Known.PersonID] = m
		}
		for u, want := range map[*access.Principal]int{home: len(o.known) / 2, other: 0, o.steward: 0} {
			ms, err := s.PossibleMatches(ctx, u, 100)
			if err != nil || len(ms) != want {
				t.Fatalf("%v sees %d possible matches, want %d (%v)", u.Grants, len(ms), want, err)
			}
			if n, err := s.OpenMatchCount(ctx, u); err != nil || n != want {
				t.Fatalf("%v counts %d possible matches, want %d (%v)", u.Grants, n, want, err)
			}
			for _, m := range ms {
				if m.Known.Unit != o.clubB.Name {
					t.Fatalf("%v sees a match with %s in %s", u.Grants, m.Known.Name, m.Known.Unit)
				}
			}
		}

		across, inRegion := byKnown[o.outsiders[1].ID], byKnown[o.outsiders[0].ID] // wC, wB
		if err := s.DecideMatch(ctx, home, across.ID, model.MatchDistinct); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("a region's coordinator decided a match across regions: %v", err)
		}
		if err := s.DecideMatch(ctx, home, inRegion.ID, model.MatchDistinct); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideMatch(ctx, home, inRegion.ID, model.MatchDistinct); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("deciding twice: %v", err)
		}
		if _, err := s.Person(ctx, o.admin, inRegion.New.PersonID); err != nil {
			t.Fatalf("distinct: the newcomer is gone: %v", err)
		}

		// A member (row 3: e-mail, other region) turns out to be the new hire.
		member := byKnown[o.outsiders[1].ID]
		if o.outsiders[1].MemberStatus != model.StatusActive || o.keys[1] != "email" {
			t.Fatalf("fixture: row 3 is %s by %s", o.outsiders[1].MemberStatus, o.keys[1])
		}
		err = s.DecideMatch(ctx, o.admin, member.ID, model.MatchMerge)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Person(ctx, o.admin, member.New.PersonID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("merged newcomer still there: %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1 AND status = 'open' AND kind = 'welcome' AND title = $2`,
			member.Known.PersonID, "Et medlem har begynt her: ønsk velkommen"); n != 1 {
			t.Fatalf("%d welcome-a-member tasks on the known member, want 1", n)
		}
		if ms, _ := s.PossibleMatches(ctx, o.admin, 100); len(ms) != len(o.known)-2 {
			t.Fatalf("%d open possible matches after two decisions, want %d", len(ms), len(o.known)-2)
		}
	})
}

package storage

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// storedWords are the words person_words holds for a person, sorted.
func storedWords(t *testing.T, s *Storage, id int64) []string {
	t.Helper()
	rows, err := s.r.Query(`SELECT word FROM person_words WHERE person_id = $1 ORDER BY word`, id)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	err = eachRow(rows, func() error {
		var w string
		err := rows.Scan(&w)
		out = append(out, w)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// keyWords are the words of a person's stored search key as searchWords
// splits it: what person_words must hold for them.
func keyWords(t *testing.T, s *Storage, id int64) []string {
	t.Helper()
	var key string
	if err := s.r.QueryRow(`SELECT search_key FROM persons WHERE id = $1`, id).Scan(&key); err != nil {
		t.Fatal(err)
	}
	ws := searchWords(key)
	sort.Strings(ws)
	return slices.Compact(ws)
}

func personNames(ps []*model.Person) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.FirstName+" "+p.LastName)
	}
	return out
}

func TestSearchByWordPrefix(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		f.person(t, "Kari", "Hansen", f.wA)
		f.person(t, "Kari", "Ødegård", f.wA)
		anne := f.person(t, "Anne-Lise", "Johansen", f.wA)
		ola := f.person(t, "Ola", "Nordmann", f.wB)
		if _, err := s.UpdateContactInfo(ctx, f.admin, ola.ID, "ola.nordmann+verv@epost.no", "+4798765432", "", ""); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string][]string{
			"hans":                       {"Kari Hansen"},
			"HANSEN":                     {"Kari Hansen"},
			"ans":                        {}, // the middle of a word is not its beginning
			"kari":                       {"Kari Hansen", "Kari Ødegård"},
			"kari ha":                    {"Kari Hansen"},
			"ha kari":                    {"Kari Hansen"},
			"kari nordmann":              {},
			"øde":                        {"Kari Ødegård"},
			"ØDEGÅRD":                    {"Kari Ødegård"},
			"lise":                       {"Anne-Lise Johansen"},
			"anne-li":                    {"Anne-Lise Johansen"},
			"anne-jo":                    {}, // as typed, with its hyphen
			"nordmann+verv@epost":        {"Ola Nordmann"},
			"ola.nordmann+verv@epost.no": {"Ola Nordmann"},
			"epost.no":                   {"Ola Nordmann"},
			"verv":                       {"Ola Nordmann"},
			"ola.nordmann@epost":         {}, // not as typed
			"98765432":                   {"Ola Nordmann"},
			"9876":                       {"Ola Nordmann"},
			"987 65 432":                 {"Ola Nordmann"},
			"+47 987 65":                 {"Ola Nordmann"},
			"+4798765":                   {"Ola Nordmann"},
			"65432":                      {},
			"-":                          {},
			"%":                          {},
			"_":                          {},
		} {
			res, err := s.SearchPersons(ctx, f.admin, q, 50)
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			got := personNames(res)
			if !slices.Equal(got, want) {
				t.Errorf("search %q: %v, want %v", q, got, want)
			}
		}
		// The admin's searches above ran from a word: the first that fewer
		// have than the union's persons is chosen, one nobody lacks is not.
		all := f.admin.Scope(access.PersonRead)
		if i, err := s.rareWord(ctx, all, []string{"", "hansen"}); err != nil || i != 1 {
			t.Errorf("of everyone's and hansen: %d %v, want 1", i, err)
		}
		if i, err := s.rareWord(ctx, all, []string{""}); err != nil || i != -1 {
			t.Errorf("a word everyone has: %d %v, want -1 (from the scope)", i, err)
		}
		if res, _ := s.SearchPersons(ctx, f.admin, "kari", 1); len(res) != 1 || res[0].LastName != "Hansen" {
			t.Errorf("the first of two in name order: %v", personNames(res))
		}
		if got, want := storedWords(t, s, anne.ID), []string{"91234567", "anne", "example", "johansen", "lise", "no"}; !slices.Equal(got, want) {
			t.Errorf("words %v, want %v", got, want)
		}
	})
}

// TestSearchScope: a person outside the steward's scope is not found by
// their name, and adding one changes nothing the steward gets, not even
// which come first under the limit.
func TestSearchScope(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		for _, first := range []string{"Per", "Pål", "Espen"} {
			f.person(t, first, "Olsen", f.wA)
		}
		search := func(q string, limit int) []string {
			t.Helper()
			res, err := s.SearchPersons(ctx, f.steward, q, limit)
			if err != nil {
				t.Fatal(err)
			}
			return personNames(res)
		}
		queries := []string{"olsen", "ol", "olsen p", "per", "aaron", "912"}
		before := map[string][]string{}
		for _, q := range queries {
			for _, limit := range []int{1, 2, 50} {
				before[q+string(rune('0'+limit%10))] = search(q, limit)
			}
		}
		if got := before["olsen0"]; !slices.Equal(got, []string{"Espen Olsen", "Per Olsen", "Pål Olsen"}) {
			t.Fatalf("steward finds %v", got)
		}
		// Others of the same name elsewhere, one sorting first.
		for _, first := range []string{"Aaron", "Per"} {
			f.person(t, first, "Olsen", f.wB)
		}
		for _, q := range queries {
			for _, limit := range []int{1, 2, 50} {
				if got, want := search(q, limit), before[q+string(rune('0'+limit%10))]; !slices.Equal(got, want) {
					t.Errorf("steward's search %q (limit %d) is %v with a person outside, %v without", q, limit, got, want)
				}
			}
		}
		if res, _ := s.SearchPersons(ctx, f.admin, "aaron olsen", 50); len(res) != 1 {
			t.Fatalf("admin finds %v", personNames(res))
		}
		if s.dialect != Postgres {
			return
		}
		// Planned for each run's words (serverSettings), past the five
		// runs after which PostgreSQL may keep one plan for all.
		s.r.SetMaxOpenConns(1)
		for range 6 {
			if res, _ := s.SearchPersons(ctx, f.admin, "olsen", 50); len(res) != 5 {
				t.Fatalf("admin finds %v", personNames(res))
			}
		}
		if n := genericPlans(t, s, "w.person_id ="); n != 0 {
			t.Errorf("%d searches run by a plan for all words", n)
		}
	})
}

// TestPersonWordsFollowChanges: the words follow a new e-mail, a new name
// from the register, a merge and an erasure, and imported prospects have
// theirs.
func TestPersonWordsFollowChanges(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		found := func(q string) []string {
			t.Helper()
			res, err := s.SearchPersons(ctx, f.admin, q, 50)
			if err != nil {
				t.Fatal(err)
			}
			return personNames(res)
		}
		same := func(id int64) {
			t.Helper()
			if got, want := storedWords(t, s, id), keyWords(t, s, id); !slices.Equal(got, want) {
				t.Errorf("person %d: words %v, key's words %v", id, got, want)
			}
		}
		// A new e-mail address.
		p := f.person(t, "Grete", "Vik", f.wA)
		if _, err := s.UpdateContactInfo(ctx, f.admin, p.ID, "grete@nyepost.no", "", "", ""); err != nil {
			t.Fatal(err)
		}
		same(p.ID)
		if got := found("nyepost"); !slices.Equal(got, []string{"Grete Vik"}) {
			t.Errorf("new e-mail: %v", got)
		}
		if got := found("example"); len(got) != 0 {
			t.Errorf("old e-mail still found: %v", got)
		}

		// An import's new prospects.
		if _, err := s.Import(ctx, f.admin, ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Commit: true},
			rowsOf(hire(1, "Ingrid", "Fjeldstad", f.wA, nil), hire(2, "Jon", "Fjell", f.wA, nil))); err != nil {
			t.Fatal(err)
		}
		if got := found("fjel"); !slices.Equal(got, []string{"Ingrid Fjeldstad", "Jon Fjell"}) {
			t.Errorf("imported: %v", got)
		}

		// A merge: the newcomer's words go, the kept person has the merged key's.
		a := f.person(t, "Trude", "Lie", f.wA)
		b := f.person(t, "Trude", "Lie", f.wA)
		if _, err := s.UpdateContactInfo(ctx, f.admin, b.ID, "trude.lie@jobb.no", "", "", ""); err != nil {
			t.Fatal(err)
		}
		if err := s.inTx(ctx, func(tx *sql.Tx) error { return s.mergeTx(ctx, tx, f.admin, a.ID, b.ID, "test") }); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM person_words WHERE person_id = $1`, b.ID); n != 0 {
			t.Errorf("%d words of the merged newcomer left", n)
		}
		same(a.ID)
		if got := found("trude"); !slices.Equal(got, []string{"Trude Lie"}) {
			t.Errorf("after the merge: %v", got)
		}

		// An erasure.
		if ok, err := s.erasePerson(ctx, f.admin, a.ID, "test", `SELECT id FROM persons`, nil); err != nil || !ok {
			t.Fatalf("erase: %v %v", ok, err)
		}
		if n := count(t, s, `SELECT count(*) FROM person_words WHERE person_id = $1`, a.ID); n != 0 {
			t.Errorf("%d words of the erased person left", n)
		}
		if got := found("trude"); len(got) != 0 {
			t.Errorf("erased person found: %v", got)
		}
	})
}

// TestPersonWordsGoWithThePerson: a person deleted by any path takes their
// words along (a foreign key on PostgreSQL, a trigger on SQLite, 00034).
func TestPersonWordsGoWithThePerson(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		p := f.person(t, "Sigrun", "Haugland", f.wA)
		kept := f.person(t, "Sigrun", "Berg", f.wA)
		if n := count(t, s, `SELECT count(*) FROM person_words WHERE person_id = $1`, p.ID); n == 0 {
			t.Fatal("the person has no words to lose")
		}
		if _, err := s.w.Exec(`DELETE FROM persons WHERE id = $1`, p.ID); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM person_words WHERE person_id = $1`, p.ID); n != 0 {
			t.Errorf("%d words of the deleted person left", n)
		}
		same := storedWords(t, s, kept.ID)
		if want := keyWords(t, s, kept.ID); !slices.Equal(same, want) {
			t.Errorf("the other person's words: %v, want %v", same, want)
		}
	})
}

// wordsInPlace fails t unless every word has its person's sort key and
// unit path (00037).
func wordsInPlace(t *testing.T, s *Storage) {
	t.Helper()
	if n := count(t, s, `SELECT count(*) FROM person_words w JOIN persons p ON p.id = w.person_id
		WHERE w.sort_key <> p.sort_key OR w.unit_path <> p.unit_path`); n != 0 {
		t.Errorf("%d words with another sort key or unit path than their person's", n)
	}
}

// TestPersonWordsFromRegister: the first load writes its members' words
// at its end, with their sort keys and units, also for a person Verve had
// whom it moves (its trigger dropped meanwhile); a later load's new name
// replaces the old and sorts them anew, and a member it moves is found in
// the new club and no longer in the old.
func TestPersonWordsFromRegister(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		s.SetClock(func() time.Time { return regDay0 })
		admin, union := regAdmin(t, s)
		jo := &model.Person{FirstName: "Jo", LastName: "Ny", Fnr: "02029038549", UnitID: union.ID, MemberStatus: model.StatusActive, Email: "jo@example.no"}
		if err := s.CreatePerson(ctx, admin, jo); err != nil {
			t.Fatal(err)
		}
		kari := func(no, last string, mod func(*register.Record)) register.Record {
			return member(no, "Kari", func(r *register.Record) {
				r.Last, r.Email = last, "kari."+strings.ToLower(last)+"@example.no"
				if mod != nil {
					mod(r)
				}
			})
		}
		load(t, s, admin, register.Options{}, append(baseExport(), kari("1008", "Vik", nil), kari("1009", "Dahl", nil),
			member("1007", "Jo", func(r *register.Record) { r.Last, r.Fnr, r.Email = "Ny", jo.Fnr, jo.Email }))...)
		if personByNo(t, s, "1007") != jo.ID {
			t.Fatal("Jo not echoed")
		}
		ola := personByNo(t, s, "1002")
		if got, want := storedWords(t, s, ola), []string{"91234002", "example", "medlem", "no", "ola"}; !slices.Equal(got, want) {
			t.Errorf("first load: words %v, want %v", got, want)
		}
		wordsInPlace(t, s)
		club := func(code string) *access.Principal {
			var path string
			if err := s.r.QueryRow(`SELECT path FROM org_units WHERE code = $1`, code).Scan(&path); err != nil {
				t.Fatal(err)
			}
			return &access.Principal{Username: code, Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: path}}}
		}
		c1, c2 := club("C1"), club("C2")
		expect := func(u *access.Principal, q string, limit int, want ...string) {
			t.Helper()
			if got := searchNames(t, s, u, q, limit); !slices.Equal(got, want) {
				t.Errorf("%s: %q (limit %d) finds %v, want %v", u.Username, q, limit, got, want)
			}
		}
		expect(c1, "jo", 50, "Jo Ny")
		for _, u := range []*access.Principal{admin, c1} {
			expect(u, "kari", 50, "Kari Dahl", "Kari Medlem", "Kari Vik")
		}

		load(t, s, admin, register.Options{}, member("1002", "Ola", func(r *register.Record) { r.Last = "Brattli" }), member("1006", "Siv", nil),
			kari("1008", "Berg", nil), kari("1009", "Dahl", atWorkplace2))
		if got, want := storedWords(t, s, ola), []string{"91234002", "brattli", "example", "no", "ola"}; !slices.Equal(got, want) {
			t.Errorf("renamed: words %v, want %v", got, want)
		}
		wordsInPlace(t, s)
		res, err := s.SearchPersons(ctx, admin, "siv medl", 50)
		if err != nil || !slices.Equal(personNames(res), []string{"Siv Medlem"}) {
			t.Errorf("a later load's new member: %v %v", personNames(res), err)
		}
		expect(admin, "kari", 50, "Kari Berg", "Kari Dahl", "Kari Medlem")
		expect(admin, "kari", 1, "Kari Berg")
		expect(admin, "kari example", 2, "Kari Berg", "Kari Dahl")
		expect(c1, "kari", 50, "Kari Berg", "Kari Medlem")
		expect(c1, "kari", 1, "Kari Berg")
		expect(c1, "dahl", 50)
		expect(c2, "kari", 50, "Kari Dahl")
	})
}

// TestSearchFollowsMoves: a person whose workplace or unit moves, or
// whose unit closes into another, is found by a search of the scope they
// moved to and no longer by one of the scope they left.
func TestSearchFollowsMoves(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		sys := access.System("test")
		region2 := &model.OrgUnit{Kind: model.UnitRegion, Name: "Region Nord", ParentID: f.clubA.ParentID}
		var regionPath string
		if err := s.r.QueryRow(`SELECT path FROM org_units WHERE id = $1`, f.clubA.ParentID).Scan(&regionPath); err != nil {
			t.Fatal(err)
		}
		if err := s.r.QueryRow(`SELECT parent_id FROM org_units WHERE id = $1`, f.clubA.ParentID).Scan(&region2.ParentID); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateUnit(ctx, sys, region2); err != nil {
			t.Fatal(err)
		}
		f.person(t, "Solveig", "Strand", f.wA)
		f.person(t, "Aud", "Strand", f.wB)
		coordinator := func(path string) *access.Principal {
			return &access.Principal{Username: path, Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: path}}}
		}
		clubA, clubB, region, north := coordinator(f.clubA.Path), coordinator(f.clubB.Path), coordinator(regionPath), coordinator(region2.Path)
		expect := func(u *access.Principal, want ...string) {
			t.Helper()
			res, err := s.SearchPersons(ctx, u, "strand", 50)
			if err != nil {
				t.Fatal(err)
			}
			if got := personNames(res); !slices.Equal(got, want) {
				t.Errorf("%s finds %v, want %v", u.Username, got, want)
			}
		}
		expect(clubA, "Solveig Strand")
		expect(clubB, "Aud Strand")

		// Workplace A goes to club B.
		if err := s.MoveWorkplace(ctx, f.admin, f.wA.ID, f.clubB.ID); err != nil {
			t.Fatal(err)
		}
		wordsInPlace(t, s)
		expect(clubA)
		expect(clubB, "Aud Strand", "Solveig Strand")

		// Club B goes to the other region.
		if err := s.MoveUnit(ctx, f.admin, f.clubB.ID, region2.ID); err != nil {
			t.Fatal(err)
		}
		wordsInPlace(t, s)
		expect(region)
		expect(north, "Aud Strand", "Solveig Strand")
		clubB = coordinator(region2.Path + strings.TrimPrefix(f.clubB.Path, regionPath))
		expect(clubB, "Aud Strand", "Solveig Strand")

		// Club B closes into club A.
		if _, err := s.CloseUnit(ctx, f.admin, f.clubB.ID, f.clubA.ID); err != nil {
			t.Fatal(err)
		}
		wordsInPlace(t, s)
		expect(north)
		expect(clubA, "Aud Strand", "Solveig Strand")
	})
}

// TestPersonWordsMigration: migration 00030 splits the keys of the persons
// there are as the writers do (wordsRefresh) and as the search splits
// what is typed (searchWords).
func TestPersonWordsMigration(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, p := migratedTo(t, engine, 29)
			var unit int64
			if err := s.w.QueryRow(`INSERT INTO org_units (kind, name, sort_key, path) VALUES ('union', 'Forbundet', 'forbundet', '/1/') RETURNING id`).Scan(&unit); err != nil {
				t.Fatal(err)
			}
			people := []model.Person{
				{FirstName: "Anne-Lise", LastName: "O'Brien (Olsen)", Email: "a.l_ob+x@døme.no", Mobile: "+4791234567"},
				{FirstName: "Åse  Marit", LastName: "Ødegård-Ås", Email: `"q;u:o,t/e&d"@x.no`, Mobile: "+46701234567"},
				{FirstName: "Zoë", LastName: "Ünal", Email: "", Mobile: ""},
				{FirstName: "-", LastName: ".", Email: "", Mobile: ""},
				// What a JSON string escapes (SQLite splits through JSON), and a repeated word.
				{FirstName: "Tab\tBack\\slash ola", LastName: "Ola \u00e9\x01", Email: `sl\a"sh@x.no`, Mobile: ""},
			}
			var ids []int64
			for _, pp := range people {
				sortKey, searchKey := personKeys(&pp)
				var id int64
				err := s.w.QueryRow(`INSERT INTO persons (first_name, last_name, sort_key, search_key, email, mobile, unit_id, unit_path, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, '/1/', $8, $8) RETURNING id`, pp.FirstName, pp.LastName, sortKey, searchKey, pp.Email, pp.Mobile, unit, regDay0).Scan(&id)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			wordsInPlace(t, s) // 00037
			migrated := map[int64][]string{}
			for _, id := range ids {
				migrated[id] = storedWords(t, s, id)
				if want := keyWords(t, s, id); !slices.Equal(migrated[id], want) {
					t.Errorf("migrated words %q, searchWords %q", migrated[id], want)
				}
			}
			if got := migrated[ids[0]]; !slices.Equal(got, []string{"91234567", "a", "anne", "brien", "døme", "l", "lise", "no", "o", "ob", "olsen", "x"}) {
				t.Errorf("words %q", got)
			}
			if err := refreshWords(ctx, s.w, s.dialect, `1 = 1`); err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if got := storedWords(t, s, id); !slices.Equal(got, migrated[id]) {
					t.Errorf("refreshed words %q, migrated %q", got, migrated[id])
				}
			}
		})
	}
}

// TestSearchSecondWorkplace: a member whose first workplace is A and who
// holds an open employment at B is found by B's steward (a steward of the
// club or of the workplace alone), as B's steward may open them, until the
// employment ends; a steward of C never finds them, and what C's steward
// gets for them is what an unknown name gives.
func TestSearchSecondWorkplace(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		clubC, wC := f.clubC(t, s)
		stewardB := &access.Principal{Username: "tvB", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubB.Path}}}
		stewardWB := &access.Principal{Username: "tvWB", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubB.Path, WorkplaceID: f.wB.ID}}}
		stewardC := &access.Principal{Username: "tvC", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: clubC.Path}}}

		ingrid := f.person(t, "Ingrid", "Fossum", f.wA)
		anders := f.person(t, "Anders", "Fossum", f.wB)
		employ := func(p *model.Person, w *model.Workplace) {
			t.Helper()
			if _, err := s.w.Exec(`INSERT INTO employments (person_id, workplace_id, start_date) VALUES ($1, $2, $3)`, p.ID, w.ID, date(s.today())); err != nil {
				t.Fatal(err)
			}
		}
		employ(anders, f.wB) // at B first and employed there: found once
		expect := func(u *access.Principal, q string, limit int, want ...string) {
			t.Helper()
			if want == nil {
				want = []string{}
			}
			if got := searchNames(t, s, u, q, limit); !slices.Equal(got, want) {
				t.Errorf("%s searching %q (limit %d) finds %v, want %v", u.Username, q, limit, got, want)
			}
		}
		for _, u := range []*access.Principal{stewardB, stewardWB} {
			expect(u, "fossum", 50, "Anders Fossum")
			expect(u, "ingrid", 50)
		}
		expect(f.steward, "ingrid fos", 50, "Ingrid Fossum")

		// Ingrid takes a second job at B.
		employ(ingrid, f.wB)
		for _, u := range []*access.Principal{stewardB, stewardWB} {
			if _, err := s.Person(ctx, u, ingrid.ID); err != nil {
				t.Fatalf("%s cannot open Ingrid: %v", u.Username, err)
			}
			expect(u, "fossum", 50, "Anders Fossum", "Ingrid Fossum")
			expect(u, "fossum", 2, "Anders Fossum", "Ingrid Fossum")
			expect(u, "fossum", 1, "Anders Fossum")
			expect(u, "ingrid fos", 50, "Ingrid Fossum")
			expect(u, "ingrid@example", 50, "Ingrid Fossum")
			expect(u, "fossum@example", 50) // her words, but not as typed
		}
		expect(f.steward, "fossum", 50, "Ingrid Fossum")
		expect(f.admin, "fossum", 50, "Anders Fossum", "Ingrid Fossum")
		// C's steward: Ingrid, in scope for others, is as unknown as a
		// name nobody has.
		for _, q := range []string{"ingrid", "ingrid fossum", "fossum", "ingrid@example", "zyxwv", "zyxwv fossum"} {
			expect(stewardC, q, 50)
		}
		// Persons outside B's scope of the same name, one sorting first,
		// change nothing B's steward gets.
		f.person(t, "Aase", "Fossum", wC)
		employ(f.person(t, "Aksel", "Fossum", f.wA), wC)
		for _, u := range []*access.Principal{stewardB, stewardWB} {
			expect(u, "fossum", 50, "Anders Fossum", "Ingrid Fossum")
			expect(u, "fossum", 2, "Anders Fossum", "Ingrid Fossum")
			expect(u, "fossum", 1, "Anders Fossum")
			expect(u, "aase", 50)
		}
		expect(stewardC, "ingrid", 50)

		// The second job ends: B's steward no longer finds her, A's does.
		if _, err := s.w.Exec(`UPDATE employments SET end_date = $1 WHERE person_id = $2 AND workplace_id = $3`, date(s.today()), ingrid.ID, f.wB.ID); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*access.Principal{stewardB, stewardWB} {
			expect(u, "fossum", 50, "Anders Fossum")
			expect(u, "ingrid", 50)
			if got, unknown := searchNames(t, s, u, "ingrid fossum", 50), searchNames(t, s, u, "zyxwv fossum", 50); !slices.Equal(got, unknown) {
				t.Errorf("%s: Ingrid gives %v, an unknown name %v", u.Username, got, unknown)
			}
		}
		expect(f.steward, "ingrid", 50, "Ingrid Fossum")
		expect(stewardC, "fossum", 50, "Aase Fossum", "Aksel Fossum")
	})
}

// TestScopedSearchPlan: the search of a reader of two subtrees and a
// portfolio of workplaces reads persons, employments, workplaces and org
// units from the scope by index, none of them whole, and PostgreSQL looks
// the words up person by person rather than joining all who have them
// wherever they are (no semi join), in both engines' plans. Employments
// are read only where marked elsewhere (00039), by their own index.
func TestScopedSearchPlan(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		u := &access.Principal{Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: "/1/2/", Subtrees: []string{"/1/7/9/"}, Workplaces: []int64{3, 5, 8}}}}
		q, a := searchQuery(s.dialect, u, []string{"ola", "nordmann"}, []string{"ola.nordmann"}, -1, 50, true)
		plan := planner(t, s)(q, a...)
		text := strings.Join(plan, "\n")
		t.Logf("plan:\n%s", text)
		// SQLite's "SCAN r" reads the persons found, not a table.
		if strings.Contains(text, "Seq Scan") || strings.Contains(text, "Semi Join") ||
			slices.ContainsFunc(plan, func(l string) bool { return strings.HasPrefix(l, "SCAN") && l != "SCAN r" }) {
			t.Errorf("a table read whole, or the words joined whole:\n%s", text)
		}
		if strings.Count(text, "employments_elsewhere") != 2 || strings.Contains(text, "employments_workplace") {
			t.Errorf("the employments at the scope's workplaces not read by employments_elsewhere:\n%s", text)
		}
	})
}

// TestSearchManyWordsOfOne: a union-wide search from a word that a person
// has many words beginning with (more rows of theirs than SearchPersons
// reads first) finds each person once and the next persons after them.
func TestSearchManyWordsOfOne(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		for i := range 15 { // that "han" is rarer than persons are
			f.person(t, "Per", "Vik"+strings.Repeat("a", i), f.wA)
		}
		many := &model.Person{FirstName: "Hana Hanb Hanc Hand", LastName: "Aa Hane Hanf", WorkplaceID: f.wA.ID, Email: "hang.hanh@hani.no"}
		if err := s.CreatePerson(ctx, f.admin, many); err != nil {
			t.Fatal(err)
		}
		f.person(t, "Berit", "Hansen", f.wB)
		f.person(t, "Hanna", "Dahl", f.wB)
		for limit, want := range map[int][]string{
			1: {"Hana Hanb Hanc Hand Aa Hane Hanf"},
			2: {"Hana Hanb Hanc Hand Aa Hane Hanf", "Hanna Dahl"},
			3: {"Hana Hanb Hanc Hand Aa Hane Hanf", "Hanna Dahl", "Berit Hansen"},
			9: {"Hana Hanb Hanc Hand Aa Hane Hanf", "Hanna Dahl", "Berit Hansen"},
		} {
			res, err := s.SearchPersons(ctx, f.admin, "han", limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := personNames(res); !slices.Equal(got, want) {
				t.Errorf("limit %d: %v, want %v", limit, got, want)
			}
		}
	})
}

// TestUnionWideSearchPlan: a union-wide reader's search from its rare word
// reads that word's persons by the primary key of person_words, in name
// order, not the words of every unit (as SQLite did with a unit filter).
func TestUnionWideSearchPlan(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		u := &access.Principal{Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: "/1/"}}}
		q, a := searchQuery(s.dialect, u, []string{"hansen", "kari"}, nil, 0, 200, false)
		text := strings.Join(planner(t, s)(q, a...), "\n")
		t.Logf("plan:\n%s", text)
		if strings.Contains(text, "person_words_place") || strings.Contains(text, "Seq Scan") || !strings.Contains(text, "person_words_p") {
			t.Errorf("not by the words' primary key:\n%s", text)
		}
	})
}

// TestPostgresPlansEachRun: PostgreSQL plans a prepared statement for the
// values of each run (serverSettings), not once for all values after five
// runs, which read everyone in scope to find one mobile number at a
// million members. An address that sets plan_cache_mode keeps its own.
func TestPostgresPlansEachRun(t *testing.T) {
	if got := withServerSettings("postgres://h/db?plan_cache_mode=auto&sslmode=disable"); !strings.Contains(got, "plan_cache_mode=auto") {
		t.Fatalf("the address's own mode was replaced: %s", got)
	}
	engines(t, func(t *testing.T, s *Storage) {
		if s.dialect != Postgres {
			t.Skip("SQLite plans each run")
		}
		ctx := context.Background()
		conn, err := s.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `PREPARE words(text, text) AS SELECT person_id FROM person_words WHERE word >= $1 AND word < $2`); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, `DEALLOCATE words`)
		for range 6 {
			if _, err := conn.ExecContext(ctx, `EXECUTE words('hansen', 'hanseo')`); err != nil {
				t.Fatal(err)
			}
		}
		var plan strings.Builder
		rows, err := conn.QueryContext(ctx, `EXPLAIN EXECUTE words('91399', '9139:')`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			rows.Scan(&line)
			plan.WriteString(line + "\n")
		}
		if rows.Close(); !strings.Contains(plan.String(), "'91399'") {
			t.Fatalf("the seventh run was not planned for its values:\n%s", plan.String())
		}
	})
}

// searchNames is what u's search for q finds, by name.
func searchNames(t *testing.T, s *Storage, u *access.Principal, q string, limit int) []string {
	t.Helper()
	res, err := s.SearchPersons(context.Background(), u, q, limit)
	if err != nil {
		t.Fatal(err)
	}
	return personNames(res)
}

// clubC adds a third club beside f's, with a workplace, for what a
// steward there must not see.
func (f *fixture) clubC(t *testing.T, s *Storage) (*model.OrgUnit, *model.Workplace) {
	t.Helper()
	ctx, sys := context.Background(), access.System("test")
	clubC := &model.OrgUnit{Kind: model.UnitClub, Name: "Klubb C", ParentID: f.clubA.ParentID}
	if err := s.CreateUnit(ctx, sys, clubC); err != nil {
		t.Fatal(err)
	}
	wC := &model.Workplace{UnitID: clubC.ID, Name: "Stjørdal kommune", Orgnr: "964338531", Employees: 3}
	if err := s.CreateWorkplace(ctx, sys, wC); err != nil {
		t.Fatal(err)
	}
	return clubC, wC
}

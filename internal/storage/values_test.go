package storage

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestMigrationEnglishValues fills a database at version 12 with the
// membership sources Verve and its demo wrote in Norwegian, migrates it,
// and expects the English values of model.Source; then new rows are
// checked against model's lists, and the migration goes down and up again.
func TestMigrationEnglishValues(t *testing.T) {
	old := map[string]model.Source{
		"studentovergang": model.SourceStudentTransfer,
		"verving":         model.SourceRecruited,
		"nettsiden":       model.SourceWebsite,
		"tillitsvalgt":    model.SourceShopSteward,
		"kampanje":        model.SourceCampaign,
		"studentverving":  model.SourceStudentRecruitment,
		"overføring":      model.SourceTransfer,
		"join_page":       model.SourceJoinPage,
		"workplace":       model.SourceWorkplace,
		"":                model.SourceUnknown,
	}
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, p := migratedTo(t, engine, 12)
			exec := func(q string, args ...any) int64 {
				t.Helper()
				var id int64
				if err := s.w.QueryRow(q+" RETURNING id", args...).Scan(&id); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return id
			}
			now := time.Now().UTC()
			unit := exec(`INSERT INTO org_units (kind, name, sort_key, path) VALUES ('union', 'Forbundet', 'forbundet', '/1/')`)
			person := exec(`INSERT INTO persons (first_name, last_name, sort_key, search_key, unit_id, unit_path, created_at, updated_at)
				VALUES ('Kari', 'Nordmann', 'nordmann kari', 'kari nordmann', $1, '/1/', $2, $2)`, unit, now)
			ids := map[int64]model.Source{}
			for from, to := range old {
				ids[exec(`INSERT INTO memberships (person_id, type, status, start_date, source) VALUES ($1, 'ordinary', 'resigned', $2, $3)`,
					person, date(now), from)] = to
			}
			exec(`INSERT INTO contacts (person_id, kind, at) VALUES ($1, 'visit', $2)`, person, now)

			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			check := func(when string) {
				t.Helper()
				for id, want := range ids {
					var got model.Source
					if err := s.w.QueryRow(`SELECT source FROM memberships WHERE id = $1`, id).Scan(&got); err != nil {
						t.Fatal(err)
					}
					if got != want || !got.Valid() {
						t.Errorf("%s: membership %d has source %q, want %q", when, id, got, want)
					}
				}
			}
			check("after the migration")

			// New rows and changes are checked against model's lists.
			refused := map[string][]any{
				`INSERT INTO memberships (person_id, type, status, start_date, source) VALUES ($1, 'ordinary', 'active', $2, 'verving')`: {person, date(now)},
				`UPDATE memberships SET source = 'nettsiden' WHERE person_id = $1`:                                                       {person},
				`INSERT INTO contacts (person_id, kind, at) VALUES ($1, 'besøk', $2)`:                                                    {person, now},
				`UPDATE contacts SET kind = 'telefon' WHERE person_id = $1`:                                                              {person},
			}
			for q, args := range refused {
				if _, err := s.w.Exec(q, args...); err == nil {
					t.Errorf("accepted: %s", q)
				}
			}
			for _, src := range model.Sources {
				if _, err := s.w.Exec(`UPDATE memberships SET source = $1 WHERE person_id = $2`, string(src), person); err != nil {
					t.Errorf("source %q refused: %v", src, err)
				}
			}
			for _, k := range model.ContactKinds {
				if _, err := s.w.Exec(`INSERT INTO contacts (person_id, kind, at) VALUES ($1, $2, $3)`, person, string(k), now); err != nil {
					t.Errorf("contact kind %q refused: %v", k, err)
				}
			}

			// Down restores the Norwegian words; up again converts them.
			if _, err := s.w.Exec(`UPDATE memberships SET source = 'recruited' WHERE person_id = $1`, person); err != nil {
				t.Fatal(err)
			}
			if _, err := p.DownTo(ctx, 12); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := s.w.QueryRow(`SELECT count(*) FROM memberships WHERE source = 'verving'`).Scan(&n); err != nil || n != len(ids) {
				t.Errorf("after down: %d rows with 'verving', want %d (%v)", n, len(ids), err)
			}
			if _, err := s.w.Exec(`UPDATE memberships SET source = 'nettsiden' WHERE person_id = $1`, person); err != nil {
				t.Errorf("after down, the check remains: %v", err)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			for id := range ids {
				ids[id] = model.SourceWebsite
			}
			check("down and up again")
		})
	}
}

// checkedColumn is a column migration 00014 checks, and the values of Go's
// typed words it must take.
type checkedColumn struct {
	table, column string
	values        []string
}

// checkedColumns are the columns migration 00014 checks, with the lists
// in Go they hold.
func checkedColumns() []checkedColumn {
	with := func(empty string, l []string) []string { return append([]string{empty}, l...) }
	return []checkedColumn{
		{"org_units", "kind", model.UnitKinds.Strings()},
		{"persons", "member_status", with(string(model.StatusNone), model.MembershipStatuses.Strings())},
		{"memberships", "type", model.MembershipTypes.Strings()},
		{"memberships", "status", model.MembershipStatuses.Strings()},
		{"roles", "role", model.Roles.Strings()},
		{"tasks", "kind", model.TaskKinds.Strings()},
		{"tasks", "status", model.TaskStatuses.Strings()},
		{"imports", "kind", ImportKinds.Strings()},
		{"pipeline", "kind", pipeline.Entries.Strings()},
		{"pipeline", "outcome", with(string(pipeline.Open), pipeline.Closing.Strings())},
		{"match_candidates", "source", model.MatchSources.Strings()},
		{"match_candidates", "match", model.MatchKeys.Strings()},
		{"match_candidates", "decision", with(string(model.MatchOpen), model.MatchDecisions.Strings())},
		{"applications", "type", model.MembershipTypes.Strings()},
	}
}

// TestCheckTypedValues: on both engines, each column of migration 00014
// takes every value of its list in Go and refuses any other word, on
// INSERT and on UPDATE; after the migration goes down it takes anything,
// and it goes up again.
func TestCheckTypedValues(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s := OpenTest(t, engine)
			p, err := s.migrator()
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC()
			// insert adds a row of table with the columns of cols.
			insert := func(table string, cols map[string]any) (int64, error) {
				names := slices.Sorted(maps.Keys(cols))
				ph, args := make([]string, len(names)), make([]any, len(names))
				for i, n := range names {
					ph[i], args[i] = fmt.Sprintf("$%d", i+1), cols[n]
				}
				var id int64
				err := s.w.QueryRow(`INSERT INTO `+table+` (`+strings.Join(names, ", ")+`) VALUES (`+strings.Join(ph, ", ")+`) RETURNING id`, args...).Scan(&id)
				return id, err
			}
			rows := map[string]map[string]any{}
			ids := map[string]int64{}
			add := func(table string, cols map[string]any) int64 {
				t.Helper()
				id, err := insert(table, cols)
				if err != nil {
					t.Fatalf("%s: %v", table, err)
				}
				rows[table], ids[table] = cols, id
				return id
			}
			unit := add("org_units", map[string]any{"kind": model.UnitUnion, "name": "Forbundet", "sort_key": "forbundet", "path": "/1/"})
			person := func(first string) map[string]any {
				return map[string]any{"first_name": first, "last_name": "Nordmann", "sort_key": "nordmann " + first, "search_key": first + " nordmann",
					"unit_id": unit, "unit_path": "/1/", "created_at": now, "updated_at": now, "member_status": model.StatusNone}
			}
			known, _ := insert("persons", person("kari"))
			newcomer := add("persons", person("ola"))
			wp := add("workplaces", map[string]any{"unit_id": unit, "name": "Verkstedet", "sort_key": "verkstedet", "orgnr": "974760673"})
			add("memberships", map[string]any{"person_id": newcomer, "type": model.TypeOrdinary, "status": model.StatusActive, "start_date": date(now)})
			add("roles", map[string]any{"person_id": newcomer, "role": model.RoleShopSteward, "unit_id": unit, "start_date": date(now)})
			add("tasks", map[string]any{"kind": model.TaskAsk, "title": "Spør", "person_id": newcomer, "unit_path": "/1/", "due": date(now),
				"status": model.TaskOpen, "created_at": now})
			imp := add("imports", map[string]any{"kind": ImportNewhires, "workplace_id": wp, "unit_path": "/1/", "created_at": now})
			add("pipeline", map[string]any{"person_id": newcomer, "workplace_id": wp, "unit_path": "/1/", "import_id": imp, "kind": pipeline.EntryNewHire,
				"created_at": now, "outcome": pipeline.Open})
			add("match_candidates", map[string]any{"person_id": newcomer, "candidate_id": known, "unit_path": "/1/", "source": model.MatchFromImport,
				"match": model.MatchNameBirth, "import_id": imp, "created_at": now, "decision": model.MatchOpen})
			add("applications", map[string]any{"token_hash": "x", "created_at": now, "expires_at": now, "type": model.TypeStudent})

			unique := map[string]map[string]any{
				"org_units":        {"path": "/2/"},
				"pipeline":         {"person_id": known},
				"match_candidates": {"person_id": known, "candidate_id": newcomer},
				"applications":     {"token_hash": "y"},
			}
			// refused: err is the column's check (PostgreSQL's constraint
			// or SQLite's trigger, which names it).
			refused := func(c checkedColumn, err error) bool {
				return err != nil && strings.Contains(err.Error(), c.table+"_"+c.column+"_check")
			}
			const bad = "ukjent"
			set := func(c checkedColumn, v string) error {
				_, err := s.w.Exec(`UPDATE `+c.table+` SET `+c.column+` = $1 WHERE id = $2`, v, ids[c.table])
				return err
			}
			for _, c := range checkedColumns() {
				for _, v := range c.values {
					if err := set(c, v); err != nil {
						t.Errorf("%s.%s = %q refused: %v", c.table, c.column, v, err)
					}
				}
				if err := set(c, bad); !refused(c, err) {
					t.Errorf("%s.%s = %q on UPDATE: %v", c.table, c.column, bad, err)
				}
				// A second row, unique where the first is, but for the word.
				cols := maps.Clone(rows[c.table])
				maps.Copy(cols, unique[c.table])
				cols[c.column] = bad
				if _, err := insert(c.table, cols); !refused(c, err) {
					t.Errorf("%s.%s = %q on INSERT: %v", c.table, c.column, bad, err)
				}
				if err := set(c, c.values[0]); err != nil {
					t.Fatal(err)
				}
			}

			// Down drops every check; up adds them again.
			if _, err := p.DownTo(ctx, 13); err != nil {
				t.Fatal(err)
			}
			for _, c := range checkedColumns() {
				if err := set(c, bad); err != nil {
					t.Errorf("after down, %s.%s still checked: %v", c.table, c.column, err)
				}
				if err := set(c, c.values[0]); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			if err := set(checkedColumns()[0], bad); !refused(checkedColumns()[0], err) {
				t.Error("after up again, org_units.kind is not checked")
			}
		})
	}
}

// migratedTo opens an empty database of engine with the migrations up to
// version run, for a test of those after it, and returns its migrator.
func migratedTo(t *testing.T, engine string, version int64) (*Storage, *goose.Provider) {
	t.Helper()
	dsn, _ := splitKeyFile(storagetest.DSN(t, engine))
	s, err := open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	p, err := s.migrator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return s, p
}

package storage

import (
	"context"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
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
			dsn, _ := splitKeyFile(storagetest.DSN(t, engine))
			s, err := open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p, err := s.migrator()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 12); err != nil {
				t.Fatal(err)
			}
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
			// Down to before 00013, however many migrations follow it.
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

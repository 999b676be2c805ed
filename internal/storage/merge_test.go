package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/retention"
)

// TestMergeCoversEveryReference fails when a table gains a foreign key to
// persons that mergeTx does not move: the merge would then fail on the
// delete, or lose the row.
func TestMergeCoversEveryReference(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		q := `SELECT m.name, p."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) p WHERE m.type = 'table' AND p."table" = 'persons'`
		if s.dialect == Postgres {
			q = `SELECT kcu.table_name, kcu.column_name FROM information_schema.table_constraints tc
				JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
				JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
				WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'persons' AND tc.table_schema = current_schema()`
		}
		rows, err := s.r.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		err = eachRow(rows, func() error {
			var r personRef
			if err := rows.Scan(&r.table, &r.column); err != nil {
				return err
			}
			n++
			if !slices.ContainsFunc(personRefs, func(p personRef) bool { return p.table == r.table && p.column == r.column }) {
				t.Errorf("%s.%s refers to persons but is not in personRefs", r.table, r.column)
			}
			return nil
		})
		if err != nil || n < 10 {
			t.Fatalf("found %d foreign keys to persons (err %v): the query is wrong", n, err)
		}
	})
}

// mergeFixture is a known member A and a newcomer B with something in
// every table that refers to a person, some of it colliding.
type mergeFixture struct {
	*fixture
	a, b, recruiter       *model.Person
	aMembership, bPending int64
	level                 int64
}

func newMergeFixture(t *testing.T, s *Storage) *mergeFixture {
	t.Helper()
	f := &mergeFixture{fixture: newFixture(t, s)}
	ctx := context.Background()
	f.a = f.person(t, "Anne", "Aas", f.wA)
	f.recruiter = f.person(t, "Rolf", "Verver", f.wA)
	f.b = &model.Person{FirstName: "Anne", LastName: "Aas", WorkplaceID: f.wB.ID, Fnr: "01019538504", Email: "anne.ny@example.no",
		Address: "Nygata 1", PostalCode: "7010", MemberStatus: model.StatusPending}
	if err := s.CreatePerson(ctx, f.admin, f.b); err != nil {
		t.Fatal(err)
	}
	now := day0
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := s.w.QueryRow(q+` RETURNING id`, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	a, b, r := f.a.ID, f.b.ID, f.recruiter.ID
	f.aMembership = exec(`INSERT INTO memberships (person_id, type, status, start_date) VALUES ($1, 'ordinary', 'active', $2)`, a, date(now.AddDate(-3, 0, 0)))
	exec(`INSERT INTO memberships (person_id, type, status, start_date, end_date) VALUES ($1, 'student', 'resigned', $2, $3)`, b, date(now.AddDate(-8, 0, 0)), date(now.AddDate(-6, 0, 0)))
	f.bPending = exec(`INSERT INTO memberships (person_id, type, status, start_date, recruited_by) VALUES ($1, 'ordinary', 'pending', $2, $3)`, b, date(now), r)
	recruit := exec(`INSERT INTO memberships (person_id, type, status, start_date, recruited_by) VALUES ($1, 'ordinary', 'active', $2, $3)`, r, date(now.AddDate(-1, 0, 0)), b)
	exec(`INSERT INTO dues_payments (membership_id, month, amount_ore, recorded_at) VALUES ($1, $2, 35000, $3)`, recruit, date(now), now)
	exec(`INSERT INTO credits (membership_id, recruiter_id, earned_at) VALUES ($1, $2, $3)`, recruit, b, now)
	exec(`INSERT INTO employments (person_id, workplace_id, start_date) VALUES ($1, $2, $3)`, a, f.wA.ID, date(now.AddDate(-3, 0, 0)))
	exec(`INSERT INTO employments (person_id, workplace_id, start_date, position) VALUES ($1, $2, $3, 'sykepleier')`, b, f.wB.ID, date(now))
	exec(`INSERT INTO employments (person_id, workplace_id, start_date) VALUES ($1, $2, $3)`, b, f.wA.ID, date(now.AddDate(-1, 0, 0)))
	exec(`INSERT INTO roles (person_id, role, unit_id, start_date) VALUES ($1, 'shop_steward', $2, $3)`, b, f.clubB.ID, date(now))
	exec(`INSERT INTO contacts (person_id, by_person_id, kind, at) VALUES ($1, $2, 'phone', $3)`, b, r, now)
	exec(`INSERT INTO contacts (person_id, by_person_id, kind, at) VALUES ($1, $2, 'visit', $3)`, r, b, now)
	exec(`INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
		VALUES ('welcome', 'Velkommen', $1, $2, $3, $4, $5, 'open', $6)`, b, f.wB.ID, f.clubB.Path, r, date(now), now)
	exec(`INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
		VALUES ('ask', 'Spør', $1, $2, $3, $4, $5, 'open', $6)`, r, f.wA.ID, f.clubA.Path, b, date(now), now)
	exec(`INSERT INTO pipeline (person_id, workplace_id, unit_path, kind, created_at, first_contact_at) VALUES ($1, $2, $3, 'newhire', $4, $5)`,
		a, f.wA.ID, f.clubA.Path, now, now)
	exec(`INSERT INTO pipeline (person_id, workplace_id, unit_path, kind, created_at, first_contact_at) VALUES ($1, $2, $3, 'newhire', $4, $5)`,
		b, f.wA.ID, f.clubA.Path, now.AddDate(0, 0, -9), now.AddDate(0, 0, -8))
	exec(`INSERT INTO pipeline (person_id, workplace_id, unit_path, kind, created_at) VALUES ($1, $2, $3, 'newhire', $4)`, b, f.wB.ID, f.clubB.Path, now)
	exec(`INSERT INTO users (person_id, username, password_hash, created_at) VALUES ($1, 'anne', 'x', $2)`, b, now)
	exec(`INSERT INTO outbox (created_at, to_addr, subject, text_body, kind, person_id, next_attempt_at) VALUES ($1, 'anne.ny@example.no', 'Hei', 'Hei', 'join', $2, $1)`, now, b)
	f.level = exec(`INSERT INTO reward_levels (recruits, prize) VALUES (1, 'Termos')`)
	for _, p := range []int64{a, b} {
		if _, err := s.w.Exec(`INSERT INTO reward_handouts (level_id, person_id, handed_out_at) VALUES ($1, $2, $3)`, f.level, p, now); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range []int64{a, b} {
		if _, err := s.w.Exec(`INSERT INTO referral_codes (code, person_id, created_at) VALUES ($1, $2, $3)`, fmt.Sprintf("KODE%d", i), p, now); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestMergeMovesEverythingAndLosesNothing(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newMergeFixture(t, s)
		ctx := context.Background()
		a, b := f.a.ID, f.b.ID
		refs := func(id int64) map[personRef]int {
			m := map[personRef]int{}
			for _, r := range personRefs {
				m[r] = count(t, s, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = $1`, r.table, r.column), id)
			}
			return m
		}
		before, beforeB := refs(a), refs(b)
		if err := s.inTx(ctx, func(tx *sql.Tx) error {
			return s.recordCandidate(ctx, tx, b, a, model.MatchFromImport, "name_birth", 0)
		}); err != nil {
			t.Fatal(err)
		}
		ms, err := s.PossibleMatches(ctx, f.admin, 10)
		if err != nil || len(ms) != 1 || ms[0].New.PersonID != b || ms[0].Known.PersonID != a {
			t.Fatalf("possible matches = %+v, %v", ms, err)
		}
		if err := s.DecideMatch(ctx, f.admin, ms[0].ID, model.MatchMerge); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1`, b); n != 0 {
			t.Fatal("the newcomer is still there")
		}
		after := refs(a)
		// Collisions the rules settle: one pipeline entry at wA, one
		// handout of the level; the newcomer's audit entry (create) moves
		// and the merge adds one, as does closing the pipeline entry of
		// the person, a member now (memberJoined); the candidate row goes.
		collided := map[personRef]int{
			{"pipeline", "person_id", retention.Delete}:         1,
			{"reward_handouts", "person_id", retention.Delete}:  1,
			{"audit_log", "person_id", retention.Blank}:         -2,
			{"match_candidates", "person_id", retention.Delete}: 0,
			{"employments", "person_id", retention.Delete}:      1, // two open at wA: the earlier start stays
		}
		for _, r := range personRefs {
			want := before[r] + beforeB[r] - collided[r]
			if r.table == "match_candidates" {
				want = 0
			}
			if r.table == "person_words" { // the merged key's words (TestPersonWordsFollowChanges)
				want = len(storedWords(t, s, a))
			}
			if after[r] != want {
				t.Errorf("%s.%s: %d rows refer to the kept person, want %d (%d + %d)", r.table, r.column, after[r], want, before[r], beforeB[r])
			}
		}
		// Two current memberships: the active one stays, the pending one is
		// merged and hands over its recruiter.
		var status model.MembershipStatus
		var recruiter string
		if err := s.r.QueryRow(`SELECT status, COALESCE(CAST(recruited_by AS TEXT), '') FROM memberships WHERE id = $1`, f.aMembership).Scan(&status, &recruiter); err != nil {
			t.Fatal(err)
		}
		if status != model.StatusActive || recruiter != fmt.Sprint(f.recruiter.ID) {
			t.Errorf("kept membership: %s recruited by %q, want active by %d", status, recruiter, f.recruiter.ID)
		}
		var endDate sql.NullTime
		if err := s.r.QueryRow(`SELECT status, end_date FROM memberships WHERE id = $1`, f.bPending).Scan(&status, &endDate); err != nil {
			t.Fatal(err)
		}
		if status != model.StatusMerged || !endDate.Valid {
			t.Errorf("newcomer's pending membership: %s ending %v, want merged with an end date", status, endDate)
		}
		// Person fields: known values stand, blanks filled, workplace moved.
		p, err := s.Person(ctx, f.admin, a)
		if err != nil {
			t.Fatal(err)
		}
		if p.Email != "anne@example.no" || p.Address != "Nygata 1" || p.WorkplaceID != f.wB.ID || p.UnitPath != f.clubB.Path || p.MemberStatus != model.StatusActive {
			t.Errorf("merged person: %+v", p)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1 AND fnr_hash = $2`, a, s.key.Hash("01019538504")); n != 1 {
			t.Error("the newcomer's fødselsnummer hash did not move to the known person")
		}
		var first time.Time
		if err := s.r.QueryRow(`SELECT first_contact_at FROM pipeline WHERE person_id = $1 AND workplace_id = $2`, a, f.wA.ID).Scan(&first); err != nil {
			t.Fatal(err)
		}
		if !first.Equal(day0.AddDate(0, 0, -8)) {
			t.Errorf("pipeline first contact %v, want the earlier %v", first, day0.AddDate(0, 0, -8))
		}
		for _, code := range []string{"KODE0", "KODE1"} {
			if n := count(t, s, `SELECT count(*) FROM referral_codes WHERE code = $1 AND person_id = $2`, code, a); n != 1 {
				t.Errorf("referral code %s no longer leads to the merged person", code)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'merge' AND person_id = $1 AND username = 'admin'`, a); n != 1 {
			t.Error("the merge is not in the audit log with who decided")
		}
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE recruited_by = person_id`); n != 0 {
			t.Error("a person recruited themselves after the merge")
		}
	})
}

func TestMergeDecisionsRefusedOutOfScope(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newMergeFixture(t, s)
		ctx := context.Background()
		if err := s.inTx(ctx, func(tx *sql.Tx) error {
			return s.recordCandidate(ctx, tx, f.b.ID, f.a.ID, model.MatchFromJoin, "email", 0)
		}); err != nil {
			t.Fatal(err)
		}
		var id int64
		var path string
		if err := s.r.QueryRow(`SELECT id, unit_path FROM match_candidates`).Scan(&id, &path); err != nil {
			t.Fatal(err)
		}
		region := f.clubA.Path[:len(access.CommonPath(f.clubA.Path, f.clubB.Path))]
		if path != region {
			t.Fatalf("two clubs of one region: decided at %q, want the region %q", path, region)
		}
		// A coordinator of club A alone does not see or decide it.
		clubOnly := &access.Principal{Username: "k", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: f.clubA.Path}}}
		if ms, _ := s.PossibleMatches(ctx, clubOnly, 10); len(ms) != 0 {
			t.Fatalf("a club coordinator sees %d matches across clubs", len(ms))
		}
		if err := s.DecideMatch(ctx, clubOnly, id, model.MatchMerge); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("club coordinator deciding: %v, want not found", err)
		}
		// The region's coordinator decides, unless a person has since moved
		// out of the region.
		regional := &access.Principal{Username: "r", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: region}}}
		other := &model.OrgUnit{Kind: model.UnitRegion, Name: "Region Nord", ParentID: mustRoot(t, s)}
		if err := s.CreateUnit(ctx, access.System("test"), other); err != nil {
			t.Fatal(err)
		}
		if _, err := s.w.Exec(`UPDATE persons SET unit_id = $1, unit_path = $2 WHERE id = $3`, other.ID, other.Path, f.a.ID); err != nil {
			t.Fatal(err)
		}
		// The pair then answers as one that does not exist.
		missing := s.DecideMatch(ctx, regional, 999999, model.MatchMerge)
		if err := s.DecideMatch(ctx, regional, id, model.MatchMerge); model.ErrorCode(err) != model.ENOTFOUND || err.Error() != missing.Error() {
			t.Fatalf("deciding for a person who left the scope: %v, for a missing pair: %v", err, missing)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id IN ($1, $2)`, f.a.ID, f.b.ID); n != 2 {
			t.Fatal("a refused decision changed something")
		}
		if err := s.DecideMatch(ctx, f.admin, id, model.MatchDistinct); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideMatch(ctx, f.admin, id, model.MatchMerge); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("deciding twice: %v, want conflict", err)
		}
	})
}

func mustRoot(t *testing.T, s *Storage) int64 {
	t.Helper()
	id, err := s.RootUnit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

package storage

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
)

// TestRegisterChanges: the export back to the member register holds the
// joins, resignations and contact corrections made in Verve since the
// day, and nothing a register load did, nothing from before the day,
// nothing outside the user's scope, no protected address and no
// fødselsnummer; the export is audited.
func TestRegisterChanges(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		now := day0
		s.SetClock(func() time.Time { return now })
		f := newFixture(t, s)
		sys := access.System("test")
		member := func(first string, w *model.Workplace, memberNo, source string, start time.Time, recruiter int64) *model.Person {
			t.Helper()
			p := f.person(t, first, "Medlem", w)
			p.BirthDate = time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)
			if _, err := s.w.Exec(`UPDATE persons SET member_no = $1, birth_date = $2, address = 'Gata 1', postal_code = '7010', postal_place = 'TRONDHEIM'
				WHERE id = $3`, nullStr(memberNo), date(p.BirthDate), p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.w.Exec(`INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by) VALUES ($1, 'ordinary', 'active', $2, $3, $4)`,
				p.ID, date(start), source, nullID(recruiter)); err != nil {
				t.Fatal(err)
			}
			return p
		}
		since := day0.AddDate(0, 0, -7)
		recruiter := member("Rita", f.wA, "00017", "", day0.AddDate(-3, 0, 0), 0)
		// From the register: not a join, though it began in the window.
		member("Reidun", f.wA, "00018", "", day0.AddDate(0, 0, -2), 0)
		joined := member("Jon", f.wA, "", string(model.SourceWorkplace), day0.AddDate(0, 0, -1), recruiter.ID)
		early := member("Eldre", f.wA, "", string(model.SourceWorkplace), since.AddDate(0, 0, -1), 0)
		hidden := member("Hemmelig", f.wA, "", string(model.SourceJoinPage), day0, 0)
		if _, err := s.w.Exec(`UPDATE persons SET address_protection = $1 WHERE id = $2`, string(model.AddressStrictlyConfidential), hidden.ID); err != nil {
			t.Fatal(err)
		}
		other := member("Bodil", f.wB, "", string(model.SourceWorkplace), day0, 0)

		// Corrected in Verve; another corrected by a register load (its
		// entries between the load's start and its own entry).
		corrected := member("Kari", f.wA, "00019", "", day0.AddDate(-1, 0, 0), 0)
		if _, err := s.UpdateContactInfo(ctx, f.admin, corrected.ID, "kari.ny@example.no", corrected.Mobile, "Nyveien 2", "7011"); err != nil {
			t.Fatal(err)
		}
		byRegister := member("Randi", f.wA, "00020", "", day0.AddDate(-1, 0, 0), 0)
		var load int64
		if err := s.w.QueryRow(`INSERT INTO register_loads (at, username) VALUES ($1, $2) RETURNING id`, now, sys.Username).Scan(&load); err != nil {
			t.Fatal(err)
		}
		if err := s.audit(ctx, s.w, sys, "update", "person", byRegister.ID, []string{"email"}, byRegister.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.audit(ctx, s.w, sys, "import", "register", load, nil, 0, ""); err != nil {
			t.Fatal(err)
		}
		// Resigned in Verve.
		resigned := member("Ulf", f.wA, "00021", "", day0.AddDate(-2, 0, 0), 0)
		var mid int64
		s.r.QueryRow(`SELECT id FROM memberships WHERE person_id = $1`, resigned.ID).Scan(&mid)
		if _, err := s.w.Exec(`UPDATE memberships SET status = 'resigned', end_date = $1 WHERE id = $2`, date(day0), mid); err != nil {
			t.Fatal(err)
		}
		if err := s.audit(ctx, s.w, f.admin, "update", "membership", mid, []string{"status", "end_date"}, resigned.ID, ""); err != nil {
			t.Fatal(err)
		}

		// A join corrected since is still one row, the join's.
		if _, err := s.UpdateContactInfo(ctx, f.admin, joined.ID, "jon@example.no", "41234567", "Gata 1", "7010"); err != nil {
			t.Fatal(err)
		}
		got, err := s.RegisterChanges(ctx, f.admin, since)
		if err != nil {
			t.Fatal(err)
		}
		byPerson := map[int64]RegisterChange{}
		for _, c := range got {
			if _, dup := byPerson[c.PersonID]; dup {
				t.Errorf("%s twice", c.FirstName)
			}
			byPerson[c.PersonID] = c
		}
		for _, p := range []*model.Person{recruiter, early} {
			if c, ok := byPerson[p.ID]; ok {
				t.Errorf("%s exported: %+v", p.FirstName, c)
			}
		}
		if len(got) != 5 {
			t.Errorf("%d changes, want 5 (Jon, Hemmelig, Bodil, Kari, Ulf): %+v", len(got), got)
		}
		j := byPerson[joined.ID]
		if j.Kind != ChangeJoin || j.MemberNo != "" || j.RecruiterNo != "00017" || j.Orgnr != "942110464" || j.Type != model.TypeOrdinary ||
			!j.Start.Equal(day0.AddDate(0, 0, -1).Truncate(24*time.Hour)) || !j.BirthDate.Equal(joined.BirthDate) || j.Address != "Gata 1" || j.Email != "jon@example.no" {
			t.Errorf("join: %+v", j)
		}
		if h := byPerson[hidden.ID]; h.Kind != ChangeJoin || h.Address != "" || h.PostalCode != "" || h.PostalPlace != "" {
			t.Errorf("protected address exported: %+v", h)
		}
		if c := byPerson[corrected.ID]; c.Kind != ChangeContact || c.MemberNo != "00019" || c.Email != "kari.ny@example.no" || c.Address != "Nyveien 2" || c.At.IsZero() {
			t.Errorf("contact: %+v", c)
		}
		if c := byPerson[resigned.ID]; c.Kind != ChangeResign || c.MemberNo != "00021" || !c.End.Equal(day0.Truncate(24*time.Hour)) {
			t.Errorf("resignation: %+v", c)
		}
		if _, ok := byPerson[byRegister.ID]; ok {
			t.Error("a register load's change exported back")
		}
		var audited int
		s.r.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'export' AND (entity = 'register_changes' OR entity = 'person')`).Scan(&audited)
		if audited != 1+len(got) {
			t.Errorf("%d export audit entries, want %d", audited, 1+len(got))
		}

		// A steward's scope is club A: Bodil at club B is not theirs; but a
		// steward may not export at all.
		if _, err := s.RegisterChanges(ctx, f.steward, since); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward export: %v", err)
		}
		coord := &access.Principal{Username: "koord", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: f.clubA.Path}}}
		mine, err := s.RegisterChanges(ctx, coord, since)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range mine {
			if c.PersonID == other.ID {
				t.Error("a change outside the scope exported")
			}
		}
		if len(mine) != 4 {
			t.Errorf("coordinator of club A: %d changes, want 4", len(mine))
		}
		// Nothing since tomorrow.
		if later, err := s.RegisterChanges(ctx, f.admin, day0.AddDate(0, 0, 1)); err != nil || len(later) != 0 {
			t.Errorf("since tomorrow: %v %+v", err, later)
		}

	})
}

// TestRegisterChangesAfterSync: after a real first load and a month's
// export, the export back holds the contact details a user corrected in
// Verve and nothing the register itself changed: no joins, resignations or
// contact details that came from the register.
func TestRegisterChangesAfterSync(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		now := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		sys := access.System("verve import register")
		var export bytes.Buffer
		if err := register.Generate(&export, register.GenOptions{Members: 50, Seed: 9}); err != nil {
			t.Fatal(err)
		}
		load := func(b []byte) *register.Report {
			t.Helper()
			rep, _, err := s.LoadRegister(ctx, sys, bytes.NewReader(b), int64(len(b)), register.ReadOptions{}, register.Options{}, nil)
			if err != nil || !rep.Committed {
				t.Fatalf("load: %v %+v", err, rep)
			}
			return rep
		}
		union := &model.OrgUnit{Kind: model.UnitUnion, Name: "Forbundet"}
		if err := s.CreateUnit(ctx, sys, union); err != nil {
			t.Fatal(err)
		}
		load(export.Bytes())
		admin := &access.Principal{Username: "admin", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: union.Path}}}
		now = now.AddDate(0, 0, 1)
		var id int64
		var memberNo string
		if err := s.r.QueryRow(`SELECT id, member_no FROM persons WHERE member_status = 'active' AND address_protection = '' AND email <> ''
			ORDER BY member_no LIMIT 1`).Scan(&id, &memberNo); err != nil {
			t.Fatal(err)
		}
		p, err := s.Person(ctx, admin, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateContactInfo(ctx, admin, id, "rettet@example.no", p.Mobile, p.Address, p.PostalCode); err != nil {
			t.Fatal(err)
		}
		// They work at a second workplace besides (and had a third, ended).
		var second, third int64
		var orgnr2 string
		if err := s.r.QueryRow(`SELECT id, orgnr FROM workplaces WHERE id <> $1 ORDER BY id LIMIT 1`, p.WorkplaceID).Scan(&second, &orgnr2); err != nil {
			t.Fatal(err)
		}
		s.r.QueryRow(`SELECT id FROM workplaces WHERE id NOT IN ($1, $2) ORDER BY id LIMIT 1`, p.WorkplaceID, second).Scan(&third)
		for _, e := range []struct {
			wp  int64
			end any
		}{{second, nil}, {third, "2026-10-01"}} {
			if _, err := s.w.Exec(`INSERT INTO employments (person_id, workplace_id, start_date, end_date, source) VALUES ($1, $2, '2026-01-01', $3, 'register')`,
				id, e.wp, e.end); err != nil {
				t.Fatal(err)
			}
		}
		// The register changes the e-mail of every other member.
		now = now.AddDate(0, 0, 1)
		lines := strings.Split(export.String(), "\n")
		col := slices.Index(strings.Split(lines[0], ";"), "E-post")
		for i := 2; i < len(lines); i += 2 {
			cells := strings.Split(lines[i], ";")
			cells[col] = "ny" + strconv.Itoa(i) + "@example.no"
			lines[i] = strings.Join(cells, ";")
		}
		if rep := load([]byte(strings.Join(lines, "\n"))); rep.Updated < 20 {
			t.Fatalf("the register's new e-mails changed %d members", rep.Updated)
		}
		got, err := s.RegisterChanges(ctx, admin, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Kind != ChangeContact || got[0].PersonID != id || got[0].Email != "rettet@example.no" || got[0].MemberNo != memberNo ||
			!slices.Equal(got[0].Jobs, []string{orgnr2}) {
			t.Errorf("changes after two loads and one correction: %+v", got)
		}
	})
}

package storage

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
)

// fakeSource yields the given rows; a row with problems is one the reader
// rejected.
type fakeSource struct {
	rows []fakeRow
	i    int
}

type fakeRow struct {
	rec      register.Record
	problems []model.RowError
}

func (f *fakeSource) Next() (register.Record, []model.RowError, error) {
	if f.i >= len(f.rows) {
		return register.Record{}, nil, io.EOF
	}
	r := f.rows[f.i]
	f.i++
	return r.rec, r.problems, nil
}

func source(recs ...register.Record) *fakeSource {
	f := &fakeSource{}
	for i, r := range recs {
		r.Line = i + 2
		f.rows = append(f.rows, fakeRow{rec: r})
	}
	return f
}

// exportColumns are the columns of the test export.
var exportColumns = []register.Field{register.MemberNo, register.Fnr, register.FirstName, register.LastName, register.BirthDate,
	register.Email, register.Mobile, register.Address, register.PostalCode, register.PostalPlace, register.Protected,
	register.EmployerOrgnr, register.EmployerName, register.RegionCode, register.RegionName, register.BranchCode, register.BranchName,
	register.ClubCode, register.ClubName, register.MemberType, register.MemberStatus, register.Joined, register.Resigned,
	register.ResignReason, register.RecruitedBy, register.Dues, register.PaidUpTo, register.Roles, register.RoleFrom, register.RoleTo}

var regDay0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func d(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

// member is a row of the test export: a member of club C1 at Nordbyen
// sykehus (111111111) unless changed.
func member(no, first string, mod func(*register.Record)) register.Record {
	r := register.Record{MemberNo: no, First: first, Last: "Medlem", Birth: d(1980, 1, 2), Email: strings.ToLower(first) + "@example.no",
		Mobile: "+4791234" + no[len(no)-3:], Address: "Gata 1", Postal: "7010", Place: "TRONDHEIM",
		Orgnr: "111111111", Employer: "Nordbyen sykehus",
		Region: register.UnitRef{Code: "R1", Name: "Region Nord"}, Branch: register.UnitRef{Code: "B1", Name: "Avdeling Nordbyen"},
		Club: register.UnitRef{Code: "C1", Name: "Klubb Sykehuset"},
		Type: model.TypeOrdinary, Status: model.StatusActive, Joined: d(2020, 1, 1), Dues: model.DuesPaid, PaidUpTo: d(2026, 2, 1),
		Has: map[register.Field]bool{}}
	for _, f := range exportColumns {
		r.Has[f] = true
	}
	if mod != nil {
		mod(&r)
	}
	return r
}

func atWorkplace2(r *register.Record) {
	r.Orgnr, r.Employer = "222222222", "Sørbyen skole"
	r.Club = register.UnitRef{Code: "C2", Name: "Klubb Skolen"}
}

// baseExport is the union's register at the first load.
func baseExport() []register.Record {
	return []register.Record{
		member("1001", "Kari", func(r *register.Record) {
			r.Roles = []register.RoleTerm{{Role: model.RoleShopSteward, From: d(2025, 1, 1)}}
		}),
		member("1002", "Ola", nil),
		member("1003", "Per", func(r *register.Record) { atWorkplace2(r); r.Recruiter = "1001"; r.Joined = d(2025, 11, 3) }),
		member("1004", "Lise", func(r *register.Record) { atWorkplace2(r); r.Protect = model.AddressStrictlyConfidential }),
		member("1005", "Dag", func(r *register.Record) { r.Fnr = "41018012345" }), // a D-number
	}
}

func regAdmin(t testing.TB, s *Storage) (*access.Principal, *model.OrgUnit) {
	t.Helper()
	union := &model.OrgUnit{Kind: model.UnitUnion, Name: "Forbundet"}
	if err := s.CreateUnit(context.Background(), access.System("test"), union); err != nil {
		t.Fatal(err)
	}
	return &access.Principal{Username: "admin", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: union.Path}}}, union
}

func load(t *testing.T, s *Storage, u *access.Principal, opt register.Options, recs ...register.Record) *register.Report {
	t.Helper()
	rep, err := s.SyncRegister(context.Background(), u, source(recs...), opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// dump is the register's data in the database as text, to compare loads.
func dump(t *testing.T, s *Storage) string {
	t.Helper()
	var sb strings.Builder
	for _, q := range []string{
		`SELECT id, first_name, last_name, COALESCE(member_no, ''), COALESCE(fnr_hash, ''), email, mobile, address, unit_path, COALESCE(workplace_id, 0), member_status, address_protection, updated_at FROM persons ORDER BY id`,
		`SELECT id, person_id, type, status, start_date, end_date, COALESCE(recruited_by, 0), dues_status, paid_up_to FROM memberships ORDER BY id`,
		`SELECT id, person_id, workplace_id, start_date, end_date, source FROM employments ORDER BY id`,
		`SELECT id, person_id, role, unit_id, start_date, end_date, source FROM roles ORDER BY id`,
		`SELECT id, kind, title, person_id, status, due FROM tasks ORDER BY id`,
		`SELECT person_id, hashes, load_id FROM register_values ORDER BY person_id`,
		`SELECT id, name, code, path FROM org_units ORDER BY id`,
		`SELECT id, name, orgnr FROM workplaces ORDER BY id`,
		`SELECT membership_id, month FROM dues_payments ORDER BY membership_id, month`,
	} {
		rows, err := s.r.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		err = eachRow(rows, func() error {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			fmt.Fprintln(&sb, vals...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return sb.String()
}

func personByNo(t *testing.T, s *Storage, no string) int64 {
	t.Helper()
	var id int64
	if err := s.r.QueryRow(`SELECT id FROM persons WHERE member_no = $1`, no).Scan(&id); err != nil {
		t.Fatalf("member %s: %v", no, err)
	}
	return id
}

func TestRegisterFirstAndLaterLoads(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		now := regDay0
		s.SetClock(func() time.Time { return now })
		admin, _ := regAdmin(t, s)
		indexes := func() string {
			q := `SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name)`
			if s.dialect == Postgres {
				// The constraints too, which the first load drops there.
				q = `SELECT string_agg(indexdef, ';' ORDER BY indexname) || (SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), ';' ORDER BY conname)
					FROM pg_constraint WHERE contype IN ('f', 'u') AND connamespace = current_schema()::regnamespace) ||
					(SELECT string_agg(pg_get_triggerdef(t.oid), ';' ORDER BY t.tgname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
					WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace) FROM pg_indexes WHERE schemaname = current_schema()`
			}
			var defs string
			if err := s.r.QueryRow(q).Scan(&defs); err != nil {
				t.Fatal(err)
			}
			return defs
		}
		indexesBefore := indexes()

		rep := load(t, s, admin, register.Options{}, baseExport()...)
		if indexes() != indexesBefore {
			t.Fatal("the first load did not build again the indexes (triggers and constraints) it dropped")
		}
		if !rep.First || !rep.Committed || rep.Created != 5 || rep.Units != 4 || rep.Workplaces != 2 || rep.RolesStarted != 1 || rep.Failed != 0 {
			t.Fatalf("first load: %+v", rep)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks`); n != 0 {
			t.Fatalf("first load opened %d tasks", n)
		}
		if n := count(t, s, `SELECT count(*) FROM employments WHERE source = 'register' AND end_date IS NULL`); n != 5 {
			t.Fatalf("employments %d", n)
		}
		kari, ola, per, lise, dag := personByNo(t, s, "1001"), personByNo(t, s, "1002"), personByNo(t, s, "1003"), personByNo(t, s, "1004"), personByNo(t, s, "1005")
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1 AND recruited_by = $2`, per, kari); n != 1 {
			t.Fatal("recruiter not set")
		}
		// Paid up to February: Per's three credit months are paid, so Kari earns her credit.
		if n := count(t, s, `SELECT count(*) FROM dues_payments d JOIN memberships m ON m.id = d.membership_id WHERE m.person_id = $1`, per); n != 3 {
			t.Fatalf("%d paid months fed to the credit rules", n)
		}
		if n, err := s.EarnCredits(ctx, access.System("test")); err != nil || n != 1 {
			t.Fatalf("credits earned %d (%v)", n, err)
		}
		// The admin sees them all, in the tree the load made.
		found, err := s.SearchPersons(ctx, admin, "medlem", 50)
		if err != nil || len(found) != 5 {
			t.Fatalf("admin sees %d (%v)", len(found), err)
		}
		var c1 model.OrgUnit
		if err := s.r.QueryRow(`SELECT id, path FROM org_units WHERE code = 'C1'`).Scan(&c1.ID, &c1.Path); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c1.Path, "/1/") || strings.Count(c1.Path, "/") != 5 {
			t.Fatalf("club path %s: not region → branch → club under the union", c1.Path)
		}
		// Kari's register role gives her access from its start.
		if err := s.CreateUser(ctx, admin, &model.User{PersonID: kari, Username: "kari", PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		kariUser, _ := s.UserByUsername(ctx, "kari")
		steward, err := s.Principal(ctx, kariUser.ID)
		if err != nil || len(steward.Grants) != 1 || steward.Grants[0].UnitPath != c1.Path {
			t.Fatalf("steward grants %+v (%v)", steward, err)
		}
		// A protected address: hidden from the steward (and lists), shown to the admin.
		var liseUnit string
		s.r.QueryRow(`SELECT unit_path FROM persons WHERE id = $1`, lise).Scan(&liseUnit)
		wide := &access.Principal{Username: "tv", Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: "/1/"}}}
		for _, u := range []*access.Principal{steward, wide} {
			if p, err := s.Person(ctx, u, lise); err == nil && (p.Address != "" || p.PostalCode != "") {
				t.Fatalf("%s sees the protected address %q", u.Username, p.Address)
			}
		}
		if p, err := s.Person(ctx, wide, lise); err != nil || p.FirstName != "Lise" {
			t.Fatalf("coordinator cannot read Lise: %v", err)
		}
		if p, _ := s.Person(ctx, admin, lise); p.Address != "Gata 1" {
			t.Fatalf("admin sees %q", p.Address)
		}
		if p, _ := s.Person(ctx, steward, ola); p.Address != "Gata 1" {
			t.Fatal("an open address is hidden")
		}
		// A steward's edit of contact details keeps the protected address.
		if _, err := s.UpdateContactInfo(ctx, wide, lise, "lise@ny.no", "", "", ""); err != nil {
			t.Fatal(err)
		}
		var addr string
		s.r.QueryRow(`SELECT address FROM persons WHERE id = $1`, lise).Scan(&addr)
		if addr != "Gata 1" {
			t.Fatalf("protected address overwritten: %q", addr)
		}

		// A Verve correction: Ola's e-mail, corrected here, survives an unchanged register.
		if _, err := s.UpdateContactInfo(ctx, admin, ola, "ola.ny@example.no", "+4791234002", "Gata 1", "7010"); err != nil {
			t.Fatal(err)
		}
		// Per has an open task that his death must cancel.
		if _, err := s.w.Exec(`INSERT INTO tasks (kind, title, person_id, unit_path, due, status, created_at) VALUES ('follow_up', 'x', $1, '/1/', $2, 'open', $3)`,
			per, date(now), now); err != nil {
			t.Fatal(err)
		}

		if _, err := s.QueueMail(ctx, model.Mail{ToAddr: "per@example.no", Subject: "s", TextBody: "b", Kind: model.MailRecruiterThanks, PersonID: per}); err != nil {
			t.Fatal(err)
		}

		// A month later.
		now = regDay0.AddDate(0, 1, 0)
		month := baseExport()
		month[0].Dues = model.DuesArrears // Kari: arrears
		month[1].Status, month[1].Resigned, month[1].Reason, month[1].Leave = model.StatusResigned, d(2026, 3, 31), "for dyrt", model.LeaveChurn
		month[2].Status, month[2].Resigned, month[2].Reason, month[2].Leave = model.StatusResigned, d(2026, 3, 20), "død", model.LeaveDeath
		month[3].Status, month[3].Resigned, month[3].Reason, month[3].Leave = model.StatusResigned, d(2026, 3, 31), "pensjonert", model.LeaveRetirement
		month[4].Orgnr, month[4].Employer = "333333333", "Nordbyen bibliotek" // Dag changes job, same club
		month = append(month, member("1006", "Nina", nil))
		rep = load(t, s, admin, register.Options{}, month...)
		if rep.First || rep.Created != 1 || rep.Updated != 5 || rep.Resigned != 2 || rep.Winbacks != 1 || rep.DuesCalls != 1 ||
			rep.JobChanges != 1 || rep.Welcomes != 2 || rep.Workplaces != 1 {
			t.Fatalf("month: %+v", rep)
		}
		task := func(kind model.TaskKind, person int64) (owner int64, due time.Time, title string) {
			t.Helper()
			var o sql.NullInt64
			if err := s.r.QueryRow(`SELECT owner_person_id, due, title FROM tasks WHERE kind = $1 AND person_id = $2 AND status = 'open'`, kind, person).
				Scan(&o, &due, &title); err != nil {
				t.Fatalf("%s task for %d: %v", kind, person, err)
			}
			return o.Int64, due.UTC(), title
		}
		if owner, due, title := task(model.TaskWinback, ola); owner != kari || !due.Equal(d(2026, 4, 16)) || !strings.Contains(title, "for dyrt") {
			t.Fatalf("winback owner %d due %v title %q", owner, due, title)
		}
		if owner, due, _ := task(model.TaskDuesCall, kari); owner != kari || !due.Equal(d(2026, 4, 2)) {
			t.Fatalf("dues call owner %d due %v", owner, due)
		}
		nina := personByNo(t, s, "1006")
		task(model.TaskWelcome, nina)
		if owner, _, _ := task(model.TaskMemberStarted, dag); owner != kari {
			t.Fatalf("member_started owner %d", owner)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id IN ($1, $2) AND status = 'open'`, per, lise); n != 0 {
			t.Fatalf("death or retirement left %d open tasks", n)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1 AND status = 'cancelled'`, per); n != 1 {
			t.Fatal("death did not cancel the open task")
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE person_id = $1`, per); n != 0 {
			t.Fatal("death left queued mail")
		}
		var typ model.MembershipType
		var status model.MembershipStatus
		s.r.QueryRow(`SELECT m.type, p.member_status FROM memberships m JOIN persons p ON p.id = m.person_id WHERE p.id = $1`, lise).Scan(&typ, &status)
		if typ != model.TypeRetired || status != model.StatusActive {
			t.Fatalf("retired: %s %s", typ, status)
		}
		s.r.QueryRow(`SELECT member_status FROM persons WHERE id = $1`, ola).Scan(&status)
		if status != model.StatusResigned {
			t.Fatalf("Ola is %s", status)
		}
		// Dag's old employment ended, the new one is open: history kept.
		if n := count(t, s, `SELECT count(*) FROM employments WHERE person_id = $1 AND end_date IS NOT NULL`, dag); n != 1 {
			t.Fatal("old employment not ended")
		}
		if n := count(t, s, `SELECT count(*) FROM employments e JOIN workplaces w ON w.id = e.workplace_id WHERE e.person_id = $1 AND e.end_date IS NULL AND w.orgnr = '333333333'`, dag); n != 1 {
			t.Fatal("no new employment")
		}
		var email string
		s.r.QueryRow(`SELECT email FROM persons WHERE id = $1`, ola).Scan(&email)
		if email != "ola.ny@example.no" {
			t.Fatalf("Verve's correction undone: %s", email)
		}

		// The same export again changes nothing, and arrears call only once.
		before := dump(t, s)
		now = now.AddDate(0, 0, 1)
		rep = load(t, s, admin, register.Options{}, month...)
		if rep.Unchanged != 6 || rep.Updated != 0 || rep.Created != 0 || rep.DuesCalls != 0 {
			t.Fatalf("again: %+v", rep)
		}
		if after := dump(t, s); after != before {
			t.Fatalf("the same export changed the data:\n%s\n---\n%s", before, after)
		}
		// One audit entry per load and one per changed person, naming fields.
		var fields string
		if err := s.r.QueryRow(`SELECT fields FROM audit_log WHERE entity = 'person' AND entity_id = $1 AND action = 'update' ORDER BY id DESC LIMIT 1`, dag).Scan(&fields); err != nil || fields != "employer_orgnr" {
			t.Fatalf("audit fields %q (%v)", fields, err)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'register'`); n != 3 {
			t.Fatalf("%d load entries", n)
		}
		loads, err := s.RegisterLoads(ctx, admin, 10)
		if err != nil || len(loads) != 3 || !loads[2].First || loads[1].Created != 1 || loads[1].Resigned != 2 || loads[1].Tasks != 4 || loads[0].Updated != 0 {
			t.Fatalf("loads %+v (%v)", loads, err)
		}

		// Ola rejoins: the call to win him back is done, not left open.
		now = now.AddDate(0, 0, 7)
		month[1].Status, month[1].Resigned, month[1].Reason, month[1].Leave = model.StatusActive, time.Time{}, "", ""
		month[1].Joined = d(2026, 4, 20)
		load(t, s, admin, register.Options{}, month...)
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1 AND kind = 'winback' AND status = 'done'`, ola); n != 1 {
			t.Fatalf("%d winback tasks done after Ola rejoined, want 1", n)
		}
	})
}

func TestRegisterRefusedAndDryRun(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		admin, _ := regAdmin(t, s)
		src := source(baseExport()...)
		src.rows[1].problems = []model.RowError{model.RowReason(3, "register.row.duplicate", "memberno", "1002")}
		rep, err := s.SyncRegister(context.Background(), admin, src, register.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Refused || rep.Committed || rep.Failed != 1 || count(t, s, `SELECT count(*) FROM persons`) != 0 {
			t.Fatalf("1 of 5 failed: %+v", rep)
		}
		// With a higher allowed share it commits the rest.
		src.i = 0
		rep, err = s.SyncRegister(context.Background(), admin, src, register.Options{MaxFailShare: 0.25, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Refused || rep.Committed || rep.Created != 4 || count(t, s, `SELECT count(*) FROM persons`) != 0 ||
			count(t, s, `SELECT count(*) FROM register_loads`) != 0 {
			t.Fatalf("dry run: %+v", rep)
		}
		src.i = 0
		rep, _ = s.SyncRegister(context.Background(), admin, src, register.Options{MaxFailShare: 0.25})
		if !rep.Committed || count(t, s, `SELECT count(*) FROM persons`) != 4 {
			t.Fatalf("commit: %+v", rep)
		}
		// Only a union admin or the system loads the register.
		steward := &access.Principal{Username: "tv", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: "/1/"}}}
		if _, err := s.SyncRegister(context.Background(), steward, source(), register.Options{}); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("steward: %v", err)
		}
	})
}

func TestRegisterBadRows(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		admin, _ := regAdmin(t, s)
		load(t, s, admin, register.Options{}, baseExport()...)
		rows := []register.Record{
			member("2001", "Ukjent", func(r *register.Record) { r.Recruiter = "9999" }),         // unknown recruiter
			member("2002", "Dobbel", func(r *register.Record) { r.Fnr = "41018012345" }),        // Dag's D-number on another member number
			member("1002", "Ola", func(r *register.Record) { r.Status = model.StatusResigned }), // resigned …
			member("1002", "Ola", nil), // … and again: a duplicate
			member("2003", "Ikke", func(r *register.Record) {
				r.Status = model.StatusResigned
				r.Roles = []register.RoleTerm{{Role: model.RoleShopSteward, From: d(2026, 1, 1)}}
			}),
		}
		rep := load(t, s, admin, register.Options{MaxFailShare: 0.9}, rows...)
		keys := map[string]int{}
		for _, e := range rep.Errors {
			keys[e.Why.Key] = e.Line
		}
		if keys["register.row.recruiter"] != 2 || keys["register.row.fnrtaken"] != 3 || keys["register.row.duplicate"] != 5 || keys["register.row.rolenonmember"] != 6 {
			t.Fatalf("errors %+v", rep.Errors)
		}
		if count(t, s, `SELECT count(*) FROM persons WHERE member_no IN ('2002', '2003')`) != 0 {
			t.Fatal("a rejected row was written")
		}
	})
}

func TestRegisterIdentity(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		s.SetClock(func() time.Time { return regDay0 })
		admin, _ := regAdmin(t, s)
		load(t, s, admin, register.Options{}, baseExport()...)
		dag := personByNo(t, s, "1005")
		// A D-number that becomes a fødselsnummer under the same member number.
		later := baseExport()
		later[4].Fnr = "01018012345"
		rep := load(t, s, admin, register.Options{}, later...)
		if rep.Updated != 1 || rep.Created != 0 || personByNo(t, s, "1005") != dag {
			t.Fatalf("D-number: %+v", rep)
		}
		var h string
		s.r.QueryRow(`SELECT fnr_hash FROM persons WHERE id = $1`, dag).Scan(&h)
		if h != s.FnrHash("01018012345") {
			t.Fatal("fødselsnummer not updated")
		}
		// A member who joined in Verve, exported and echoed back.
		var wp int64
		s.r.QueryRow(`SELECT id FROM workplaces WHERE orgnr = '111111111'`).Scan(&wp)
		joined := &model.Person{FirstName: "Jo", LastName: "Ny", Fnr: "02029038549", WorkplaceID: wp, MemberStatus: model.StatusActive, Email: "jo@example.no"}
		if err := s.CreatePerson(ctx, admin, joined); err != nil {
			t.Fatal(err)
		}
		if _, err := s.w.Exec(`INSERT INTO memberships (person_id, type, status, start_date) VALUES ($1, 'ordinary', 'active', $2)`, joined.ID, date(regDay0)); err != nil {
			t.Fatal(err)
		}
		if err := s.inTx(ctx, func(tx *sql.Tx) error { return s.welcomeApplicant(ctx, tx, admin, joined.ID, wp, regDay0, regDay0) }); err != nil {
			t.Fatal(err)
		}
		echo := append(later, member("1007", "Jo", func(r *register.Record) { r.Last, r.Fnr, r.Email = "Ny", "02029038549", "jo@example.no" }))
		persons := count(t, s, `SELECT count(*) FROM persons`)
		rep = load(t, s, admin, register.Options{}, echo...)
		if rep.Created != 0 || rep.Updated != 1 || rep.Welcomes != 0 || count(t, s, `SELECT count(*) FROM persons`) != persons ||
			personByNo(t, s, "1007") != joined.ID || count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1`, joined.ID) != 1 {
			t.Fatalf("echo: %+v", rep)
		}
		// A new register member whose e-mail a Verve person has: a possible match.
		prospect := &model.Person{FirstName: "Eva", LastName: "Kjent", WorkplaceID: wp, Email: "eva@example.no"}
		if err := s.CreatePerson(ctx, admin, prospect); err != nil {
			t.Fatal(err)
		}
		rep = load(t, s, admin, register.Options{}, append(echo, member("1008", "Eva", func(r *register.Record) { r.Email = "eva@example.no" }))...)
		if rep.Created != 1 || rep.Matches != 1 || count(t, s, `SELECT count(*) FROM match_candidates WHERE candidate_id = $1 AND source = 'register'`, prospect.ID) != 1 {
			t.Fatalf("match: %+v", rep)
		}
	})
}

func TestRegisterComplete(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		admin, _ := regAdmin(t, s)
		load(t, s, admin, register.Options{}, baseExport()...)
		rep := load(t, s, admin, register.Options{Complete: true}, baseExport()[:3]...)
		if len(rep.Missing) != 2 || count(t, s, `SELECT count(*) FROM persons WHERE member_status = 'resigned'`) != 0 {
			t.Fatalf("complete: %+v", rep)
		}
		missing, err := s.MissingMembers(ctx, admin)
		if err != nil || len(missing) != 2 {
			t.Fatalf("missing %+v (%v)", missing, err)
		}
		n, err := s.ConfirmMissing(ctx, admin, []int64{missing[0].PersonID})
		if err != nil || n != 1 || count(t, s, `SELECT count(*) FROM persons WHERE member_status = 'resigned'`) != 1 {
			t.Fatalf("confirm: %d %v", n, err)
		}
		// The other is back in the next complete export: no longer missing.
		rep = load(t, s, admin, register.Options{Complete: true}, baseExport()...)
		if missing, _ := s.MissingMembers(ctx, admin); len(missing) != 0 || len(rep.Missing) != 0 {
			t.Fatalf("still missing %+v", missing)
		}
	})
}

func TestRegisterVocabularyAndSettings(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		admin, _ := regAdmin(t, s)
		if err := s.MapRegisterWord(ctx, admin, register.ResignReason, "avgått ved døden", string(model.LeaveDeath)); err != nil {
			t.Fatal(err)
		}
		if err := s.MapRegisterWord(ctx, admin, register.Roles, "plasstillitsvalgt", string(model.RoleShopSteward)); err != nil {
			t.Fatal(err)
		}
		if err := s.MapRegisterWord(ctx, admin, register.Roles, "x", "king"); model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("invalid value: %v", err)
		}
		v, err := s.RegisterVocabulary(ctx, admin)
		if err != nil || v.Reasons[register.Norm("avgått ved døden")] != model.LeaveDeath || v.Roles[register.Norm("plasstillitsvalgt")] != model.RoleShopSteward {
			t.Fatalf("%+v %v", v, err)
		}
		st, _ := s.RegisterSettings(ctx)
		if st != register.DefaultSettings {
			t.Fatalf("defaults %+v", st)
		}
		if err := s.SaveRegisterSettings(ctx, admin, register.Settings{WinbackDays: 7, MaxFailPercent: 10}); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.RegisterSettings(ctx); st.WinbackDays != 7 || st.MaxFailPercent != 10 {
			t.Fatalf("saved %+v", st)
		}
		if m, err := s.RegisterColumns(ctx); m != nil || err != nil {
			t.Fatalf("columns before any: %v %v", m, err)
		}
		if err := s.SaveRegisterColumns(ctx, admin, map[string]register.Field{"medlemsnr": register.MemberNo}); err != nil {
			t.Fatal(err)
		}
		if m, err := s.RegisterColumns(ctx); err != nil || m["medlemsnr"] != register.MemberNo {
			t.Fatalf("columns %v %v", m, err)
		}
	})
}

func TestRegisterTwoEmployers(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		now := regDay0
		s.SetClock(func() time.Time { return now })
		admin, _ := regAdmin(t, s)
		school := register.Job{Orgnr: "222222222", Name: "Sørbyen skole"}
		withSchool := func(r *register.Record) {
			r.Jobs = []register.Job{school}
			r.Has[register.EmployerOrgnr2], r.Has[register.EmployerName2] = true, true
		}
		export := baseExport()
		export[1] = member("1002", "Ola", withSchool) // at the hospital (club C1) and the school (club C2)
		load(t, s, admin, register.Options{}, export...)
		ola, kari := personByNo(t, s, "1002"), personByNo(t, s, "1001")
		var wp1, wp2 int64
		var c2 string
		s.r.QueryRow(`SELECT id FROM workplaces WHERE orgnr = '111111111'`).Scan(&wp1)
		s.r.QueryRow(`SELECT w.id, o.path FROM workplaces w JOIN org_units o ON o.id = w.unit_id WHERE w.orgnr = '222222222'`).Scan(&wp2, &c2)
		// Ola's row made the school before Per's and Lise's placed it in
		// their club: it is there, made once.
		if c2 == "" || count(t, s, `SELECT count(*) FROM workplaces w JOIN org_units o ON o.id = w.unit_id WHERE w.orgnr = '222222222' AND o.code = 'C2'`) != 1 {
			t.Fatalf("the school is not in club C2 (%q)", c2)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'workplace' AND entity_id = $1 AND action = 'create'`, wp2); n != 1 {
			t.Fatalf("the school's creation is in the audit log %d times", n)
		}
		if n := count(t, s, `SELECT count(*) FROM employments WHERE person_id = $1 AND end_date IS NULL AND source = 'register'`, ola); n != 2 {
			t.Fatalf("%d open employments", n)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1 AND workplace_id = $2`, ola, wp1); n != 1 {
			t.Fatal("the first employer is not Ola's workplace")
		}
		members := func(wp int64) int {
			t.Helper()
			ws, err := s.WorkplaceSummary(ctx, admin, wp)
			if err != nil {
				t.Fatal(err)
			}
			return ws.Members
		}
		consistent := func(when string) {
			t.Helper()
			if n, err := s.RebuildAggregates(ctx, admin); err != nil || n != 0 {
				t.Fatalf("%s: the rebuild corrected %d counts (%v)", when, n, err)
			}
			noElsewhereDrift(t, s, when)
		}
		// Each workplace's density counts him; the union counts him once.
		if m1, m2 := members(wp1), members(wp2); m1 != 3 || m2 != 3 {
			t.Fatalf("members: hospital %d, school %d; want 3 and 3", m1, m2)
		}
		if h, err := s.Home(ctx, admin); err != nil || h.Members != 5 {
			t.Fatalf("union members %d (%v), want 5", h.Members, err)
		}
		consistent("first load")
		// The school's steward sees him.
		steward2 := &access.Principal{Username: "tv2", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: c2}}}
		if p, err := s.Person(ctx, steward2, ola); err != nil || p.FirstName != "Ola" {
			t.Fatalf("second workplace's steward: %v", err)
		}
		if got := searchNames(t, s, steward2, "ola", 50); !slices.Equal(got, []string{"Ola Medlem"}) {
			t.Fatalf("second workplace's steward finds %v", got)
		}
		at, err := s.PersonsAtWorkplace(ctx, steward2, wp2)
		if err != nil {
			t.Fatal(err)
		}
		names := ""
		for _, p := range at {
			names += p.FirstName + " "
		}
		if names != "Lise Ola Per " {
			t.Fatalf("at the school: %q", names)
		}

		// A month later Ola has left the school, and Kari works there besides.
		now = now.AddDate(0, 1, 0)
		export[1] = member("1002", "Ola", nil)
		export[0].Jobs = []register.Job{school}
		rep := load(t, s, admin, register.Options{}, export...)
		if rep.Updated != 2 || rep.JobChanges != 0 || rep.Welcomes != 1 {
			t.Fatalf("month: %+v", rep)
		}
		var end sql.NullTime
		s.r.QueryRow(`SELECT end_date FROM employments WHERE person_id = $1 AND workplace_id = $2`, ola, wp2).Scan(&end)
		if !end.Valid || !end.Time.Equal(d(2026, 4, 2)) {
			t.Fatalf("Ola's school employment: end %v, want kept and ended today", end)
		}
		if n := count(t, s, `SELECT count(*) FROM employments WHERE person_id = $1 AND end_date IS NULL AND workplace_id = $2`, ola, wp1); n != 1 {
			t.Fatal("Ola's first employment ended too")
		}
		if _, err := s.Person(ctx, steward2, ola); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("the school's steward still sees Ola: %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1 AND kind = 'member_started' AND workplace_id = $2`, kari, wp2); n != 1 {
			t.Fatal("no 'started here' task at the school for Kari")
		}
		due, err := s.DueTasks(ctx, steward2, 30)
		if err != nil || len(due) != 1 || due[0].PersonID != kari {
			t.Fatalf("the school's steward's tasks: %+v (%v)", due, err)
		}
		if m1, m2 := members(wp1), members(wp2); m1 != 3 || m2 != 3 {
			t.Fatalf("members: hospital %d, school %d; want 3 and 3", m1, m2)
		}
		consistent("month")
		// Kari resigns: she counts at neither.
		export[0].Status, export[0].Resigned, export[0].Roles = model.StatusResigned, d(2026, 4, 1), nil
		load(t, s, admin, register.Options{}, export...)
		if m1, m2 := members(wp1), members(wp2); m1 != 2 || m2 != 2 {
			t.Fatalf("after Kari resigned: hospital %d, school %d; want 2 and 2", m1, m2)
		}
		consistent("resigned")
		before := dump(t, s)
		if rep := load(t, s, admin, register.Options{}, export...); rep.Updated != 0 || dump(t, s) != before {
			t.Fatalf("again: %+v", rep)
		}
	})
}

// TestRegisterGeneratedExport loads a synthetic union's export through the
// reader, then the same union a month later, then that again.
func TestRegisterGeneratedExport(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		admin, _ := regAdmin(t, s)
		// steward_counts counts the roles in office on the daily job's
		// day (from their first, 00035): today, as if it had run.
		if _, err := s.w.Exec(`UPDATE steward_counts_day SET day = $1`, date(now)); err != nil {
			t.Fatal(err)
		}
		opt := register.GenOptions{Members: 2000, Seed: 7}
		read := func(gen func(io.Writer, register.GenOptions) error) *register.Report {
			t.Helper()
			var buf bytes.Buffer
			if err := gen(&buf, opt); err != nil {
				t.Fatal(err)
			}
			src, err := register.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), register.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			rep, err := s.SyncRegister(ctx, admin, src, register.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Committed || rep.Failed != 0 {
				t.Fatalf("%+v", rep)
			}
			return rep
		}
		first := read(register.Generate)
		if !first.First || first.Created != 2000 || first.Units == 0 || first.Workplaces == 0 || first.RolesStarted == 0 ||
			count(t, s, `SELECT count(*) FROM tasks`) != 0 {
			t.Fatalf("first: %+v", first)
		}
		// Its foreign keys were checked once it had committed (settle).
		if s.dialect == Postgres && count(t, s, `SELECT count(*) FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace`) != 0 {
			t.Fatal("the first load left foreign keys unchecked")
		}
		// The first load counts the members afresh, instead of the triggers.
		if n, err := s.RebuildAggregates(ctx, admin); err != nil || n != 0 {
			t.Fatalf("the first load left %d counts wrong (%v)", n, err)
		}
		// And the stewards, which the roles' triggers count otherwise.
		stewards := `SELECT unit_id, workplaces, stewards, covered FROM steward_counts WHERE workplaces <> 0 OR stewards <> 0 OR covered <> 0 ORDER BY unit_id`
		loaded := dumpRows(t, s, stewards)
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			for _, q := range stewardRecount {
				if _, err := tx.Exec(q); err != nil {
					return err
				}
			}
			return nil
		})
		if fresh := dumpRows(t, s, stewards); err != nil || fresh != loaded || count(t, s, `SELECT count(*) FROM steward_counts WHERE stewards > 0`) == 0 {
			t.Fatalf("steward counts after the first load:\n%s\ncounted afresh (%v):\n%s", loaded, err, fresh)
		}
		now = now.AddDate(0, 1, 0)
		month := read(register.GenerateChanges)
		if month.Created != 10 || month.Updated == 0 || month.Resigned == 0 || month.Winbacks == 0 || month.Winbacks > month.Resigned ||
			month.JobChanges == 0 || month.DuesCalls == 0 || month.Welcomes < 10 {
			t.Fatalf("month: %+v", month)
		}
		t.Logf("month: %+v", month)
		// The triggers the first load dropped are back and kept the
		// counts through the month.
		if n, err := s.RebuildAggregates(ctx, admin); err != nil || n != 0 {
			t.Fatalf("the month left %d counts wrong (%v)", n, err)
		}
		before := dump(t, s)
		again := read(register.GenerateChanges)
		if again.Updated != 0 || again.Created != 0 || again.Unchanged != 2010 || dump(t, s) != before {
			t.Fatalf("again: %+v", again)
		}
	})
}

// TestRegisterErrorsNameFileColumns: rows refused while applying name the
// column by the file's own header, as the reader's own problems do.
func TestRegisterErrorsNameFileColumns(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		admin, _ := regAdmin(t, s)
		csv := "Medlemsnr;Fornavn;Etternavn;Verva av medlem\n3001;Åse;Ny;9999\n3002;Bo;Ny;3001\n"
		src, err := register.Open(strings.NewReader(csv), int64(len(csv)), register.ReadOptions{
			Mapping: []register.Field{register.MemberNo, register.FirstName, register.LastName, register.RecruitedBy}})
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		rep, err := s.SyncRegister(context.Background(), admin, src, register.Options{MaxFailShare: 0.9})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != 1 || rep.Errors[0].Line != 2 || rep.Errors[0].Column != "Verva av medlem" || rep.Errors[0].Value != "9999" {
			t.Fatalf("errors %+v", rep.Errors)
		}
		// A Source that is no file: the field's name in bokmål.
		rep = load(t, s, admin, register.Options{MaxFailShare: 0.9}, member("3003", "Cato", func(r *register.Record) { r.Recruiter = "8888" }))
		if len(rep.Errors) != 1 || rep.Errors[0].Column != register.RecruitedBy.Label() || rep.Errors[0].Column == string(register.RecruitedBy) {
			t.Fatalf("errors %+v", rep.Errors)
		}
	})
}

// TestRegisterHovedenhet: an export naming an employer by its hovedenhet's
// number finds its only sub-unit; with several sub-units the load makes a
// workplace for an admin to choose from, and the choice holds at the next
// load (orgnr_choices) instead of the hovedenhet being made again.
func TestRegisterHovedenhet(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		admin, _ := regAdmin(t, s)
		load(t, s, admin, register.Options{}, baseExport()...)
		// Nordbyen sykehus is the only sub-unit of 900000001; Sørbyen skole
		// and a second school are sub-units of 900000002.
		exec(t, s, `UPDATE workplaces SET parent_orgnr = '900000001' WHERE orgnr = '111111111'`)
		exec(t, s, `UPDATE workplaces SET parent_orgnr = '900000002' WHERE orgnr = '222222222'`)
		skole, err := s.WorkplaceByOrgnr(ctx, admin, "222222222")
		if err != nil {
			t.Fatal(err)
		}
		exec(t, s, `INSERT INTO workplaces (unit_id, name, sort_key, orgnr, parent_orgnr) VALUES ($1, 'Nordbyen skole', 'nordbyen skole', '333333333', '900000002')`, skole.UnitID)

		month := append(baseExport(),
			member("1006", "Nina", func(r *register.Record) { r.Orgnr = "900000001" }),
			member("1007", "Odd", func(r *register.Record) { atWorkplace2(r); r.Orgnr = "900000002" }))
		workplaceOf := func(no string) int64 {
			t.Helper()
			return int64(count(t, s, `SELECT workplace_id FROM persons WHERE member_no = $1`, no))
		}
		load(t, s, admin, register.Options{}, month...)
		sykehus, err := s.WorkplaceByOrgnr(ctx, admin, "111111111")
		if err != nil {
			t.Fatal(err)
		}
		if got := workplaceOf("1006"); got != sykehus.ID {
			t.Errorf("Nina at workplace %d, want the only sub-unit %d", got, sykehus.ID)
		}
		parent, err := s.WorkplaceByOrgnr(ctx, admin, "900000002")
		if err != nil {
			t.Fatalf("the hovedenhet with two sub-units was not made for a choice: %v", err)
		}
		if got := workplaceOf("1007"); got != parent.ID {
			t.Fatalf("Odd at %d, want the hovedenhet's workplace %d", got, parent.ID)
		}
		if err := s.ResolveParent(ctx, admin, parent.ID, skole.ID); err != nil {
			t.Fatal(err)
		}
		workplaces := count(t, s, `SELECT count(*) FROM workplaces`)
		rep := load(t, s, admin, register.Options{}, month...)
		if n := count(t, s, `SELECT count(*) FROM workplaces`); n != workplaces {
			t.Errorf("the next load made the hovedenhet again: %d workplaces, want %d", n, workplaces)
		}
		if got := workplaceOf("1007"); got != skole.ID {
			t.Errorf("Odd at %d after the next load, want the sub-unit chosen %d", got, skole.ID)
		}
		if rep.Updated+rep.JobChanges+rep.Workplaces != 0 {
			t.Errorf("the same export after the choice: %+v", rep)
		}
	})
}

// A recruiter later in the file than their recruit is set once every row
// is in, with the same paid months as one met before.
func TestRegisterRecruiterLaterInFile(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		s.SetClock(func() time.Time { return regDay0 })
		admin, _ := regAdmin(t, s)
		recs := baseExport()
		recs[0], recs[2] = recs[2], recs[0] // Per (recruited by 1001) before Kari (1001)
		if rep := load(t, s, admin, register.Options{}, recs...); rep.Failed != 0 {
			t.Fatalf("%+v", rep)
		}
		per, kari := personByNo(t, s, "1003"), personByNo(t, s, "1001")
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1 AND recruited_by = $2`, per, kari); n != 1 {
			t.Fatal("recruiter not set")
		}
		if n := count(t, s, `SELECT count(*) FROM dues_payments d JOIN memberships m ON m.id = d.membership_id WHERE m.person_id = $1`, per); n != 3 {
			t.Fatalf("%d paid months fed to the credit rules", n)
		}
	})
}

// TestRegisterUnitsByCode: clubs are told apart by their codes, also when
// two of them share a name (clubs named for their employer); a row
// without a code finds its club by name. Every unit and workplace the
// first load creates is in the audit log, and on PostgreSQL the tables it
// filled have statistics.
func TestRegisterUnitsByCode(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		admin, _ := regAdmin(t, s)
		rep := load(t, s, admin, register.Options{},
			member("1001", "Kari", nil),
			member("1002", "Ola", func(r *register.Record) { r.Club.Code = "C9" }),
			member("1003", "Per", func(r *register.Record) { r.Club.Code = "" }),
		)
		if !rep.Committed || rep.Failed != 0 {
			t.Fatalf("report: %+v", rep)
		}
		club := func(no string) (id int64, code string) {
			t.Helper()
			err := s.r.QueryRow(`SELECT o.id, o.code FROM persons p JOIN org_units o ON o.id = p.unit_id WHERE p.member_no = $1`, no).Scan(&id, &code)
			if err != nil {
				t.Fatal(err)
			}
			return id, code
		}
		c1, code1 := club("1001")
		c9, code9 := club("1002")
		byName, _ := club("1003")
		if c1 == c9 || code1 != "C1" || code9 != "C9" {
			t.Errorf("clubs C1 and C9 of one name: units %d (%s) and %d (%s), want two", c1, code1, c9, code9)
		}
		if byName != c1 {
			t.Errorf("a row without a code went to unit %d, want the first of its name (%d)", byName, c1)
		}
		if rep.Units != 4 { // region, branch, two clubs
			t.Errorf("%d units created, want 4", rep.Units)
		}
		for entity, want := range map[string]int{"org_unit": rep.Units, "workplace": rep.Workplaces} {
			n := count(t, s, `SELECT count(*) FROM audit_log a WHERE a.action = 'create' AND a.entity = $1
				AND NOT (a.entity = 'org_unit' AND a.entity_id IN (SELECT id FROM org_units WHERE parent_id IS NULL))`, entity)
			if n != want || want == 0 {
				t.Errorf("%d %s creations in the audit log, want %d", n, entity, want)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM org_units WHERE path NOT LIKE '%/' || id || '/'`); n != 0 {
			t.Errorf("%d units whose path does not end in their id", n)
		}
		// PostgreSQL plans the next load with the tables' statistics.
		if s.dialect == Postgres {
			if n := count(t, s, `SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'memberships'`); n == 0 {
				t.Error("the first load left memberships without statistics")
			}
		}
	})
}

// TestStartChecksUncheckedForeignKeys: a first load on PostgreSQL adds its
// foreign keys back NOT VALID and checks them once committed; a process
// stopped in between leaves them so, and the next start checks them.
func TestStartChecksUncheckedForeignKeys(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		if s.dialect != Postgres {
			t.Skip("SQLite has no unchecked constraints")
		}
		ctx := context.Background()
		var def string
		if err := s.w.QueryRowContext(ctx, `SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'roles_person_id_fkey'
			AND connamespace = current_schema()::regnamespace`).Scan(&def); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`ALTER TABLE roles DROP CONSTRAINT roles_person_id_fkey`,
			`ALTER TABLE roles ADD CONSTRAINT roles_person_id_fkey ` + def + ` NOT VALID`} {
			if _, err := s.w.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		unchecked := `SELECT count(*) FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace`
		if n := count(t, s, unchecked); n != 1 {
			t.Fatalf("%d unchecked before the start", n)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, unchecked); n != 0 {
			t.Fatalf("%d unchecked after the start", n)
		}
	})
}

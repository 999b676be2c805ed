package demo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// registerFiles writes the demo's register export and its month.
func registerFiles(t *testing.T, o Options) (export, month []byte) {
	t.Helper()
	var e, m bytes.Buffer
	if _, err := RegisterExport(&e, o); err != nil {
		t.Fatal(err)
	}
	if _, err := RegisterMonth(&m, o); err != nil {
		t.Fatal(err)
	}
	return e.Bytes(), m.Bytes()
}

func loadFile(t *testing.T, s *storage.Storage, data []byte) *register.Report {
	t.Helper()
	rep, _, err := s.LoadRegister(context.Background(), access.System("test"), bytes.NewReader(data), int64(len(data)), register.ReadOptions{},
		register.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Committed || rep.Failed > 0 {
		t.Fatalf("load not committed (%d rows failed): %v", rep.Failed, rep.Errors[:min(5, len(rep.Errors))])
	}
	return rep
}

// readRecords reads a register file, by member number.
func readRecords(t *testing.T, data []byte) map[string]register.Record {
	t.Helper()
	src, err := register.Open(bytes.NewReader(data), int64(len(data)), register.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	out := map[string]register.Record{}
	for {
		rec, problems, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil || len(problems) > 0 {
			t.Fatalf("line %d: %v %v", rec.Line, err, problems)
		}
		out[rec.MemberNo] = rec
	}
}

// regDump is what a register load may change, as text.
func regDump(t *testing.T, s *storage.Storage) string {
	t.Helper()
	var sb strings.Builder
	for _, q := range []string{
		`SELECT id, first_name, last_name, COALESCE(member_no, ''), email, mobile, address, unit_path, COALESCE(workplace_id, 0), member_status, updated_at FROM persons ORDER BY id`,
		`SELECT id, person_id, type, status, start_date, end_date, COALESCE(recruited_by, 0), dues_status, paid_up_to FROM memberships ORDER BY id`,
		`SELECT id, person_id, workplace_id, start_date, end_date, source FROM employments ORDER BY id`,
		`SELECT id, person_id, role, unit_id, start_date, end_date, source FROM roles ORDER BY id`,
		`SELECT id, kind, person_id, status, due FROM tasks ORDER BY id`,
		`SELECT person_id, hashes FROM register_values ORDER BY person_id`,
		`SELECT id, name, code, path FROM org_units ORDER BY id`,
		`SELECT id, name, orgnr FROM workplaces ORDER BY id`,
		`SELECT membership_id, month FROM dues_payments ORDER BY membership_id, month`,
	} {
		sb.WriteString(storagetest.Dump(t, s.DB(), q))
	}
	return sb.String()
}

func count(t *testing.T, s *storage.Storage, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// monthCounts are what the month should do, read from the two files.
type monthCounts struct {
	churn, notChurn []string // member numbers resigned for churn, and for death, retirement …
	jobs            map[string]string
	duesCalls, news int
}

func expectMonth(t *testing.T, export, month []byte) monthCounts {
	before, after := readRecords(t, export), readRecords(t, month)
	mc := monthCounts{jobs: map[string]string{}}
	for no, a := range after {
		b, ok := before[no]
		switch {
		case !ok:
			mc.news++
		case a.Status == model.StatusResigned && b.Status != model.StatusResigned:
			if a.Leave == model.LeaveChurn {
				mc.churn = append(mc.churn, no)
			} else {
				mc.notChurn = append(mc.notChurn, no)
			}
		case a.Orgnr != b.Orgnr:
			mc.jobs[no] = a.Orgnr
		case a.Dues != b.Dues:
			mc.duesCalls++
		}
	}
	return mc
}

// TestRegisterFiles: the demo is in step with its register export (loading
// it changes nothing), the month's export does what a month does, and the
// export alone brings the union into an empty database.
func TestRegisterFiles(t *testing.T) {
	o := Options{Members: 4000, Seed: 3, Today: today, Register: true}
	export, month := registerFiles(t, o)
	again, _ := registerFiles(t, o)
	if !bytes.Equal(export, again) {
		t.Fatal("the same demo gave another export")
	}
	want := expectMonth(t, export, month)
	if len(want.churn) == 0 || len(want.notChurn) == 0 || len(want.jobs) == 0 || want.duesCalls == 0 || want.news != len(readRecords(t, export))/200 {
		t.Fatalf("the month lacks a kind of change: %+v", want)
	}
	ctx := context.Background()
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			s := open(t, engine)
			s.SetClock(func() time.Time { return today.Add(12 * time.Hour) })
			if _, err := Generate(ctx, s, o); err != nil {
				t.Fatal(err)
			}
			recipe, err := s.DemoRecipe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := ParseRecipe(recipe); err != nil || got.Recipe() != o.Recipe() {
				t.Fatalf("recipe %q: %v", recipe, err)
			}
			members := count(t, s, `SELECT count(*) FROM persons WHERE member_no IS NOT NULL`)
			before := regDump(t, s)
			rep := loadFile(t, s, export)
			if rep.First || rep.Unchanged != members || rep.Updated+rep.Created+rep.Units+rep.Workplaces != 0 {
				t.Fatalf("the demo's own export changed it: %+v (members %d)", rep, members)
			}
			if after := regDump(t, s); after != before {
				t.Fatal("loading the demo's own export changed the data")
			}

			tasks := count(t, s, `SELECT count(*) FROM tasks`)
			rep = loadFile(t, s, month)
			checkMonth(t, s, rep, want)
			if n := count(t, s, `SELECT count(*) FROM tasks`) - tasks; n != rep.Winbacks+rep.Welcomes+rep.DuesCalls {
				t.Errorf("%d tasks opened, the report says %d", n, rep.Winbacks+rep.Welcomes+rep.DuesCalls)
			}
			t.Logf("month: %d rows, %d updated, %d new, %d resigned, %d winback, %d welcome/started, %d dues calls, %d job changes, %d roles started, %d ended",
				rep.Rows, rep.Updated, rep.Created, rep.Resigned, rep.Winbacks, rep.Welcomes, rep.DuesCalls, rep.JobChanges, rep.RolesStarted, rep.RolesEnded)
			before = regDump(t, s)
			if rep = loadFile(t, s, month); rep.Updated+rep.Created != 0 || regDump(t, s) != before {
				t.Fatalf("the month again changed something: %+v", rep)
			}

			// From an empty database with its first admin's union.
			e := open(t, engine)
			e.SetClock(func() time.Time { return today.Add(12 * time.Hour) })
			if err := e.CreateUnit(ctx, access.System("test"), &model.OrgUnit{Kind: model.UnitUnion, Name: "Teknologforbundet"}); err != nil {
				t.Fatal(err)
			}
			rep = loadFile(t, e, export)
			if !rep.First || rep.Created != members || rep.Units == 0 || rep.Workplaces == 0 || rep.Winbacks+rep.Welcomes+rep.DuesCalls != 0 {
				t.Fatalf("first load: %+v", rep)
			}
			for _, q := range []string{
				`SELECT count(*) FROM roles WHERE source = 'register'`,
				`SELECT count(*) FROM org_units WHERE code <> ''`,
				`SELECT count(*) FROM employments WHERE source = 'register' AND end_date IS NULL`,
			} {
				if a, b := count(t, e, q), count(t, s, q); a == 0 || a > b {
					t.Errorf("%s: %d from the export, %d in the demo", q, a, b)
				}
			}
			rep = loadFile(t, e, month)
			checkMonth(t, e, rep, want)
		})
	}
}

// checkMonth: winback calls for the members who left for churn and none
// for the deceased or retired, job changes followed to the new workplace,
// arrears and stopped deductions as dues calls, welcomes for the new.
func checkMonth(t *testing.T, s *storage.Storage, rep *register.Report, want monthCounts) {
	t.Helper()
	if rep.Winbacks != len(want.churn) || rep.JobChanges != len(want.jobs) || rep.DuesCalls != want.duesCalls || rep.Created != want.news ||
		rep.Welcomes != want.news+len(want.jobs) {
		t.Errorf("month: %+v, want %+v", rep, want)
	}
	for _, no := range want.churn {
		if n := count(t, s, `SELECT count(*) FROM tasks t JOIN persons p ON p.id = t.person_id WHERE p.member_no = $1 AND t.kind = 'winback' AND t.status = 'open'`, no); n != 1 {
			t.Errorf("member %s left: %d open winback calls", no, n)
		}
	}
	for _, no := range want.notChurn {
		if n := count(t, s, `SELECT count(*) FROM tasks t JOIN persons p ON p.id = t.person_id WHERE p.member_no = $1 AND t.kind = 'winback' AND t.status = 'open'`, no); n != 0 {
			t.Errorf("member %s left, not for churn: %d open winback calls", no, n)
		}
	}
	for no, orgnr := range want.jobs {
		if n := count(t, s, `SELECT count(*) FROM persons p JOIN workplaces w ON w.id = p.workplace_id WHERE p.member_no = $1 AND w.orgnr = $2`, no, orgnr); n != 1 {
			t.Errorf("member %s moved to %s: not there", no, orgnr)
		}
	}
}

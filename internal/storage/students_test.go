package storage

import (
	"context"
	"database/sql"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/students"
)

var studentNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// studentFixture is a union with two regions (Trøndelag, Vestland), a
// branch in each, a coordinator per region, and users of several roles.
type studentFixture struct {
	s                        *Storage
	union, r1, r2, b1, b2    *model.OrgUnit
	coord1, coord2           int64 // the coordinators' person ids
	admin, c1, leader, steer *access.Principal
}

func newStudentFixture(t *testing.T, s *Storage) *studentFixture {
	t.Helper()
	now := studentNow
	s.SetClock(func() time.Time { return now })
	ctx := context.Background()
	sys := access.System("test")
	f := &studentFixture{s: s}
	f.union = &model.OrgUnit{Kind: model.UnitUnion, Name: "Forbundet"}
	f.r1 = &model.OrgUnit{Kind: model.UnitRegion, Name: "Region Trøndelag"}
	f.r2 = &model.OrgUnit{Kind: model.UnitRegion, Name: "Region Vestland"}
	f.b1 = &model.OrgUnit{Kind: model.UnitBranch, Name: "Avdeling Trondheim"}
	f.b2 = &model.OrgUnit{Kind: model.UnitBranch, Name: "Avdeling Bergen"}
	for _, st := range []struct{ u, parent *model.OrgUnit }{{f.union, nil}, {f.r1, f.union}, {f.r2, f.union}, {f.b1, f.r1}, {f.b2, f.r2}} {
		if st.parent != nil {
			st.u.ParentID = st.parent.ID
		}
		if err := s.CreateUnit(ctx, sys, st.u); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range []*model.OrgUnit{f.r1, f.r2} {
		p := f.person(t, r, "Koordinator", r.Name)
		if err := s.AddRole(ctx, sys, &model.Role{PersonID: p, Role: model.RoleCoordinator, UnitID: r.ID, StartDate: day(2020, 1, 1)}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.coord1 = p
		} else {
			f.coord2 = p
		}
	}
	f.admin = &access.Principal{Username: "admin", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: f.union.Path}}}
	f.c1 = &access.Principal{Username: "koord", PersonID: f.coord1, Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: f.r1.Path}}}
	f.leader = &access.Principal{Username: "studieleder", Grants: []access.Grant{{Role: model.RoleStudyLeader, UnitPath: f.r1.Path}}}
	f.steer = &access.Principal{Username: "tv", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.b1.Path}}}
	return f
}

func (f *studentFixture) person(t *testing.T, u *model.OrgUnit, first, last string) int64 {
	t.Helper()
	p := &model.Person{FirstName: first, LastName: last, UnitID: u.ID, MemberStatus: model.StatusActive}
	if err := f.s.CreatePerson(context.Background(), access.System("test"), p); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// studentSpec is one student membership; the zero status is active.
type studentSpec struct {
	unit       *model.OrgUnit
	name       string
	inst       string
	start      time.Time
	grad       time.Time
	status     model.MembershipStatus
	end        time.Time
	recruiter  int64
	memberStat model.MembershipStatus
}

// student adds a person with a student membership and returns the
// membership's and the person's ids.
func (f *studentFixture) student(t *testing.T, sp studentSpec) (int64, int64) {
	t.Helper()
	first, last, _ := strings.Cut(sp.name, " ")
	pid := f.person(t, sp.unit, first, last)
	if sp.status == "" {
		sp.status = model.StatusActive
	}
	if sp.start.IsZero() {
		sp.start = day(2023, 8, 15)
	}
	var id int64
	err := f.s.w.QueryRow(`INSERT INTO memberships (person_id, type, status, start_date, end_date, source, recruited_by, institution, programme, expected_graduation)
		VALUES ($1, 'student', $2, $3, $4, 'student_recruitment', $5, $6, 'Bachelor i informatikk', $7) RETURNING id`,
		pid, sp.status, date(sp.start), date(sp.end), nullID(sp.recruiter), sp.inst, date(sp.grad)).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	if sp.memberStat != "" {
		if _, err := f.s.w.Exec(`UPDATE persons SET member_status = $1 WHERE id = $2`, sp.memberStat, pid); err != nil {
			t.Fatal(err)
		}
	}
	return id, pid
}

func names(rs []StudentRegion) []string {
	var out []string
	for _, r := range rs {
		for _, st := range r.Students {
			out = append(out, r.Region+": "+st.Name)
		}
	}
	return out
}

func TestGraduatingStudentsByRegionAndScope(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newStudentFixture(t, s)
		ctx := context.Background()
		f.student(t, studentSpec{unit: f.b1, name: "Anna Desember", inst: "NTNU", grad: day(2026, 12, 20)})
		f.student(t, studentSpec{unit: f.b1, name: "Bjørn Sommer", inst: "NTNU", grad: day(2027, 6, 20)})
		f.student(t, studentSpec{unit: f.b1, name: "Cecilie Ferdig", inst: "NTNU", grad: day(2026, 6, 20)}) // past, still a student
		f.student(t, studentSpec{unit: f.b1, name: "Dag Overført", inst: "NTNU", grad: day(2026, 6, 20), status: model.StatusConverted, end: day(2026, 8, 1)})
		f.student(t, studentSpec{unit: f.b2, name: "Eva Januar", inst: "UiB", grad: day(2027, 1, 20)})
		f.student(t, studentSpec{unit: f.b2, name: "Frode Utmeldt", inst: "UiB", grad: day(2027, 1, 20), status: model.StatusResigned, end: day(2026, 9, 1)})

		got, err := s.GraduatingStudents(ctx, f.admin, 0, 300)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Region Trøndelag: Cecilie Ferdig", "Region Trøndelag: Anna Desember", "Region Vestland: Eva Januar"}
		if !slices.Equal(names(got), want) {
			t.Fatalf("admin sees %v, want %v", names(got), want)
		}
		if st := got[0].Students[1]; st.Institution != "NTNU" || !st.ExpectedGraduation.Equal(day(2026, 12, 20)) || st.Programme == "" {
			t.Fatalf("row %+v", st)
		}
		got, err = s.GraduatingStudents(ctx, f.c1, 0, 300)
		if err != nil {
			t.Fatal(err)
		}
		if want := want[:2]; !slices.Equal(names(got), want) {
			t.Fatalf("coordinator sees %v, want %v", names(got), want)
		}
		got, err = s.GraduatingStudents(ctx, f.leader, 8, 300)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Region Trøndelag: Cecilie Ferdig", "Region Trøndelag: Anna Desember", "Region Trøndelag: Bjørn Sommer"}; !slices.Equal(names(got), want) {
			t.Fatalf("study leader, 8 months, sees %v, want %v", names(got), want)
		}
		if _, err := s.GraduatingStudents(ctx, f.steer, 0, 300); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("steward: %v", err)
		}
		if _, err := s.GraduatingStudents(ctx, f.admin, 99, 300); model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("99 months: %v", err)
		}
	})
}

// TestGraduatingStudentsFirstAndCounts: the list holds the first students
// (regions in Norwegian order, those above any region last; within one by
// expected graduation, then name) up to the limit, and every region its
// count, listed or not, within the reader's scope.
func TestGraduatingStudentsFirstAndCounts(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newStudentFixture(t, s)
		ctx := context.Background()
		r3 := &model.OrgUnit{Kind: model.UnitRegion, Name: "Region Østlandet", ParentID: f.union.ID}
		if err := s.CreateUnit(ctx, access.System("test"), r3); err != nil {
			t.Fatal(err)
		}
		f.student(t, studentSpec{unit: r3, name: "Per Øst", inst: "OsloMet", grad: day(2026, 12, 1)})
		f.student(t, studentSpec{unit: f.union, name: "Ola Forbund", inst: "UiO", grad: day(2026, 1, 1)})
		f.student(t, studentSpec{unit: f.b1, name: "Åse Å", inst: "NTNU", grad: day(2026, 12, 1)})
		f.student(t, studentSpec{unit: f.b1, name: "Anne A", inst: "NTNU", grad: day(2026, 12, 1)})
		f.student(t, studentSpec{unit: f.r1, name: "Zoe Past", inst: "NTNU", grad: day(2026, 5, 1)})
		f.student(t, studentSpec{unit: f.b2, name: "Eva Januar", inst: "UiB", grad: day(2027, 1, 20)})
		counts := func(rs []StudentRegion) map[string]int {
			out := map[string]int{}
			for _, r := range rs {
				out[r.Region] = r.Count
			}
			return out
		}
		all := map[string]int{"Region Trøndelag": 3, "Region Vestland": 1, "Region Østlandet": 1, "": 1}
		got, err := s.GraduatingStudents(ctx, f.admin, 0, 300)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Region Trøndelag: Zoe Past", "Region Trøndelag: Anne A", "Region Trøndelag: Åse Å", "Region Vestland: Eva Januar",
			"Region Østlandet: Per Øst", ": Ola Forbund"}
		if !slices.Equal(names(got), want) || !reflect.DeepEqual(counts(got), all) {
			t.Fatalf("admin sees %v %v, want %v %v", names(got), counts(got), want, all)
		}
		for limit := range len(want) {
			got, err := s.GraduatingStudents(ctx, f.admin, 0, limit)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(got), want[:limit]) || !reflect.DeepEqual(counts(got), all) {
				t.Fatalf("admin, the first %d: %v %v, want %v %v", limit, names(got), counts(got), want[:limit], all)
			}
		}
		got, err = s.GraduatingStudents(ctx, f.c1, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if want := want[:2]; !slices.Equal(names(got), want) || !reflect.DeepEqual(counts(got), map[string]int{"Region Trøndelag": 3}) {
			t.Fatalf("coordinator sees %v %v, want %v and Trøndelag's 3", names(got), counts(got), want)
		}
	})
}

// TestGraduatingStudentsPlannedPerRun: the graduating students, read
// again and again, stay the same; on PostgreSQL their queries are planned
// for each run's scope (serverSettings), never by a plan for all scopes,
// which walked the union's every person for an admin.
func TestGraduatingStudentsPlannedPerRun(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newStudentFixture(t, s)
		ctx := context.Background()
		f.student(t, studentSpec{unit: f.b1, name: "Anne A", inst: "NTNU", grad: day(2026, 12, 1)})
		f.student(t, studentSpec{unit: f.b2, name: "Eva Januar", inst: "UiB", grad: day(2027, 1, 20)})
		// One connection, whose statements are looked at below; seven runs,
		// past the five after which PostgreSQL may keep one plan; the list
		// cut short, so that the regions are counted too.
		s.r.SetMaxOpenConns(1)
		for range 7 {
			got, err := s.GraduatingStudents(ctx, f.admin, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"Region Trøndelag: Anne A"}; !slices.Equal(names(got), want) || len(got) != 2 || got[1].Count != 1 {
				t.Fatalf("admin sees %v %+v, want %v and Vestland's 1", names(got), got, want)
			}
		}
		if s.dialect != Postgres {
			return
		}
		if n := genericPlans(t, s, "expected_graduation <="); n != 0 {
			t.Errorf("graduating students read %d times by a plan for all scopes", n)
		}
	})
}

// genericPlans counts the runs of a plan made for any values, of the
// statements prepared on the connection it is asked on whose text holds
// part.
func genericPlans(t *testing.T, s *Storage, part string) int {
	t.Helper()
	n := 0
	for _, db := range []*sql.DB{s.r, s.once.db} {
		var plans int
		if err := db.QueryRow(`SELECT COALESCE(sum(generic_plans), 0) FROM pg_prepared_statements WHERE strpos(statement, $1) > 0 AND strpos(statement, 'pg_prepared_statements') = 0`, part).Scan(&plans); err != nil {
			t.Fatal(err)
		}
		n += plans
	}
	return n
}

func TestConvertStudentKeepsHistoryAndRecruiter(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newStudentFixture(t, s)
		ctx := context.Background()
		recruiter := f.person(t, f.b1, "Rita", "Verver")
		mid, pid := f.student(t, studentSpec{unit: f.b1, name: "Anna Desember", inst: "NTNU", grad: day(2026, 12, 20), recruiter: recruiter})
		other, _ := f.student(t, studentSpec{unit: f.b2, name: "Eva Januar", inst: "UiB", grad: day(2027, 1, 20)})
		if n, err := s.CreateConvertTasks(ctx, access.System("jobb")); err != nil || n != 2 {
			t.Fatalf("tasks %d, %v", n, err)
		}
		if _, err := s.ConvertStudent(ctx, f.leader, mid); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("study leader converted: %v", err)
		}
		if _, err := s.ConvertStudent(ctx, f.c1, other); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("coordinator converted outside the region: %v", err)
		}
		audits := count(t, s, `SELECT count(*) FROM audit_log`)
		koord := *f.c1
		koord.UserID = 7
		c, err := s.ConvertStudent(ctx, &koord, mid)
		if err != nil {
			t.Fatal(err)
		}
		if c.PersonID != pid || c.TasksClosed != 1 || !c.Date.Equal(day(2026, 11, 25)) || c.Name != "Anna Desember" {
			t.Fatalf("conversion %+v", c)
		}
		var status model.MembershipStatus
		var end time.Time
		if err := s.r.QueryRow(`SELECT status, end_date FROM memberships WHERE id = $1`, mid).Scan(&status, &end); err != nil {
			t.Fatal(err)
		}
		if status != model.StatusConverted || !end.Equal(day(2026, 11, 25)) {
			t.Fatalf("student membership now %s until %v", status, end)
		}
		var typ model.MembershipType
		var source string
		var start time.Time
		var rec int64
		if err := s.r.QueryRow(`SELECT type, status, start_date, source, recruited_by FROM memberships WHERE id = $1 AND person_id = $2`, c.MembershipID, pid).
			Scan(&typ, &status, &start, &source, &rec); err != nil {
			t.Fatal(err)
		}
		if typ != model.TypeOrdinary || status != model.StatusActive || !start.Equal(day(2026, 11, 25)) || rec != recruiter || source != string(model.SourceStudentTransfer) {
			t.Fatalf("new membership %s %s %v %s %d", typ, status, start, source, rec)
		}
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1`, pid); n != 2 {
			t.Fatalf("%d memberships, want the student one kept and the new one", n)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1 AND kind = 'convert' AND status = 'done'`, pid); n != 1 {
			t.Fatalf("%d done transfer tasks", n)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE username = 'koord' AND user_id = 7 AND person_id = $1 AND
			((entity = 'membership' AND entity_id IN ($2, $3)) OR (entity = 'task' AND action = 'update'))`, pid, mid, c.MembershipID); n != 3 {
			t.Fatalf("%d audit entries for the conversion, want 3", n)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log`); n != audits+3 {
			t.Fatalf("audit log grew by %d, want 3", n-audits)
		}
		_, err = s.ConvertStudent(ctx, f.c1, mid)
		if model.ErrorCode(err) != model.ECONFLICT || !strings.Contains(model.ErrorMessage(err), "allerede overført") {
			t.Fatalf("second conversion: %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1`, pid); n != 2 {
			t.Fatalf("second conversion left %d memberships", n)
		}
		if _, err := s.ConvertStudent(ctx, f.admin, c.MembershipID); model.ErrorCode(err) != model.EINVALID {
			t.Fatalf("converting an ordinary membership: %v", err)
		}
		// No longer on the graduating list.
		got, err := s.GraduatingStudents(ctx, f.admin, 0, 300)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Region Vestland: Eva Januar"}; !slices.Equal(names(got), want) {
			t.Fatalf("after conversion %v", names(got))
		}
	})
}

func TestCreateConvertTasksOnce(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newStudentFixture(t, s)
		ctx := context.Background()
		_, anna := f.student(t, studentSpec{unit: f.b1, name: "Anna Desember", inst: "NTNU", grad: day(2026, 12, 20)})
		_, bjorn := f.student(t, studentSpec{unit: f.b1, name: "Bjørn Sommer", inst: "NTNU", grad: day(2027, 6, 20)})
		_, cecilie := f.student(t, studentSpec{unit: f.b1, name: "Cecilie Ferdig", inst: "NTNU", grad: day(2026, 6, 20)})
		_, eva := f.student(t, studentSpec{unit: f.b2, name: "Eva Januar", inst: "UiB", grad: day(2027, 1, 20)})
		f.student(t, studentSpec{unit: f.b2, name: "Frode Utmeldt", inst: "UiB", grad: day(2027, 1, 20), status: model.StatusResigned, end: day(2026, 9, 1)})
		job := access.System("verve (planlagt jobb)")
		n, err := s.CreateConvertTasks(ctx, job)
		if err != nil || n != 3 {
			t.Fatalf("made %d, %v; want 3", n, err)
		}
		type task struct {
			owner int64
			due   time.Time
		}
		get := func(pid int64) task {
			t.Helper()
			var tk task
			if err := s.r.QueryRow(`SELECT owner_person_id, due FROM tasks WHERE person_id = $1 AND kind = 'convert' AND status = 'open'`, pid).Scan(&tk.owner, &tk.due); err != nil {
				t.Fatal(err)
			}
			return tk
		}
		today := day(2026, 11, 25)
		for _, c := range []struct {
			pid  int64
			want task
		}{{anna, task{f.coord1, today}}, {cecilie, task{f.coord1, today}}, {eva, task{f.coord2, day(2026, 12, 20)}}} {
			if got := get(c.pid); got.owner != c.want.owner || !got.due.Equal(c.want.due) {
				t.Errorf("person %d: task %+v, want %+v", c.pid, got, c.want)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'task' AND action = 'create' AND username = $1`, job.Username); n != 3 {
			t.Fatalf("%d audit entries, want 3", n)
		}
		if n, err := s.CreateConvertTasks(ctx, job); err != nil || n != 0 {
			t.Fatalf("second run made %d, %v", n, err)
		}
		// A done task is not made again; a month later Bjørn's date is near.
		if _, err := s.w.Exec(`UPDATE tasks SET status = 'done' WHERE person_id = $1`, anna); err != nil {
			t.Fatal(err)
		}
		later := day(2027, 1, 2)
		s.SetClock(func() time.Time { return later })
		if n, err := s.CreateConvertTasks(ctx, job); err != nil || n != 1 {
			t.Fatalf("a month later made %d, %v; want 1", n, err)
		}
		if got := get(bjorn); got.owner != f.coord1 || !got.due.Equal(day(2027, 5, 20)) {
			t.Fatalf("Bjørn's task %+v", got)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE kind = 'convert'`); n != 4 {
			t.Fatalf("%d tasks in all", n)
		}
	})
}

func TestConversionRatesPerCohortAndInstitution(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newStudentFixture(t, s)
		ctx := context.Background()
		spring, autumn := day(2026, 6, 20), day(2025, 12, 20)
		conv := func(u *model.OrgUnit, inst string, grad time.Time) {
			f.student(t, studentSpec{unit: u, name: "Kari Konvertert", inst: inst, grad: grad, status: model.StatusConverted, end: grad.AddDate(0, 1, 0)})
		}
		for range 3 {
			conv(f.b1, "NTNU", spring)
		}
		f.student(t, studentSpec{unit: f.b1, name: "Ola Sluttet", inst: "NTNU", grad: spring, status: model.StatusResigned, end: day(2026, 8, 1), memberStat: model.StatusResigned})
		f.student(t, studentSpec{unit: f.b1, name: "Siri Student", inst: "NTNU", grad: spring})
		// Left during the studies: not a graduate of the cohort.
		f.student(t, studentSpec{unit: f.b1, name: "Tor Tidlig", inst: "NTNU", grad: spring, status: model.StatusResigned, end: day(2024, 3, 1)})
		conv(f.b2, "UiB", spring)
		f.student(t, studentSpec{unit: f.b2, name: "Unni Ute", inst: "UiB", grad: spring, status: model.StatusRemoved, end: day(2026, 7, 1)})
		conv(f.b1, "NTNU", autumn)
		// Not graduated yet.
		f.student(t, studentSpec{unit: f.b1, name: "Vidar Venter", inst: "NTNU", grad: day(2027, 6, 20)})

		rows, total, err := s.ConversionRates(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		want := []ConversionRow{
			{Year: 2026, Term: 1, Institution: "", Graduated: 7, Converted: 4, Student: 1},
			{Year: 2026, Term: 1, Institution: "NTNU", Graduated: 5, Converted: 3, Student: 1},
			{Year: 2026, Term: 1, Institution: "UiB", Graduated: 2, Converted: 1, Student: 0},
			{Year: 2025, Term: 2, Institution: "", Graduated: 1, Converted: 1, Student: 0},
			{Year: 2025, Term: 2, Institution: "NTNU", Graduated: 1, Converted: 1, Student: 0},
		}
		if !slices.Equal(rows, want) {
			t.Fatalf("rows\n%v\nwant\n%v", rows, want)
		}
		if total != (ConversionRow{Graduated: 8, Converted: 5, Student: 1}) || total.Rate() != 5.0/8 {
			t.Fatalf("total %+v", total)
		}
		if rows[1].Rate() != 0.6 || rows[1].Cohort() != "2026-1" {
			t.Fatalf("NTNU spring 2026: %v %s", rows[1].Rate(), rows[1].Cohort())
		}
		rows, total, err = s.ConversionRates(ctx, f.c1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0] != (ConversionRow{Year: 2026, Term: 1, Institution: "", Graduated: 5, Converted: 3, Student: 1}) || total.Graduated != 6 {
			t.Fatalf("coordinator sees %v, total %+v", rows, total)
		}
		if _, _, err := s.ConversionRates(ctx, f.steer); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("steward: %v", err)
		}
	})
}

func TestStudyStartJoinsPerWeek(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newStudentFixture(t, s)
		ctx := context.Background()
		for _, st := range []time.Time{day(2026, 8, 10), day(2026, 8, 12), day(2026, 8, 16), day(2026, 8, 17), day(2026, 7, 30)} {
			f.student(t, studentSpec{unit: f.b1, name: "Nils Ny", inst: "NTNU", start: st, grad: day(2029, 6, 20)})
		}
		// Joined and left again: a join, not a member.
		f.student(t, studentSpec{unit: f.b1, name: "Lise Lei", inst: "Nord universitet", start: day(2026, 9, 2), grad: day(2029, 6, 20),
			status: model.StatusResigned, end: day(2026, 10, 1)})
		// An older member: a member, not a join.
		f.student(t, studentSpec{unit: f.b1, name: "Gamle Gunn", inst: "NTNU", start: day(2024, 8, 19), grad: day(2027, 6, 20)})
		f.student(t, studentSpec{unit: f.b2, name: "Berit Bergen", inst: "UiB", start: day(2026, 9, 1), grad: day(2029, 6, 20)})

		// 1 August 2026 is a Saturday in week 31; today (25 November) is in week 48.
		st, err := s.StudyStart(ctx, f.admin, day(2026, 8, 1))
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Weeks) != 18 || st.Weeks[0] != (ISOWeek{Year: 2026, Week: 31, Monday: day(2026, 7, 27)}) || st.Weeks[17].Week != 48 {
			t.Fatalf("weeks %v", st.Weeks)
		}
		type row struct {
			region, inst string
			members      int
			joins        map[int]int // by week number
		}
		wk := func(r StudyStartRow) map[int]int {
			m := map[int]int{}
			for i, n := range r.Joins {
				if n > 0 {
					m[st.Weeks[i].Week] = n
				}
			}
			return m
		}
		want := []row{
			{"Region Trøndelag", "Nord universitet", 0, map[int]int{36: 1}},
			{"Region Trøndelag", "NTNU", 6, map[int]int{33: 3, 34: 1}},
			{"Region Vestland", "UiB", 1, map[int]int{36: 1}},
		}
		if len(st.Rows) != len(want) {
			t.Fatalf("rows %+v", st.Rows)
		}
		for i, w := range want {
			r := st.Rows[i]
			g := row{r.Region, r.Institution, r.Members, wk(r)}
			if g.region != w.region || g.inst != w.inst || g.members != w.members || len(g.joins) != len(w.joins) {
				t.Fatalf("row %d: %+v, want %+v", i, g, w)
			}
			for k, v := range w.joins {
				if g.joins[k] != v {
					t.Fatalf("row %d: %+v, want %+v", i, g, w)
				}
			}
		}
		if st.Joins != 6 || st.Members != 7 || st.Totals[2] != 3 || st.Totals[5] != 2 {
			t.Fatalf("totals %v, joins %d, members %d", st.Totals, st.Joins, st.Members)
		}
		st, err = s.StudyStart(ctx, f.c1, day(2026, 8, 1))
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Rows) != 2 || st.Joins != 5 {
			t.Fatalf("coordinator sees %+v", st.Rows)
		}
		if _, err := s.StudyStart(ctx, f.steer, day(2026, 8, 1)); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("steward: %v", err)
		}
		// A start years back is cut to a year of weeks.
		st, err = s.StudyStart(ctx, f.admin, day(2020, 1, 1))
		if err != nil || len(st.Weeks) != students.MaxWeeks {
			t.Fatalf("%d weeks, %v", len(st.Weeks), err)
		}
	})
}

// TestCreateConvertTasksConcurrently: runs at the same time (two server
// processes) still make one task each.
func TestCreateConvertTasksConcurrently(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newStudentFixture(t, s)
		for i := range 12 {
			f.student(t, studentSpec{unit: []*model.OrgUnit{f.b1, f.b2}[i%2], name: "Stian Samtidig", inst: "NTNU", grad: day(2027, 1, 1+i)})
		}
		var wg sync.WaitGroup
		made := make([]int, 4)
		errs := make([]error, 4)
		for i := range made {
			wg.Go(func() {
				made[i], errs[i] = s.CreateConvertTasks(context.Background(), access.System("jobb"))
			})
		}
		wg.Wait()
		sum := 0
		for i := range made {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			sum += made[i]
		}
		if sum != 12 || count(t, s, `SELECT count(*) FROM tasks WHERE kind = 'convert'`) != 12 ||
			count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'task' AND action = 'create'`) != 12 {
			t.Fatalf("made %v", made)
		}
	})
}

// TestConvertStudentConcurrently: taps on two phones at once convert once.
func TestConvertStudentConcurrently(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newStudentFixture(t, s)
		mid, pid := f.student(t, studentSpec{unit: f.b1, name: "Anna Desember", inst: "NTNU", grad: day(2026, 12, 20)})
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { _, errs[i] = s.ConvertStudent(context.Background(), f.c1, mid) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch model.ErrorCode(err) {
			case "":
				ok++
			case model.ECONFLICT:
			default:
				t.Fatal(err)
			}
		}
		if ok != 1 || count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1`, pid) != 2 {
			t.Fatalf("%d conversions succeeded: %v", ok, errs)
		}
	})
}

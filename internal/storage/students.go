package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// Student members: who graduates soon, the one-click move to a working
// (ordinary) membership, how many stayed per graduation cohort, and the
// joins by week around study start. Seeds 001, 002 and 004: student members
// usually stay when they start working, so the transition is a priority.

// DefaultGraduationMonths is how far ahead the graduating list and the
// conversion tasks look.
const DefaultGraduationMonths = 6

// regionJoin finds the region (kind 'region') above a person's unit; a
// person registered on the union itself has none.
const regionJoin = `LEFT JOIN org_units ru ON ru.kind = 'region' AND substr(p.unit_path, 1, length(ru.path)) = ru.path`

// GraduatingStudent is a student member whose expected graduation is near,
// or already past while the membership is still a student membership.
type GraduatingStudent struct {
	MembershipID       int64
	PersonID           int64
	Name               string
	Mobile             string
	Email              string
	Institution        string
	Programme          string
	ExpectedGraduation time.Time
	StartDate          time.Time
	RecruitedBy        string    // the recruiter's name, if any
	TaskDue            time.Time // when the open transfer task is due; zero when there is none
}

// StudentRegion is one region's part of a list of students. RegionID 0
// holds those registered above any region.
type StudentRegion struct {
	RegionID int64
	Region   string
	Students []GraduatingStudent
}

func (s *Storage) studentScope(u *access.Principal) (access.Scope, error) {
	if !u.Can(access.StudentRead) {
		return access.Scope{}, model.Errorf(model.EFORBIDDEN, "Du har ikke tilgang til studentmedlemmene.")
	}
	return u.Scope(access.StudentRead), nil
}

// GraduatingStudents lists the student members in the user's scope whose
// expected graduation falls within the next months (DefaultGraduationMonths
// when months is 0), per region: those whose date has passed but who are
// still student members come first, as they are the most urgent to ask.
func (s *Storage) GraduatingStudents(ctx context.Context, u *access.Principal, months int) ([]StudentRegion, error) {
	scope, err := s.studentScope(u)
	if err != nil {
		return nil, err
	}
	if months == 0 {
		months = DefaultGraduationMonths
	}
	if months < 1 || months > 24 {
		return nil, model.Errorf(model.EINVALID, "Velg mellom 1 og 24 måneder.")
	}
	a := access.Args{date(s.today().AddDate(0, months, 0))}
	rows, err := s.r.QueryContext(ctx, `SELECT m.id, p.id, p.first_name || ' ' || p.last_name, p.mobile, p.email, m.institution, m.programme,
		m.expected_graduation, m.start_date, COALESCE(rb.first_name || ' ' || rb.last_name, ''), COALESCE(ru.id, 0), COALESCE(ru.name, '')
		FROM memberships m JOIN persons p ON p.id = m.person_id LEFT JOIN persons rb ON rb.id = m.recruited_by `+regionJoin+`
		WHERE m.type = 'student' AND m.status IN ('active', 'arrears') AND m.end_date IS NULL AND m.expected_graduation <= $1
		AND `+scope.Filter("p.unit_path", &a), a...)
	if err != nil {
		return nil, err
	}
	byRegion := map[int64]*StudentRegion{}
	keys := map[int64]string{}
	var persons []any
	err = eachRow(rows, func() error {
		var g GraduatingStudent
		var rid int64
		var region string
		if err := rows.Scan(&g.MembershipID, &g.PersonID, &g.Name, &g.Mobile, &g.Email, &g.Institution, &g.Programme,
			&g.ExpectedGraduation, &g.StartDate, &g.RecruitedBy, &rid, &region); err != nil {
			return err
		}
		r := byRegion[rid]
		if r == nil {
			r = &StudentRegion{RegionID: rid, Region: region}
			byRegion[rid] = r
		}
		r.Students = append(r.Students, g)
		keys[g.PersonID] = norway.SortKey(g.Name)
		persons = append(persons, g.PersonID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	due, err := s.openConvertTasks(ctx, persons)
	if err != nil {
		return nil, err
	}
	out := make([]StudentRegion, 0, len(byRegion))
	for _, r := range byRegion {
		for i := range r.Students {
			r.Students[i].TaskDue = due[r.Students[i].PersonID]
		}
		slices.SortFunc(r.Students, func(a, b GraduatingStudent) int {
			return cmp.Or(a.ExpectedGraduation.Compare(b.ExpectedGraduation), strings.Compare(keys[a.PersonID], keys[b.PersonID]),
				cmp.Compare(a.MembershipID, b.MembershipID))
		})
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b StudentRegion) int { return regionOrder(a.RegionID, a.Region, b.RegionID, b.Region) })
	return out, nil
}

// regionOrder compares regions by name in Norwegian order, the union
// level (id 0) last.
func regionOrder(ia int64, na string, ib int64, nb string) int {
	if (ia == 0) != (ib == 0) {
		if ia == 0 {
			return 1
		}
		return -1
	}
	return cmp.Or(strings.Compare(norway.SortKey(na), norway.SortKey(nb)), cmp.Compare(ia, ib))
}

// openConvertTasks maps each of the persons to the earliest due date of
// their open transfer tasks.
func (s *Storage) openConvertTasks(ctx context.Context, persons []any) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	for chunk := range slices.Chunk(persons, 500) {
		rows, err := s.r.QueryContext(ctx, `SELECT person_id, due FROM tasks WHERE kind = 'convert' AND status = 'open' AND person_id IN `+placeholders(1, len(chunk)), chunk...)
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var id int64
			var due time.Time
			if err := rows.Scan(&id, &due); err != nil {
				return err
			}
			if d, ok := out[id]; !ok || due.Before(d) {
				out[id] = due.UTC()
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Conversion is what converting a student membership did.
type Conversion struct {
	StudentMembershipID int64
	MembershipID        int64 // the new ordinary membership
	PersonID            int64
	Name                string
	Date                time.Time
	TasksClosed         int
}

// ConvertStudent moves a student member in the user's scope to an ordinary
// membership in one step: the student membership ends today with status
// converted (kept as history), an ordinary membership starts the same day
// with the same recruiter, and open transfer tasks for the person are done.
// Converting the same membership twice is a conflict.
func (s *Storage) ConvertStudent(ctx context.Context, u *access.Principal, membershipID int64) (*Conversion, error) {
	if !u.Can(access.StudentWrite) {
		return nil, model.Errorf(model.EFORBIDDEN, "Du har ikke tilgang til å overføre studentmedlemmer.")
	}
	c := &Conversion{StudentMembershipID: membershipID}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		args := access.Args{membershipID}
		var typ, status string
		var end sql.NullTime
		var recruiter sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT m.person_id, p.first_name || ' ' || p.last_name, m.type, m.status, m.end_date, m.recruited_by
			FROM memberships m JOIN persons p ON p.id = m.person_id WHERE m.id = $1 AND `+u.Scope(access.StudentWrite).Filter("p.unit_path", &args), args...).
			Scan(&c.PersonID, &c.Name, &typ, &status, &end, &recruiter)
		if err != nil {
			return notFound(err, "medlemskapet")
		}
		if typ != model.TypeStudent {
			return model.Errorf(model.EINVALID, "Dette er ikke et studentmedlemskap.")
		}
		if status == model.StatusConverted {
			return model.Errorf(model.ECONFLICT, "%s er allerede overført til yrkesmedlemskap (%s).", c.Name, timeOf(end).Format("02.01.2006"))
		}
		if !model.IsMember(status) || end.Valid {
			return model.Errorf(model.ECONFLICT, "Studentmedlemskapet til %s er avsluttet og kan ikke overføres.", c.Name)
		}
		now, today := s.now().UTC(), s.today()
		c.Date = today
		// The status condition makes a second, concurrent conversion
		// change nothing.
		r, err := tx.ExecContext(ctx, `UPDATE memberships SET status = $1, end_date = $2 WHERE id = $3 AND status IN ('active', 'arrears') AND end_date IS NULL`,
			model.StatusConverted, date(today), membershipID)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			if err == nil {
				err = model.Errorf(model.ECONFLICT, "%s er allerede overført til yrkesmedlemskap.", c.Name)
			}
			return err
		}
		detail := "studentmedlemskap overført til yrkesmedlemskap"
		if err := s.audit(ctx, tx, u, "update", "membership", membershipID, []string{"status", "end_date"}, c.PersonID, detail); err != nil {
			return err
		}
		// Unpaid dues stay unpaid: an ordinary membership continues in arrears.
		if err := tx.QueryRowContext(ctx, `INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.PersonID, model.TypeOrdinary, status, date(today), string(model.SourceStudentTransfer), recruiter).
			Scan(&c.MembershipID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, u, "create", "membership", c.MembershipID, []string{"type", "status", "start_date", "source", "recruited_by"}, c.PersonID, detail); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET updated_at = $1 WHERE id = $2`, now, c.PersonID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
			SELECT $1, $2, $3, 'update', 'task', id, 'status,done_at', person_id, '', $4 FROM tasks WHERE person_id = $5 AND kind = 'convert' AND status = 'open'`,
			now, nullID(u.UserID), u.Username, u.RemoteAddr, c.PersonID); err != nil {
			return err
		}
		r, err = tx.ExecContext(ctx, `UPDATE tasks SET status = 'done', done_at = $1 WHERE person_id = $2 AND kind = 'convert' AND status = 'open'`, now, c.PersonID)
		if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		c.TasksClosed = int(n)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// convertTasksLock is the PostgreSQL advisory lock key of CreateConvertTasks.
const convertTasksLock = 0x5645525645 // "VERVE"

// convertTaskTitle names the tasks CreateConvertTasks makes.
const convertTaskTitle = "Snakk om overgang til yrkesmedlemskap"

// CreateConvertTasks gives each student member graduating within
// DefaultGraduationMonths (or already graduated and still a student member)
// a transfer task, unless they have an open or done one: owned by their
// region's recruitment coordinator, due a month before the expected
// graduation or today if that is sooner. Only student members in u's
// scope get one; the worker runs it as System. It returns how many it made.
func (s *Storage) CreateConvertTasks(ctx context.Context, u *access.Principal) (int, error) {
	type cand struct {
		person   int64
		path     string
		owner    sql.NullInt64
		graduate time.Time
	}
	var made int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// One run at a time, also across server processes: SQLite's writer
		// is one already; PostgreSQL takes a lock held until commit.
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, convertTasksLock); err != nil {
				return err
			}
		}
		now, today := s.now().UTC(), s.today()
		args := access.Args{date(today.AddDate(0, DefaultGraduationMonths, 0))}
		rows, err := tx.QueryContext(ctx, `SELECT m.person_id, p.unit_path, m.expected_graduation,
			(SELECT MIN(r.person_id) FROM roles r JOIN org_units ru ON ru.id = r.unit_id
				WHERE r.role = 'recruitment_coordinator' AND r.end_date IS NULL AND ru.kind = 'region' AND substr(p.unit_path, 1, length(ru.path)) = ru.path)
			FROM memberships m JOIN persons p ON p.id = m.person_id
			WHERE m.type = 'student' AND m.status IN ('active', 'arrears') AND m.end_date IS NULL AND m.expected_graduation <= $1
			AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.person_id = m.person_id AND t.kind = 'convert' AND t.status IN ('open', 'done'))
			AND `+u.Scope(access.TaskWrite).Filter("p.unit_path", &args)+`
			ORDER BY m.person_id, m.expected_graduation`, args...)
		if err != nil {
			return err
		}
		var cands []cand
		err = eachRow(rows, func() error {
			var c cand
			if err := rows.Scan(&c.person, &c.path, &c.graduate, &c.owner); err != nil {
				return err
			}
			// One task a person, for the earliest of their student memberships.
			if n := len(cands); n == 0 || cands[n-1].person != c.person {
				cands = append(cands, c)
			}
			return nil
		})
		if err != nil || len(cands) == 0 {
			return err
		}
		var before int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM tasks`).Scan(&before); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO tasks (kind, title, person_id, unit_path, owner_person_id, due, status, created_at)
			VALUES ('convert', $1, $2, $3, $4, $5, 'open', $6)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cands {
			due := c.graduate.AddDate(0, -1, 0)
			if due.Before(today) {
				due = today
			}
			if _, err := stmt.ExecContext(ctx, convertTaskTitle, c.person, c.path, c.owner, date(due), now); err != nil {
				return err
			}
		}
		made = len(cands)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
			SELECT $1, $2, $3, 'create', 'task', id, 'kind,due,owner', person_id, '', '' FROM tasks WHERE id > $4 AND kind = 'convert' AND title = $5`,
			now, nullID(u.UserID), u.Username, before, convertTaskTitle)
		return err
	})
	return made, err
}

// ConversionRow is one graduation cohort at one institution (Institution
// "" for the cohort as a whole): the student members who reached their
// expected graduation as members, how many moved to a working membership,
// and how many are still on a student membership.
type ConversionRow struct {
	Year        int
	Term        int // 1 spring (January–June), 2 autumn
	Institution string
	Graduated   int
	Converted   int
	Student     int
}

// Rate is the share converted, 0..1.
func (r ConversionRow) Rate() float64 { return ratio(r.Converted, r.Graduated) }

// Cohort is the cohort's key, such as "2026-1".
func (r ConversionRow) Cohort() string { return fmt.Sprintf("%d-%d", r.Year, r.Term) }

// ConversionRates counts, per graduation cohort (year and term of the
// expected graduation, past only) and institution, the student members in
// the user's scope who graduated as members and how many converted. A
// student membership that ended more than half a year before the expected
// graduation (left during the studies) is not counted; a conversion always
// is. Cohorts come newest first, each with its total before its
// institutions; the last row is the total of all.
func (s *Storage) ConversionRates(ctx context.Context, u *access.Principal) ([]ConversionRow, ConversionRow, error) {
	total := ConversionRow{}
	scope, err := s.studentScope(u)
	if err != nil {
		return nil, total, err
	}
	a := access.Args{date(s.today())}
	rows, err := s.r.QueryContext(ctx, `SELECT m.institution, m.expected_graduation, m.status, m.end_date
		FROM memberships m JOIN persons p ON p.id = m.person_id
		WHERE m.type = 'student' AND m.expected_graduation < $1 AND `+scope.Filter("p.unit_path", &a), a...)
	if err != nil {
		return nil, total, err
	}
	type key struct {
		year, term int
		inst       string
	}
	byKey := map[key]*ConversionRow{}
	add := func(k key, converted, student bool) {
		r := byKey[k]
		if r == nil {
			r = &ConversionRow{Year: k.year, Term: k.term, Institution: k.inst}
			byKey[k] = r
		}
		r.Graduated++
		if converted {
			r.Converted++
		}
		if student {
			r.Student++
		}
	}
	err = eachRow(rows, func() error {
		var inst, status string
		var grad time.Time
		var end sql.NullTime
		if err := rows.Scan(&inst, &grad, &status, &end); err != nil {
			return err
		}
		converted := status == model.StatusConverted
		if !converted && end.Valid && end.Time.Before(grad.AddDate(0, -6, 0)) {
			return nil
		}
		student := !converted && !end.Valid && model.IsMember(status)
		if !converted && !student && !end.Valid {
			return nil // pending or otherwise not a membership yet
		}
		term := 1
		if grad.Month() > time.June {
			term = 2
		}
		add(key{grad.Year(), term, inst}, converted, student)
		add(key{grad.Year(), term, "\x00"}, converted, student)
		total.Graduated++
		if converted {
			total.Converted++
		}
		if student {
			total.Student++
		}
		return nil
	})
	if err != nil {
		return nil, total, err
	}
	out := make([]ConversionRow, 0, len(byKey))
	for _, r := range byKey {
		if r.Institution == "\x00" {
			r.Institution = ""
		}
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b ConversionRow) int {
		if c := cmp.Or(cmp.Compare(b.Year, a.Year), cmp.Compare(b.Term, a.Term)); c != 0 {
			return c
		}
		if (a.Institution == "") != (b.Institution == "") {
			if a.Institution == "" {
				return -1
			}
			return 1
		}
		return strings.Compare(norway.SortKey(a.Institution), norway.SortKey(b.Institution))
	})
	return out, total, nil
}

// ISOWeek is a week as Norwegians number them.
type ISOWeek struct {
	Year, Week int
	Monday     time.Time
}

// StudyStartRow is one institution in one region: its student members now
// and the student memberships that started each week.
type StudyStartRow struct {
	RegionID    int64
	Region      string
	Institution string
	Members     int
	Joins       []int // one per week of StudyStart.Weeks
	Total       int
}

// StudyStart is the study-start campaign view: institutions in the user's
// scope with student-member counts and joins per ISO week since a day.
type StudyStart struct {
	Since   time.Time
	Weeks   []ISOWeek
	Rows    []StudyStartRow
	Totals  []int // joins per week, all rows
	Joins   int
	Members int
}

// maxStudyStartWeeks bounds the table.
const maxStudyStartWeeks = 53

// StudyStart counts, for the institutions of the student members in the
// user's scope, the current student members and the student memberships
// started in each ISO week from since's week until this week (at most a
// year; an older since is moved forward).
func (s *Storage) StudyStart(ctx context.Context, u *access.Principal, since time.Time) (*StudyStart, error) {
	scope, err := s.studentScope(u)
	if err != nil {
		return nil, err
	}
	today := s.today()
	since = time.Date(since.Year(), since.Month(), since.Day(), 0, 0, 0, 0, time.UTC)
	if since.After(today) {
		since = today
	}
	first := monday(since)
	if last := monday(today); last.Sub(first) > (maxStudyStartWeeks-1)*7*24*time.Hour {
		first = last.AddDate(0, 0, -7*(maxStudyStartWeeks-1))
		since = first
	}
	st := &StudyStart{Since: since}
	for m := first; !m.After(today); m = m.AddDate(0, 0, 7) {
		y, w := m.ISOWeek()
		st.Weeks = append(st.Weeks, ISOWeek{Year: y, Week: w, Monday: m})
	}
	st.Totals = make([]int, len(st.Weeks))
	a := access.Args{date(since)}
	rows, err := s.r.QueryContext(ctx, `SELECT COALESCE(ru.id, 0), COALESCE(ru.name, ''), m.institution, m.start_date, m.status, m.end_date
		FROM memberships m JOIN persons p ON p.id = m.person_id `+regionJoin+`
		WHERE m.type = 'student' AND m.status NOT IN ('pending', 'rejected', 'prospect') AND (m.end_date IS NULL OR m.start_date >= $1)
		AND `+scope.Filter("p.unit_path", &a), a...)
	if err != nil {
		return nil, err
	}
	type key struct {
		region int64
		inst   string
	}
	byKey := map[key]*StudyStartRow{}
	err = eachRow(rows, func() error {
		var rid int64
		var region, inst, status string
		var start time.Time
		var end sql.NullTime
		if err := rows.Scan(&rid, &region, &inst, &start, &status, &end); err != nil {
			return err
		}
		r := byKey[key{rid, inst}]
		if r == nil {
			r = &StudyStartRow{RegionID: rid, Region: region, Institution: inst, Joins: make([]int, len(st.Weeks))}
			byKey[key{rid, inst}] = r
		}
		if !end.Valid && model.IsMember(status) {
			r.Members++
			st.Members++
		}
		if start = start.UTC(); !start.Before(since) && !start.After(today) {
			i := int(start.Sub(first).Hours()/24) / 7
			r.Joins[i]++
			r.Total++
			st.Totals[i]++
			st.Joins++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range byKey {
		st.Rows = append(st.Rows, *r)
	}
	slices.SortFunc(st.Rows, func(a, b StudyStartRow) int {
		return cmp.Or(regionOrder(a.RegionID, a.Region, b.RegionID, b.Region),
			strings.Compare(norway.SortKey(a.Institution), norway.SortKey(b.Institution)), strings.Compare(a.Institution, b.Institution))
	})
	return st, nil
}

// monday is the Monday of t's ISO week.
func monday(t time.Time) time.Time {
	d := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-d, 0, 0, 0, 0, time.UTC)
}

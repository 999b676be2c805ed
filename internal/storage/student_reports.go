package storage

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/students"
)

// Reports on student members: who graduates soon, how many stayed per
// graduation cohort, and the joins by week around study start. Seeds 001,
// 002 and 004: student members usually stay when they start working, so
// the transition is a priority. The queries return one row per student
// membership; package students counts and orders them.

// The student types are package students'.
type (
	GraduatingStudent = students.Graduating
	StudentRegion     = students.Region
	ConversionRow     = students.ConversionRow
	ISOWeek           = students.Week
	StudyStartRow     = students.StudyStartRow
	StudyStart        = students.StudyStart
)

// regionFinder finds the region (kind 'region') above a person's unit; a
// person registered on the union itself has none. In Go, from the few
// regions, rather than a join that scans the org units for every row.
type regionFinder []regionRow

type regionRow struct {
	id         int64
	name, path string
}

func (s *Storage) regionFinder(ctx context.Context) (regionFinder, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, path FROM org_units WHERE kind = 'region'`)
	if err != nil {
		return nil, err
	}
	var out regionFinder
	err = eachRow(rows, func() error {
		out = append(out, regionRow{})
		r := &out[len(out)-1]
		return rows.Scan(&r.id, &r.name, &r.path)
	})
	return out, err
}

// of returns the region above unitPath, or 0 and "".
func (f regionFinder) of(unitPath string) (int64, string) {
	for _, r := range f {
		if strings.HasPrefix(unitPath, r.path) {
			return r.id, r.name
		}
	}
	return 0, ""
}

// notJoinedStatuses: a membership in one of these never began.
var notJoinedStatuses = sqlSet(model.StatusPending, model.StatusRejected, model.StatusProspect)

func (s *Storage) studentScope(u *access.Principal) (access.Scope, error) {
	if !u.Can(access.StudentRead) {
		return access.Scope{}, model.ErrorKey(model.EFORBIDDEN, "err.student.forbidden")
	}
	return u.Scope(access.StudentRead), nil
}

// GraduatingStudents lists the student members in the user's scope whose
// expected graduation falls within the next months (see students.Horizon),
// per region (regions by name in Norwegian order, those above any region
// last), each region with its count and the first of its students: the
// earliest expected graduation first (those already past are the most
// urgent to ask), then by name, at most limit in all. Each listed student
// has the due date of their open transfer task. Only the students listed
// are read into Go; when they are not all, the regions' counts are counted
// per unit path, so a union's thousands cost little more than the page
// shows.
func (s *Storage) GraduatingStudents(ctx context.Context, u *access.Principal, months, limit int) ([]StudentRegion, error) {
	scope, err := s.studentScope(u)
	if err != nil {
		return nil, err
	}
	horizon, err := students.Horizon(s.today(), months)
	if err != nil {
		return nil, err
	}
	regions, err := s.regionFinder(ctx)
	if err != nil {
		return nil, err
	}
	// The students in order, by region (ranked here, in Norwegian order,
	// those above any region last) first: one read of them all, by unit
	// path and id alone, counts them per region, and only the first limit
	// are read in full. (Reading them all again to count them was 40% of
	// an admin's page at a million members.)
	slices.SortFunc(regions, func(a, b regionRow) int { return students.RegionOrder(a.id, a.name, b.id, b.name) })
	// CROSS JOIN: the few graduating students are read by their index and
	// their persons looked up, not the scope's persons walked (SQLite).
	var a access.Args
	cond := ` FROM memberships m CROSS JOIN persons p WHERE p.id = m.person_id AND m.type = 'student' AND m.status IN ` + currentStatuses +
		` AND m.end_date IS NULL AND m.expected_graduation <= ` + a.Add(date(horizon)) + ` AND ` + scope.FilterAt("p.unit_path", "p.workplace_id", &a)
	order := `m.expected_graduation, p.sort_key, m.id`
	if len(regions) > 0 {
		var rank strings.Builder
		for i, r := range regions {
			rank.WriteString(` WHEN ` + access.Scope{Paths: []string{r.path}}.Filter("p.unit_path", &a) + ` THEN ` + strconv.Itoa(i))
		}
		order = `CASE` + rank.String() + ` ELSE ` + strconv.Itoa(len(regions)) + ` END, ` + order
	}
	rows, err := s.r.QueryContext(ctx, `SELECT p.unit_path, m.id`+cond+` ORDER BY `+order, a...)
	if err != nil {
		return nil, err
	}
	var out []StudentRegion
	var first []any // the first limit memberships, in order
	counts := map[int64]int{}
	err = eachRow(rows, func() error {
		var path string
		var id int64
		if err := rows.Scan(&path, &id); err != nil {
			return err
		}
		region, name := regions.of(path)
		if counts[region] == 0 {
			out = append(out, StudentRegion{RegionID: region, Region: name})
		}
		counts[region]++
		if len(first) < limit {
			first = append(first, id)
			out[len(out)-1].Students = append(out[len(out)-1].Students, GraduatingStudent{MembershipID: id})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	full, err := s.graduatingDetails(ctx, first)
	if err != nil {
		return nil, err
	}
	var persons []any
	for i := range out {
		r := &out[i]
		r.Count = counts[r.RegionID]
		for j, g := range r.Students {
			r.Students[j] = full[g.MembershipID]
			persons = append(persons, r.Students[j].PersonID)
		}
	}
	due, err := s.openConvertTasks(ctx, persons)
	if err != nil {
		return nil, err
	}
	for _, r := range out {
		for i := range r.Students {
			r.Students[i].TaskDue = due[r.Students[i].PersonID]
		}
	}
	return out, nil
}

// graduatingDetails reads what the list shows of the given memberships
// (ids GraduatingStudents found in the user's scope), by id.
func (s *Storage) graduatingDetails(ctx context.Context, ids []any) (map[int64]GraduatingStudent, error) {
	out := map[int64]GraduatingStudent{}
	for chunk := range slices.Chunk(ids, 500) {
		rows, err := s.r.QueryContext(ctx, `SELECT m.id, p.id, p.first_name || ' ' || p.last_name, p.mobile, p.email, m.institution, m.programme,
			m.expected_graduation, m.start_date, COALESCE((SELECT rb.first_name || ' ' || rb.last_name FROM persons rb WHERE rb.id = m.recruited_by), '')
			FROM memberships m JOIN persons p ON p.id = m.person_id WHERE m.id IN `+placeholders(1, len(chunk)), chunk...)
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var g GraduatingStudent
			if err := rows.Scan(&g.MembershipID, &g.PersonID, &g.Name, &g.Mobile, &g.Email, &g.Institution, &g.Programme,
				&g.ExpectedGraduation, &g.StartDate, &g.RecruitedBy); err != nil {
				return err
			}
			out[g.MembershipID] = g
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ConversionRates counts, per graduation cohort (year and term of the
// expected graduation, past only) and institution, the student members in
// the user's scope who graduated as members and how many converted (see
// students.ConversionRates); the last value is the total of all.
func (s *Storage) ConversionRates(ctx context.Context, u *access.Principal) ([]ConversionRow, ConversionRow, error) {
	scope, err := s.studentScope(u)
	if err != nil {
		return nil, ConversionRow{}, err
	}
	a := access.Args{date(s.today())}
	rows, err := s.r.QueryContext(ctx, `SELECT m.institution, m.expected_graduation, m.status, m.end_date
		FROM memberships m JOIN persons p ON p.id = m.person_id
		WHERE m.type = 'student' AND m.expected_graduation < $1 AND `+scope.FilterAt("p.unit_path", "p.workplace_id", &a), a...)
	if err != nil {
		return nil, ConversionRow{}, err
	}
	var gs []students.Graduate
	err = eachRow(rows, func() error {
		var g students.Graduate
		var end sql.NullTime
		if err := rows.Scan(&g.Institution, &g.Graduation, &g.Status, &end); err != nil {
			return err
		}
		g.End = timeOf(end)
		gs = append(gs, g)
		return nil
	})
	if err != nil {
		return nil, ConversionRow{}, err
	}
	out, total := students.ConversionRates(gs)
	return out, total, nil
}

// StudyStart counts, for the institutions of the student members in the
// user's scope, the current student members and the student memberships
// started in each ISO week from since's week until this week (see
// students.Weeks and students.CountStudyStart).
func (s *Storage) StudyStart(ctx context.Context, u *access.Principal, since time.Time) (*StudyStart, error) {
	scope, err := s.studentScope(u)
	if err != nil {
		return nil, err
	}
	today := s.today()
	from, _ := students.Weeks(since, today)
	regions, err := s.regionFinder(ctx)
	if err != nil {
		return nil, err
	}
	a := access.Args{date(from)}
	rows, err := s.r.QueryContext(ctx, `SELECT p.unit_path, m.institution, m.start_date, m.status, m.end_date IS NOT NULL
		FROM memberships m JOIN persons p ON p.id = m.person_id
		WHERE m.type = 'student' AND m.status NOT IN `+notJoinedStatuses+` AND (m.end_date IS NULL OR m.start_date >= $1)
		AND `+scope.FilterAt("p.unit_path", "p.workplace_id", &a), a...)
	if err != nil {
		return nil, err
	}
	var starts []students.Start
	err = eachRow(rows, func() error {
		var st students.Start
		var path string
		if err := rows.Scan(&path, &st.Institution, &st.Start, &st.Status, &st.Ended); err != nil {
			return err
		}
		st.RegionID, st.Region = regions.of(path)
		starts = append(starts, st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return students.CountStudyStart(since, today, starts), nil
}

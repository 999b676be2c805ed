package storage

import (
	"context"
	"database/sql"
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

// regionJoin finds the region (kind 'region') above a person's unit; a
// person registered on the union itself has none.
const regionJoin = `LEFT JOIN org_units ru ON ru.kind = 'region' AND substr(p.unit_path, 1, length(ru.path)) = ru.path`

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
// per region in the order students.ByRegion gives, each with the due date
// of their open transfer task.
func (s *Storage) GraduatingStudents(ctx context.Context, u *access.Principal, months int) ([]StudentRegion, error) {
	scope, err := s.studentScope(u)
	if err != nil {
		return nil, err
	}
	horizon, err := students.Horizon(s.today(), months)
	if err != nil {
		return nil, err
	}
	a := access.Args{date(horizon)}
	rows, err := s.r.QueryContext(ctx, `SELECT m.id, p.id, p.first_name || ' ' || p.last_name, p.mobile, p.email, m.institution, m.programme,
		m.expected_graduation, m.start_date, COALESCE(rb.first_name || ' ' || rb.last_name, ''), COALESCE(ru.id, 0), COALESCE(ru.name, '')
		FROM memberships m JOIN persons p ON p.id = m.person_id LEFT JOIN persons rb ON rb.id = m.recruited_by `+regionJoin+`
		WHERE m.type = 'student' AND m.status IN `+currentStatuses+` AND m.end_date IS NULL AND m.expected_graduation <= $1
		AND `+scope.FilterAt("p.unit_path", "p.workplace_id", &a), a...)
	if err != nil {
		return nil, err
	}
	var list []StudentRegion
	var persons []any
	err = eachRow(rows, func() error {
		var g GraduatingStudent
		r := StudentRegion{Students: []GraduatingStudent{{}}}
		if err := rows.Scan(&g.MembershipID, &g.PersonID, &g.Name, &g.Mobile, &g.Email, &g.Institution, &g.Programme,
			&g.ExpectedGraduation, &g.StartDate, &g.RecruitedBy, &r.RegionID, &r.Region); err != nil {
			return err
		}
		r.Students[0] = g
		list = append(list, r)
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
	for _, r := range list {
		r.Students[0].TaskDue = due[r.Students[0].PersonID]
	}
	return students.ByRegion(list), nil
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
	a := access.Args{date(from)}
	rows, err := s.r.QueryContext(ctx, `SELECT COALESCE(ru.id, 0), COALESCE(ru.name, ''), m.institution, m.start_date, m.status, m.end_date IS NOT NULL
		FROM memberships m JOIN persons p ON p.id = m.person_id `+regionJoin+`
		WHERE m.type = 'student' AND m.status NOT IN `+notJoinedStatuses+` AND (m.end_date IS NULL OR m.start_date >= $1)
		AND `+scope.FilterAt("p.unit_path", "p.workplace_id", &a), a...)
	if err != nil {
		return nil, err
	}
	var starts []students.Start
	err = eachRow(rows, func() error {
		var st students.Start
		if err := rows.Scan(&st.RegionID, &st.Region, &st.Institution, &st.Start, &st.Status, &st.Ended); err != nil {
			return err
		}
		starts = append(starts, st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return students.CountStudyStart(since, today, starts), nil
}

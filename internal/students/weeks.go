package students

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// Week is a week as Norwegians number them (ISO 8601): the week of a
// year's first Thursday is week 1, so the days around New Year can belong
// to the week of the year before or after.
type Week struct {
	Year, Week int
	Monday     time.Time
}

// Monday is the Monday of the ISO week of t's day (UTC midnight).
func Monday(t time.Time) time.Time {
	d := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-d, 0, 0, 0, 0, time.UTC)
}

// WeekOf is the ISO week of t's day.
func WeekOf(t time.Time) Week {
	m := Monday(t)
	y, w := m.ISOWeek()
	return Week{Year: y, Week: w, Monday: m}
}

// MaxWeeks bounds the study-start table.
const MaxWeeks = 53

// Weeks are the ISO weeks from since's week until today's, at most
// MaxWeeks: an older since is moved forward to the Monday that leaves
// MaxWeeks, a later one back to today. It returns the since it used.
func Weeks(since, today time.Time) (time.Time, []Week) {
	since = time.Date(since.Year(), since.Month(), since.Day(), 0, 0, 0, 0, time.UTC)
	if since.After(today) {
		since = today
	}
	first := Monday(since)
	if last := Monday(today); last.AddDate(0, 0, -7*(MaxWeeks-1)).After(first) {
		first = last.AddDate(0, 0, -7*(MaxWeeks-1))
		since = first
	}
	var weeks []Week
	for m := first; !m.After(today); m = m.AddDate(0, 0, 7) {
		weeks = append(weeks, WeekOf(m))
	}
	return since, weeks
}

// weekIndex is the place of day's week in weeks, -1 when outside.
func weekIndex(weeks []Week, day time.Time) int {
	if len(weeks) == 0 {
		return -1
	}
	days := int(Monday(day).Sub(weeks[0].Monday).Hours()+12) / 24 // +12: whole days, whatever the clock
	if i := days / 7; days >= 0 && i < len(weeks) {
		return i
	}
	return -1
}

// Start is a student membership as the study-start view reads it.
type Start struct {
	RegionID    int64
	Region      string
	Institution string
	Start       time.Time
	Status      model.MembershipStatus
	Ended       bool
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

// StudyStart is the study-start campaign view: institutions with
// student-member counts and joins per ISO week since a day.
type StudyStart struct {
	Since   time.Time
	Weeks   []Week
	Rows    []StudyStartRow
	Totals  []int // joins per week, all rows
	Joins   int
	Members int
}

// CountStudyStart counts, per region and institution, the current student
// members and the student memberships started in each week from since
// (see Weeks) until today; rows by region (RegionOrder), then institution
// in Norwegian order.
func CountStudyStart(since, today time.Time, starts []Start) *StudyStart {
	st := &StudyStart{}
	st.Since, st.Weeks = Weeks(since, today)
	st.Totals = make([]int, len(st.Weeks))
	type key struct {
		region int64
		inst   string
	}
	byKey := map[key]*StudyStartRow{}
	for _, s := range starts {
		k := key{s.RegionID, s.Institution}
		r := byKey[k]
		if r == nil {
			r = &StudyStartRow{RegionID: s.RegionID, Region: s.Region, Institution: s.Institution, Joins: make([]int, len(st.Weeks))}
			byKey[k] = r
		}
		if !s.Ended && model.IsMember(s.Status) {
			r.Members++
			st.Members++
		}
		if day := s.Start.UTC(); !day.Before(st.Since) && !day.After(today) {
			if i := weekIndex(st.Weeks, day); i >= 0 {
				r.Joins[i]++
				r.Total++
				st.Totals[i]++
				st.Joins++
			}
		}
	}
	for _, r := range byKey {
		st.Rows = append(st.Rows, *r)
	}
	slices.SortFunc(st.Rows, func(a, b StudyStartRow) int {
		return cmp.Or(RegionOrder(a.RegionID, a.Region, b.RegionID, b.Region),
			strings.Compare(norway.SortKey(a.Institution), norway.SortKey(b.Institution)), strings.Compare(a.Institution, b.Institution))
	})
	return st
}

// Package students decides the rules for student members: how far ahead
// the graduating list looks, who gets a transfer task, when and to whom,
// whether a membership may be converted and what converting makes
// (convert.go), which graduation
// cohort a member belongs to and whether they count as graduated,
// converted or still a student, the ISO weeks of the study-start view, and
// the order regions and institutions are shown in.
//
// Storage returns plain rows (one per student membership) and this
// package aggregates them. The student memberships are a small part of a
// union (tens of thousands of rows at a million members), so counting in
// Go costs little and keeps each rule in one place.
package students

import (
	"cmp"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// DefaultMonths is how far ahead the graduating list and the transfer
// tasks look.
const DefaultMonths = 6

// Horizon is the last expected graduation the graduating list shows:
// months ahead of today (DefaultMonths when months is 0, else 1 to 24).
func Horizon(today time.Time, months int) (time.Time, error) {
	if months == 0 {
		months = DefaultMonths
	}
	if months < 1 || months > 24 {
		return time.Time{}, model.ErrorKey(model.EINVALID, "err.student.months")
	}
	return today.AddDate(0, months, 0), nil
}

// TaskDue is when a transfer task is due: a month before the expected
// graduation, or today if that is sooner.
func TaskDue(graduation, today time.Time) time.Time {
	due := graduation.AddDate(0, -1, 0)
	if due.Before(today) {
		return today
	}
	return due
}

// Graduating is a student member whose expected graduation is near, or
// already past while the membership is still a student membership.
type Graduating struct {
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

// Region is one region's part of a list of students. RegionID 0 holds
// those registered above any region.
type Region struct {
	RegionID int64
	Region   string
	Students []Graduating
	Count    int // the region's students, listed or not
}

// RegionOrder compares regions by name in Norwegian order, the union
// level (id 0) last.
func RegionOrder(ia int64, na string, ib int64, nb string) int {
	if (ia == 0) != (ib == 0) {
		if ia == 0 {
			return 1
		}
		return -1
	}
	return cmp.Or(strings.Compare(norway.SortKey(na), norway.SortKey(nb)), cmp.Compare(ia, ib))
}

// Texts stored with the data are in the union's language, bokmål: the
// title of a transfer task and the audit log's note on a conversion.

// TaskTitle is the title of a transfer task.
func TaskTitle() string { return locale.T("nb", "stu.task.title") }

// ConvertedNote is the audit log's note on a converted membership.
func ConvertedNote() string { return locale.T("nb", "stu.audit.converted") }

package students

import (
	"time"

	"github.com/verve-union/verve/internal/model"
)

// The move of a graduating student member to a working (ordinary)
// membership: who gets a transfer task, and what converting does.
// Storage finds the members set-wise and applies what these say.

// TaskBlockers are the statuses of a transfer task that keep a student
// member from getting another: an open one is being worked, a done one
// was (a member who stayed a student after it is not asked again).
var TaskBlockers = model.List[model.TaskStatus]{model.TaskOpen, model.TaskDone}

// TaskOwner is who gets a transfer task: the holder of OwnerRole in the
// member's unit of kind OwnerUnit (the first by person id); with none,
// the task stays with the member's unit. Conversion is the region's
// recruitment work, not the workplace's.
const (
	OwnerRole = model.RoleCoordinator
	OwnerUnit = model.UnitRegion
)

// TaskHorizon is the last expected graduation that gets a transfer task
// today: DefaultMonths ahead, those already past included.
func TaskHorizon(today time.Time) time.Time { return today.AddDate(0, DefaultMonths, 0) }

// Convertible says whether a membership may be converted, and if not why
// (an error for the person named name): it must be a student membership
// (typ), not converted already (on end), and still current (a member's
// status, not ended).
func Convertible(name string, typ model.MembershipType, status model.MembershipStatus, end time.Time) error {
	switch {
	case typ != model.TypeStudent:
		return model.ErrorKey(model.EINVALID, "err.student.notstudent")
	case status == model.StatusConverted:
		return model.ErrorKey(model.ECONFLICT, "err.student.converted", "name", name, "date", end.Format("02.01.2006"))
	case !model.IsMember(status) || !end.IsZero():
		return model.ErrorKey(model.ECONFLICT, "err.student.ended", "name", name)
	}
	return nil
}

// Successor is the membership a conversion makes.
type Successor struct {
	Type   model.MembershipType
	Status model.MembershipStatus
	Source model.Source
}

// Convert is what converting a student membership in status does: the
// student membership ends today with status Ended (kept as history); an
// ordinary membership starts the same day with the same recruiter and
// the same status, so unpaid dues stay unpaid (an ordinary membership
// continues in arrears); the member's open transfer tasks are done.
func Convert(status model.MembershipStatus) Successor {
	return Successor{Type: model.TypeOrdinary, Status: status, Source: model.SourceStudentTransfer}
}

// Ended is the status a converted student membership ends with.
const Ended = model.StatusConverted

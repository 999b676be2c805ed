package register

import (
	"testing"

	"github.com/verve-union/verve/internal/model"
)

func TestPlanStatus(t *testing.T) {
	for _, tc := range []struct {
		member bool
		rec    model.MembershipStatus
		want   model.MembershipStatus
	}{
		{true, model.StatusArrears, model.StatusArrears},
		{true, model.StatusActive, model.StatusActive},
		{true, "", model.StatusActive},
		{true, model.StatusResigned, model.StatusActive}, // retired: a member still
		{false, model.StatusRemoved, model.StatusRemoved},
		{false, model.StatusResigned, model.StatusResigned},
		{false, "", model.StatusResigned},
		{false, model.StatusActive, model.StatusResigned}, // resigned by its date while the register still says active
	} {
		if got := (Plan{Member: tc.member}).Status(tc.rec); got != tc.want {
			t.Errorf("member %v, register %q: %q, want %q", tc.member, tc.rec, got, tc.want)
		}
	}
}

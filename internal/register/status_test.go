package register

import (
	"testing"
	"time"

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

func TestPlanMembership(t *testing.T) {
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	joined, resigned := today.AddDate(-2, 0, 0), today.AddDate(0, -1, 0)
	for _, tc := range []struct {
		name       string
		first      bool
		plan       Plan
		rec        Record
		status     model.MembershipStatus
		typ        model.MembershipType
		start, end time.Time
	}{
		{"first load: the register's dates", true, Plan{Join: true}, Record{Type: model.TypeStudent, Joined: joined}, model.StatusActive,
			model.TypeStudent, joined, time.Time{}},
		{"a join as news starts today", false, Plan{Join: true}, Record{Joined: joined}, model.StatusActive, model.TypeOrdinary, today, time.Time{}},
		{"no join date: today", true, Plan{}, Record{}, model.StatusArrears, model.TypeOrdinary, today, time.Time{}},
		{"retired", false, Plan{Retire: true}, Record{Type: model.TypeOrdinary, Joined: joined}, model.StatusActive, model.TypeRetired, joined, time.Time{}},
		{"resigned on the register's date", true, Plan{}, Record{Joined: joined, Resigned: resigned}, model.StatusResigned, model.TypeOrdinary, joined, resigned},
		{"resigned without a date: today", true, Plan{}, Record{Joined: joined}, model.StatusRemoved, model.TypeOrdinary, joined, today},
	} {
		typ, start, end := tc.plan.Membership(tc.first, tc.rec, tc.status, today)
		if typ != tc.typ || !start.Equal(tc.start) || !end.Equal(tc.end) {
			t.Errorf("%s: %s %s %s", tc.name, typ, start, end)
		}
	}
}

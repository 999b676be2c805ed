package model

import (
	"strings"
	"testing"
)

func TestJoinStatus(t *testing.T) {
	if JoinStatus(true) != StatusActive || JoinStatus(false) != StatusPending {
		t.Error(JoinStatus(true), JoinStatus(false))
	}
}

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name    string
		approve bool
		reason  string
		want    Decision
		field   string // the field an error names
	}{
		{"approve", true, "", Decision{Approve: true, Membership: StatusActive, Person: StatusActive, Action: "approve"}, ""},
		{"reject with a reason, trimmed", false, "  Ikke i vår bransje ",
			Decision{Reason: "Ikke i vår bransje", Membership: StatusRejected, Person: StatusNone, Action: "reject", ForgetFnr: true}, ""},
		{"reject needs a reason", false, "  ", Decision{}, "reason"},
		{"a reason has a limit", true, strings.Repeat("x", 501), Decision{}, "reason"},
	} {
		got, err := Decide(tc.approve, tc.reason)
		if tc.field != "" {
			if FieldErrors(err)[tc.field] == "" {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v %v", tc.name, got, err)
		}
	}
	for _, st := range MembershipStatuses {
		if err := Decidable(st); (err == nil) != (st == StatusPending) || (err != nil && ErrorCode(err) != ECONFLICT) {
			t.Errorf("Decidable(%s): %v", st, err)
		}
	}
}

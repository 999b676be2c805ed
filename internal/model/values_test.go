package model

import (
	"slices"
	"testing"
)

// valued is a typed word with its list's Valid.
type valued interface{ Valid() bool }

// TestValuesValid: every value of each list is valid, words outside it are not
// (the empty word included where it means "none"), and no list repeats a
// value.
func TestValuesValid(t *testing.T) {
	for _, c := range []struct {
		name    string
		list    []string
		valid   []valued
		invalid []valued
	}{
		{"UnitKind", UnitKinds.Strings(), values(UnitKinds), []valued{UnitKind(""), UnitKind("kommune"), UnitKind("Union")}},
		{"MembershipStatus", MembershipStatuses.Strings(), values(MembershipStatuses),
			[]valued{StatusNone, MembershipStatus("aktiv"), MembershipStatus("cancelled")}},
		{"MembershipType", MembershipTypes.Strings(), values(MembershipTypes), []valued{MembershipType(""), MembershipType("honorary")}},
		{"RoleName", Roles.Strings(), values(Roles), []valued{RoleName(""), RoleName("system"), RoleName("tillitsvalgt")}},
		{"TaskKind", TaskKinds.Strings(), values(TaskKinds), []valued{TaskKind(""), TaskKind("call")}},
		{"TaskStatus", TaskStatuses.Strings(), values(TaskStatuses), []valued{TaskStatus(""), TaskStatus("closed")}},
		{"MatchSource", MatchSources.Strings(), values(MatchSources), []valued{MatchSource(""), MatchSource("csv")}},
		{"MatchKey", MatchKeys.Strings(), values(MatchKeys), []valued{MatchKey(""), MatchKey("confirmed")}},
		{"MatchDecision", MatchDecisions.Strings(), values(MatchDecisions), []valued{MatchOpen, MatchDecision("maybe")}},
		{"Source", Sources.Strings(), values(Sources), []valued{Source("verving")}},
		{"ContactKind", ContactKinds.Strings(), values(ContactKinds), []valued{ContactKind(""), ContactKind("besøk")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(c.list) == 0 || len(slices.Compact(slices.Sorted(slices.Values(c.list)))) != len(c.list) {
				t.Errorf("list %v is empty or repeats a value", c.list)
			}
			for _, v := range c.valid {
				if !v.Valid() {
					t.Errorf("%q is not valid", v)
				}
			}
			for _, v := range c.invalid {
				if v.Valid() {
					t.Errorf("%q is valid", v)
				}
			}
		})
	}
}

func values[T interface {
	~string
	Valid() bool
}](l List[T]) []valued {
	out := make([]valued, len(l))
	for i, v := range l {
		out[i] = v
	}
	return out
}

// TestValuesMemberStatus: a person's status is a membership status or none.
func TestValuesMemberStatus(t *testing.T) {
	for _, st := range append(List[MembershipStatus]{StatusNone}, MembershipStatuses...) {
		if !st.ValidMemberStatus() {
			t.Errorf("%q is not a valid member status", st)
		}
	}
	if MembershipStatus("medlem").ValidMemberStatus() {
		t.Error("an unknown word is a valid member status")
	}
	if !IsMember(StatusActive) || !IsMember(StatusArrears) || IsMember(StatusPending) || IsMember(StatusNone) {
		t.Error("IsMember counts the wrong statuses")
	}
}

// TestValuesListStrings keeps the order and the words.
func TestValuesListStrings(t *testing.T) {
	if got := (List[TaskStatus]{TaskDone, TaskOpen}).Strings(); !slices.Equal(got, []string{"done", "open"}) {
		t.Errorf("Strings() = %v", got)
	}
	if !TaskStatuses.Valid(TaskCancelled) || TaskStatuses.Valid("") {
		t.Error("List.Valid")
	}
}

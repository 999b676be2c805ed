package register

import (
	"testing"

	"github.com/verve-union/verve/internal/model"
)

func TestNorm(t *testing.T) {
	for in, want := range map[string]string{
		"Trekk stoppet":        "trekkstoppet",
		" trekk-stoppet":       "trekkstoppet",
		"TREKKSTOPPET":         "trekkstoppet",
		"Eget ønske":           "egetonske",
		"Lærling":              "laerling",
		"Ordinær (yrkesaktiv)": "ordinaer",
	} {
		if got := Norm(in); got != want {
			t.Errorf("Norm(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefaultVocabulary(t *testing.T) {
	v := DefaultVocabulary()
	for _, c := range []struct {
		m    map[string]string
		word string
		want string
	}{
		{v.Types, "Ordinær", model.TypeOrdinary},
		{v.Types, "yrkesaktiv", model.TypeOrdinary},
		{v.Types, "Ordinary", model.TypeOrdinary},
		{v.Types, "Student", model.TypeStudent},
		{v.Types, "Pensjonist", model.TypeRetired},
		{v.Types, "retired", model.TypeRetired},
		{v.Types, "Lærling", model.TypeTrainee},
		{v.Types, "trainee", model.TypeTrainee},
		{v.Statuses, "Aktiv", model.StatusActive},
		{v.Statuses, "I restanse", model.StatusArrears},
		{v.Statuses, "Utmeldt", model.StatusResigned},
		{v.Statuses, "Ekskludert", model.StatusResigned},
		{v.Roles, "Tillitsvalgt", model.RoleShopSteward},
		{v.Roles, "HTV", model.RoleChiefShopSteward},
		{v.Roles, "Hovedtillitsvalgt", model.RoleChiefShopSteward},
		{v.Roles, "Klubbleder", model.RoleClubLeader},
		{v.Roles, "Verneombud", model.RoleSafetyRep},
		{v.Roles, "Studieleder", model.RoleStudyLeader},
		{v.Roles, "shop steward", model.RoleShopSteward},
	} {
		if got, ok := lookup(c.m, c.word); !ok || got != c.want {
			t.Errorf("%q = %q, %v; want %q", c.word, got, ok, c.want)
		}
	}
	for word, want := range map[string]model.LeaveReason{
		"Utmeldt": model.LeaveChurn, "Eget ønske": model.LeaveChurn, "Død": model.LeaveDeath, "avdød": model.LeaveDeath,
		"Pensjonert": model.LeaveRetirement, "alderspensjon": model.LeaveRetirement, "Overført": model.LeaveTransfer,
		"Overgang til annet forbund": model.LeaveTransfer, "Ekskludert": model.LeaveExclusion, "eksklusjon": model.LeaveExclusion,
	} {
		if got, ok := lookup(v.Reasons, word); !ok || got != want {
			t.Errorf("reason %q = %q, want %q", word, got, want)
		}
	}
	for word, want := range map[string]model.DuesStatus{
		"Betalt": model.DuesPaid, "Restanse": model.DuesArrears, "Trekk stoppet": model.DuesDeductionStopped,
		"deduction stopped": model.DuesDeductionStopped,
	} {
		if got, ok := lookup(v.Dues, word); !ok || got != want {
			t.Errorf("dues %q = %q, want %q", word, got, want)
		}
	}
	// Every value is one Verve knows.
	for w, x := range v.Types {
		if !contains(model.MembershipTypes, x) {
			t.Errorf("type %q → %q", w, x)
		}
	}
	for w, x := range v.Roles {
		if !contains(model.Roles, x) {
			t.Errorf("role %q → %q", w, x)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestWith: a union's own words are added, normalised, and win over the
// defaults; the defaults are not changed.
func TestWith(t *testing.T) {
	def := DefaultVocabulary()
	v := def.With(Vocabulary{Types: map[string]string{"Æresmedlem": model.TypeOrdinary, "Student": model.TypeTrainee}})
	if got, _ := lookup(v.Types, "æresmedlem"); got != model.TypeOrdinary {
		t.Errorf("æresmedlem = %q", got)
	}
	if got, _ := lookup(v.Types, "student"); got != model.TypeTrainee {
		t.Errorf("the union's word does not win: %q", got)
	}
	if got, _ := lookup(def.Types, "student"); got != model.TypeStudent {
		t.Errorf("With changed the defaults: %q", got)
	}
	if _, ok := lookup(v.Roles, "verneombud"); !ok {
		t.Error("With lost the default roles")
	}
}

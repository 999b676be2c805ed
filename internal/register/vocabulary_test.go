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
		{str(v.Types), "Ordinær", string(model.TypeOrdinary)},
		{str(v.Types), "yrkesaktiv", string(model.TypeOrdinary)},
		{str(v.Types), "Ordinary", string(model.TypeOrdinary)},
		{str(v.Types), "Student", string(model.TypeStudent)},
		{str(v.Types), "Pensjonist", string(model.TypeRetired)},
		{str(v.Types), "retired", string(model.TypeRetired)},
		{str(v.Types), "Lærling", string(model.TypeTrainee)},
		{str(v.Types), "trainee", string(model.TypeTrainee)},
		{str(v.Statuses), "Aktiv", string(model.StatusActive)},
		{str(v.Statuses), "I restanse", string(model.StatusArrears)},
		{str(v.Statuses), "Utmeldt", string(model.StatusResigned)},
		{str(v.Statuses), "Ekskludert", string(model.StatusResigned)},
		{str(v.Roles), "Tillitsvalgt", string(model.RoleShopSteward)},
		{str(v.Roles), "HTV", string(model.RoleChiefShopSteward)},
		{str(v.Roles), "Hovedtillitsvalgt", string(model.RoleChiefShopSteward)},
		{str(v.Roles), "Klubbleder", string(model.RoleClubLeader)},
		{str(v.Roles), "Verneombud", string(model.RoleSafetyRep)},
		{str(v.Roles), "Studieleder", string(model.RoleStudyLeader)},
		{str(v.Roles), "shop steward", string(model.RoleShopSteward)},
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
		if !x.Valid() {
			t.Errorf("type %q → %q", w, x)
		}
	}
	for w, x := range v.Roles {
		if !x.Valid() {
			t.Errorf("role %q → %q", w, x)
		}
	}
}

// str is a vocabulary map with plain string values, for a table mixing them.
func str[T ~string](m map[string]T) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

// TestWith: a union's own words are added, normalised, and win over the
// defaults; the defaults are not changed.
func TestWith(t *testing.T) {
	def := DefaultVocabulary()
	v := def.With(Vocabulary{Types: map[string]model.MembershipType{"Æresmedlem": model.TypeOrdinary, "Student": model.TypeTrainee}})
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

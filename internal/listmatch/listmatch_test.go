package listmatch

import (
	"slices"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

func TestKeys(t *testing.T) {
	certain := map[model.MatchKey]bool{}
	for i, k := range Keys {
		certain[k.Name] = k.Certain
		// Strongest first: no certain key after a possible one.
		if i > 0 && k.Certain && !Keys[i-1].Certain {
			t.Errorf("certain key %s after possible key %s", k.Name, Keys[i-1].Name)
		}
	}
	for _, tc := range []struct {
		key     model.MatchKey
		certain bool
	}{
		{KeyFnr, true}, {KeyEmail, true}, {KeyWorkplace, true}, {KeyMobile, false}, {KeyNameBirth, false},
	} {
		c, ok := certain[tc.key]
		if !ok || c != tc.certain {
			t.Errorf("key %s: certain %v (listed %v), want %v", tc.key, c, ok, tc.certain)
		}
	}
	if got, want := Possible(), []model.MatchKey{KeyMobile, KeyNameBirth}; !slices.Equal(got, want) {
		t.Errorf("Possible() = %v, want %v", got, want)
	}
	for _, k := range RepeatKeys {
		if k == KeyMobile || k == KeyWorkplace {
			t.Errorf("a row never repeats another by %s", k)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name  string
		facts []Fact
		want  Class
	}{
		{"nothing known", nil, ClassExisting},
		{"repeat wins over all", []Fact{Repeat, Unmatched, Member}, ClassDuplicate},
		{"unknown", []Fact{Unmatched}, ClassNew},
		{"possible match is flagged, member or not", []Fact{PossibleMatch, Member, StudentMember}, ClassFlagged},
		{"student member, also a member", []Fact{StudentMember, Member}, ClassStudent},
		{"member", []Fact{Member}, ClassMember},
		{"member in the pipeline here", []Fact{Member, InPipeline}, ClassMember},
		{"member in another union too", []Fact{Member, OtherUnion}, ClassMember},
		{"other union", []Fact{OtherUnion, InPipeline}, ClassOtherUnion},
		{"already in the pipeline here", []Fact{InPipeline}, ClassPipeline},
	} {
		if got := Classify(tc.facts...); got != tc.want {
			t.Errorf("%s: Classify(%v) = %s, want %s", tc.name, tc.facts, got, tc.want)
		}
	}
	// Every class but Otherwise is some rule's, once; all are reported.
	seen := map[Class]bool{Otherwise: true}
	for _, r := range Rules {
		if seen[r.Class] {
			t.Errorf("class %s given twice", r.Class)
		}
		seen[r.Class] = true
	}
	for _, c := range Classes {
		if !seen[c] {
			t.Errorf("class %s is reported but never given", c)
		}
	}
	if len(seen) != len(Classes) {
		t.Errorf("classes given %v, reported %v", seen, Classes)
	}
}

func TestEntryFor(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		want Entry
	}{
		{Newhires, Entry{pipeline.EntryNewHire, model.TaskWelcome, pipeline.TitleWelcomeNew}},
		{Staff, Entry{pipeline.EntryUnorganised, model.TaskAsk, pipeline.TitleAsk}},
	} {
		if got := EntryFor(tc.kind); got != tc.want {
			t.Errorf("EntryFor(%s) = %+v, want %+v", tc.kind, got, tc.want)
		}
		// The entry's kind is the one its task's outcomes go back to.
		if got := pipeline.EntryKind(EntryFor(tc.kind).TaskKind); got != tc.want.Kind {
			t.Errorf("%s: pipeline.EntryKind of its task = %s, want %s", tc.kind, got, tc.want.Kind)
		}
	}
	if !slices.Contains(Pipeline, ClassNew) || !slices.Contains(Pipeline, ClassExisting) || len(Pipeline) != 2 {
		t.Errorf("Pipeline = %v, want new and existing", Pipeline)
	}
}

func TestMatched(t *testing.T) {
	counts := map[Class]int{ClassNew: 3, ClassExisting: 2, ClassMember: 1, ClassFlagged: 4, ClassDuplicate: 5}
	if got := Matched(15, counts); got != 3 {
		t.Errorf("Matched = %d, want 3", got)
	}
}

func TestClubOwner(t *testing.T) {
	grant := func(role model.RoleName, path string) *access.Principal {
		return &access.Principal{PersonID: 7, Grants: []access.Grant{{Role: role, UnitPath: path}}}
	}
	portfolio := &access.Principal{PersonID: 7, Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: "/1/2/", Workplaces: []int64{40}}}}
	for _, tc := range []struct {
		name      string
		u         *access.Principal
		path      string
		workplace int64
		want      int64
	}{
		{"shop steward of the club", grant(model.RoleShopSteward, "/1/2/"), "/1/2/3/", 30, 7},
		{"chief shop steward", grant(model.RoleChiefShopSteward, "/1/2/"), "/1/2/", 30, 7},
		{"club leader", grant(model.RoleClubLeader, "/1/2/"), "/1/2/", 30, 7},
		{"shop steward elsewhere", grant(model.RoleShopSteward, "/1/4/"), "/1/2/", 30, 0},
		{"coordinator", grant(model.RoleCoordinator, "/1/"), "/1/2/", 30, 0},
		{"no person", &access.Principal{Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: "/1/"}}}, "/1/2/", 30, 0},
		{"nobody", nil, "/1/2/", 0, 0},
		{"shop steward given the workplace", portfolio, "/1/4/", 40, 7},
		{"shop steward given another workplace", portfolio, "/1/4/", 41, 0},
		{"coordinator given the workplace", &access.Principal{PersonID: 7, Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: "/1/2/", Workplaces: []int64{40}}}}, "/1/4/", 40, 0},
	} {
		if got := ClubOwner(tc.u, tc.path, tc.workplace); got != tc.want {
			t.Errorf("%s: ClubOwner = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestDue(t *testing.T) {
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		start time.Time
		want  time.Time
	}{
		{"starts later: that day", today.AddDate(0, 0, 7), today.AddDate(0, 0, 7)},
		{"starts today", today, today},
		{"has started", today.AddDate(0, -1, 0), today},
		{"no start date", time.Time{}, today},
	} {
		if got := Due(tc.start, today); !got.Equal(tc.want) {
			t.Errorf("%s: Due = %v, want %v", tc.name, got, tc.want)
		}
	}
}

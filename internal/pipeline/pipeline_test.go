package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
)

func TestDecide(t *testing.T) {
	today := time.Date(2026, 12, 30, 0, 0, 0, 0, time.UTC)
	welcome := model.Task{ID: 1, Kind: model.TaskWelcome, PersonID: 2, WorkplaceID: 3, UnitPath: "/1/2/", OwnerID: 4}
	unowned := welcome
	unowned.OwnerID = 0
	follow := welcome
	follow.Kind = model.TaskFollowUp
	const user = 9
	for _, c := range []struct {
		name string
		task model.Task
		o    Outcome
		want Plan
	}{
		{"met: follow-up after the set days", welcome, Outcome{Result: OutcomeMet},
			Plan{Note: "Samtale", ContactKind: model.ContactVisit, FirstContact: true, TaskStatus: model.TaskDone,
				FollowUp: &model.Task{Kind: model.TaskFollowUp, Title: TitleFollowUp, PersonID: 2, WorkplaceID: 3, UnitPath: "/1/2/", OwnerID: 4,
					Due: time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), Status: model.TaskOpen}}},
		{"gift on an unowned task: the user follows up", unowned, Outcome{Result: OutcomeGift, Note: "Hyggelig prat"},
			Plan{Note: "Samtale, velkomstgave levert. Hyggelig prat", ContactKind: model.ContactVisit, FirstContact: true, TaskStatus: model.TaskDone,
				FollowUp: &model.Task{Kind: model.TaskFollowUp, Title: TitleFollowUp, PersonID: 2, WorkplaceID: 3, UnitPath: "/1/2/", OwnerID: user,
					Due: time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), Status: model.TaskOpen}}},
		{"material at the follow-up: no second follow-up", follow, Outcome{Result: OutcomeMaterial},
			Plan{Note: "Samtale, materiell levert", ContactKind: model.ContactVisit, FirstContact: true, TaskStatus: model.TaskDone}},
		{"not reached: retry in two days, by phone", welcome, Outcome{Result: OutcomeNotReached},
			Plan{Note: "Ikke truffet", ContactKind: model.ContactPhone, Retry: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), TaskStatus: model.TaskOpen}},
		{"declined: closed with the reason", welcome, Outcome{Result: OutcomeDeclined, Reason: "Ikke nå", Note: "Kanskje senere"},
			Plan{Note: "Ønsker ikke å bli medlem: Ikke nå. Kanskje senere", ContactKind: model.ContactVisit, FirstContact: true,
				TaskStatus: model.TaskDone, Close: true, Reason: "Ikke nå"}},
		{"left: employment ends, task cancelled", welcome, Outcome{Result: OutcomeLeft},
			Plan{Note: "Har sluttet på arbeidsplassen", ContactKind: model.ContactVisit, TaskStatus: model.TaskCancelled,
				EndEmployment: true, Close: true}},
		{"joined: invited to confirm, credited to the user, followed up", welcome, Outcome{Result: OutcomeJoined, Reason: "ignored on the entry"},
			Plan{Note: "Meldte seg inn: ignored on the entry", ContactKind: model.ContactVisit, FirstContact: true, TaskStatus: model.TaskDone,
				Invite: true, Recruiter: user,
				FollowUp: &model.Task{Kind: model.TaskFollowUp, Title: TitleConfirmJoin, PersonID: 2, WorkplaceID: 3, UnitPath: "/1/2/", OwnerID: 4,
					Due: time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), Status: model.TaskOpen}}},
		{"joined at the follow-up: credited to a colleague, still followed up", follow, Outcome{Result: OutcomeJoined, RecruiterID: 7},
			Plan{Note: "Meldte seg inn", ContactKind: model.ContactVisit, FirstContact: true, TaskStatus: model.TaskDone,
				Invite: true, Recruiter: 7,
				FollowUp: &model.Task{Kind: model.TaskFollowUp, Title: TitleConfirmJoin, PersonID: 2, WorkplaceID: 3, UnitPath: "/1/2/", OwnerID: 4,
					Due: time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), Status: model.TaskOpen}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Decide(c.task, c.o, user, today, 5)
			gf, wf := got.FollowUp, c.want.FollowUp
			got.FollowUp, c.want.FollowUp = nil, nil
			if got != c.want {
				t.Errorf("plan\n %+v\nwant\n %+v", got, c.want)
			}
			if (gf == nil) != (wf == nil) || gf != nil && *gf != *wf {
				t.Errorf("follow-up %+v, want %+v", gf, wf)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	o := Outcome{Result: OutcomeMet, Note: "  hei ", Reason: " nei "}
	if err := o.Check(); err != nil || o.Note != "hei" || o.Reason != "nei" || o.MembershipType != model.TypeOrdinary {
		t.Errorf("%+v %v", o, err)
	}
	for _, bad := range []Outcome{{Result: "maybe"}, {Result: OutcomeMet, Note: strings.Repeat("x", 2001)},
		{Result: OutcomeDeclined, Reason: strings.Repeat("x", 201)}, {Result: OutcomeJoined, MembershipType: "honorary"}, {Result: OutcomeMet, Note: "\xff"}} {
		if err := bad.Check(); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func TestTasks(t *testing.T) {
	today := time.Date(2026, 12, 28, 0, 0, 0, 0, time.UTC)
	a := Ask(2, 3, "/1/", 4, today)
	if a.Kind != model.TaskAsk || a.Title != TitleAsk || !a.Due.Equal(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)) || a.Status != model.TaskOpen {
		t.Errorf("ask %+v", a)
	}
	if EntryKind(model.TaskAsk) != EntryUnorganised || EntryKind(model.TaskWelcome) != EntryNewHire || EntryKind(model.TaskFollowUp) != EntryNewHire {
		t.Error("entry kinds")
	}
	if !HasOutcomes(model.Task{Kind: model.TaskFollowUp, PersonID: 1, WorkplaceID: 2}) || HasOutcomes(model.Task{Kind: model.TaskWelcome, PersonID: 1}) ||
		HasOutcomes(model.Task{Kind: "convert", PersonID: 1, WorkplaceID: 2}) {
		t.Error("HasOutcomes")
	}
}

func TestEscalateBefore(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		today time.Time
		days  int
		want  time.Time
	}{
		{day(3, 10), 3, day(3, 7)},  // due on the 7th: not yet; due on the 6th: escalated
		{day(3, 2), 3, day(2, 27)},  // across a month end
		{day(3, 10), 0, day(3, 10)}, // no grace: anything overdue
	} {
		if got := EscalateBefore(tc.today, tc.days); !got.Equal(tc.want) {
			t.Errorf("EscalateBefore(%v, %d) = %v, want %v", tc.today, tc.days, got, tc.want)
		}
	}
}

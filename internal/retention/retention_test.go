package retention

import (
	"testing"
	"time"
)

func TestEraseAfter(t *testing.T) {
	oslo, _ := time.LoadLocation("Europe/Oslo")
	day := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name             string
		created, contact time.Time
		days             int
		want             time.Time
	}{
		{"no contact: from creation", day(2025, 3, 1, 10), time.Time{}, 180, day(2025, 8, 28, 10)},
		{"contact since: from the contact", day(2025, 3, 1, 10), day(2025, 5, 2, 9), 180, day(2025, 10, 29, 9)},
		{"contact before creation: from creation", day(2025, 3, 1, 10), day(2025, 1, 2, 9), 30, day(2025, 3, 31, 10)},
		{"same moment", day(2025, 3, 1, 10), day(2025, 3, 1, 10), 1, day(2025, 3, 2, 10)},
		{"across a year end", day(2025, 12, 20, 23), time.Time{}, 30, day(2026, 1, 19, 23)},
		{"leap day", day(2024, 2, 28, 12), time.Time{}, 1, day(2024, 2, 29, 12)},
		// Just after midnight in Oslo is still the day before in UTC.
		{"local time is read as UTC", time.Date(2025, 6, 2, 0, 30, 0, 0, oslo), time.Time{}, 10, day(2025, 6, 11, 22).Add(30 * time.Minute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := EraseAfter(tc.created, tc.contact, tc.days); !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("EraseAfter = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCutoffs(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"rejected", RejectedBefore(now, 180), time.Date(2024, 9, 2, 9, 0, 0, 0, time.UTC)},
		{"mail", MailBefore(now, 90), time.Date(2024, 12, 1, 9, 0, 0, 0, time.UTC)},
		{"one day", MailBefore(now, 1), time.Date(2025, 2, 28, 9, 0, 0, 0, time.UTC)},
	} {
		if !tc.got.Equal(tc.want) || tc.got.Location() != time.UTC {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestErasable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  Kind
		holds []Cond
		want  bool
	}{
		{"prospect whose entries all passed", Prospects, []Cond{AllEntriesPassed}, true},
		{"prospect with an entry in its period", Prospects, nil, false},
		{"prospect who is a member", Prospects, []Cond{AllEntriesPassed, Member}, false},
		{"prospect with any membership (applicant, former member)", Prospects, []Cond{AllEntriesPassed, AnyMembership}, false},
		{"prospect with a user account", Prospects, []Cond{AllEntriesPassed, User}, false},
		{"prospect with a role", Prospects, []Cond{AllEntriesPassed, Role}, false},
		{"prospect who recruited someone", Prospects, []Cond{AllEntriesPassed, Recruiter}, true},
		{"prospect owning a task", Prospects, []Cond{AllEntriesPassed, TaskOwner}, true},
		{"refused applicant", Refused, []Cond{Rejected, AnyMembership}, true},
		{"never applied", Refused, nil, false},
		{"refused, with a member status", Refused, []Cond{Rejected, HasStatus}, false},
		{"refused, with another membership or a recent rejection", Refused, []Cond{Rejected, OtherMembership}, false},
		{"refused, who recruited someone", Refused, []Cond{Rejected, Recruiter}, false},
		{"refused, with an open pipeline entry", Refused, []Cond{Rejected, OpenEntry}, false},
		{"refused, with a user account", Refused, []Cond{Rejected, User}, false},
		{"refused, owning a task", Refused, []Cond{Rejected, TaskOwner}, false},
		{"refused, holding a role", Refused, []Cond{Rejected, Role}, false},
	} {
		if got := tc.kind.Erasable(tc.holds...); got != tc.want {
			t.Errorf("%s: %s.Erasable(%v) = %v, want %v", tc.name, tc.kind.Name, tc.holds, got, tc.want)
		}
	}
	for _, k := range Kinds {
		if k.Reason() == k.audit || k.Reason() == "" {
			t.Errorf("%s: no reason for the audit log in the catalogue (%s)", k.Name, k.audit)
		}
	}
}

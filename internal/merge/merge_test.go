package merge

import (
	"slices"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
)

var day0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func day(n int) time.Time { return day0.AddDate(0, 0, n) }

func TestSettle(t *testing.T) {
	m := func(id int64, status model.MembershipStatus, start int, recruiter int64) Membership {
		return Membership{ID: id, Status: status, Start: day(start), Recruiter: recruiter}
	}
	for _, tc := range []struct {
		name    string
		current []Membership
		keep    int64
		merged  []int64
		set     bool
		recr    int64
		status  model.MembershipStatus
	}{
		{"one stays as it is", []Membership{m(1, model.StatusPending, 0, 5)}, 1, nil, false, 5, model.StatusPending},
		{"active beats an earlier pending", []Membership{m(1, model.StatusPending, -9, 0), m(2, model.StatusActive, 0, 0)}, 2, []int64{1}, false, 0, model.StatusActive},
		{"arrears beats pending", []Membership{m(1, model.StatusPending, 0, 0), m(2, model.StatusArrears, 3, 0)}, 2, []int64{1}, false, 0, model.StatusArrears},
		{"active beats arrears", []Membership{m(1, model.StatusArrears, -99, 0), m(2, model.StatusActive, 0, 0)}, 2, []int64{1}, false, 0, model.StatusActive},
		{"on a tie the earlier start", []Membership{m(1, model.StatusActive, 0, 0), m(2, model.StatusActive, -1, 0)}, 2, []int64{1}, false, 0, model.StatusActive},
		{"then the older record", []Membership{m(2, model.StatusActive, 0, 0), m(1, model.StatusActive, 0, 0)}, 1, []int64{2}, false, 0, model.StatusActive},
		{"the one that goes hands over its recruiter", []Membership{m(1, model.StatusActive, 0, 0), m(2, model.StatusPending, 0, 9)}, 1, []int64{2}, true, 9, model.StatusActive},
		{"the one that stays keeps its own", []Membership{m(1, model.StatusActive, 0, 4), m(2, model.StatusPending, 0, 9)}, 1, []int64{2}, false, 4, model.StatusActive},
		{"of several, the strongest's recruiter first", []Membership{m(3, model.StatusPending, 0, 8), m(1, model.StatusActive, 0, 0), m(2, model.StatusArrears, 0, 7)},
			1, []int64{2, 3}, true, 7, model.StatusActive},
	} {
		s, ok := Settle(tc.current)
		if !ok || s.Keep.ID != tc.keep || !slices.Equal(s.Merged, tc.merged) || s.SetRecruiter != tc.set || s.Keep.Recruiter != tc.recr {
			t.Errorf("%s: Settle = %+v %v, want keep %d merged %v recruiter %d (set %v)", tc.name, s, ok, tc.keep, tc.merged, tc.recr, tc.set)
		}
		if got := Status(s, ok, "ignored"); got != tc.status {
			t.Errorf("%s: Status = %q, want %q", tc.name, got, tc.status)
		}
	}
	// No current membership: the latest one tells, a rejection nothing.
	s, ok := Settle(nil)
	if ok {
		t.Errorf("Settle(nil) = %+v, true", s)
	}
	for latest, want := range map[model.MembershipStatus]model.MembershipStatus{"": "", model.StatusResigned: model.StatusResigned, model.StatusRejected: ""} {
		if got := Status(s, ok, latest); got != want {
			t.Errorf("Status with latest %q = %q, want %q", latest, got, want)
		}
	}
}

func TestEntries(t *testing.T) {
	e := func(id, wp int64, first int) Entry {
		en := Entry{ID: id, WorkplaceID: wp}
		if first != 0 {
			en.FirstContact = day(first)
		}
		return en
	}
	for _, tc := range []struct {
		name            string
		known, newcomer []Entry
		update          []Entry
		drop            []int64
	}{
		{"different workplaces: both stay", []Entry{e(1, 10, -1)}, []Entry{e(2, 20, -5)}, nil, nil},
		{"same workplace: the known's, with the newcomer's earlier contact", []Entry{e(1, 10, -1)}, []Entry{e(2, 10, -5), e(3, 20, -9)}, []Entry{e(1, 10, -5)}, []int64{2}},
		{"the known's earlier contact stands", []Entry{e(1, 10, -7)}, []Entry{e(2, 10, -5)}, nil, []int64{2}},
		{"no contact yet takes the newcomer's", []Entry{e(1, 10, 0)}, []Entry{e(2, 10, -5)}, []Entry{e(1, 10, -5)}, []int64{2}},
		{"the newcomer's none changes nothing", []Entry{e(1, 10, -2)}, []Entry{e(2, 10, 0)}, nil, []int64{2}},
	} {
		update, drop := Entries(tc.known, tc.newcomer)
		if !slices.Equal(update, tc.update) || !slices.Equal(drop, tc.drop) {
			t.Errorf("%s: Entries = %+v, %v; want %+v, %v", tc.name, update, drop, tc.update, tc.drop)
		}
	}
}

func TestEmployments(t *testing.T) {
	e := func(id, wp int64, start int) Employment {
		return Employment{ID: id, WorkplaceID: wp, Start: day(start)}
	}
	for _, tc := range []struct {
		name string
		open []Employment
		drop []int64
	}{
		{"one", []Employment{e(1, 10, 0)}, nil},
		{"different workplaces", []Employment{e(1, 10, 0), e(2, 20, -5)}, nil},
		{"same workplace: the earlier start stays", []Employment{e(1, 10, 0), e(2, 10, -5)}, []int64{1}},
		{"on a tie the older record", []Employment{e(2, 10, 0), e(1, 10, 0)}, []int64{2}},
		{"three at one", []Employment{e(1, 10, 0), e(2, 10, -5), e(3, 10, -1), e(4, 20, 0)}, []int64{1, 3}},
	} {
		if got := Employments(tc.open); !slices.Equal(got, tc.drop) {
			t.Errorf("%s: Employments = %v, want %v", tc.name, got, tc.drop)
		}
	}
}

func TestCombine(t *testing.T) {
	known := Person{Email: "a@x.no", Address: "Nygata 1", PostalCode: "0150", PostalPlace: "Oslo",
		WorkplaceID: 1, UnitID: 11, UnitPath: "/1/"}
	newcomer := Person{Email: "b@x.no", Mobile: "90000000", OtherUnion: "Fagforbundet", Address: "Gata 2", PostalCode: "5003", PostalPlace: "Bergen",
		BirthDate: day(-9000), FnrHash: "h", WorkplaceID: 2, UnitID: 22, UnitPath: "/2/", LeaderboardOptIn: true}
	for _, tc := range []struct {
		name            string
		known, newcomer Person
		want            Person
	}{
		{"known values stand, blanks are filled, the newcomer's workplace is current", known, newcomer,
			Person{Email: "a@x.no", Mobile: "90000000", OtherUnion: "Fagforbundet", Address: "Nygata 1", PostalCode: "0150", PostalPlace: "Oslo",
				BirthDate: day(-9000), FnrHash: "h", WorkplaceID: 2, UnitID: 22, UnitPath: "/2/", LeaderboardOptIn: true}},
		{"a newcomer without workplace leaves the known's", known, Person{Mobile: "1"},
			Person{Email: "a@x.no", Mobile: "1", Address: "Nygata 1", PostalCode: "0150", PostalPlace: "Oslo", WorkplaceID: 1, UnitID: 11, UnitPath: "/1/"}},
		{"the address goes whole", Person{PostalPlace: "Oslo"}, Person{Address: "Gata 2", PostalCode: "5003", PostalPlace: "Bergen"},
			Person{Address: "Gata 2", PostalCode: "5003", PostalPlace: "Bergen"}},
		{"a postal code alone is an address", Person{PostalCode: "0150"}, Person{Address: "Gata 2", PostalCode: "5003", PostalPlace: "Bergen"},
			Person{PostalCode: "0150"}},
		{"the known's opt-in stands", Person{LeaderboardOptIn: true}, Person{}, Person{LeaderboardOptIn: true}},
		{"a member number fills a blank", Person{}, Person{MemberNo: "1001"}, Person{MemberNo: "1001"}},
		{"the known's member number stands", Person{MemberNo: "7"}, Person{MemberNo: "1001"}, Person{MemberNo: "7"}},
		{"the known's birth date and hash stand", Person{BirthDate: day(1), FnrHash: "k"}, Person{BirthDate: day(2), FnrHash: "n"}, Person{BirthDate: day(1), FnrHash: "k"}},
	} {
		if got := Combine(tc.known, tc.newcomer); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

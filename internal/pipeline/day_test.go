package pipeline

import (
	"slices"
	"testing"
	"time"
)

func TestByDay(t *testing.T) {
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	due := func(n int) time.Time { return today.AddDate(0, 0, n) }
	for _, tc := range []struct {
		name                        string
		tasks                       []int // due in days from today
		overdue, dueToday, upcoming []int
	}{
		{"none", nil, nil, nil, nil},
		{"each group, order kept", []int{-9, -1, 0, 0, 1, 7}, []int{-9, -1}, []int{0, 0}, []int{1, 7}},
		{"only upcoming", []int{2, 3}, nil, nil, []int{2, 3}},
		{"only today", []int{0, 0}, nil, []int{0, 0}, nil},
		{"none today", []int{-3, 2}, []int{-3}, nil, []int{2}},
		{"yesterday is overdue", []int{-1}, []int{-1}, nil, nil},
	} {
		o, d, u := ByDay(tc.tasks, due, today)
		if !slices.Equal(o, tc.overdue) || !slices.Equal(d, tc.dueToday) || !slices.Equal(u, tc.upcoming) {
			t.Errorf("%s: %v %v %v", tc.name, o, d, u)
		}
	}
	if !DayHorizon(today).Equal(due(7)) {
		t.Error("DayHorizon", DayHorizon(today))
	}
	if from, to := NewColleaguesWindow(today); !from.Equal(due(-21)) || !to.Equal(due(14)) {
		t.Error("NewColleaguesWindow", from, to)
	}
}

package clock

import (
	"testing"
	"time"
)

func TestDay(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{utc(2026, 3, 1, 22, 30), "2026-03-01"},  // 23:30 in Oslo (CET)
		{utc(2026, 3, 1, 23, 30), "2026-03-02"},  // 00:30 in Oslo
		{utc(2026, 6, 30, 21, 59), "2026-06-30"}, // 23:59 in Oslo (CEST)
		{utc(2026, 6, 30, 22, 0), "2026-07-01"},  // midnight in Oslo
		{utc(2026, 12, 31, 23, 0), "2027-01-01"}, // new year in Oslo first
		{time.Date(2026, 3, 2, 0, 30, 0, 0, time.FixedZone("x", -10*3600)), "2026-03-02"},
	} {
		got := Day(c.at)
		if got.Format("2006-01-02") != c.want || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("Day(%v) = %v, want %s at midnight UTC", c.at, got, c.want)
		}
		if Clock(func() time.Time { return c.at }).Today() != got {
			t.Errorf("Clock.Today disagrees with Day at %v", c.at)
		}
	}
}

func TestStart(t *testing.T) {
	winter := Start(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC); !winter.Equal(want) {
		t.Errorf("Start(2 March) = %v, want %v", winter.UTC(), want)
	}
	summer := Start(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC); !summer.Equal(want) {
		t.Errorf("Start(1 July) = %v, want %v", summer.UTC(), want)
	}
	if Day(summer) != time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC) {
		t.Error("Day(Start(d)) != d")
	}
}

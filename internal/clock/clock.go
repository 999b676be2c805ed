// Package clock is Verve's one notion of "today". The union works in
// Norway, so a day begins at midnight in Oslo, not in UTC and not in the
// server's zone; storage, pages, validation and the scheduled jobs all ask
// here so they cannot disagree in the hours after midnight.
package clock

import (
	"time"
	_ "time/tzdata" // Europe/Oslo even on a machine without zoneinfo
)

// Oslo is the zone the union's days and times are shown in.
var Oslo = func() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic("clock: " + err.Error()) // cannot happen: the zone is embedded
	}
	return l
}()

// Clock tells the time: time.Now in production, a fixed or moving time in
// tests and the deterministic demo.
type Clock func() time.Time

// Today is the calendar day in Oslo now.
func (c Clock) Today() time.Time { return Day(c()) }

// Day is the calendar day in Oslo at the instant t, as midnight UTC of that
// date: the form every DATE column holds and every stored date is compared in.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Oslo).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Start is the instant the calendar day begins in Oslo, for comparing a
// day with timestamps.
func Start(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, Oslo)
}

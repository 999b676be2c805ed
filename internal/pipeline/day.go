package pipeline

import (
	"slices"
	"time"
)

// The day view ("Min dag"): what a user sees of their own tasks and of
// the new colleagues in their scope. Storage fetches the rows within these
// windows; ByDay groups them.

const (
	// DayAhead is how many days ahead the day view shows one's own tasks.
	DayAhead = 7
	// NewColleaguesBack and NewColleaguesAhead bound the start dates of
	// the new colleagues the day view lists: the last three weeks, and
	// those who start within two.
	NewColleaguesBack  = 21
	NewColleaguesAhead = 14
)

// DayHorizon is the last due date the day view shows of one's own tasks.
func DayHorizon(today time.Time) time.Time { return today.AddDate(0, 0, DayAhead) }

// NewColleaguesWindow is the first and last start date of the new
// colleagues the day view lists.
func NewColleaguesWindow(today time.Time) (from, to time.Time) {
	return today.AddDate(0, 0, -NewColleaguesBack), today.AddDate(0, 0, NewColleaguesAhead)
}

// ByDay splits tasks, sorted by when they are due (due(t)), into those
// due before today (overdue), today and later (upcoming): parts of tasks,
// not copies.
func ByDay[T any](tasks []T, due func(T) time.Time, today time.Time) (overdue, dueToday, upcoming []T) {
	i, _ := slices.BinarySearchFunc(tasks, today, func(t T, d time.Time) int { return due(t).Compare(d) })
	j := i
	for j < len(tasks) && due(tasks[j]).Equal(today) {
		j++
	}
	return tasks[:i:i], tasks[i:j:j], tasks[j:]
}

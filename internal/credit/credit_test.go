package credit

import (
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestEarns(t *testing.T) {
	today := day(2026, 6, 15)
	worker := Recruit{Type: model.TypeOrdinary, Status: model.StatusActive, Start: day(2026, 3, 15), Recruited: true}
	student := worker
	student.Type = model.TypeStudent
	with := func(r Recruit, f func(*Recruit)) Recruit { f(&r); return r }
	for _, c := range []struct {
		name string
		r    Recruit
		paid int
		want bool
	}{
		{"active and paid three months", worker, 3, true},
		{"a month unpaid", worker, 2, false},
		{"more paid than needed", worker, 4, true},
		{"a student month counts as paid", student, 0, true},
		{"too early: started a day late", with(worker, func(r *Recruit) { r.Start = day(2026, 3, 16) }), 3, false},
		{"started on the day", with(student, func(r *Recruit) { r.Start = day(2026, 3, 15) }), 0, true},
		{"in arrears", with(worker, func(r *Recruit) { r.Status = model.StatusArrears }), 3, false},
		{"resigned", with(student, func(r *Recruit) { r.Status = model.StatusResigned }), 0, false},
		{"pending", with(student, func(r *Recruit) { r.Status = model.StatusPending }), 0, false},
		{"no recruiter", with(worker, func(r *Recruit) { r.Recruited = false }), 3, false},
		{"once per recruit", with(student, func(r *Recruit) { r.Credited = true }), 0, false},
	} {
		if got := Earns(c.r, today, 3, c.paid); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestWindow(t *testing.T) {
	for _, c := range []struct {
		start    time.Time
		months   int
		from, to time.Time
	}{
		{day(2026, 3, 15), 3, day(2026, 3, 1), day(2026, 6, 1)},
		{day(2026, 11, 30), 3, day(2026, 11, 1), day(2027, 2, 1)},
		{time.Date(2026, 1, 31, 23, 0, 0, 0, time.FixedZone("CET", 3600)), 1, day(2026, 1, 1), day(2026, 2, 1)},
	} {
		if from, to := Window(c.start, c.months); !from.Equal(c.from) || !to.Equal(c.to) {
			t.Errorf("Window(%v, %d) = %v, %v", c.start, c.months, from, to)
		}
	}
	if !PaysDues(model.TypeOrdinary) || PaysDues(model.TypeStudent) {
		t.Error("PaysDues")
	}
}

func TestThanks(t *testing.T) {
	subject, body := Thanks("nb", "Rita", "Stine", 3, 2)
	if subject != "Takk for at du vervet Stine!" {
		t.Errorf("subject %q", subject)
	}
	want := "Hei Rita,\n\nStine har nå vært medlem i 3 måneder, og vervingen er godkjent. Tusen takk!\n" +
		"Du har vervet 2 medlemmer som er blitt værende.\n\nHilsen forbundet\n"
	if body != want {
		t.Errorf("body\n%q\nwant\n%q", body, want)
	}
	if _, body := Thanks("nb", "Rita", "Stine", 1, 1); body != "Hei Rita,\n\nStine har nå vært medlem i 1 måned, og vervingen er godkjent. Tusen takk!\n"+
		"Du har vervet 1 medlem som er blitt værende.\n\nHilsen forbundet\n" {
		t.Errorf("one: %q", body)
	}
	if subject, _ := Thanks("en", "Rita", "Stine", 3, 2); subject != "Thank you for recruiting Stine!" {
		t.Errorf("en subject %q", subject)
	}
}

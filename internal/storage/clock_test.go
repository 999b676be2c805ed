package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// osloMidnights are instants half an hour either side of midnight in Oslo,
// in winter (UTC+1) and in summer (UTC+2). Each pair is on one UTC day, so
// a day computed in UTC would not change between them.
var osloMidnights = []struct {
	name            string
	before, after   time.Time // 23:30 and 00:30 in Oslo
	dayOld, dayNext time.Time // the calendar days in Oslo at before and after
}{
	{"winter", time.Date(2026, 3, 1, 22, 30, 0, 0, time.UTC), time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC), day(2026, 3, 1), day(2026, 3, 2)},
	{"summer", time.Date(2026, 6, 30, 21, 30, 0, 0, time.UTC), time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC), day(2026, 6, 30), day(2026, 7, 1)},
}

// TestTodayTurnsAtOsloMidnight moves the clock across midnight in Oslo and
// checks that everything "today" decides turns with it: Min dag's overdue
// and today split, the due date of an imported new hire's welcome task and
// of the follow-up an outcome schedules, the birth dates a person may have,
// and when the scheduled job escalates an overdue task.
func TestTodayTurnsAtOsloMidnight(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		c := &testClock{}
		s.SetClock(c.Now)
		ctx := context.Background()
		set := func(at time.Time) {
			c.mu.Lock()
			c.t = at
			c.mu.Unlock()
		}
		section := func(id int64) string {
			t.Helper()
			d, err := s.MyDay(ctx, f.steward)
			if err != nil {
				t.Fatal(err)
			}
			for name, ts := range map[string][]DayTask{"overdue": d.Overdue, "today": d.Today, "upcoming": d.Upcoming} {
				for _, dt := range ts {
					if dt.ID == id {
						return name
					}
				}
			}
			return "missing"
		}
		born := func(on time.Time) error {
			return s.CreatePerson(ctx, f.admin, &model.Person{FirstName: "Nyfødt", LastName: "Barn", WorkplaceID: f.wA.ID, BirthDate: on})
		}
		for _, m := range osloMidnights {
			set(m.before)
			if got := s.Today(); !got.Equal(m.dayOld) {
				t.Fatalf("%s: Today at %v = %v, want %v", m.name, m.before, got, m.dayOld)
			}
			// Started three days ago: the welcome task is due today.
			if _, err := s.Import(ctx, f.steward, ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Commit: true},
				rowsOf(hire(2, "Klokke-"+m.name, "Nyansatt", f.wA, func(h *model.NewHire) { h.StartDate = m.dayOld.AddDate(0, 0, -3) }))); err != nil {
				t.Fatal(err)
			}
			d, err := s.MyDay(ctx, f.steward)
			if err != nil || len(d.Today) != 1 || !d.Today[0].Due.Equal(m.dayOld) {
				t.Fatalf("%s: before midnight, due today = %+v (%v), want the welcome task due %v", m.name, d.Today, err, m.dayOld)
			}
			task := d.Today[0].Task
			var verr *model.Error
			if err := born(m.dayNext); !errors.As(err, &verr) || verr.Fields["birth_date"] == "" {
				t.Errorf("%s: a birth date tomorrow was taken: %v", m.name, err)
			}

			set(m.after)
			if got := s.Today(); !got.Equal(m.dayNext) {
				t.Fatalf("%s: Today at %v = %v, want %v", m.name, m.after, got, m.dayNext)
			}
			if got := section(task.ID); got != "overdue" {
				t.Errorf("%s: after midnight the welcome task is %s, want overdue", m.name, got)
			}
			if err := born(m.dayNext); err != nil {
				t.Errorf("%s: a birth date today was refused: %v", m.name, err)
			}
			res, err := s.LogOutcome(ctx, f.steward, pipeline.Outcome{TaskID: task.ID, Result: pipeline.OutcomeGift})
			if err != nil {
				t.Fatal(err)
			}
			due := m.dayNext.AddDate(0, 0, DefaultSettings.FollowUpDays)
			if res.FollowUp == nil || !res.FollowUp.Due.Equal(due) {
				t.Fatalf("%s: follow-up = %+v, want due %v", m.name, res.FollowUp, due)
			}

			// The follow-up escalates on the first day more than
			// EscalateAfterDays after it was due, from midnight in Oslo.
			late := time.Duration(DefaultSettings.FollowUpDays+DefaultSettings.EscalateAfterDays+1) * 24 * time.Hour
			for _, step := range []struct {
				at   time.Time
				want int
			}{{m.before.Add(late), 0}, {m.after.Add(late), 1}} {
				set(step.at)
				if n, err := s.EscalateOverdue(ctx, access.System("test")); err != nil || n != step.want {
					t.Errorf("%s: escalated at %v: %d (%v), want %d", m.name, step.at, n, err, step.want)
				}
			}
		}
	})
}

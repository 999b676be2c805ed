package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
	"github.com/verve-union/verve/internal/storage"
)

// TestPagesTurnAtOsloMidnight moves the store's clock from 23:30 to 00:30
// in Oslo (one UTC day) and checks over HTTP that the pages turn with it:
// Min dag moves a task due today to overdue and marks it, the follow-up an
// outcome schedules is due counting from the new day, the student list
// marks a graduation of yesterday, and the recruitment export's period and
// file name follow the day in Oslo.
func TestPagesTurnAtOsloMidnight(t *testing.T) {
	before := time.Date(2026, 3, 1, 22, 30, 0, 0, time.UTC) // 23:30 on 1 March in Oslo
	after := before.Add(time.Hour)                          // 00:30 on 2 March in Oslo
	clk := &movableClock{}
	// Within seconds of the instant: the real clock runs on beneath.
	at := func(t time.Time) { clk.add(t.Sub(clk.now())) }
	at(before)
	e := newEnvClock(t, "sqlite", Config{LoginLimiter: auth.Unlimited{}}, clk.now)
	ctx := context.Background()
	steward, wp := stewardWorkplace(t, e)
	coord := e.principal(t, "vervekoordinator")
	sc, cc, ac := e.login(t, "tillitsvalgt"), e.login(t, "vervekoordinator"), e.login(t, "admin")

	// A new hire who started three days ago: the welcome task is due today.
	if _, err := e.Store.Import(ctx, steward, storage.ImportRequest{Kind: storage.ImportNewhires, WorkplaceID: wp.ID, Filename: "nyansatte.csv",
		Source: "HR", LawfulBasis: "Hovedavtalen", Commit: true}, func(yield func(storage.ImportRow, error) bool) {
		yield(storage.ImportRow{WorkplaceID: wp.ID, NewHire: model.NewHire{Line: 2, FirstName: "Klokke", LastName: "Midnattsen",
			StartDate: time.Date(2026, 2, 26, 0, 0, 0, 0, time.UTC), BirthDate: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)}}, nil)
	}); err != nil {
		t.Fatal(err)
	}
	takeOver(t, e, steward, "Klokke Midnattsen") // shared among the workplace's stewards
	welcome := dayTaskOf(t, e, steward, "Klokke Midnattsen", model.TaskWelcome)
	graduate := addStudent(t, e, coord.Grants[0].UnitPath, "Sol", "Nedgang", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))

	_, day := get(t, sc, e.URL+"/day")
	if !strings.Contains(daySection(day, "day-today"), fmt.Sprintf(`<article class="daytask" id="task-%d">`, welcome.ID)) {
		t.Error("at 23:30 the welcome task is not under today, unmarked")
	}
	if studentRow(t, cc, e, graduate, "warn") {
		t.Error("at 23:30 a graduation today is marked as passed")
	}

	at(after)
	_, day = get(t, sc, e.URL+"/day")
	if !strings.Contains(daySection(day, "day-overdue"), fmt.Sprintf(`<article class="daytask overdue" id="task-%d">`, welcome.ID)) {
		t.Error("at 00:30 the welcome task is not under overdue, marked")
	}
	if !studentRow(t, cc, e, graduate, "warn") {
		t.Error("at 00:30 yesterday's graduation is not marked as passed")
	}
	if st, _ := post(t, sc, fmt.Sprintf("%s/tasks/%d/outcome", e.URL, welcome.ID), url.Values{"result": {string(pipeline.OutcomeGift)}}); st != http.StatusSeeOther {
		t.Fatalf("log outcome: %d", st)
	}
	followUp := dayTaskOf(t, e, steward, "Klokke Midnattsen", model.TaskFollowUp)
	due := time.Date(2026, 3, 2+storage.DefaultSettings.FollowUpDays, 0, 0, 0, 0, time.UTC)
	_, day = get(t, sc, e.URL+"/day")
	if !followUp.Due.Equal(due) || !strings.Contains(daySection(day, "day-upcoming"), due.Format("02.01.2006")) {
		t.Errorf("follow-up due %v, want %v on the page", followUp.Due, due)
	}

	// The list came at 23:30 on 1 March in Oslo: in the last 30 days until
	// midnight in Oslo on 31 March, summer time by then (UTC+2), not after.
	for _, step := range []struct {
		at   time.Time
		file string
		in   bool
	}{
		{time.Date(2026, 3, 31, 21, 30, 0, 0, time.UTC), "rekruttering-2026-03-31.csv", true},
		{time.Date(2026, 3, 31, 22, 30, 0, 0, time.UTC), "rekruttering-2026-04-01.csv", false},
	} {
		at(step.at)
		st, hd, b := download(t, ac, e.URL+"/recruitment.csv?since=30")
		if st != http.StatusOK || hd.Get("Content-Disposition") != `attachment; filename="`+step.file+`"` {
			t.Fatalf("export at %v: %d %q, want %s", step.at, st, hd.Get("Content-Disposition"), step.file)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
		r.Comma = ';'
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		in := false
		for _, rec := range recs {
			in = in || (rec[0] == wp.Name && rec[2] == "01.03.2026")
		}
		if in != step.in {
			t.Errorf("export at %v: the list of 1 March in the period: %v, want %v", step.at, in, step.in)
		}
	}
}

// dayTaskOf is the steward's open task of the kind for the named person.
func dayTaskOf(t *testing.T, e *testEnv, u *access.Principal, name string, kind model.TaskKind) storage.DayTask {
	t.Helper()
	d, err := e.Store.MyDay(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	for _, dt := range append(append(d.Overdue, d.Today...), d.Upcoming...) {
		if dt.PersonName == name && dt.Kind == kind {
			return dt
		}
	}
	t.Fatalf("no %s task for %s on Min dag", kind, name)
	return storage.DayTask{}
}

// daySection is Min dag's section with the id, up to the next heading.
func daySection(body, id string) string {
	_, s, ok := strings.Cut(body, `id="`+id+`"`)
	if !ok {
		return ""
	}
	s, _, _ = strings.Cut(s, "<h2>")
	return s
}

// studentRow reports whether the student list's row of the membership
// contains s.
func studentRow(t *testing.T, c *http.Client, e *testEnv, membershipID int64, s string) bool {
	t.Helper()
	st, body := get(t, c, e.URL+"/students?view=graduating")
	_, row, ok := strings.Cut(body, fmt.Sprintf(`id="student-%d"`, membershipID))
	if st != http.StatusOK || !ok {
		t.Fatalf("students page: %d, row of %d shown: %v", st, membershipID, ok)
	}
	row, _, _ = strings.Cut(row, "</tr>")
	return strings.Contains(row, s)
}

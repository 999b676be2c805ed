package ui

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestMyDayRecruiterChoice: Min dag's card links to the task's own card,
// which offers "meg" and the members at its workplace as recruiter, as a
// page and as the fragment htmx swaps in for the card; a recruiter
// outside the user's scope is refused with a message and nothing is
// written.
func TestMyDayRecruiterChoice(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			steward := e.principal(t, "tillitsvalgt")
			c := e.login(t, "tillitsvalgt")
			d, err := e.Store.MyDay(ctx, steward)
			if err != nil {
				t.Fatal(err)
			}
			var task *storage.DayTask
			for _, dt := range append(append(d.Overdue, d.Today...), d.Upcoming...) {
				if len(dt.Colleagues)+len(dt.Holders) > 0 {
					t.Fatal("Min dag read a card's lists")
				}
				if task == nil {
					if task, err = e.Store.DayTask(ctx, steward, dt.ID); err != nil {
						t.Fatal(err)
					}
					if len(task.Colleagues) == 0 {
						task = nil
					}
				}
			}
			if task == nil {
				t.Fatal("no task on the steward's Min dag offers colleagues")
			}
			_, body := get(t, c, e.URL+"/day")
			choice := `<select name="recruiter"><option value="">meg</option>`
			colleague := task.Colleagues[0]
			option := fmt.Sprintf(`<option value="%d">%s</option>`, colleague.PersonID, html.EscapeString(colleague.Name))
			link := fmt.Sprintf(`<a href="/tasks/%d" hx-get="/tasks/%d"`, task.ID, task.ID)
			if strings.Contains(body, choice) || !strings.Contains(body, link) {
				t.Error("Min dag's card does not link to its lists, or shows them")
			}
			_, page := get(t, c, fmt.Sprintf("%s/tasks/%d", e.URL, task.ID))
			req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/tasks/%d", e.URL, task.ID), nil)
			req.Header.Set("HX-Request", "true")
			_, fragment := send(t, c, req)
			for what, b := range map[string]string{"page": page, "fragment": fragment} {
				if !strings.Contains(b, choice) || !strings.Contains(b, option) || !strings.Contains(b, fmt.Sprintf(`id="task-%d"`, task.ID)) {
					t.Errorf("the task's %s offers no recruiter choice of meg and the colleagues", what)
				}
			}
			if strings.Contains(fragment, "<html") || !strings.Contains(page, "<html") {
				t.Error("the fragment is a page, or the page is not")
			}
			// Another's task outside the scope is not found, as one that
			// does not exist: the same status and page.
			var elsewhere int64
			if err := e.Store.DB().QueryRow(`SELECT id FROM tasks WHERE unit_path NOT LIKE $1 ORDER BY id LIMIT 1`,
				steward.Grants[0].UnitPath+"%").Scan(&elsewhere); err != nil {
				t.Fatal(err)
			}
			stOut, out := get(t, c, fmt.Sprintf("%s/tasks/%d", e.URL, elsewhere))
			stNone, none := get(t, c, e.URL+"/tasks/987654321")
			if stOut != http.StatusNotFound || stOut != stNone || out != none {
				t.Errorf("a task outside the scope answers %d, one that does not exist %d (same page: %v)", stOut, stNone, out == none)
			}

			var outside int64
			if err := e.Store.DB().QueryRow(`SELECT id FROM persons WHERE member_status = 'active' AND unit_path NOT LIKE $1 ORDER BY id LIMIT 1`,
				steward.Grants[0].UnitPath+"%").Scan(&outside); err != nil {
				t.Fatal(err)
			}
			contacts := countRows(t, e, `SELECT count(*) FROM contacts WHERE person_id = $1`, task.PersonID)
			outcome := fmt.Sprintf("%s/tasks/%d/outcome", e.URL, task.ID)
			st, body := post(t, c, outcome, url.Values{"result": {"joined"}, "recruiter": {fmt.Sprint(outside)}})
			if st != http.StatusBadRequest || !strings.Contains(body, "Den som vervet, må være medlem") {
				t.Fatalf("recruiter outside the scope: %d", st)
			}
			if n := countRows(t, e, `SELECT count(*) FROM contacts WHERE person_id = $1`, task.PersonID); n != contacts {
				t.Error("a refused outcome logged a contact")
			}
			if st, _ := post(t, c, outcome, url.Values{"result": {"joined"}, "recruiter": {fmt.Sprint(colleague.PersonID)}}); st != http.StatusSeeOther {
				t.Fatalf("recruiter a colleague: %d", st)
			}
			// "Joined" invites the person to confirm; the invitation credits the colleague.
			if n := countRows(t, e, `SELECT count(*) FROM applications WHERE invited_person_id = $1 AND recruited_by = $2`, task.PersonID, colleague.PersonID); n != 1 {
				t.Error("the colleague is not credited")
			}
			if n := countRows(t, e, `SELECT count(*) FROM memberships WHERE person_id = $1`, task.PersonID); n != 0 {
				t.Error("joined made a membership before the person confirmed")
			}
		})
	}
}

// TestMyDayShowsAllOnAsking: a steward with more overdue tasks than Min
// dag shows gets the first storage.DayCards cards and a link to all of
// them, which shows them all.
func TestMyDayShowsAllOnAsking(t *testing.T) {
	e := newEnv(t, "sqlite")
	steward := e.principal(t, "tillitsvalgt")
	c := e.login(t, "tillitsvalgt")
	var person, workplace int64
	if err := e.Store.DB().QueryRow(`SELECT id, workplace_id FROM persons WHERE unit_path = $1 AND workplace_id IS NOT NULL ORDER BY id LIMIT 1`,
		steward.Grants[0].UnitPath).Scan(&person, &workplace); err != nil {
		t.Fatal(err)
	}
	due := e.Store.Today().AddDate(0, 0, -20)
	for range storage.DayCards + 5 {
		if _, err := e.Store.DB().Exec(`INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, owner_person_id, due, status, created_at)
			VALUES ('ask', 'Spør', $1, $2, $3, $4, $5, 'open', $6)`, person, workplace, steward.Grants[0].UnitPath, steward.PersonID, due, due); err != nil {
			t.Fatal(err)
		}
	}
	all, err := e.Store.MyDayUpTo(context.Background(), steward, storage.DayAll)
	if err != nil || len(all.Overdue) <= storage.DayCards {
		t.Fatalf("the steward's overdue tasks: %d, %v", len(all.Overdue), err)
	}
	cards := func(body string) int {
		_, section, _ := strings.Cut(body, `id="day-overdue"`)
		section, _, _ = strings.Cut(section, "\n</div>\n")
		return strings.Count(section, `<article class="daytask`)
	}
	_, body := get(t, c, e.URL+"/day")
	if n := cards(body); n != storage.DayCards || !strings.Contains(body, `href="/day?alle=1#day-overdue"`) {
		t.Errorf("Min dag shows %d overdue cards (want %d) or no link to all", n, storage.DayCards)
	}
	_, body = get(t, c, e.URL+"/day?alle=1")
	if n := cards(body); n != len(all.Overdue) || strings.Contains(body, `href="/day?alle=1#day-overdue"`) {
		t.Errorf("all of Min dag shows %d overdue cards (want %d), or the link to all", n, len(all.Overdue))
	}
}

package ui

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestMyDayRecruiterChoice: a pipeline task offers "meg" and the members at
// its workplace as recruiter; a recruiter outside the user's scope is
// refused with a message and nothing is written.
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
			var withColleagues *int64
			for _, dt := range append(append(d.Overdue, d.Today...), d.Upcoming...) {
				if len(dt.Colleagues) > 0 {
					withColleagues = &dt.ID
					break
				}
			}
			if withColleagues == nil {
				t.Fatal("no task on the steward's Min dag offers colleagues")
			}
			task, err := e.Store.DayTask(ctx, steward, *withColleagues)
			if err != nil {
				t.Fatal(err)
			}
			_, body := get(t, c, e.URL+"/day")
			colleague := task.Colleagues[0]
			if !strings.Contains(body, `<select name="recruiter"><option value="">meg</option>`) ||
				!strings.Contains(body, fmt.Sprintf(`<option value="%d">%s</option>`, colleague.PersonID, html.EscapeString(colleague.Name))) {
				t.Fatal("Min dag offers no recruiter choice of meg and the colleagues")
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

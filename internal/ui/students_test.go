package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// addStudent registers a student member in the first branch below the
// given path, graduating on grad, and returns the membership's id.
func addStudent(t testing.TB, e *testEnv, underPath, first, last string, grad time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	db := e.Store.DB()
	var unitID int64
	if err := db.QueryRow(`SELECT id FROM org_units WHERE kind = 'branch' AND substr(path, 1, length($1)) = $1 ORDER BY id LIMIT 1`, underPath).Scan(&unitID); err != nil {
		t.Fatal(err)
	}
	p := &model.Person{FirstName: first, LastName: last, UnitID: unitID, MemberStatus: model.StatusActive, Mobile: "+4791234567"}
	if err := e.Store.CreatePerson(ctx, access.System("test"), p); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := db.QueryRow(`INSERT INTO memberships (person_id, type, status, start_date, source, institution, programme, expected_graduation)
		VALUES ($1, 'student', 'active', $2, 'student_recruitment', 'NTNU', 'Master i bygg', $3) RETURNING id`, p.ID, time.Date(2022, 8, 15, 0, 0, 0, 0, time.UTC), grad).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// htmxPost posts as htmx does when a button in a row is tapped.
func htmxPost(t testing.TB, c *http.Client, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("HX-Request", "true")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := send(t, c, req)
	return resp.StatusCode, body
}

func TestStudentsPageScopeAndConversion(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			coord := e.principal(t, "vervekoordinator")
			region := coord.Grants[0].UnitPath
			var other string
			if err := e.Store.DB().QueryRow(`SELECT path FROM org_units WHERE kind = 'region' AND path <> $1 ORDER BY id LIMIT 1`, region).Scan(&other); err != nil {
				t.Fatal(err)
			}
			soon := e.Store.Today().AddDate(0, 1, 0)
			mine := addStudent(t, e, region, "Sofie", "Studentsen", soon)
			theirs := addStudent(t, e, other, "Ulrik", "Utenfor", soon)

			if _, err := e.Store.CreateConvertTasks(context.Background(), access.System("test")); err != nil {
				t.Fatal(err)
			}

			c := e.login(t, "vervekoordinator")
			// The transfer task is on the coordinator's day, with a way to the list.
			if status, body := get(t, c, e.URL+"/day"); status != http.StatusOK || !strings.Contains(body, "Sofie Studentsen") ||
				!strings.Contains(body, `href="/students?view=graduating"`) {
				t.Fatalf("Min dag: %d\n%s", status, body)
			}
			status, body := get(t, c, e.URL+"/students")
			if status != http.StatusOK || !strings.Contains(body, "Sofie Studentsen") || !strings.Contains(body, "Overfør til yrkesmedlemskap") {
				t.Fatalf("coordinator: %d\n%s", status, body)
			}
			if strings.Contains(body, "Ulrik Utenfor") {
				t.Fatal("coordinator sees a student in another region")
			}
			if !strings.Contains(body, "frist ") {
				t.Fatal("the list does not show the transfer task")
			}
			if !strings.Contains(body, `href="/students"`) {
				t.Fatal("no nav link for the coordinator")
			}
			for _, view := range []string{"rates", "studystart", "studystart&since=2025-08-01", "studystart&since=tull"} {
				if status, body := get(t, c, e.URL+"/students?view="+view); status != http.StatusOK || strings.Contains(body, "Ulrik") {
					t.Fatalf("view %s: %d", view, status)
				}
			}
			if _, body := get(t, c, e.URL+"/students?view=studystart&since=tull"); !strings.Contains(body, "åååå-mm-dd") {
				t.Fatal("a bad date is not explained")
			}

			// One tap: the row becomes a confirmation.
			status, body = htmxPost(t, c, e.URL+"/students/"+strconv.FormatInt(mine, 10)+"/convert")
			if status != http.StatusOK || !strings.Contains(body, "er overført til yrkesmedlemskap") || !strings.Contains(body, `<tr id="student-`) {
				t.Fatalf("convert: %d\n%s", status, body)
			}
			status, body = htmxPost(t, c, e.URL+"/students/"+strconv.FormatInt(mine, 10)+"/convert")
			if status != http.StatusOK || !strings.Contains(body, "allerede overført") {
				t.Fatalf("second convert: %d\n%s", status, body)
			}
			if status, _ := post(t, c, e.URL+"/students/"+strconv.FormatInt(mine, 10)+"/convert", nil); status != http.StatusConflict {
				t.Fatalf("second convert without htmx: %d", status)
			}
			if status, _ := htmxPost(t, c, e.URL+"/students/"+strconv.FormatInt(theirs, 10)+"/convert"); status != http.StatusNotFound {
				t.Fatalf("converting outside the region: %d", status)
			}
			var n int
			e.Store.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE username = 'vervekoordinator' AND entity = 'membership'`).Scan(&n)
			if n != 2 {
				t.Fatalf("%d membership audit entries, want 2", n)
			}
			if _, body := get(t, c, e.URL+"/students"); strings.Contains(body, "Sofie Studentsen") {
				t.Fatal("a converted student is still on the list")
			}

			// The study leader reads but does not convert.
			sl := e.login(t, "studieleder")
			if status, body := get(t, sl, e.URL+"/students"); status != http.StatusOK || strings.Contains(body, "Overfør til yrkesmedlemskap") {
				t.Fatalf("study leader: %d", status)
			}
			if status, _ := htmxPost(t, sl, e.URL+"/students/"+strconv.FormatInt(theirs, 10)+"/convert"); status != http.StatusForbidden {
				t.Fatalf("study leader converting: %d", status)
			}

			// A shop steward has no student pages.
			tv := e.login(t, "tillitsvalgt")
			if status, _ := get(t, tv, e.URL+"/students"); status != http.StatusForbidden {
				t.Fatalf("steward: %d", status)
			}
			if status, _ := htmxPost(t, tv, e.URL+"/students/"+strconv.FormatInt(theirs, 10)+"/convert"); status != http.StatusForbidden {
				t.Fatalf("steward converting: %d", status)
			}
			if _, body := get(t, tv, e.URL+"/"); strings.Contains(body, `href="/students"`) {
				t.Fatal("steward has the nav link")
			}

			// The admin sees every region and English texts.
			ad := e.login(t, "admin")
			status, body = get(t, ad, e.URL+"/students")
			if status != http.StatusOK || !strings.Contains(body, "Ulrik Utenfor") {
				t.Fatalf("admin: %d", status)
			}
			post(t, ad, e.URL+"/lang", nil)
			if _, body := get(t, ad, e.URL+"/students?view=rates"); !strings.Contains(body, "Conversion rate") {
				t.Fatal("no English rates page")
			}
		})
	}
}

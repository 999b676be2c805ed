package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

const testConfirmURL = "https://verve.example/bli-medlem/bekreft/"

// confirmInvitation confirms the invitation behind a link, as the invited
// person would.
func confirmInvitation(t *testing.T, e *testEnv, link string) {
	t.Helper()
	token, _, _ := strings.Cut(path.Base(link), "?")
	if _, err := e.Store.ConfirmApplication(context.Background(), access.Visitor(""), token); err != nil {
		t.Fatalf("confirming %q: %v", link, err)
	}
}

// takeOver gives u the newest open task about the named person ("Ta
// over"): a list's new hires are shared among the workplace's stewards,
// so the one who uploaded it need not hold them all.
func takeOver(t *testing.T, e *testEnv, u *access.Principal, names ...string) {
	t.Helper()
	for _, name := range names {
		var id int64
		if err := e.Store.DB().QueryRow(`SELECT t.id FROM tasks t JOIN persons p ON p.id = t.person_id
			WHERE p.first_name || ' ' || p.last_name = $1 AND t.status = 'open' ORDER BY t.id DESC LIMIT 1`, name).Scan(&id); err != nil {
			t.Fatalf("no open task about %s: %v", name, err)
		}
		if err := e.Store.ReassignTask(context.Background(), u, id, u.PersonID); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDemoStewardsHaveWork: every demo steward opens a Min dag with real
// work today: new colleagues, an overdue follow-up and a winback call.
func TestDemoStewardsHaveWork(t *testing.T) {
	e := newEnv(t, "sqlite")
	rows, err := e.Store.DB().Query(`SELECT DISTINCT u.username FROM users u JOIN roles r ON r.person_id = u.person_id
		WHERE r.role IN ('shop_steward', 'chief_shop_steward') AND r.end_date IS NULL ORDER BY u.username`)
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	rows.Close()
	if len(users) < 2 {
		t.Fatalf("demo steward logins: %v", users)
	}
	for _, name := range users {
		d, err := e.Store.MyDay(context.Background(), e.principal(t, name))
		if err != nil {
			t.Fatal(err)
		}
		has := func(ts []storage.DayTask, kind model.TaskKind) bool {
			return slices.ContainsFunc(ts, func(dt storage.DayTask) bool { return dt.Kind == kind })
		}
		all := append(append(slices.Clone(d.Overdue), d.Today...), d.Upcoming...)
		if len(d.NewColleagues) == 0 || !has(d.Overdue, model.TaskFollowUp) || !has(all, model.TaskWinback) || !has(all, model.TaskWelcome) {
			t.Errorf("%s's Min dag: %d new colleagues, overdue follow-up %v, winback %v, welcome %v", name, len(d.NewColleagues),
				has(d.Overdue, model.TaskFollowUp), has(all, model.TaskWinback), has(all, model.TaskWelcome))
		}
		_, body := get(t, e.login(t, name), e.URL+"/day")
		if strings.Contains(body, `id="day-empty"`) {
			t.Errorf("%s's Min dag says there is nothing to do", name)
		}
	}
}

// TestMePage: a member without a role lands on "Meg", corrects their
// e-mail, downloads their data and reaches nobody else.
func TestMePage(t *testing.T) {
	e := newEnv(t, "sqlite")
	name, person := memberUser(t, e)
	c := e.login(t, name)
	st, _ := get(t, c, e.URL+"/")
	if st != http.StatusSeeOther {
		t.Errorf("a member's home: %d, want a redirect to Meg", st)
	}
	st, body := get(t, c, e.URL+"/me")
	if st != http.StatusOK || !strings.Contains(body, `id="me-memberships"`) || !strings.Contains(body, locale.T("nb", "status.active")) {
		t.Fatalf("Meg: %d\n%s", st, body)
	}
	st, _ = post(t, c, e.URL+"/me/contact", url.Values{"email": {"ikke en adresse"}, "mobile": {person.Mobile}})
	if st != http.StatusBadRequest {
		t.Errorf("a bad address: %d", st)
	}
	st, _ = post(t, c, e.URL+"/me/contact", url.Values{"email": {"ny.adresse@example.no"}, "mobile": {person.Mobile}, "address": {person.Address},
		"postal_code": {person.PostalCode}})
	if st != http.StatusSeeOther || countRows(t, e, `SELECT count(*) FROM persons WHERE id = $1 AND email = 'ny.adresse@example.no'`, person.ID) != 1 {
		t.Errorf("the correction: %d", st)
	}
	st, data := get(t, c, e.URL+"/me/data.json")
	var own storage.OwnData
	if err := json.Unmarshal([]byte(data), &own); st != http.StatusOK || err != nil || own.Person.ID != person.ID || len(own.Memberships) == 0 {
		t.Errorf("download: %d %v %+v", st, err, own.Person)
	}
	for _, path := range []string{"/persons/1", "/search?q=a", "/day"} {
		if st, _ := get(t, c, e.URL+path); st != http.StatusForbidden {
			t.Errorf("a member opens %s: %d", path, st)
		}
	}
}

// memberUser makes a sign-in for an active member of the demo with an
// e-mail address and no role, with the demo password.
func memberUser(t *testing.T, e *testEnv) (string, *model.Person) {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := e.Store.DB().QueryRow(`SELECT p.id FROM persons p WHERE p.member_status = 'active' AND p.email <> '' AND p.workplace_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM users u WHERE u.person_id = p.id)
		ORDER BY p.id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.CreateUser(ctx, access.System("test"), &model.User{PersonID: id, Username: "medlem", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	p, err := e.Store.Person(ctx, access.System("test"), id)
	if err != nil {
		t.Fatal(err)
	}
	return "medlem", p
}

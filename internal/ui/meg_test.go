package ui

import (
	"context"
	"path"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
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

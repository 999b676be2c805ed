package ui

import (
	"net/http"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/locale"
)

// TestDemoGivesDecidersWork: the demo's approver, coordinator and
// administrator each open a page with something to decide, and the export
// to the member register has rows. An empty page in the demo is a bug in
// the demo.
func TestDemoGivesDecidersWork(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, c := range []struct{ user, path, empty, want string }{
		{"radgiver", "/applications", locale.T("nb", "app.none"), locale.T("nb", "app.match")},
		{"admin", "/applications", locale.T("nb", "app.none"), locale.T("nb", "app.match")},
		{"vervekoordinator", "/matches", locale.T("nb", "mc.none"), `id="match-`},
		{"admin", "/matches", locale.T("nb", "mc.none"), `id="match-`},
	} {
		st, body := get(t, e.login(t, c.user), e.URL+c.path)
		if st != http.StatusOK || strings.Contains(body, c.empty) || !strings.Contains(body, c.want) {
			t.Errorf("%s %s: status %d, empty=%v, has %q=%v", c.user, c.path, st, strings.Contains(body, c.empty), c.want, strings.Contains(body, c.want))
		}
	}
	st, csv := get(t, e.login(t, "admin"), e.URL+"/applications/export")
	if lines := strings.Count(strings.TrimSpace(csv), "\n"); st != http.StatusOK || lines < 1 {
		t.Errorf("export: status %d, %d data rows", st, lines)
	}
}

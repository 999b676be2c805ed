package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/storage/storagetest"
)

const apiList = "Navn;E-post;Startdato\nNordmann, Kari;kari.api@example.no;01.12.2026\nOla;ola@example.no;01.12.2026\n"

// TestNewhiresAPI imports a list through the JSON API: a dry run changes
// nothing, the commit creates the prospect once, and a second commit
// creates nothing new.
func TestNewhiresAPI(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			steward := e.principal(t, "tillitsvalgt")
			wps, err := e.Store.WorkplacesUnder(context.Background(), steward, steward.Grants[0].UnitPath, 1)
			if err != nil || len(wps) == 0 {
				t.Fatal(err)
			}
			c := e.login(t, "tillitsvalgt")
			send := func(query string) (int, map[string]any) {
				t.Helper()
				resp, err := c.Post(fmt.Sprintf("%s/api/v1/workplaces/%s/newhires?%s", e.URL, wps[0].Orgnr, query), "text/csv", strings.NewReader(apiList))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var out map[string]any
				json.NewDecoder(resp.Body).Decode(&out)
				return resp.StatusCode, out
			}
			count := func() (n int) {
				e.Store.DB().QueryRow(`SELECT count(*) FROM persons WHERE email = 'kari.api@example.no'`).Scan(&n)
				return n
			}
			st, out := send("dry_run=1")
			if st != http.StatusOK || out["committed"] != false || count() != 0 {
				t.Fatalf("dry run: %d %v, %d persons", st, out, count())
			}
			errs, _ := out["errors"].([]any)
			if out["error_rows"] != float64(1) || len(errs) != 1 || !strings.Contains(fmt.Sprint(errs[0]), "line:3") {
				t.Fatalf("dry run errors: %v", out)
			}
			if st, out = send("filename=hr.csv"); st != http.StatusCreated || count() != 1 {
				t.Fatalf("commit: %d %v", st, out)
			}
			if st, out = send(""); st != http.StatusCreated || count() != 1 || out["counts"].(map[string]any)["pipeline"] != float64(1) {
				t.Fatalf("second commit: %d %v", st, out)
			}
			// An unreadable body is a clear 400.
			resp, err := c.Post(fmt.Sprintf("%s/api/v1/workplaces/%s/newhires", e.URL, wps[0].Orgnr), "text/csv", strings.NewReader(""))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "Filen er tom") {
				t.Fatalf("empty body: %d %s", resp.StatusCode, b)
			}
		})
	}
}

// TestImportJobsArePrivate: an upload's preview belongs to whoever
// uploaded it; another user gets not found.
func TestImportJobsArePrivate(t *testing.T) {
	e := newEnv(t, "sqlite")
	_, wp := stewardWorkplace(t, e)
	c := e.login(t, "tillitsvalgt")
	loc := uploadAndPreview(t, e, c, wp, "liste.csv", apiList)
	if _, page := get(t, c, e.URL+loc); !strings.Contains(page, "Nordmann") || !strings.Contains(page, "row-errors") {
		t.Fatalf("preview page lacks the rows:\n%s", page)
	}
	other := e.login(t, "tillitsvalgt2")
	if st, b := get(t, other, e.URL+loc); st != http.StatusNotFound || strings.Contains(b, "Nordmann") {
		t.Fatalf("another steward opened the upload: %d", st)
	}
	if st, _ := post(t, other, e.URL+loc, map[string][]string{"action": {"commit"}}); st != http.StatusNotFound {
		t.Fatalf("another steward committed the upload: %d", st)
	}
}

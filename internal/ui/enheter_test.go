package ui

import (
	"context"
	"fmt"
	"html"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/enheter"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestWorkplaceDensityFromEnhetsregisteret: once the register's sample
// has been loaded, the workplace page counts density against the
// register's employees and shows its address and industry.
func TestWorkplaceDensityFromEnhetsregisteret(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			admin := e.principal(t, "admin")
			tree, err := e.Store.UnitTree(ctx, admin)
			if err != nil {
				t.Fatal(err)
			}
			wps, err := e.Store.WorkplacesUnder(ctx, admin, tree[0].Path, 10000)
			if err != nil {
				t.Fatal(err)
			}
			w := wps[0]
			for _, c := range wps {
				if c.Members > w.Members {
					w = c
				}
			}
			// The demo's workplace becomes the sample's Helsehuset (120 employees).
			if _, err := e.Store.DB().Exec(`UPDATE workplaces SET orgnr = '973760009' WHERE id = $1`, w.ID); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open("../enheter/testdata/underenheter.json.gz")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := enheter.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Store.ImportEnheter(ctx, access.System("verve import enheter"), storage.EnheterRequest{Filename: "underenheter.json.gz"}, r.All()); err != nil {
				t.Fatal(err)
			}
			st, body := get(t, e.login(t, "admin"), fmt.Sprintf("%s/workplaces/%d", e.URL, w.ID))
			if st != 200 {
				t.Fatalf("status %d", st)
			}
			density := strconv.FormatFloat(float64(w.Members)/120*100, 'f', 0, 64) + " %"
			if !strings.Contains(body, "<dd>120</dd>") {
				t.Error("the page does not show the register's 120 employees")
			}
			for _, want := range []string{"TRONDHEIM KOMMUNE HELSEHUSET", density, "Olav Tryggvasons gate 5, Inngang B", "86.229 Andre spesialiserte legetjenester"} {
				if !strings.Contains(body, html.EscapeString(want)) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
}

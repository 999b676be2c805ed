package ui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/locale"
)

// textKey finds the catalogue keys that templates ({{t .L "key"}}) and
// handlers (locale.T(lang, "key")) name literally.
var textKey = regexp.MustCompile(`(?:\bt \S+|\btn \S+|locale\.[TN]\([^,()]+,|model\.ErrorKey\([^,()]+,) "([a-z][a-z0-9_.]*)"`)

// TestEveryTextKeyExists: every key a page or handler names is in the
// catalogue, in bokmål at least (locale.T shows a missing key as itself).
func TestEveryTextKeyExists(t *testing.T) {
	files := map[string][]byte{}
	templates, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range templates {
		b, err := fs.ReadFile(templateFiles, n)
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
	}
	sources, _ := filepath.Glob("*.go")
	for _, n := range sources {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
	}
	seen := 0
	for name, b := range files {
		for _, m := range textKey.FindAllSubmatch(b, -1) {
			seen++
			if k := string(m[1]); locale.T("nb", k) == k {
				t.Errorf("%s names %q, which the catalogue lacks", name, k)
			}
		}
	}
	t.Logf("%d keys named", seen)
	if seen < 100 {
		t.Errorf("found only %d keys; is the pattern still right?", seen)
	}
}

package newhires

import (
	"testing"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the mapping errors and row reasons of a new-hire
// import are catalogue keys, translated where the report is shown.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{KeyCalls: map[string]int{"RowReason": 1}, MinKeys: 1})
}

// TestTextKeys: The route mapping error newhires names in a model.Text (not a call the check
// above sees) is in the catalogue in bokmål and English.
func TestTextKeys(t *testing.T) {
	for _, k := range []string{"import.route.nocolumn"} {
		if !locale.Has("nb", k) || !locale.Has("en", k) {
			t.Errorf("%q is not in the catalogue in nb and en", k)
		}
	}
}

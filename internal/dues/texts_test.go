package dues

import (
	"testing"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the dues file's errors and the report's lines are
// catalogue keys, translated where the report is shown; the headers it
// recognises are data.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{
		Allow:   func(s string) bool { return column(s) != "" },
		MinKeys: 4,
	})
}

// TestTextKeys: The row problem dues names in a model.Text (not a call the check
// above sees) is in the catalogue in bokmål and English.
func TestTextKeys(t *testing.T) {
	for _, k := range []string{"dues.row.nomember"} {
		if !locale.Has("nb", k) || !locale.Has("en", k) {
			t.Errorf("%q is not in the catalogue in nb and en", k)
		}
	}
}

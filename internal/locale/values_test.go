package locale_test

import (
	"testing"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

// TestStoredValuesHaveNames: every stored value the pages show through
// the catalogue has a name there.
func TestStoredValuesHaveNames(t *testing.T) {
	for _, s := range model.Sources {
		if !locale.Has("nb", "source."+string(s)) {
			t.Errorf("no name for membership source %q", s)
		}
	}
	for _, k := range model.ContactKinds {
		if !locale.Has("nb", "contact."+string(k)) {
			t.Errorf("no name for contact kind %q", k)
		}
	}
}

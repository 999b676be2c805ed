package locale

import (
	"testing"

	"github.com/verve-union/verve/internal/model"
)

// TestStoredValuesHaveNames: every stored value the pages show through
// the catalogue has a name there.
func TestStoredValuesHaveNames(t *testing.T) {
	for _, s := range model.Sources {
		if _, ok := catalog["source."+string(s)]; !ok {
			t.Errorf("no name for membership source %q", s)
		}
	}
	for _, k := range model.ContactKinds {
		if _, ok := catalog["contact."+string(k)]; !ok {
			t.Errorf("no name for contact kind %q", k)
		}
	}
}

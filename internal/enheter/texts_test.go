package enheter

import (
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the reader's errors are catalogue keys; the
// generator's names are sample data.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{Data: []string{"generate.go"}, MinKeys: 5})
}

package retention

import (
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the audit log's reasons and lines are catalogue
// keys (the kinds' reasons are checked by TestErasable).
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{MinKeys: 3})
}

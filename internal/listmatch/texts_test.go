package listmatch

import (
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the audit line is a catalogue key; the convert
// task's title is stored data.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{
		Allow:   func(s string) bool { return s == TitleConvert },
		MinKeys: 1,
	})
}

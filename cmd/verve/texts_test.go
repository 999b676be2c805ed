package main

import (
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the command line's summaries, flag help, messages
// and errors are cli.* catalogue keys (bokmål), looked up with nb.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{KeyCalls: map[string]int{"nb": 0}, MinKeys: 70})
}

package model

import (
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: model's messages are catalogue keys (the locale
// package comment's rule), and every key it names literally is there.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{MinKeys: 15})
}

package api

import (
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the API's messages are catalogue keys, answered
// in the request's language (httperr.WriteJSON).
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{KeyCalls: map[string]int{"ErrorKey": 1}, MinKeys: 8})
}

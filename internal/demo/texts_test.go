package demo

import (
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the demo's errors are catalogue keys. The files
// that make the demo union's people, workplaces, tasks and notes hold
// Norwegian sample data (register.go the words of the union's register),
// which is stored or exported as it is, not messages.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{
		Data:    []string{"applications.go", "matches.go", "people.go", "pipeline.go", "register.go", "stewardwork.go", "workplaces.go"},
		MinKeys: 2,
	})
}

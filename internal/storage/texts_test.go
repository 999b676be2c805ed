package storage

import (
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: storage holds no text a user sees (the package
// comment's rule). A string literal outside comments and tests that reads
// as Norwegian fails; a message is a catalogue key, and every key storage
// names literally is in the catalogue.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{
		KeyCalls: map[string]int{"notFound": 1, "cliError": 1},
		Allow:    isSQL,
		MinKeys:  20,
	})
}

// isSQL reports whether s is a statement (its Norwegian is stored data, not a
// message: a task title SQL writes, a status compared).
func isSQL(s string) bool {
	s = strings.TrimSpace(s)
	for _, w := range []string{"SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH ", "CREATE ", "FROM ", "WHERE ", "AND ", "OR ", " JOIN ", "ON CONFLICT"} {
		if strings.HasPrefix(strings.ToUpper(s), w) || strings.Contains(s, " "+strings.TrimSpace(w)+" ") {
			return true
		}
	}
	return false
}

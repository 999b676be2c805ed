package ui

import (
	"slices"
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the handlers' messages are catalogue keys (the
// templates name keys too, see locale_keys_test.go). The bokmål column
// names of the CSV and XLSX exports, which go to Norwegian spreadsheets whatever
// the interface language, and the lawful basis an import form starts with,
// which is stored with the import, are data.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{
		KeyCalls: map[string]int{"fail": 1}, // login's failure, by key
		Allow: func(s string) bool {
			return slices.Contains(registerHeader, s) || slices.Contains(recruitmentExportHeader, s) || slices.Contains(registerChangeHeader, s) ||
				s == defaultBasis
		},
		MinKeys: 70,
	})
}

package importer

import (
	"testing"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the importer's reasons and file errors are
// catalogue keys, translated where the report is shown. The headers it
// recognises and the sample file's rows are data.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{
		KeyCalls: map[string]int{"fileError": 0, "fail": 2},
		Allow: func(s string) bool {
			_, ok := aliases[NormHeader(s)]
			return ok
		},
		Data:    []string{"sample.go"},
		MinKeys: 20,
	})
}

// TestReasonKeys: the reasons passed around as constants are in the
// catalogue in bokmål and English.
func TestReasonKeys(t *testing.T) {
	keys := []string{reasonTooLong, reasonNoName, reasonNoFirst, reasonNoLast, reasonNameParts, reasonNameDigits,
		reasonNameChars, reasonEmail, reasonBirthFnr, reasonExtraCells, reasonRepeatHeader, reasonDateFormat,
		reasonDateMissing, reasonDateUS, reasonSerial60, reasonStartRange, reasonEventRange, reasonBirthOld, reasonBirthYoung}
	for _, k := range fnrReasons {
		keys = append(keys, k)
	}
	for _, k := range keys {
		if !locale.Has("nb", k) || !locale.Has("en", k) {
			t.Errorf("reason %q is not in the catalogue in nb and en", k)
		}
	}
}

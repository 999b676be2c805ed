package norway

import (
	"errors"
	"fmt"
	"testing"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: the validation errors are catalogue keys; the
// postal table and the county names are data.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{
		KeyCalls: map[string]int{"keyError": 0},
		Allow: func(s string) bool {
			for _, c := range counties {
				if c.name == s {
					return true
				}
			}
			return false
		},
		Data:    []string{"postal_data.go"},
		MinKeys: 10,
	})
}

// TestErrorKeys: every validation error is an *Error, found through
// wrapping, whose key has a text in bokmål and English.
func TestErrorKeys(t *testing.T) {
	for _, err := range []error{ErrFnrLength, ErrFnrDigits, ErrFnrDate, ErrFnrControl, ErrOrgnrLength, ErrOrgnrDigits,
		ErrOrgnrPrefix, ErrOrgnrControl, ErrMobile, ErrPostalCode} {
		var e *Error
		if !errors.As(fmt.Errorf("wrapped: %w", err), &e) {
			t.Errorf("%v is not an *Error", err)
			continue
		}
		for _, l := range []string{"nb", "en"} {
			if !locale.Has(l, e.Key) {
				t.Errorf("%s has no %s text", e.Key, l)
			}
		}
	}
}

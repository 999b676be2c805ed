package model

import (
	"slices"
	"testing"
)

func TestParseWorkplaceQuery(t *testing.T) {
	for _, c := range []struct {
		q     string
		orgnr string
		words []string
		ok    bool
	}{
		{"923 609 016", "923609016", nil, true},
		{" 923609016 ", "923609016", nil, true},
		{"92360901", "", []string{"92360901"}, true}, // eight digits: a name search
		{"Trondheim KOM", "", []string{"trondheim", "kom"}, true},
		{"a b c d e f", "", []string{"a", "b", "c", "d"}, true},
		{"x", "", nil, false},
		{"   ", "", nil, false},
		{string(make([]byte, 101)), "", nil, false},
	} {
		wq, ok := ParseWorkplaceQuery(c.q)
		if ok != c.ok || wq.Orgnr != c.orgnr || !slices.Equal(wq.Words, c.words) {
			t.Errorf("ParseWorkplaceQuery(%q) = %+v, %v", c.q, wq, ok)
		}
	}
}

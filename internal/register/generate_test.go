package register

import (
	"bytes"
	"testing"
)

// TestGenerateReadsBack: the generator's first export and its month-later
// export read back without a single problem, and the same seed gives the
// same bytes.
func TestGenerateReadsBack(t *testing.T) {
	opt := GenOptions{Members: 3000, Seed: 7}
	var first, again, changes bytes.Buffer
	if err := Generate(&first, opt); err != nil {
		t.Fatal(err)
	}
	if err := Generate(&again, opt); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), again.Bytes()) {
		t.Fatal("the same seed gave different bytes")
	}
	if err := GenerateChanges(&changes, opt); err != nil {
		t.Fatal(err)
	}
	month := opt.withDefaults().Today.AddDate(0, 1, 0)
	for name, data := range map[string][]byte{"first": first.Bytes(), "changes": changes.Bytes()} {
		r := openBytes(t, data, ReadOptions{Import: importerToday(month)})
		recs, bad := readAll(t, r)
		if len(bad) > 0 {
			n := 0
			for line, errs := range bad {
				if n++; n > 5 {
					break
				}
				t.Errorf("%s: line %d: %v", name, line, errs)
			}
			t.Fatalf("%s: %d rows with problems", name, len(bad))
		}
		want := opt.Members
		if name == "changes" {
			want += opt.Members / 200
		}
		if len(recs) != want {
			t.Errorf("%s: %d records, want %d", name, len(recs), want)
		}
		if len(r.Unknown()) > 0 {
			t.Errorf("%s: unknown values %v", name, r.Unknown())
		}
	}
}

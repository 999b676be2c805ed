package middleware

import (
	"testing"
	"time"
)

// A kept session decodes as gob decoded it, and what a request writes to
// its copy is not what the next one gets.
func TestKeptCodec(t *testing.T) {
	var c keptCodec
	deadline := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	b, err := c.Encode(deadline, map[string]any{"uid": int64(7), "lang": "nb"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		d, values, err := c.Decode(b)
		if err != nil || !d.Equal(deadline) || values["uid"] != int64(7) || values["lang"] != "nb" || len(values) != 2 {
			t.Fatalf("decode %d: %v %v %v", i, d, values, err)
		}
		values["uid"] = int64(8)
		delete(values, "lang")
	}
	if len(c.kept) != 1 {
		t.Errorf("%d sessions kept, want 1", len(c.kept))
	}
	if _, _, err := c.Decode([]byte("not gob")); err == nil {
		t.Error("garbage decoded")
	}
	if len(c.kept) != 1 {
		t.Errorf("a failed decode was kept: %d", len(c.kept))
	}
}

package procstat

import (
	"runtime/debug"
	"testing"
)

// TestPeakRSS: the peak follows memory touched, and a reset brings it
// back down to the current RSS.
func TestPeakRSS(t *testing.T) {
	// Memory the runtime freed but kept would take the touch below
	// without raising the peak.
	debug.FreeOSMemory()
	if err := ResetPeakRSS("self"); err != nil {
		t.Skipf("no /proc to reset: %v", err)
	}
	before, err := PeakRSSMB("self")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<20)
	for i := range buf {
		if i%4096 == 0 {
			buf[i] = 1
		}
	}
	after, err := PeakRSSMB("self")
	if err != nil {
		t.Fatal(err)
	}
	if after < before+60 {
		t.Fatalf("peak RSS %.0f MiB after touching 64 MiB, %.0f before", after, before)
	}
	if _, err := PeakRSSMB("no-such-process"); err == nil {
		t.Fatal("a peak for a process that does not exist")
	}
}

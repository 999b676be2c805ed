// Package procstat reads what Linux's /proc tells of a process's memory,
// for the benchmarks that report a server's or a job's peak RSS.
package procstat

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ResetPeakRSS resets the peak RSS (VmHWM) of process pid ("self" for
// this one) to its current RSS.
func ResetPeakRSS(pid string) error {
	// Writing 5 to clear_refs resets VmHWM to the current RSS.
	return os.WriteFile("/proc/"+pid+"/clear_refs", []byte("5"), 0)
}

// PeakRSSMB is the peak RSS (VmHWM) of process pid in MiB.
func PeakRSSMB(pid string) (float64, error) {
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0, err
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%s/status", pid)
}

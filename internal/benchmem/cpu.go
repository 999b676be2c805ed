package benchmem

import (
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPUTime is the CPU time the process has used so far, user and system.
// Work run one piece at a time costs its growth, without the time spent
// waiting for a core on a busy machine.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ServerCPU is the CPU time so far of the PostgreSQL backends whose
// connections carry application name app (set it in the address:
// application_name=...), read from /proc, so only for a server on this
// machine; backends it cannot read count 0. In clock ticks of 10 ms.
func ServerCPU(db *sql.DB, app string) (time.Duration, error) {
	rows, err := db.Query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, app)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ticks int64
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return 0, err
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // gone, or the server is elsewhere
		}
		// After the command's name in parentheses: utime and stime are
		// fields 14 and 15, in clock ticks (100 a second on Linux).
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		for _, i := range []int{11, 12} {
			v, _ := strconv.ParseInt(f[i], 10, 64)
			ticks += v
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond, rows.Err()
}

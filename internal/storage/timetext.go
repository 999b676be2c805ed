package storage

import (
	"fmt"
	"strings"
	"time"
)

// The SQLite driver hands back a DATE or TIMESTAMP column as a time.Time
// it made with time.Parse, up to eight layouts tried in turn: on a busy
// steward's Min dag at a million members (four times on each of 30 task
// cards, once on each of 30 new colleagues) a quarter of the page's CPU.
// Min dag's queries read such columns as text instead (textTime), which
// scanTime parses by hand in the layout the driver writes. PostgreSQL's
// driver decodes times from binary, and reads them as they are.

// textTime is col read as text on SQLite, under its own name.
var textTime = map[Dialect]func(col, name string) string{
	SQLite:   func(col, name string) string { return `(` + col + ` || '') AS ` + name },
	Postgres: func(col, name string) string { return col + ` AS ` + name },
}

// scanTime is a destination for Scan of a time column read by textTime:
// NULL leaves Valid false.
type scanTime struct {
	Time  time.Time
	Valid bool
}

// Scan takes a time.Time (PostgreSQL) or the text the SQLite driver wrote.
func (t *scanTime) Scan(v any) error {
	t.Time, t.Valid = time.Time{}, v != nil
	switch v := v.(type) {
	case nil:
		return nil
	case time.Time:
		t.Time = v
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("scan %T into a time", v)
}

// UTC is the time in UTC, zero for NULL (as timeOf).
func (t scanTime) UTC() time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func (t *scanTime) parse(s string) error {
	if v, ok := parseUTCString(s); ok {
		t.Time = v
		return nil
	}
	v, err := parseDriverTime(s)
	t.Time = v
	return err
}

// parseUTCString parses what time.Time.String writes of a time in UTC,
// "2006-01-02 15:04:05[.fraction] +0000 UTC", the form every time Verve
// stores takes; anything else is not ok.
func parseUTCString(s string) (time.Time, bool) {
	rest, ok := strings.CutSuffix(s, " +0000 UTC")
	if !ok || len(rest) < 19 || rest[4] != '-' || rest[7] != '-' || rest[10] != ' ' || rest[13] != ':' || rest[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range []byte(rest[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	var f [6]int
	for i, p := range [6][2]int{{0, 4}, {5, 2}, {8, 2}, {11, 2}, {14, 2}, {17, 2}} {
		if f[i], ok = num(p[0], p[1]); !ok {
			return time.Time{}, false
		}
	}
	nsec := 0
	if frac := rest[19:]; frac != "" {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		n, ok := num(20, len(frac)-1)
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			n *= 10
		}
		nsec = n
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return time.Time{}, false
	}
	v := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nsec, time.UTC)
	return v, v.Day() == f[2] // not 31 February
}

// driverTimeLayouts are the layouts the SQLite driver reads times in, in
// its order (modernc.org/sqlite, parseTime).
var driverTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999 -0700 MST",
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDriverTime reads s as the SQLite driver would.
func parseDriverTime(s string) (time.Time, error) {
	if i := strings.Index(s, " m="); i > 0 {
		s = s[:i] // time.Time.String's monotonic reading
	}
	s = strings.TrimSpace(s)
	for _, l := range driverTimeLayouts {
		if v, err := time.Parse(l, strings.TrimSuffix(s, "Z")); err == nil {
			return v, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}

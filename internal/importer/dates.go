package importer

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Reasons for rejected dates, shown to the user next to the cell.
const (
	reasonDateFormat  = "import.why.dateformat"
	reasonDateMissing = "import.why.datemissing"
	reasonDateUS      = "import.why.dateus"
	reasonSerial60    = "import.why.serial60"
	reasonStartRange  = "import.why.startrange"
	reasonEventRange  = "import.why.eventrange"
	reasonBirthOld    = "import.why.birthold"
	reasonBirthYoung  = "import.why.birthyoung"
)

// DateKind selects the two-digit-year rule and the plausible range.
type DateKind int

const (
	DateStart DateKind = iota // a start date: 1950 to two years ahead
	DateBirth                 // a birth date: 1900 to 13 years ago
	// DateEvent is a date in a record's history (joined, resigned, a
	// role's term): 1900 to two years ahead, two-digit years read as for
	// start dates.
	DateEvent
)

// DateContext is what a date cell needs to know besides its text.
type DateContext struct {
	Today    time.Time // today in Oslo, at midnight UTC (clock.Day)
	Serials  bool      // the cell came from XLSX, so a bare number is an Excel serial
	Date1904 bool
}

// ParseDate parses a date cell and checks that it is plausible for kind.
// It returns the date at midnight UTC or a reason for rejecting it.
func ParseDate(s string, kind DateKind, c DateContext) (time.Time, string) {
	t, reason := parseDateValue(strings.TrimSpace(s), kind, c)
	if reason == "" {
		reason = checkRange(t, kind, c.Today)
	}
	if reason != "" {
		return time.Time{}, reason
	}
	return t, ""
}

// parseDateValue reads a trimmed cell as a date. In XLSX a number is an
// Excel serial, except eight digits that read as yyyymmdd (no serial is
// that large).
func parseDateValue(s string, kind DateKind, c DateContext) (time.Time, string) {
	if c.Serials && isNumber(s) && !(len(s) == 8 && isDigits(s)) {
		return fromSerial(s, c.Date1904)
	}
	return parseDateText(s, kind, c.Today)
}

func checkRange(t time.Time, kind DateKind, now time.Time) string {
	switch kind {
	case DateStart:
		if t.Year() < 1950 || t.After(now.AddDate(2, 0, 0)) {
			return reasonStartRange
		}
	case DateEvent:
		if t.Year() < 1900 || t.After(now.AddDate(2, 0, 0)) {
			return reasonEventRange
		}
	case DateBirth:
		if t.Year() < 1900 {
			return reasonBirthOld
		}
		if t.After(now.AddDate(-13, 0, 0)) {
			return reasonBirthYoung
		}
	}
	return ""
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "nN") // no NaN or Inf
}

// fromSerial converts an Excel serial day number. In the 1900 system Excel
// counts the non-existent 29 February 1900 (a Lotus 1-2-3 bug it kept), so
// serials after 60 are one day ahead of a plain count from 31 Dec 1899.
func fromSerial(s string, date1904 bool) (time.Time, string) {
	v, _ := strconv.ParseFloat(s, 64)
	if v < 0 || v >= 2958466 { // 2958465 is 31.12.9999, Excel's last date
		return time.Time{}, reasonDateFormat
	}
	day := int(math.Floor(v)) // the fraction is the time of day
	if date1904 {
		return time.Date(1904, 1, 1+day, 0, 0, 0, 0, time.UTC), ""
	}
	switch {
	case day == 0: // Excel shows 0 as "00.01.1900": an empty date cell
		return time.Time{}, reasonDateFormat
	case day == 60:
		return time.Time{}, reasonSerial60
	case day > 60:
		day--
	}
	return time.Date(1899, 12, 31+day, 0, 0, 0, 0, time.UTC), ""
}

var months = map[string]time.Month{}

func init() {
	for m, names := range [12][]string{
		{"januar", "january", "jan"},
		{"februar", "february", "feb"},
		{"mars", "march", "mar"},
		{"april", "apr"},
		{"mai", "may"},
		{"juni", "june", "jun"},
		{"juli", "july", "jul"},
		{"august", "aug"},
		{"september", "sep", "sept"},
		{"oktober", "october", "okt", "oct"},
		{"november", "nov"},
		{"desember", "december", "des", "dec"},
	} {
		for _, n := range names {
			months[n] = time.Month(m + 1)
		}
	}
}

// parseDateText accepts the formats Norwegian payroll and HR systems write:
// d.m.yyyy and d.m.yy (also with / or -), yyyy-mm-dd (optionally with a
// time), yyyymmdd, and "1. mars 2026" / "1 Mar 2026". Day comes first:
// a text that only makes sense month-first is rejected, never swapped.
func parseDateText(s string, kind DateKind, now time.Time) (time.Time, string) {
	s = stripTime(s)
	if s == "" {
		return time.Time{}, reasonDateFormat
	}
	if hasLetter(s) {
		f := strings.Fields(monthSeparators.Replace(s))
		if len(f) != 3 {
			return time.Time{}, reasonDateFormat
		}
		if !isDigits(f[0]) { // "March 1, 2026"
			f[0], f[1] = f[1], f[0]
		}
		return parseMonthName(f, kind, now)
	}
	parts := splitDate(s)
	switch {
	case len(parts) == 1 && len(s) == 8 && isDigits(s):
		y, m, d := atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
		if y < 1900 || y > 2100 {
			return time.Time{}, reasonDateFormat
		}
		return makeDate(y, m, d)
	case len(parts) != 3:
		return time.Time{}, reasonDateFormat
	}
	for _, p := range parts {
		if !isDigits(p) || len(p) == 0 || len(p) > 4 {
			return time.Time{}, reasonDateFormat
		}
	}
	if len(parts[0]) == 4 { // yyyy-mm-dd
		if len(parts[1]) > 2 || len(parts[2]) > 2 {
			return time.Time{}, reasonDateFormat
		}
		return makeDate(atoi(parts[0]), atoi(parts[1]), atoi(parts[2]))
	}
	if len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) == 1 || len(parts[2]) == 3 {
		return time.Time{}, reasonDateFormat
	}
	d, m, y := atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	if m > 12 && d >= 1 && d <= 12 && m <= 31 {
		return time.Time{}, reasonDateUS
	}
	if len(parts[2]) == 2 {
		y = fullYear(y, d, m, kind, now)
	}
	return makeDate(y, m, d)
}

// stripTime drops a time of day after a date ("2026-03-01T00:00:00Z",
// "01.03.2026 00:00"), which exports from databases often carry.
func stripTime(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "T "); i >= 6 && strings.Contains(s[i:], ":") {
		rest := strings.TrimSpace(s[i+1:])
		if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			return s[:i]
		}
	}
	return s
}

var monthSeparators = strings.NewReplacer(".", " ", ",", " ")

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' || s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// splitDate splits on the first of . / - that occurs; "1.3.2026." (a
// trailing dot, as in Norwegian ordinals) is allowed.
func splitDate(s string) []string {
	for _, sep := range []string{".", "/", "-"} {
		if strings.Contains(s, sep) {
			return strings.Split(strings.TrimSuffix(s, sep), sep)
		}
	}
	return []string{s}
}

// fullYear expands a two-digit year. Start dates are recent or near future;
// birth dates are in this century only if the person is at least 14.
func fullYear(yy, d, m int, kind DateKind, now time.Time) int {
	cur := now.Year() % 100
	if kind != DateBirth {
		if yy <= cur+1 {
			return 2000 + yy
		}
		return 1900 + yy
	}
	y := 2000 + yy
	if t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.After(now.AddDate(-14, 0, 0)) {
		return 1900 + yy
	}
	return y
}

func parseMonthName(f []string, kind DateKind, now time.Time) (time.Time, string) {
	m, ok := months[strings.ToLower(f[1])]
	if !ok || !isDigits(f[0]) || len(f[0]) > 2 || !isDigits(f[2]) || (len(f[2]) != 4 && len(f[2]) != 2) {
		return time.Time{}, reasonDateFormat
	}
	d, y := atoi(f[0]), atoi(f[2])
	if len(f[2]) == 2 {
		y = fullYear(y, d, int(m), kind, now)
	}
	return makeDate(y, int(m), d)
}

func makeDate(y, m, d int) (time.Time, string) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, reasonDateMissing
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31.02 normalises to March
		return time.Time{}, reasonDateMissing
	}
	return t, ""
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

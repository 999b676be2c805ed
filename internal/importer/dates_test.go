package importer

import (
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var csvDates = DateContext{Today: testNow}

func TestParseDateFormats(t *testing.T) {
	march1 := date(2026, 3, 1)
	for _, s := range []string{
		"01.03.2026", "1.3.2026", "1.3.2026.", "01.03.26", "1.3.26", "2026-03-01", "2026-3-1", "01/03/2026",
		"01-03-2026", "20260301", "1. mars 2026", "1 mar 2026", "1. Mar. 2026", "1 March 2026",
		"March 1, 2026", "1. MARS 2026", "2026-03-01T00:00:00Z", "2026-03-01 00:00:00", "01.03.2026 08:30",
		" 01.03.2026 ",
	} {
		got, reason := ParseDate(s, DateStart, csvDates)
		if reason != "" || !got.Equal(march1) {
			t.Errorf("parseDate(%q) = %v, %q; want 1 March 2026", s, got, reason)
		}
	}
	for s, want := range map[string]time.Time{
		"15 januar 2026":    date(2026, 1, 15),
		"15 jan 2026":       date(2026, 1, 15),
		"31. desember 2025": date(2025, 12, 31),
		"31 Dec 2025":       date(2025, 12, 31),
		"3. okt. 2026":      date(2026, 10, 3),
		"17. mai 2026":      date(2026, 5, 17),
		"17 May 2026":       date(2026, 5, 17),
		"29.02.2024":        date(2024, 2, 29),
	} {
		if got, reason := ParseDate(s, DateStart, csvDates); reason != "" || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %q; want %v", s, got, reason, want)
		}
	}
}

func TestParseDateRejects(t *testing.T) {
	for s, want := range map[string]string{
		"":            reasonDateFormat,
		"neste uke":   reasonDateFormat,
		"2026":        reasonDateFormat,
		"03.2026":     reasonDateFormat,
		"1.3.202":     reasonDateFormat,
		"1.3.2026.1":  reasonDateFormat,
		"001.03.2026": reasonDateFormat,
		"2026-001-01": reasonDateFormat,
		"1. foo 2026": reasonDateFormat,
		"45658":       reasonDateFormat, // a serial means nothing in CSV
		"18991231":    reasonDateFormat, // 8 digits outside 1900..2100 is no date
		"20261301":    reasonDateMissing,
		"31.02.2026":  reasonDateMissing,
		"29.02.2025":  reasonDateMissing,
		"00.03.2026":  reasonDateMissing,
		"2026-02-30":  reasonDateMissing,
		"12/31/2026":  reasonDateUS,
		"3/14/2026":   reasonDateUS,
		"02.13.2026":  reasonDateUS,
		"13.13.2026":  reasonDateMissing,
		"32.01.2026":  reasonDateMissing,
	} {
		if got, reason := ParseDate(s, DateStart, csvDates); reason != want {
			t.Errorf("parseDate(%q) = %v, %q; want %q", s, got, reason, want)
		}
	}
	// Day first when both readings are possible: never swapped.
	if got, _ := ParseDate("02/03/2026", DateStart, csvDates); !got.Equal(date(2026, 3, 2)) {
		t.Errorf("02/03/2026 = %v, want 2 March", got)
	}
}

func TestTwoDigitYears(t *testing.T) {
	for _, tc := range []struct {
		s    string
		kind DateKind
		want time.Time
		err  string
	}{
		{"01.03.26", DateStart, date(2026, 3, 1), ""},
		{"01.03.27", DateStart, date(2027, 3, 1), ""}, // next year's start is fine
		{"01.03.99", DateStart, date(1999, 3, 1), ""},
		{"01.03.28", DateStart, time.Time{}, reasonStartRange}, // 1928
		{"17.05.90", DateBirth, date(1990, 5, 17), ""},
		{"17.05.05", DateBirth, date(2005, 5, 17), ""},
		{"01.01.12", DateBirth, date(2012, 1, 1), ""},  // 14 this year
		{"01.12.12", DateBirth, date(1912, 12, 1), ""}, // 2012 would be 13
		{"17.05.15", DateBirth, date(1915, 5, 17), ""},
		{"1 mar 90", DateBirth, date(1990, 3, 1), ""},
	} {
		got, reason := ParseDate(tc.s, tc.kind, csvDates)
		if reason != tc.err || !got.Equal(tc.want) {
			t.Errorf("parseDate(%q, %d) = %v, %q; want %v, %q", tc.s, tc.kind, got, reason, tc.want, tc.err)
		}
	}
}

func TestDateRanges(t *testing.T) {
	for _, tc := range []struct {
		d    time.Time
		kind DateKind
		want string
	}{
		{date(1949, 12, 31), DateStart, reasonStartRange},
		{date(1950, 1, 1), DateStart, ""},
		{testNow.AddDate(2, 0, 0), DateStart, ""},
		{testNow.AddDate(2, 0, 1), DateStart, reasonStartRange},
		{date(1899, 12, 31), DateBirth, reasonBirthOld},
		{date(1900, 1, 1), DateBirth, ""},
		{testNow.AddDate(-13, 0, 0), DateBirth, ""}, // 13 today
		{testNow.AddDate(-13, 0, 1), DateBirth, reasonBirthYoung},
		{testNow, DateBirth, reasonBirthYoung},
	} {
		s := tc.d.Format("02.01.2006")
		if _, reason := ParseDate(s, tc.kind, csvDates); reason != tc.want {
			t.Errorf("parseDate(%s, %d) = %q, want %q", s, tc.kind, reason, tc.want)
		}
	}
}

func TestExcelSerials(t *testing.T) {
	x1900 := DateContext{Today: testNow, Serials: true}
	x1904 := DateContext{Today: testNow, Serials: true, Date1904: true}
	for _, tc := range []struct {
		s    string
		c    DateContext
		want time.Time
		err  string
	}{
		{"1", x1900, date(1900, 1, 1), ""},
		{"59", x1900, date(1900, 2, 28), ""},
		{"60", x1900, time.Time{}, reasonSerial60}, // Lotus' 29 February 1900
		{"61", x1900, date(1900, 3, 1), ""},
		{"45658", x1900, date(2025, 1, 1), ""},
		{"46082", x1900, date(2026, 3, 1), ""},
		{"46082.99999", x1900, date(2026, 3, 1), ""}, // time of day dropped
		{"4.6082E4", x1900, date(2026, 3, 1), ""},
		{"0", x1900, time.Time{}, reasonDateFormat},
		{"-1", x1900, time.Time{}, reasonDateFormat},
		{"2958466", x1900, time.Time{}, reasonDateFormat},
		{"NaN", x1900, time.Time{}, reasonDateFormat},
		{"0", x1904, date(1904, 1, 1), ""},
		{"1", x1904, date(1904, 1, 2), ""},
		{"44196", x1904, date(2025, 1, 1), ""},
		{"20260301", x1900, date(2026, 3, 1), ""}, // yyyymmdd typed as a number
		{"01.03.2026", x1900, date(2026, 3, 1), ""},
	} {
		got, reason := parseDateValue(tc.s, DateStart, tc.c) // no range check, down to 1900
		if reason != tc.err || !got.Equal(tc.want) {
			t.Errorf("%q (1904=%v) = %v, %q; want %v, %q", tc.s, tc.c.Date1904, got, reason, tc.want, tc.err)
		}
	}
}

// TestSerialsAgreeWithExcelize checks every day from March 1900 to 2173
// against excelize's own conversion, in both date systems.
func TestSerialsAgreeWithExcelize(t *testing.T) {
	for serial := 61; serial < 100_000; serial++ {
		for _, use1904 := range []bool{false, true} {
			want, err := excelize.ExcelDateToTime(float64(serial), use1904)
			if err != nil {
				t.Fatal(err)
			}
			got, reason := fromSerial(strconv.Itoa(serial), use1904)
			if reason != "" || !got.Equal(want) {
				t.Fatalf("serial %d (1904=%v) = %v %q, excelize says %v", serial, use1904, got, reason, want)
			}
		}
	}
}

package model

import (
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Money
	}{
		{"0", 0},
		{"350", 35000},
		{"350,50", 35050},
		{"350,5", 35050},
		{"350.5", 35050},
		{"350.05", 35005},
		{" 350 ", 35000},
		{"1 234,00", 123400},
		{"1 234.5", 123450},
		{"1\u00a0234,00", 123400},
		{"1\u202f234", 123400},
		{"345 678", 34567800},
		{"kr 350", 35000},
		{"Kr. 350,50", 35050},
		{"350 kr", 35000},
		{"NOK 1 000", 100000},
		{"1000000", MaxAmount},
		{"1 000 000,00", MaxAmount},
		{"007", 700},
	} {
		if got, err := ParseAmount(c.in); err != nil || got != c.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{
		"", " ", "kr", "abc", "NaN", "Inf", "1e9", "1e3", "-1", "+1", "-0",
		"350,505", "350.123", "350,", ",50", ".5", "1.234,50", "1,234.50", "1.234.567",
		"1 23", "1234 567", "12  345", "350 ,50", "350, 50", "1000000,01", "1 000 001",
		"99999999999999999999", "0x10", "350kr kr", "kr -350", "3_50", "٣٥٠",
	} {
		if got, err := ParseAmount(bad); err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("ParseAmount(%q) = %d, %v; want invalid", bad, got, err)
		}
	}
}

func TestMoneyFormat(t *testing.T) {
	for _, c := range []struct {
		m              Money
		kroner, number string
	}{
		{0, "0,00", "0.00"},
		{5, "0,05", "0.05"},
		{35050, "350,50", "350.50"},
		{123400, "1234,00", "1234.00"},
		{-150, "-1,50", "-1.50"},
	} {
		if k, d := c.m.Kroner(), c.m.Decimal(); k != c.kroner || d != c.number {
			t.Errorf("%d: Kroner %q Decimal %q; want %q %q", c.m, k, d, c.kroner, c.number)
		}
	}
}

func TestParseMonth(t *testing.T) {
	for in, want := range map[string]string{"2026-11": "2026-11-01", "11.2026": "2026-11-01", "3/2027": "2027-03-01", "2026-11-25": "2026-11-01", " 1.2026 ": "2026-01-01"} {
		if m, err := ParseMonth(in); err != nil || m.Format("2006-01-02") != want {
			t.Errorf("ParseMonth(%q) = %v, %v", in, m, err)
		}
	}
	for _, bad := range []string{"", "13.2026", "nov", "2026-13"} {
		if _, err := ParseMonth(bad); err == nil {
			t.Errorf("ParseMonth(%q) accepted", bad)
		}
	}
}

// FuzzParseAmount: an accepted amount is within range and reads back the
// same from both its formats; nothing panics.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"350", "350,50", "1 234.5", "kr 350", "1e9", "-1", "350,505", "1\u00a0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseAmount(s)
		if err != nil {
			if m != 0 {
				t.Fatalf("%q: error with amount %d", s, m)
			}
			return
		}
		if m < 0 || m > MaxAmount {
			t.Fatalf("%q: %d out of range", s, m)
		}
		for _, out := range []string{m.Kroner(), m.Decimal(), "kr " + m.Kroner()} {
			if back, err := ParseAmount(out); err != nil || back != m {
				t.Fatalf("%q: %d formats as %q, which reads %d, %v", s, m, out, back, err)
			}
		}
		if strings.ContainsAny(s, "eE+-") {
			t.Fatalf("%q accepted with a sign or exponent", s)
		}
	})
}

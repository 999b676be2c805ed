package model

import (
	"strconv"
	"strings"
	"time"
)

// Money is an amount in øre (1/100 krone). It is never held in a float.
type Money int64

// MaxAmount is the largest amount ParseAmount takes: one million kroner.
const MaxAmount Money = 1_000_000_00

// Kroner is the amount as Norwegians write it, 350,00 (no grouping).
func (m Money) Kroner() string { return m.format(',') }

// Decimal is the amount in kroner with a full stop, 350.00, as JSON and
// other machines want it.
func (m Money) Decimal() string { return m.format('.') }

func (m Money) format(sep byte) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	ore := strconv.FormatInt(int64(m%100), 10)
	if len(ore) == 1 {
		ore = "0" + ore
	}
	return sign + strconv.FormatInt(int64(m/100), 10) + string(sep) + ore
}

// ParseAmount reads kroner as people and invoicing systems write them and
// returns øre, without going through a float. It takes:
//
//   - whole kroner: "350"
//   - one or two decimals after a comma or a full stop: "350,5", "350.50"
//   - thousands grouped by spaces (also no-break and narrow no-break):
//     "1 234,00"; groups after the first have exactly three digits
//   - "kr" or "NOK" before or after the number: "kr 350", "350 kr"
//
// It rejects signs, exponents, more than two decimals, grouping with dots
// or commas ("1.234,50" is ambiguous), and anything over MaxAmount.
func ParseAmount(s string) (Money, error) {
	bad := func() (Money, error) {
		return 0, ErrorKey(EINVALID, "err.amount.invalid", "amount", strconv.Quote(s))
	}
	t := strings.TrimSpace(strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\t", " ").Replace(s))
	lower := strings.ToLower(t)
	for _, unit := range []string{"kr", "nok"} {
		if rest, ok := strings.CutPrefix(lower, unit); ok {
			lower = strings.TrimLeft(rest, " .")
			break
		}
		if rest, ok := strings.CutSuffix(lower, unit); ok {
			lower = strings.TrimRight(rest, " ")
			break
		}
	}
	whole, frac := lower, ""
	if i := strings.IndexAny(lower, ",."); i >= 0 {
		whole, frac = lower[:i], lower[i+1:]
		if frac == "" || len(frac) > 2 || !digits(frac) {
			return bad()
		}
	}
	groups := strings.Split(whole, " ")
	for i, g := range groups {
		if !digits(g) || (i == 0 && len(groups) > 1 && len(g) > 3) || (i > 0 && len(g) != 3) {
			return bad()
		}
	}
	whole = strings.Join(groups, "")
	if len(whole) > 7 {
		return bad()
	}
	kr, _ := strconv.ParseInt(whole, 10, 64)
	ore := int64(0)
	if frac != "" {
		ore, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			ore *= 10
		}
	}
	m := Money(kr*100 + ore)
	if m > MaxAmount {
		return bad()
	}
	return m, nil
}

// digits reports a non-empty string of ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MonthOf is the first day of t's month, in UTC.
func MonthOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// ParseMonth reads a month as "2026-11", "11.2026" or "11/2026" (a full
// date stands for its month).
func ParseMonth(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01", "01.2006", "1.2006", "01/2006", "1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return MonthOf(t), nil
		}
	}
	return time.Time{}, ErrorKey(EINVALID, "err.month.invalid", "month", strconv.Quote(s))
}

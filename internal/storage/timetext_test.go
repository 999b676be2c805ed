package storage

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/clock"
)

// TestTextTimeAsTheDriverReads: a time read as text (textTime, scanTime)
// is the time the driver hands back for the column itself, in UTC, in
// another zone, with a monotonic reading, as a date and as NULL.
func TestTextTimeAsTheDriverReads(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		conn, err := s.w.Conn(ctx) // the temporary table lives on it
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		ts, day := "TIMESTAMP", "DATE"
		if s.dialect == Postgres {
			ts = "timestamptz"
		}
		if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE times (n INTEGER, at `+ts+`, d `+day+`)`); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for i, v := range []any{
			time.Date(2026, 11, 30, 23, 5, 8, 123456789, time.UTC), time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 7, 1, 9, 30, 0, 0, clock.Oslo), now, now.UTC(), nil,
		} {
			if _, err := conn.ExecContext(ctx, `INSERT INTO times (n, at, d) VALUES ($1, $2, $3)`, i, v, v); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := conn.QueryContext(ctx, `SELECT n, at, d, `+textTime[s.dialect]("at", "at_text")+`, `+textTime[s.dialect]("d", "d_text")+` FROM times ORDER BY n`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		seen := 0
		for rows.Next() {
			var n int
			var at, d sql.NullTime
			var atText, dText scanTime
			if err := rows.Scan(&n, &at, &d, &atText, &dText); err != nil {
				t.Fatalf("row %d: %v", n, err)
			}
			for _, c := range []struct {
				driver sql.NullTime
				text   scanTime
			}{{at, atText}, {d, dText}} {
				if c.text.Valid != c.driver.Valid || !c.text.Time.Equal(c.driver.Time) || c.text.UTC() != timeOf(c.driver) {
					t.Errorf("row %d: read as text %v (%v), the driver reads %v (%v)", n, c.text.Time, c.text.Valid, c.driver.Time, c.driver.Valid)
				}
				_, off1 := c.text.Time.Zone()
				_, off2 := c.driver.Time.Zone()
				if off1 != off2 {
					t.Errorf("row %d: offset %d as text, %d by the driver", n, off1, off2)
				}
			}
			seen++
		}
		if err := rows.Err(); err != nil || seen != 6 {
			t.Fatalf("%d rows, %v", seen, err)
		}
	})
}

// TestParseUTCString: the hand-made parse of time.Time.String's UTC form
// agrees with time.Parse, and refuses what is not that form.
func TestParseUTCString(t *testing.T) {
	const layout = "2006-01-02 15:04:05.999999999 -0700 MST"
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		v := time.Unix(r.Int64N(4e9)-1e9, 0).UTC()
		switch r.IntN(3) {
		case 1:
			v = v.Add(time.Duration(r.IntN(1e9)))
		case 2:
			v = v.Add(time.Duration(r.IntN(1000)) * time.Millisecond)
		}
		got, ok := parseUTCString(v.String())
		want, err := time.Parse(layout, v.String())
		if !ok || err != nil || got != want {
			t.Fatalf("%q: %v %v, time.Parse %v %v", v.String(), got, ok, want, err)
		}
	}
	for _, s := range []string{"2026-02-31 00:00:00 +0000 UTC", "2026-13-01 00:00:00 +0000 UTC", "2026-01-01 24:00:00 +0000 UTC",
		"2026-01-01 00:00:00 +0100 CET", "2026-01-01 00:00:00.1234567890 +0000 UTC", "2026-01-01 00:00:00. +0000 UTC",
		"2026-01-01T00:00:00 +0000 UTC", "2026-1-01 00:00:00 +0000 UTC", "2026-01-01 0a:00:00 +0000 UTC", "2026-01-01"} {
		if v, ok := parseUTCString(s); ok {
			t.Errorf("%q parsed as %v", s, v)
		}
	}
}

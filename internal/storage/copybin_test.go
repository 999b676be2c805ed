package storage

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/verve-union/verve/internal/model"
)

// TestCopyRows: what the binary COPY encoder writes reads back as written,
// for every type it knows, NULL and dates before 2000 included.
func TestCopyRows(t *testing.T) {
	s := OpenTest(t, "postgres") // skips without PostgreSQL
	ctx := context.Background()
	conn, err := s.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE copied (t text, v varchar(20), k text, i8 bigint, i4 integer, i2 smallint, b boolean,
		d date, ts timestamp, tz timestamptz, n bigint)`); err != nil {
		t.Fatal(err)
	}
	cols := []string{"t", "v", "k", "i8", "i4", "i2", "b", "d", "ts", "tz", "n"}
	c, err := newCopyRows(ctx, conn, "copied", cols)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 30, 15, 123456000, time.FixedZone("CET", 3600))
	rows := [][]any{
		{"Åse \t\\ \"x\"\n", "kort", model.UnitClub, int64(-9000000000), 123456, int16(-7), true,
			time.Date(1957, 12, 31, 0, 0, 0, 0, time.UTC), at, at, nil},
		{"", "", model.UnitRegion, int64(0), int32(-1), 0, false, time.Date(2000, 1, 1, 23, 0, 0, 0, time.UTC), pgEpoch, pgEpoch, int64(5)},
	}
	for _, r := range rows {
		if err := c.add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.add([]any{"x"}); err == nil {
		t.Error("a short row was taken")
	}
	data := c.take()
	err = conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().PgConn().CopyFrom(ctx, bytes.NewReader(data), `COPY copied (t, v, k, i8, i4, i2, b, d, ts, tz, n) FROM STDIN (FORMAT binary)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := conn.QueryContext(ctx, `SELECT t, v, k, i8, i4, i2, b, to_char(d, 'YYYY-MM-DD'), to_char(ts, 'YYYY-MM-DD HH24:MI:SS.US'),
		tz = $1, COALESCE(n, -1) FROM copied ORDER BY i8`, at)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	want := []string{
		"Åse \t\\ \"x\"\n|kort|club|-9000000000|123456|-7|true|1957-12-31|2026-03-02 09:30:15.123456|true|-1",
		"||region|0|-1|0|false|2000-01-01|2000-01-01 00:00:00.000000|false|5",
	}
	i := 0
	for got.Next() {
		var tx, v, k, d, ts string
		var i8, n int64
		var i4, i2 int
		var b, tzSame bool
		if err := got.Scan(&tx, &v, &k, &i8, &i4, &i2, &b, &d, &ts, &tzSame, &n); err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("%s|%s|%s|%d|%d|%d|%t|%s|%s|%t|%d", tx, v, k, i8, i4, i2, b, d, ts, tzSame, n)
		if i >= len(want) || line != want[i] {
			t.Errorf("row %d: %q", i, line)
		}
		i++
	}
	if i != len(want) {
		t.Errorf("%d rows read back, want %d", i, len(want))
	}
}

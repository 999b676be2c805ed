package storage

import (
	"context"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"time"
)

// copyRows holds rows of one table in PostgreSQL's binary COPY format,
// encoded as they are added. A register load handed pgx rows as []any:
// encoding them took a tenth of its CPU, and the boxed values besides were
// garbage to collect.
type copyRows struct {
	table string
	cols  []string
	types []uint32 // the columns' type OIDs, in cols' order
	buf   []byte   // the header and the tuples so far
	n     int
}

// PostgreSQL's type OIDs the encoder knows.
const (
	oidBool        = 16
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidVarchar     = 1043
	oidDate        = 1082
	oidTimestamp   = 1114
	oidTimestamptz = 1184
)

// pgEpoch is where PostgreSQL's dates and timestamps count from.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// newCopyRows reads the types of table's columns cols.
func newCopyRows(ctx context.Context, q queryer, table string, cols []string) (*copyRows, error) {
	rows, err := q.QueryContext(ctx, `SELECT attname, atttypid FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`, table)
	if err != nil {
		return nil, err
	}
	types := map[string]uint32{}
	err = eachRow(rows, func() error {
		var name string
		var oid uint32
		err := rows.Scan(&name, &oid)
		types[name] = oid
		return err
	})
	if err != nil {
		return nil, err
	}
	c := &copyRows{table: table, cols: cols, buf: copyHeader(nil)}
	for _, col := range cols {
		oid, ok := types[col]
		if !ok {
			return nil, fmt.Errorf("copy %s: no column %s", table, col)
		}
		c.types = append(c.types, oid)
	}
	return c, nil
}

// add encodes a row: a value per column, nil for NULL.
func (c *copyRows) add(vals []any) error {
	if len(vals) != len(c.cols) {
		return fmt.Errorf("copy %s: %d values for %d columns", c.table, len(vals), len(c.cols))
	}
	c.buf = binary.BigEndian.AppendUint16(c.buf, uint16(len(vals)))
	for i, v := range vals {
		var err error
		if c.buf, err = appendField(c.buf, c.types[i], v); err != nil {
			return fmt.Errorf("copy %s.%s: %w", c.table, c.cols[i], err)
		}
	}
	c.n++
	return nil
}

// take returns the rows held as a COPY's data and starts afresh.
func (c *copyRows) take() []byte {
	data := binary.BigEndian.AppendUint16(c.buf, 0xffff) // trailer
	c.buf, c.n = copyHeader(make([]byte, 0, cap(data))), 0
	return data
}

// copyHeader appends the binary COPY format's header to b.
func copyHeader(b []byte) []byte {
	b = append(b, "PGCOPY\n\xff\r\n\x00"...)
	b = binary.BigEndian.AppendUint32(b, 0)    // flags
	return binary.BigEndian.AppendUint32(b, 0) // header extension
}

// appendField appends v as a field of the column type oid: its length and
// its bytes.
func appendField(b []byte, oid uint32, v any) ([]byte, error) {
	if vr, ok := v.(driver.Valuer); ok {
		var err error
		if v, err = vr.Value(); err != nil {
			return b, err
		}
	}
	if v == nil {
		return binary.BigEndian.AppendUint32(b, math.MaxUint32), nil // -1: NULL
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return binary.BigEndian.AppendUint32(b, math.MaxUint32), nil
		}
		return appendField(b, oid, rv.Elem().Interface())
	}
	switch oid {
	case oidText, oidVarchar:
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case []byte:
			s = string(x)
		default:
			if rv.Kind() != reflect.String {
				return b, fmt.Errorf("%T for text", v)
			}
			s = rv.String()
		}
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		return append(b, s...), nil
	case oidInt8, oidInt4, oidInt2:
		var i int64
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			i = rv.Int()
		default:
			return b, fmt.Errorf("%T for an integer", v)
		}
		switch oid {
		case oidInt8:
			b = binary.BigEndian.AppendUint32(b, 8)
			return binary.BigEndian.AppendUint64(b, uint64(i)), nil
		case oidInt4:
			if i < math.MinInt32 || i > math.MaxInt32 {
				return b, fmt.Errorf("%d out of range", i)
			}
			b = binary.BigEndian.AppendUint32(b, 4)
			return binary.BigEndian.AppendUint32(b, uint32(int32(i))), nil
		default:
			if i < math.MinInt16 || i > math.MaxInt16 {
				return b, fmt.Errorf("%d out of range", i)
			}
			b = binary.BigEndian.AppendUint32(b, 2)
			return binary.BigEndian.AppendUint16(b, uint16(int16(i))), nil
		}
	case oidBool:
		x, ok := v.(bool)
		if !ok {
			return b, fmt.Errorf("%T for a boolean", v)
		}
		b = binary.BigEndian.AppendUint32(b, 1)
		if x {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case oidDate, oidTimestamp, oidTimestamptz:
		t, ok := v.(time.Time)
		if !ok {
			return b, fmt.Errorf("%T for a date or time", v)
		}
		switch oid {
		case oidDate: // the day as written, as pgx takes it
			day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			b = binary.BigEndian.AppendUint32(b, 4)
			return binary.BigEndian.AppendUint32(b, uint32(int32((day.Unix()-pgEpoch.Unix())/86400))), nil
		case oidTimestamp: // the wall clock, without its zone
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		}
		b = binary.BigEndian.AppendUint32(b, 8)
		return binary.BigEndian.AppendUint64(b, uint64(t.UnixMicro()-pgEpoch.UnixMicro())), nil
	}
	return b, fmt.Errorf("column type %d not handled", oid)
}

package storage

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// read is one query of a page's reads and what to make of each of its
// rows: row gets the row's Scan.
type read struct {
	query string
	args  []any
	row   func(scan func(dest ...any) error) error
}

// batch runs reads and hands each row to its read. On PostgreSQL they go
// to the server together, one round trip on one connection, as a pgx
// batch; on SQLite, in process, one after the other.
func (r *reads) batch(ctx context.Context, rs []read) error {
	if !r.pgx {
		for _, rd := range rs {
			rows, err := r.QueryContext(ctx, rd.query, rd.args...)
			if err != nil {
				return err
			}
			if err := eachRow(rows, func() error { return rd.row(rows.Scan) }); err != nil {
				return err
			}
		}
		return nil
	}
	conn, err := r.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		var b pgx.Batch
		for _, rd := range rs {
			b.Queue(rd.query, rd.args...)
		}
		res := dc.(*stdlib.Conn).Conn().SendBatch(ctx, &b)
		for _, rd := range rs {
			rows, err := res.Query()
			if err == nil {
				for rows.Next() {
					if err = rd.row(rows.Scan); err != nil {
						break
					}
				}
				rows.Close()
				if err == nil {
					err = rows.Err()
				}
			}
			if err != nil {
				res.Close()
				return err
			}
		}
		return res.Close()
	})
}

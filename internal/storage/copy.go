package storage

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyChunk bounds the rows held in memory between COPYs.
const copyChunk = 20000

// copySink streams staged rows into the staged table with PostgreSQL's COPY on
// the transaction's own connection, a chunk at a time: the connection
// cannot answer other queries (such as a workplace's scope) mid-COPY.
type copySink struct {
	ctx   context.Context
	conn  *sql.Conn
	chunk [][]any
}

func (k *copySink) add(v []any) error {
	k.chunk = append(k.chunk, v)
	if len(k.chunk) < copyChunk {
		return nil
	}
	return k.flush()
}

func (k *copySink) flush() error {
	if len(k.chunk) == 0 {
		return nil
	}
	err := k.conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(k.ctx, pgx.Identifier{"staged"}, stageColumns, pgx.CopyFromRows(k.chunk))
		return err
	})
	k.chunk = k.chunk[:0]
	return err
}

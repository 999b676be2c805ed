package storage

import (
	"context"
	"database/sql"
	"iter"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyChunk bounds the rows held in memory between COPYs.
const copyChunk = 20000

// copyStage streams the rows into import_stage with PostgreSQL's COPY on
// the transaction's own connection, a chunk at a time: the connection
// cannot answer other queries (such as a workplace's scope) mid-COPY.
func (s *Storage) copyStage(ctx context.Context, conn *sql.Conn, im *importRun, rows iter.Seq2[ImportRow, error]) (int, error) {
	n := 0
	chunk := make([][]any, 0, copyChunk)
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		err := conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"import_stage"}, stageColumns, pgx.CopyFromRows(chunk))
			return err
		})
		n += len(chunk)
		chunk = chunk[:0]
		return err
	}
	for r, err := range rows {
		if err != nil {
			return n, err
		}
		v, err := im.stageValues(ctx, r)
		if err != nil {
			return n, err
		}
		chunk = append(chunk, v)
		if len(chunk) == copyChunk {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	return n, flush()
}

package storage

import (
	"context"
	"testing"
)

// TestBatchReads: a batch hands each read its own rows in order, with its
// arguments; a read that fails fails the batch, and the pool serves the
// next one (on PostgreSQL, a pgx batch on one connection).
func TestBatchReads(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		s.once.db.SetMaxOpenConns(1) // the failed batch's connection is the next one's
		var got []int64
		collect := func(scan func(...any) error) error {
			var n int64
			err := scan(&n)
			got = append(got, n)
			return err
		}
		ok := []read{
			{query: `SELECT id FROM (SELECT 1 AS id UNION ALL SELECT 2 UNION ALL SELECT 3) x WHERE id >= $1 ORDER BY id`, args: []any{2}, row: collect},
			{query: `SELECT $1 + 0`, args: []any{40}, row: collect},
		}
		if err := s.once.batch(ctx, ok); err != nil || len(got) != 3 || got[0] != 2 || got[1] != 3 || got[2] != 40 {
			t.Fatalf("batch read %v, %v; want [2 3 40]", got, err)
		}
		bad := []read{ok[1], {query: `SELECT no_such_column FROM settings`, row: collect}}
		if err := s.once.batch(ctx, bad); err == nil {
			t.Fatal("a batch with a failing read succeeded")
		}
		got = nil
		if err := s.once.batch(ctx, ok); err != nil || len(got) != 3 {
			t.Fatalf("after a failed batch: %v, %v", got, err)
		}
	})
}

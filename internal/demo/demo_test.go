package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/storage"
)

var today = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func BenchmarkGenerateSQLite(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s, err := storage.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "d.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Generate(context.Background(), s, Options{Members: 20000, Seed: 1, Today: today}); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

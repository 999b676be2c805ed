package worker

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestJobsMakeTransferTasksOnce: in the demo union, every student member
// graduating within six months (or graduated and still a student member)
// gets one transfer task, owned by a coordinator, and only once.
func TestJobsMakeTransferTasksOnce(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, err := storage.Open(ctx, storagetest.DSN(t, engine))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
			if _, err := demo.Generate(ctx, s, demo.Options{Members: 2000, Seed: 5, Today: today}); err != nil {
				t.Fatal(err)
			}
			s.SetClock(func() time.Time { return today.Add(10 * time.Hour) })
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			var want int
			s.DB().QueryRow(`SELECT count(DISTINCT person_id) FROM memberships WHERE type = 'student' AND status IN ('active', 'arrears')
				AND end_date IS NULL AND expected_graduation <= $1`, today.AddDate(0, 6, 0)).Scan(&want)
			if want == 0 {
				t.Fatal("the demo has no student members graduating within six months")
			}
			tasks := func() (n, owned, audited int) {
				s.DB().QueryRow(`SELECT count(*), count(owner_person_id) FROM tasks WHERE kind = 'convert'`).Scan(&n, &owned)
				s.DB().QueryRow(`SELECT count(*) FROM audit_log a JOIN tasks t ON t.id = a.entity_id AND a.entity = 'task'
					WHERE t.kind = 'convert' AND a.action = 'create'`).Scan(&audited)
				return
			}
			before, _, _ := tasks()
			if _, _, err := RunOnce(ctx, s, log); err != nil {
				t.Fatal(err)
			}
			n, owned, audited := tasks()
			if n-before != want || owned != n || audited != n-before {
				t.Fatalf("%d transfer tasks made (%d owned, %d audited), want %d", n-before, owned, audited, want)
			}
			if _, _, err := RunOnce(ctx, s, log); err != nil {
				t.Fatal(err)
			}
			if again, _, _ := tasks(); again != n {
				t.Fatalf("second run made %d more", again-n)
			}
		})
	}
}

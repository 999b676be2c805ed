package worker

import (
	"context"
	"testing"

	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestJobsMakeTransferTasksOnce: in the demo union, every student member
// graduating within six months (or graduated and still a student member)
// gets one transfer task, owned by a coordinator, and only once.
func TestJobsMakeTransferTasksOnce(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx, log := context.Background(), quiet
			s := demoStore(t, engine, 2000, 5)
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

package storage

import (
	"context"
	"errors"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// TestNoNilPrincipal: a change names who made it; a nil principal is
// refused and leaves neither the change nor an anonymous audit entry.
func TestNoNilPrincipal(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		audits, units := count(t, s, `SELECT count(*) FROM audit_log`), count(t, s, `SELECT count(*) FROM org_units`)
		if err := s.Audit(ctx, nil, "export", "recruitment", 0, ""); !errors.Is(err, errNoPrincipal) {
			t.Errorf("audit without a principal: %v", err)
		}
		if err := s.CreateUnit(ctx, nil, &model.OrgUnit{Kind: model.UnitClub, Name: "Klubb C", ParentID: f.clubA.ParentID}); !errors.Is(err, errNoPrincipal) {
			t.Errorf("unit created without a principal: %v", err)
		}
		if err := s.SubmitApplication(ctx, nil, &model.Application{}); !errors.Is(err, errNoPrincipal) {
			t.Errorf("application taken without a principal: %v", err)
		}
		if _, err := s.ConfirmApplication(ctx, nil, "token"); !errors.Is(err, errNoPrincipal) {
			t.Errorf("application confirmed without a principal: %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log`); n != audits {
			t.Errorf("%d audit entries written without a principal", n-audits)
		}
		if n := count(t, s, `SELECT count(*) FROM org_units`); n != units {
			t.Errorf("%d units created without a principal", n-units)
		}
		// The join page's visitor is named, with its address.
		if err := s.Audit(ctx, access.Visitor("10.0.0.2"), "login", "user", 0, ""); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE username = 'nettside' AND remote_addr = '10.0.0.2' AND user_id IS NULL`); n != 1 {
			t.Errorf("%d visitor entries, want 1", n)
		}
	})
}

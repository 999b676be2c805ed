package storage

import (
	"context"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// regionOf is the path of the region above a club of the fixture.
func regionOf(club *model.OrgUnit) string {
	p := strings.TrimSuffix(club.Path, "/")
	return p[:strings.LastIndex(p, "/")+1]
}

// TestAdminRolesActWhereGranted: a union admin granted on a region reads
// the audit log only about persons in the region and changes no
// union-wide setting; the one granted on the root does both.
func TestAdminRolesActWhereGranted(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newFixture(t, s)
		inA := f.person(t, "Aud", "Klubba", f.wA)
		inB := f.person(t, "Bent", "Klubbb", f.wB)
		if err := s.SaveSettings(ctx, f.admin, model.Actor{Username: "admin"}, DefaultSettings); err != nil {
			t.Fatal(err)
		}
		region := &access.Principal{Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: regionOf(f.clubA)}}}
		clubA := &access.Principal{Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: f.clubA.Path}}}

		seen := func(u *access.Principal) map[string]bool {
			t.Helper()
			es, err := s.AuditLog(ctx, u, 100)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]bool{}
			for _, e := range es {
				switch {
				case e.PersonID == inA.ID:
					out["A"] = true
				case e.PersonID == inB.ID:
					out["B"] = true
				case e.PersonID == 0:
					out["none"] = true
				default:
					t.Errorf("entry about person %d", e.PersonID)
				}
			}
			return out
		}
		for name, c := range map[string]struct {
			u    *access.Principal
			want map[string]bool
		}{
			"root":   {f.admin, map[string]bool{"A": true, "B": true, "none": true}},
			"region": {region, map[string]bool{"A": true, "B": true}},
			"club A": {clubA, map[string]bool{"A": true}},
		} {
			if got := seen(c.u); len(got) != len(c.want) || got["A"] != c.want["A"] || got["B"] != c.want["B"] || got["none"] != c.want["none"] {
				t.Errorf("%s admin sees %v, want %v", name, got, c.want)
			}
		}

		for name, err := range map[string]error{
			"settings":      s.SaveSettings(ctx, region, model.Actor{}, DefaultSettings),
			"join settings": s.SaveJoinSettings(ctx, region, model.Actor{}, DefaultJoinSettings),
			"benefit":       s.SaveBenefit(ctx, region, model.Actor{}, &Benefit{Title: "Rabatt"}),
			"delete":        s.DeleteBenefit(ctx, region, model.Actor{}, 1),
			"reward level":  s.SaveRewardLevel(ctx, region, model.Actor{}, &RewardLevel{Recruits: 3, Prize: "Kopp"}),
		} {
			if model.ErrorCode(err) != model.EFORBIDDEN {
				t.Errorf("region admin changed %s: %v", name, err)
			}
		}
		if _, err := s.Outbox(ctx, region, "", 10); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("region admin lists the outbox: %v", err)
		}
		// Within the region, a reward level of its own is theirs to make.
		if err := s.SaveRewardLevel(ctx, region, model.Actor{}, &RewardLevel{UnitID: f.clubA.ID, Recruits: 3, Prize: "Kopp"}); err != nil {
			t.Errorf("region admin's own level: %v", err)
		}
		if err := s.SaveBenefit(ctx, f.admin, model.Actor{}, &Benefit{Title: "Rabatt"}); err != nil {
			t.Errorf("root admin: %v", err)
		}
	})
}

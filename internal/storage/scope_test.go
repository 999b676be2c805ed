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

// moveTo puts a person in another club, as a transfer would.
func moveTo(t *testing.T, s *Storage, personID int64, club *model.OrgUnit) {
	t.Helper()
	if _, err := s.w.Exec(`UPDATE persons SET unit_id = $1, unit_path = $2 WHERE id = $3`, club.ID, club.Path, personID); err != nil {
		t.Fatal(err)
	}
}

// TestTaskOfPersonOutOfScope: a task in the steward's club about a person
// who has since moved to another club is neither shown nor actionable, and
// answers exactly as a task that does not exist.
func TestTaskOfPersonOutOfScope(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _ := pipelineFixture(t, s)
		before, err := s.Home(ctx, f.steward)
		if err != nil {
			t.Fatal(err)
		}
		task := importOne(t, s, f, "Mats")
		moveTo(t, s, task.PersonID, f.clubB)

		if d, err := s.MyDay(ctx, f.steward); err != nil || len(d.Overdue)+len(d.Today)+len(d.Upcoming)+len(d.NewColleagues) != 0 {
			t.Errorf("Min dag shows the moved person: %+v %v", d, err)
		}
		if ts, err := s.DueTasks(ctx, f.steward, 30); err != nil || len(ts) != 0 {
			t.Errorf("due tasks %+v %v", ts, err)
		}
		if h, err := s.Home(ctx, f.steward); err != nil || *h != *before {
			t.Errorf("home counts %+v, before the task %+v (%v)", h, before, err)
		}
		const missing = 999999
		_, gone := s.DayTask(ctx, f.steward, missing)
		if _, err := s.DayTask(ctx, f.steward, task.ID); err == nil || err.Error() != gone.Error() {
			t.Errorf("DayTask: %v, for a missing task: %v", err, gone)
		}
		_, gone = s.LogOutcome(ctx, f.steward, model.Actor{}, Outcome{TaskID: missing, Result: OutcomeMet})
		if _, err := s.LogOutcome(ctx, f.steward, model.Actor{}, Outcome{TaskID: task.ID, Result: OutcomeMet}); err == nil || err.Error() != gone.Error() {
			t.Errorf("LogOutcome: %v, for a missing task: %v", err, gone)
		}
		gone = s.CompleteTask(ctx, f.steward, model.Actor{}, missing)
		if err := s.CompleteTask(ctx, f.steward, model.Actor{}, task.ID); err == nil || err.Error() != gone.Error() {
			t.Errorf("CompleteTask: %v, for a missing task: %v", err, gone)
		}
		// Where the person is now, the task can be acted on.
		other := &access.Principal{Grants: []access.Grant{{Role: model.RoleCoordinator, UnitPath: regionOf(f.clubA)}}}
		if _, err := s.LogOutcome(ctx, other, model.Actor{}, Outcome{TaskID: task.ID, Result: OutcomeMet}); err != nil {
			t.Errorf("coordinator of both clubs: %v", err)
		}
	})
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

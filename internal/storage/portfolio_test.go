package storage

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// holder signs in a person holding role on club A, given what scopes
// name beyond it.
func (f *scopesFixture) holder(t *testing.T, name string, role model.RoleName, scopes ...model.RoleScope) *access.Principal {
	t.Helper()
	ctx := context.Background()
	roleID, userID := f.user(t, name, role, f.clubA)
	for _, rs := range scopes {
		rs.RoleID = roleID
		if err := f.s.AddRoleScope(ctx, f.admin, &rs); err != nil {
			t.Fatal(err)
		}
	}
	p, err := f.s.Principal(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPortfolioUnitsAndMatches: a coordinator of club A given club C in
// another region, and an advisor of club A given workplace D and the
// company group of B and C, reach on the unit pages exactly the units of
// their scope, each with only the workplaces of the scope and their
// figures, and decide exactly the possible matches whose two persons lie
// in it. Every other unit and pair answers as one that does not exist.
func TestPortfolioUnitsAndMatches(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newScopesFixture(t, s)
		coord := f.holder(t, "Kari", model.RoleCoordinator, model.RoleScope{UnitID: f.clubC.ID})
		advisor := f.holder(t, "Rådgiver", model.RoleAdvisor, model.RoleScope{WorkplaceID: f.wD.ID}, model.RoleScope{ParentOrgnr: groupOrgnr})

		// Pairs across the two regions, and within club D.
		pair := func(n, k *model.Workplace) int64 {
			var id int64
			err := s.inTx(ctx, func(tx *sql.Tx) error {
				if err := s.recordCandidate(ctx, tx, f.persons[n.ID].ID, f.persons[k.ID].ID, model.MatchFromJoin, "email", 0); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, `SELECT id FROM match_candidates WHERE person_id = $1`, f.persons[n.ID].ID).Scan(&id)
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		cA, dB, eD := pair(f.wC, f.wA), pair(f.wD, f.wB), pair(f.wE, f.wD)

		_, missingUnit := s.Unit(ctx, coord, 999999)
		units := []*model.OrgUnit{f.clubA, f.clubB, f.clubC, f.clubD, f.region2}
		for _, c := range []struct {
			name    string
			u       *access.Principal
			units   []*model.OrgUnit
			members map[int64]int                // by unit: the members counted on the tree
			shown   map[int64][]*model.Workplace // by unit: the workplaces its page lists
			matches []int64
		}{
			{"coordinator", coord, []*model.OrgUnit{f.clubA, f.clubC}, map[int64]int{f.clubA.ID: 3, f.clubC.ID: 1},
				map[int64][]*model.Workplace{f.clubA.ID: {f.wA}, f.clubC.ID: {f.wC}}, []int64{cA}},
			// Club D holds D and E; only D is the advisor's.
			{"advisor", advisor, []*model.OrgUnit{f.clubA, f.clubB, f.clubC, f.clubD}, map[int64]int{f.clubA.ID: 3, f.clubB.ID: 1, f.clubC.ID: 1, f.clubD.ID: 1},
				map[int64][]*model.Workplace{f.clubA.ID: {f.wA}, f.clubB.ID: {f.wB}, f.clubC.ID: {f.wC}, f.clubD.ID: {f.wD}}, []int64{cA, dB}},
		} {
			tree, err := s.UnitTree(ctx, c.u)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, n := range tree {
				ids = append(ids, n.ID)
				if n.Members != c.members[n.ID] {
					t.Errorf("%s: %s counts %d members, want %d", c.name, n.Name, n.Members, c.members[n.ID])
				}
			}
			var want []int64
			for _, o := range c.units {
				want = append(want, o.ID)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, want) {
				t.Errorf("%s: tree %v, want %v", c.name, ids, want)
			}
			for _, o := range units {
				got, err := s.Unit(ctx, c.u, o.ID)
				if !slices.Contains(c.units, o) {
					if err == nil || err.Error() != missingUnit.Error() {
						t.Errorf("%s: unit %s out of scope: %v, for a missing one %v", c.name, o.Name, err, missingUnit)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: unit %s: %v", c.name, o.Name, err)
				}
				ws, err := s.WorkplacesUnder(ctx, c.u, got.Path, 100)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, w := range ws {
					names = append(names, w.Name)
					// Density is the workplace's members over its employees.
					if w.Members != 1+count(t, s, `SELECT count(*) FROM persons WHERE workplace_id = $1 AND last_name = 'Rolle'`, w.ID) ||
						w.Density() != float64(w.Members)/float64(w.Employees) {
						t.Errorf("%s: %s has %d members, density %v", c.name, w.Name, w.Members, w.Density())
					}
				}
				var wantNames []string
				for _, w := range c.shown[o.ID] {
					wantNames = append(wantNames, w.Name)
				}
				if !slices.Equal(names, wantNames) {
					t.Errorf("%s: unit %s lists %v, want %v", c.name, o.Name, names, wantNames)
				}
			}

			ms, err := s.PossibleMatches(ctx, c.u, 100)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, m := range ms {
				got = append(got, m.ID)
			}
			if !slices.Equal(got, c.matches) {
				t.Errorf("%s: possible matches %v, want %v", c.name, got, c.matches)
			}
			if n, err := s.OpenMatchCount(ctx, c.u); err != nil || n != len(c.matches) {
				t.Errorf("%s: counts %d possible matches (%v), want %d", c.name, n, err, len(c.matches))
			}
			missing := s.DecideMatch(ctx, c.u, 999999, model.MatchDistinct)
			for _, id := range []int64{cA, dB, eD} {
				if slices.Contains(c.matches, id) {
					continue
				}
				if err := s.DecideMatch(ctx, c.u, id, model.MatchDistinct); model.ErrorCode(err) != model.ENOTFOUND || err.Error() != missing.Error() {
					t.Errorf("%s: deciding pair %d out of scope: %v, for a missing one: %v", c.name, id, err, missing)
				}
			}
		}
		if n := count(t, s, `SELECT count(*) FROM match_candidates WHERE decision <> ''`); n != 0 {
			t.Fatalf("%d refused decisions stored", n)
		}
		// The coordinator decides the pair across regions: both its persons
		// are in the coordinator's two subtrees, the unit covering them is not.
		if err := s.DecideMatch(ctx, coord, cA, model.MatchDistinct); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideMatch(ctx, advisor, dB, model.MatchDistinct); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTaskHandOverAcrossScopes: a task at a place a role reaches only by
// what it was given beyond its unit (a further subtree, a workplace) may
// be handed to and taken over by its holder, and no one else's; its
// fellow stewards are offered likewise.
func TestTaskHandOverAcrossScopes(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newScopesFixture(t, s)
		coord := f.holder(t, "Kari", model.RoleCoordinator, model.RoleScope{UnitID: f.clubC.ID}, model.RoleScope{WorkplaceID: f.wE.ID})
		steward := f.holder(t, "Stina", model.RoleShopSteward, model.RoleScope{WorkplaceID: f.wD.ID})
		task := map[*model.Workplace]int64{}
		for _, w := range []*model.Workplace{f.wB, f.wC, f.wD, f.wE} {
			var id int64
			if err := s.w.QueryRow(`INSERT INTO tasks (kind, title, person_id, workplace_id, unit_path, due, status, created_at)
				SELECT 'ask', 'Spør', $1, w.id, u.path, $2, 'open', $3 FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE w.id = $4 RETURNING id`,
				f.persons[w.ID].ID, day0, day0, w.ID).Scan(&id); err != nil {
				t.Fatal(err)
			}
			task[w] = id
		}
		for _, c := range []struct {
			w    *model.Workplace
			to   *access.Principal
			want string
		}{
			{f.wC, coord, ""}, {f.wE, coord, ""}, {f.wB, coord, model.EINVALID},
			{f.wD, steward, ""}, {f.wE, steward, model.EINVALID},
		} {
			if err := s.ReassignTask(ctx, f.admin, task[c.w], c.to.PersonID); model.ErrorCode(err) != c.want {
				t.Errorf("task at %s to %s: %v, want %q", c.w.Name, c.to.Username, err, c.want)
			}
		}
		if err := s.ReassignTask(ctx, coord, task[f.wB], coord.PersonID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("the coordinator took over a task out of scope: %v", err)
		}
		if err := s.ReassignTask(ctx, steward, task[f.wD], steward.PersonID); err != nil {
			t.Errorf("the steward takes over at the workplace given: %v", err)
		}
		for _, c := range []struct {
			w    *model.Workplace
			want bool
		}{{f.wD, true}, {f.wE, false}} {
			hs, err := s.TaskHolders(ctx, f.admin, f.clubD.Path, c.w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.ContainsFunc(hs, func(h Colleague) bool { return h.PersonID == steward.PersonID }); got != c.want {
				t.Errorf("holders at %s %+v: the steward given D offered %v", c.w.Name, hs, got)
			}
		}
		// A steward given a further unit is offered at its workplaces.
		siri := f.holder(t, "Siri", model.RoleShopSteward, model.RoleScope{UnitID: f.clubC.ID})
		if hs, err := s.TaskHolders(ctx, f.admin, f.clubC.Path, f.wC.ID); err != nil ||
			!slices.ContainsFunc(hs, func(h Colleague) bool { return h.PersonID == siri.PersonID }) {
			t.Errorf("holders at C %+v (%v): the steward given club C not offered", hs, err)
		}
		// Reaching D is not being D's steward: D's list and its count of
		// stewards name those at D (StewardsAt).
		if at, err := s.StewardsAt(ctx, f.admin, f.wD); err != nil || len(at) != 0 {
			t.Errorf("D's stewards %+v (%v): the steward given D is not one", at, err)
		}
		if ws, err := s.WorkplaceSummary(ctx, f.admin, f.wD.ID); err != nil || ws.Stewards != 0 {
			t.Errorf("D counts %d stewards (%v)", ws.Stewards, err)
		}
	})
}

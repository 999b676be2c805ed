package demo

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/storage"
)

// TestCrossScopes: the demo's NAV coordinator acts on NAV offices in more
// than one region, and its portfolio advisor on workplaces outside the
// region of its branch, each with a login.
func TestCrossScopes(t *testing.T) {
	s := open(t, "sqlite")
	ctx := context.Background()
	if _, err := Generate(ctx, s, Options{Members: 1500, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	principal := func(username string) *access.Principal {
		u, err := s.UserByUsername(ctx, username)
		if err != nil {
			t.Fatalf("%s: %v", username, err)
		}
		p, err := s.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	region := func(path string) string { return strings.Join(strings.SplitN(path, "/", 4)[:3], "/") }
	coord := principal("koordinator-nav")
	regions := map[string]bool{}
	for _, p := range coord.Scope(access.PersonRead).Paths {
		regions[region(p)] = true
	}
	if len(regions) < 2 {
		t.Errorf("the NAV coordinator's scope %v spans %d regions", coord.Scope(access.PersonRead).Paths, len(regions))
	}
	advisor := principal("radgiver-portefolje")
	sc := advisor.Scope(access.PersonRead)
	if len(sc.Paths) != 1 || len(sc.Workplaces) < 3 {
		t.Fatalf("the portfolio advisor's scope = %+v", sc)
	}
	ws, err := s.PortfolioWorkplaces(ctx, advisor, 100)
	if err != nil || len(ws) != len(sc.Workplaces) {
		t.Fatalf("portfolio %d workplaces, %v", len(ws), err)
	}
	// The unit pages show the portfolio: each workplace's unit is on the
	// advisor's tree, and its page lists the workplace.
	tree, err := s.UnitTree(ctx, advisor)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if region(w.UnitPath) == region(sc.Paths[0]) {
			t.Errorf("%s is in the advisor's own region", w.Name)
		}
		if !slices.ContainsFunc(tree, func(u storage.UnitCount) bool { return u.ID == w.UnitID }) {
			t.Errorf("the unit of %s is not on the advisor's tree", w.Name)
		}
		under, err := s.WorkplacesUnder(ctx, advisor, w.UnitPath, 100)
		if err != nil || !slices.ContainsFunc(under, func(o *storage.WorkplaceSummary) bool { return o.ID == w.ID }) {
			t.Errorf("the unit of %s does not list it (%v)", w.Name, err)
		}
		t.Log(w.Name)
	}
}

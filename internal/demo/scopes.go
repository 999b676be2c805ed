package demo

import (
	"cmp"
	"slices"
	"strings"

	"github.com/verve-union/verve/internal/model"
)

// agencies are state employers whose local offices are sub-units of one
// hovedenhet in Enhetsregisteret (their real organisasjonsnumre): the
// demo's company groups.
var agencies = []struct{ prefix, orgnr string }{
	{"NAV ", "889640782"},
	{"Statens vegvesen ", "971032081"},
	{"Skatteetaten ", "974761076"},
	{"Mattilsynet ", "985399077"},
	{"Kartverket ", "971040238"},
}

// parentOrgnr is the hovedenhet of a workplace named name, or "".
func parentOrgnr(name string) string {
	for _, a := range agencies {
		if strings.HasPrefix(name, a.prefix) {
			return a.orgnr
		}
	}
	return ""
}

// crossScopes adds two roles whose scope is more than one subtree, with
// logins: a recruitment coordinator for every NAV office across regions
// (seed 004: "vervekoordinatorer i hver region, samt i NAV"), and an
// advisor of a branch who also follows up a portfolio (seed 000: advisors
// follow up company groups): the offices of one state agency, and the two
// largest workplaces of other regions.
func (g *gen) crossScopes() error {
	g.b.Define("role_scopes", "id", "role_id", "unit_id", "workplace_id", "parent_orgnr")
	var next int64
	scope := func(unitID, workplaceID int64, orgnr string) error {
		next++
		return g.b.Add("role_scopes", next, g.nextRole, nullID(unitID), nullID(workplaceID), orgnr)
	}
	var navs []*workplace
	for _, w := range g.workplaces {
		if strings.HasPrefix(w.name, agencies[0].prefix) {
			navs = append(navs, w)
		}
	}
	if len(navs) > 0 {
		p, err := g.staffMember(navs[0].unitID, navs[0].path, 30, 60)
		if err != nil {
			return err
		}
		if err := g.role(p.id, model.RoleCoordinator, navs[0].unitID, g.day(100, 1500)); err != nil {
			return err
		}
		for _, w := range navs[1:] {
			if err := scope(w.unitID, 0, ""); err != nil {
				return err
			}
		}
		g.users = append(g.users, pendingUser{model.RoleCoordinator, "koordinator-nav", p.id, navs[0].path})
	}

	regions := g.sortedRegions()
	home := regions[len(regions)-1]
	branch := g.byCounty[home.county][0]
	p, err := g.staffMember(branch.id, branch.path, 30, 62)
	if err != nil {
		return err
	}
	if err := g.role(p.id, model.RoleAdvisor, branch.id, g.day(100, 2500)); err != nil {
		return err
	}
	// The agency with the most offices after NAV is the company group.
	group := ""
	most := 0
	for _, a := range agencies[1:] {
		n := 0
		for _, w := range g.workplaces {
			if parentOrgnr(w.name) == a.orgnr {
				n++
			}
		}
		if n > most {
			group, most = a.orgnr, n
		}
	}
	if group != "" {
		if err := scope(0, 0, group); err != nil {
			return err
		}
	}
	var others []*workplace
	for _, w := range g.workplaces {
		if !strings.HasPrefix(w.path, home.path) && parentOrgnr(w.name) != group {
			others = append(others, w)
		}
	}
	slices.SortStableFunc(others, func(a, b *workplace) int { return cmp.Compare(b.employees, a.employees) })
	for _, w := range others[:min(2, len(others))] {
		if err := scope(0, w.id, ""); err != nil {
			return err
		}
	}
	g.users = append(g.users, pendingUser{model.RoleAdvisor, "radgiver-portefolje", p.id, branch.path})
	return nil
}

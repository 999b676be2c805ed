package demo

import (
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// possibleMatches leaves work on /matches ("Mulige dubletter"): in each
// region, a new hire on a recent list has the same name and birth date as a
// member elsewhere: once a member registered on the region itself (its
// coordinator decides) and once one at a workplace in the next region (the
// central office decides). An import outside
// the importer's scope records exactly such pairs.
func (g *gen) possibleMatches() error {
	regions, byRegion := g.sortedRegions(), g.workplacesByRegion()
	for i, reg := range regions {
		ws := byRegion[reg]
		if len(ws) == 0 {
			continue
		}
		// A member registered on the region itself, without a workplace.
		if err := g.matchPair(reg, nil, ws[0]); err != nil {
			return err
		}
		next := regions[(i+1)%len(regions)]
		if nw := byRegion[next]; next != reg && len(nw) > 0 {
			if err := g.matchPair(nil, nw[len(nw)/2], ws[len(ws)/2]); err != nil {
				return err
			}
		}
	}
	return nil
}

// workplacesByRegion lists each region's workplaces in generation order.
func (g *gen) workplacesByRegion() map[*unit][]*workplace {
	out := map[*unit][]*workplace{}
	for _, w := range g.workplaces {
		for _, reg := range g.regions {
			if strings.HasPrefix(w.path, reg.path) {
				out[reg] = append(out[reg], w)
			}
		}
	}
	return out
}

// matchPair makes a member, at the workplace known or else on the unit,
// and, on a list received at w a few days ago, a new hire with the same
// name and birth date: a welcome task for w's steward, and the possible
// match between the two.
func (g *gen) matchPair(unit *unit, known, w *workplace) error {
	m, err := g.knownMember(unit, known)
	if err != nil {
		return err
	}
	n, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, status: model.StatusProspect, twin: m, minAge: 26, maxAge: 60})
	if err != nil {
		return err
	}
	listID, listDay, err := g.list(w, 1, 2, 8)
	if err != nil {
		return err
	}
	start := g.day(0, 3)
	if err := g.employment(n.id, w, start, time.Time{}); err != nil {
		return err
	}
	if err := g.pipeline(n.id, w, listID, start, listDay, time.Time{}, "", ""); err != nil {
		return err
	}
	if err := g.task(model.TaskWelcome, "Velkomstsamtale med ny kollega", n.id, w, w.path, g.ownerFor(w), start); err != nil {
		return err
	}
	return g.candidate(n, m, "import", listID, listDay)
}

// candidate records that newcomer n may be the known member m.
func (g *gen) candidate(n, m *person, source string, importID int64, at time.Time) error {
	g.nextMatch++
	return g.b.Add("match_candidates", g.nextMatch, n.id, m.id, access.CommonPath(m.unitPath, n.unitPath), source, "name_birth", nullID(importID), at)
}

// knownMember makes an active member at the workplace known, or else on
// the unit without a workplace.
func (g *gen) knownMember(unit *unit, known *workplace) (*person, error) {
	sp := personSpec{workplace: known, minAge: 26, maxAge: 60, status: model.StatusActive, withFnr: true}
	if known != nil {
		sp.unitID, sp.unitPath = known.unitID, known.path
	} else {
		sp.unitID, sp.unitPath = unit.id, unit.path
	}
	m, err := g.newPerson(sp)
	if err != nil {
		return nil, err
	}
	joined := g.day(400, 4000)
	if err := g.membership(m.id, model.TypeOrdinary, model.StatusActive, joined, time.Time{}, model.SourceWebsite, 0, "", "", time.Time{}); err != nil {
		return nil, err
	}
	if known != nil {
		if err := g.employment(m.id, known, joined, time.Time{}); err != nil {
			return nil, err
		}
	}
	g.members++
	return m, nil
}

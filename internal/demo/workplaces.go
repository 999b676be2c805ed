package demo

import (
	"time"

	"github.com/verve-union/verve/internal/demo/data"
	"github.com/verve-union/verve/internal/model"
)

// workplacePeople fills each workplace with members (some in arrears),
// former members, known non-members (some in other unions), new hires
// waiting for their welcome, shop stewards and a contact history.
func (g *gen) workplacePeople() error {
	r := g.r
	for wi, w := range g.workplaces {
		nMembers := int(w.density*float64(w.employees) + 0.5)
		for range nMembers {
			status := model.StatusActive
			if r.IntN(100) < 3 {
				status = model.StatusArrears
			}
			p, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, minAge: 24, maxAge: 66, status: status, withFnr: true})
			if err != nil {
				return err
			}
			start := g.day(30, min(365*30, (g.o.Today.Year()-p.birth.Year()-23)*365+30))
			src := joinSources[r.IntN(len(joinSources))]
			var recruiter int64
			if len(w.members) > 0 && r.IntN(100) < 35 {
				recruiter, src = w.members[r.IntN(len(w.members))], model.SourceRecruited
			}
			if err := g.membership(p.id, model.TypeOrdinary, status, start, time.Time{}, src, recruiter, "", "", time.Time{}); err != nil {
				return err
			}
			if start.After(g.o.Today.AddDate(0, 0, -180)) {
				w.recent = append(w.recent, joiner{p.id, start})
			}
			if err := g.employment(p.id, w, start.AddDate(0, 0, -r.IntN(400)), time.Time{}); err != nil {
				return err
			}
			w.members = append(w.members, p.id)
			g.members++
		}
		if err := g.stewards(w); err != nil {
			return err
		}
		// Former members: resigned over the last three years, still there.
		for range nMembers * 6 / 100 {
			p, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, minAge: 25, maxAge: 64, status: model.StatusResigned, withFnr: true})
			if err != nil {
				return err
			}
			end := g.day(1, 1100)
			if err := g.membership(p.id, model.TypeOrdinary, model.StatusResigned, end.AddDate(-1-r.IntN(8), 0, 0), end, model.SourceWebsite, 0, "", "", time.Time{}); err != nil {
				return err
			}
			if err := g.employment(p.id, w, end.AddDate(-3, 0, 0), time.Time{}); err != nil {
				return err
			}
			if end.After(g.o.Today.AddDate(0, 0, -60)) {
				if err := g.task("winback", "Ring etter utmelding", p.id, w, w.path, g.ownerFor(w), end.AddDate(0, 0, 14)); err != nil {
					return err
				}
			}
		}
		// Known colleagues who are not members: some belong to another union.
		for range (w.employees - nMembers) * 12 / 100 {
			other := ""
			if r.IntN(100) < 30 {
				other = otherUnions[r.IntN(len(otherUnions))]
			}
			p, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, minAge: 22, maxAge: 66, other: other})
			if err != nil {
				return err
			}
			if err := g.employment(p.id, w, g.day(60, 5000), time.Time{}); err != nil {
				return err
			}
		}
		if err := g.pastNewHires(w); err != nil {
			return err
		}
		// New hires of the last three weeks and the next two, waiting for a
		// welcome, from the employer's latest list.
		nNew := max(0, w.employees/60) + boolInt(r.IntN(4) == 0)
		listID, listDay, err := g.list(w, nNew, 1, 20)
		if err != nil {
			return err
		}
		for range nNew {
			p, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, minAge: 22, maxAge: 45, status: model.StatusProspect})
			if err != nil {
				return err
			}
			start := g.o.Today.AddDate(0, 0, 14-r.IntN(35))
			if err := g.employment(p.id, w, start, time.Time{}); err != nil {
				return err
			}
			if err := g.task("welcome", "Velkomstsamtale med ny kollega", p.id, w, w.path, g.ownerFor(w), start); err != nil {
				return err
			}
			if err := g.pipeline(p.id, w, listID, start, listDay, time.Time{}, "", ""); err != nil {
				return err
			}
		}
		if err := g.contacts(w); err != nil {
			return err
		}
		g.settle()
		if g.o.Progress != nil && wi%20 == 0 {
			g.o.Progress(g.members, g.o.Members)
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (g *gen) employment(personID int64, w *workplace, start, end time.Time) error {
	g.nextEmployment++
	return g.b.Add("employments", g.nextEmployment, personID, w.id, start, nullTime(end),
		data.Position(g.r, w.sector.Key), data.Department(g.r, w.sector.Key), g.inStep(g.registerEmployment(personID, w, end), ""))
}

// ownerFor is who gets a workplace's tasks: its first shop steward, or the
// region's coordinator where there is none.
func (g *gen) ownerFor(w *workplace) int64 {
	if len(w.stewards) > 0 {
		return w.stewards[0]
	}
	return g.regions[w.place.County].coord
}

// stewards appoints shop stewards among the members: larger workplaces
// almost always have them, small ones often do not.
func (g *gen) stewards(w *workplace) error {
	r := g.r
	n := len(w.members)
	noneChance := 3
	switch {
	case n < 8:
		noneChance = 55
	case n < 30:
		noneChance = 15
	}
	if n == 0 || r.IntN(100) < noneChance {
		return nil
	}
	count := min(n, 1+n/35, 12)
	for i := range count {
		pid := w.members[r.IntN(n)]
		role := model.RoleShopSteward
		if i == 0 && count >= 3 {
			role = model.RoleChiefShopSteward
		}
		if err := g.role(pid, role, w.unitID, g.day(30, 3000)); err != nil {
			return err
		}
		w.stewards = append(w.stewards, pid)
	}
	if n >= 15 {
		if err := g.role(w.members[r.IntN(n)], model.RoleClubLeader, w.unitID, g.day(30, 2000)); err != nil {
			return err
		}
	}
	g.pickStewardUsers(w)
	return nil
}

// pickStewardUsers makes demo logins of stewards at two mid-sized
// workplaces, so the demo shows a real club and a test can try another.
func (g *gen) pickStewardUsers(w *workplace) {
	if len(w.members) < 20 || len(w.members) > 150 {
		return
	}
	switch {
	case !g.hasUser(model.RoleShopSteward):
		g.users = append(g.users, pendingUser{model.RoleShopSteward, "tillitsvalgt", w.stewards[0], w.path})
	case !g.hasUser("shop_steward_2"):
		g.users = append(g.users, pendingUser{"shop_steward_2", "tillitsvalgt2", w.stewards[0], w.path})
	case !g.hasUser(model.RoleChiefShopSteward) && len(w.stewards) >= 3:
		g.users = append(g.users, pendingUser{model.RoleChiefShopSteward, "hovedtillitsvalgt", w.stewards[0], w.path})
	}
}

// contacts gives about two in five members one to three contacts over the
// last two years, by a steward of their workplace.
func (g *gen) contacts(w *workplace) error {
	if len(w.stewards) == 0 {
		return nil
	}
	kinds := []model.ContactKind{model.ContactVisit, model.ContactVisit, model.ContactPhone, model.ContactSMS, model.ContactEmail, model.ContactMeeting}
	for _, m := range w.members {
		if g.r.IntN(100) >= 40 {
			continue
		}
		for range 1 + g.r.IntN(3) {
			at := g.day(1, 730).Add(time.Duration(8*60+g.r.IntN(9*60)) * time.Minute)
			if err := g.contact(m, w.stewards[g.r.IntN(len(w.stewards))], kinds[g.r.IntN(len(kinds))], at); err != nil {
				return err
			}
		}
	}
	return nil
}

package demo

import (
	"time"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// winbackTitle is the task to call a member who left.
const winbackTitle = "Ring etter utmelding"

// stewardWork gives each demo steward's Min dag real work today, whatever
// the dice gave their workplace: two new colleagues (one starting today),
// a follow-up that is overdue, and a call to a member who left lately.
func (g *gen) stewardWork() error {
	for _, u := range g.users {
		if u.role != model.RoleShopSteward && u.role != model.RoleChiefShopSteward && u.role != "shop_steward_2" {
			continue
		}
		w := g.stewardsWorkplace(u.personID)
		if w == nil {
			continue
		}
		today := g.o.Today
		listID, listDay, err := g.list(w, 2, 1, 6)
		if err != nil {
			return err
		}
		for _, start := range []time.Time{today, today.AddDate(0, 0, 3)} {
			p, err := g.prospect(w, start)
			if err != nil {
				return err
			}
			if err := g.task(model.TaskWelcome, pipeline.TitleWelcomeNew, p.id, w, w.path, u.personID, start); err != nil {
				return err
			}
			if err := g.pipeline(p.id, w, listID, start, listDay, time.Time{}, "", ""); err != nil {
				return err
			}
		}
		// Welcomed ten days ago; the follow-up was due three days ago.
		start := today.AddDate(0, 0, -12)
		p, err := g.prospect(w, start)
		if err != nil {
			return err
		}
		met := today.AddDate(0, 0, -10).Add(10 * time.Hour)
		if err := g.pipeline(p.id, w, 0, start, start, met, "", ""); err != nil {
			return err
		}
		if err := g.contact(p.id, u.personID, model.ContactVisit, met); err != nil {
			return err
		}
		if err := g.task(model.TaskFollowUp, pipeline.TitleFollowUp, p.id, w, w.path, u.personID, today.AddDate(0, 0, -3)); err != nil {
			return err
		}
		// A member who resigned last week.
		left, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, minAge: 25, maxAge: 60, status: model.StatusResigned, withFnr: true})
		if err != nil {
			return err
		}
		end := today.AddDate(0, 0, -7)
		if err := g.membership(left.id, model.TypeOrdinary, model.StatusResigned, end.AddDate(-4, 0, 0), end, model.SourceWebsite, 0, "", "", time.Time{}); err != nil {
			return err
		}
		if err := g.employment(left.id, w, end.AddDate(-5, 0, 0), time.Time{}); err != nil {
			return err
		}
		if err := g.task(model.TaskWinback, winbackTitle, left.id, w, w.path, u.personID, today.AddDate(0, 0, 1)); err != nil {
			return err
		}
	}
	return nil
}

// prospect is a new colleague at w, starting on start.
func (g *gen) prospect(w *workplace, start time.Time) (*person, error) {
	p, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, minAge: 22, maxAge: 45, status: model.StatusProspect})
	if err != nil {
		return nil, err
	}
	return p, g.employment(p.id, w, start, time.Time{})
}

// stewardsWorkplace is the workplace whose first steward personID is.
func (g *gen) stewardsWorkplace(personID int64) *workplace {
	for _, w := range g.workplaces {
		if len(w.stewards) > 0 && w.stewards[0] == personID {
			return w
		}
	}
	return nil
}

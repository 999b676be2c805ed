package demo

import (
	"fmt"
	"time"

	"github.com/verve-union/verve/internal/model"
)

// joiner is a member who joined lately, to be shown as recruited from a
// new-hire list.
type joiner struct {
	id    int64
	start time.Time
}

var declineReasons = []string{"Vil tenke på det", "Har ikke råd nå", "Er med i et annet forbund fra før", "Ikke interessert", ""}

// list records an employer's new-hire list received between daysAgoMin and
// daysAgoMax days ago, with n rows; it returns its id and day.
func (g *gen) list(w *workplace, n, daysAgoMin, daysAgoMax int) (int64, time.Time, error) {
	if n == 0 {
		return 0, time.Time{}, nil
	}
	g.nextImport++
	at := g.day(daysAgoMin, daysAgoMax).Add(time.Duration(8+g.r.IntN(8)) * time.Hour)
	name := fmt.Sprintf("nyansatte-%s.xlsx", at.Format("2006-01"))
	err := g.b.Add("imports", g.nextImport, "newhires", w.id, w.path, name, "Nyansattliste fra HR",
		"Berettiget interesse (GDPR art. 6 nr. 1 f og art. 9 nr. 2 d); tillitsvalgtes rett til opplysninger om nyansatte etter hovedavtalen",
		n, n, 0, g.r.IntN(2), at)
	return g.nextImport, at, err
}

// pipeline adds a pipeline entry; a zero first contact means not yet asked.
func (g *gen) pipeline(personID int64, w *workplace, importID int64, start, created, first time.Time, outcome, reason string) error {
	g.nextPipeline++
	var outcomeAt, erase any
	if outcome != "" {
		outcomeAt = first
		if outcome == "declined" {
			erase = first.AddDate(0, 0, 180)
		}
	}
	return g.b.Add("pipeline", g.nextPipeline, personID, w.id, w.path, nullID(importID), "newhire", start, created,
		nullTime(first), outcome, outcomeAt, reason, erase)
}

// pastNewHires gives the last half year's lists and what became of them:
// the members who joined lately came from them, and colleagues who said no
// or were never asked. Workplaces with a shop steward ask sooner and more
// often, so that the coordinator's figures show the difference.
func (g *gen) pastNewHires(w *workplace) error {
	r := g.r
	stewarded := len(w.stewards) > 0
	askDays, skip := 21, 45
	if stewarded {
		askDays, skip = 6, 10
	}
	others := len(w.recent)/2 + r.IntN(2)
	listID, listDay, err := g.list(w, len(w.recent)+others, 60, 170)
	if err != nil {
		return err
	}
	for _, j := range w.recent {
		start := j.start.AddDate(0, 0, -r.IntN(10))
		first := start.AddDate(0, 0, r.IntN(askDays)).Add(time.Duration(9+r.IntN(7)) * time.Hour)
		if err := g.pipeline(j.id, w, listID, start, listDay, first, "joined", ""); err != nil {
			return err
		}
	}
	for range others {
		p, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, minAge: 22, maxAge: 45, status: model.StatusProspect})
		if err != nil {
			return err
		}
		start := g.day(30, 170)
		if err := g.employment(p.id, w, start, time.Time{}); err != nil {
			return err
		}
		if r.IntN(100) < skip {
			if err := g.pipeline(p.id, w, listID, start, listDay, time.Time{}, "", ""); err != nil {
				return err
			}
			continue
		}
		first := start.AddDate(0, 0, r.IntN(askDays)).Add(time.Duration(9+r.IntN(7)) * time.Hour)
		if err := g.pipeline(p.id, w, listID, start, listDay, first, "declined", declineReasons[r.IntN(len(declineReasons))]); err != nil {
			return err
		}
	}
	return nil
}

package demo

import (
	"hash/fnv"
	"time"

	"github.com/verve-union/verve/internal/demo/data"
	"github.com/verve-union/verve/internal/model"
)

// studyStart moves most drawn join days to the study start in August
// (weeks 33–37), where the campus stands are, and leaves the rest spread
// over the year. It draws nothing, so the rest of the union stays as it was.
func studyStart(t, today time.Time) time.Time {
	n := t.YearDay()
	if n%10 >= 6 {
		return t
	}
	s := time.Date(t.Year(), 8, 12+n%35, 0, 0, 0, 0, time.UTC)
	if !s.Before(today) {
		s = s.AddDate(-1, 0, 0)
	}
	return s
}

// graduation is the expected graduation of a study started on the given
// day: in June after the nominal years, or in December for those who
// started in the spring term. A date already past moves on a year, except
// for some who finished in the last half year and are still student
// members: the transfers the coordinator is late with.
func graduation(started time.Time, years int, today time.Time) time.Time {
	grad := time.Date(started.Year()+years, 6, 20, 0, 0, 0, 0, time.UTC)
	if started.Month() <= time.March {
		grad = time.Date(started.Year()+years-1, 12, 20, 0, 0, 0, 0, time.UTC)
	}
	if grad.Before(today) && !grad.Before(today.AddDate(0, -6, 0)) && started.YearDay()%2 == 0 {
		return grad
	}
	for grad.Before(today) {
		grad = grad.AddDate(1, 0, 0)
	}
	return grad
}

// graduates adds former student members of the last four graduation terms
// (about 3 % of the members), so that conversion rates have history: most
// moved to an ordinary membership some weeks after graduating, the rest
// resigned. How many stay differs by institution.
func (g *gen) graduates() error {
	r := g.r
	var terms []time.Time
	for y := g.o.Today.Year(); len(terms) < 4; y-- {
		for _, m := range []time.Month{12, 6} {
			if t := time.Date(y, m, 20, 0, 0, 0, 0, time.UTC); t.Before(g.o.Today.AddDate(0, 0, -30)) && len(terms) < 4 {
				terms = append(terms, t)
			}
		}
	}
	last := g.o.Today.AddDate(0, 0, -1)
	for range g.o.Members * 3 / 100 {
		inst := data.PickInstitution(r)
		study := data.ProgrammeAt(r, inst)
		years := max(1, study.Years)
		br := g.branchFor(data.Place{Name: inst.City, County: inst.County})
		if br == nil {
			br = g.byCounty[g.sortedRegions()[0].county][0]
		}
		grad := terms[r.IntN(len(terms))]
		started := time.Date(grad.Year()-years, 8, 15, 0, 0, 0, 0, time.UTC)
		if grad.Month() == time.December {
			started = time.Date(grad.Year()-years+1, 1, 10, 0, 0, 0, 0, time.UTC)
		}
		end := grad.AddDate(0, 0, r.IntN(100)-20)
		if end.After(last) {
			end = last
		}
		h := fnv.New32a()
		h.Write([]byte(inst.Name))
		converted := r.Float64() < 0.55+0.35*float64(h.Sum32()%100)/100
		status := model.StatusResigned
		if converted {
			status = model.StatusActive
		}
		p, err := g.newPerson(personSpec{unitID: br.id, unitPath: br.path, minAge: 22 + years, maxAge: 30 + years, status: status, withFnr: true})
		if err != nil {
			return err
		}
		if !converted {
			if err := g.membership(p.id, model.TypeStudent, model.StatusResigned, started, end, model.SourceStudentRecruitment, 0, inst.Name, study.Name, grad); err != nil {
				return err
			}
			continue
		}
		if err := g.membership(p.id, model.TypeStudent, model.StatusConverted, started, end, model.SourceStudentRecruitment, 0, inst.Name, study.Name, grad); err != nil {
			return err
		}
		if err := g.membership(p.id, model.TypeOrdinary, model.StatusActive, end, time.Time{}, model.SourceStudentTransfer, 0, "", "", time.Time{}); err != nil {
			return err
		}
		g.members++
	}
	return nil
}

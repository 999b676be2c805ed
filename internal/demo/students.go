package demo

import (
	"fmt"
	"time"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/demo/data"
	"github.com/verve-union/verve/internal/model"
)

// students adds the student members (about 10 %) at real institutions,
// registered with the branch nearest their campus, and retired members.
func (g *gen) students() error {
	r := g.r
	for range g.o.Members * 10 / 100 {
		inst := data.PickInstitution(r)
		study := data.ProgrammeAt(r, inst)
		br := g.branchFor(data.Place{Name: inst.City, County: inst.County})
		if br == nil {
			br = g.byCounty[g.sortedRegions()[0].county][0]
		}
		p, err := g.newPerson(personSpec{unitID: br.id, unitPath: br.path, minAge: 19, maxAge: 27, status: model.StatusActive, withFnr: true})
		if err != nil {
			return err
		}
		started := studyStart(g.day(20, 365*max(1, study.Years)), g.o.Today)
		grad := graduation(started, max(1, study.Years), g.o.Today)
		if err := g.membership(p.id, model.TypeStudent, model.StatusActive, started, time.Time{}, model.SourceStudentRecruitment, 0, inst.Name, study.Name, grad); err != nil {
			return err
		}
		g.members++
	}
	for range g.o.Members * 4 / 100 {
		br := g.byCounty[g.sortedRegions()[r.IntN(len(g.regions))].county][0]
		p, err := g.newPerson(personSpec{unitID: br.id, unitPath: br.path, minAge: 67, maxAge: 88, status: model.StatusActive, withFnr: true})
		if err != nil {
			return err
		}
		if err := g.membership(p.id, model.TypeRetired, model.StatusActive, g.day(30, 3000), time.Time{}, model.SourceTransfer, 0, "", "", time.Time{}); err != nil {
			return err
		}
		g.members++
	}
	if g.o.Progress != nil {
		g.o.Progress(g.o.Members, g.o.Members)
	}
	return nil
}

// demoUsers creates the demo logins, one per role, all with the demo password.
func (g *gen) demoUsers() error {
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for i, u := range g.users {
		names[u.personID] = u.username
		if err := g.b.Add("users", int64(i+1), u.personID, u.username, hash, "nb", false, g.o.Today); err != nil {
			return err
		}
		role := u.role
		if role == "shop_steward_2" {
			role = model.RoleShopSteward
		}
		g.logins = append(g.logins, Login{Role: string(role), Username: u.username, Password: Password, Unit: u.unit})
	}
	if len(g.users) == 0 {
		return fmt.Errorf("demo: no users generated")
	}
	return nil
}

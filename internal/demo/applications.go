package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/verve-union/verve/internal/model"
)

// applications leaves work on /applications in every region: applicants
// from the join page who confirmed their address in the last days and
// wait for approval (one may be a member already, a possible match for the
// approver), and one approved but not yet exported to the member register.
// The rows are what storage.ConfirmApplication leaves behind.
func (g *gen) applications() error {
	byRegion := g.workplacesByRegion()
	for _, reg := range g.sortedRegions() {
		ws := byRegion[reg]
		if len(ws) == 0 {
			continue
		}
		if _, err := g.applicant(ws[g.r.IntN(len(ws))], model.TypeOrdinary, model.StatusPending, nil); err != nil {
			return err
		}
		if _, err := g.applicant(ws[g.r.IntN(len(ws))], model.TypeStudent, model.StatusPending, nil); err != nil {
			return err
		}
		known, err := g.knownMember(reg, nil)
		if err != nil {
			return err
		}
		n, err := g.applicant(ws[0], model.TypeOrdinary, model.StatusPending, known)
		if err != nil {
			return err
		}
		if err := g.candidate(n, known, "join", 0, g.o.Today); err != nil {
			return err
		}
		if _, err := g.applicant(ws[len(ws)-1], model.TypeOrdinary, model.StatusActive, nil); err != nil {
			return err
		}
	}
	return nil
}

// applicant makes a confirmed applicant at w with a membership of the
// given status (pending, or active: approved a few days ago), the welcome
// task a confirmation gives, and the application row with the number
// sealed until it is exported.
func (g *gen) applicant(w *workplace, typ model.MembershipType, status model.MembershipStatus, twin *person) (*person, error) {
	p, err := g.newPerson(personSpec{unitID: w.unitID, unitPath: w.path, workplace: w, minAge: 20, maxAge: 45, status: status, withFnr: twin == nil, twin: twin, applicant: true})
	if err != nil {
		return nil, err
	}
	day := g.day(1, 6)
	applied := day.Add(time.Duration(7+g.r.IntN(14)) * time.Hour)
	var decided any
	if status == model.StatusActive {
		decided = applied.Add(20 * time.Hour)
		g.members++
	}
	var inst, prog string
	var grad time.Time
	if typ == model.TypeStudent {
		inst, prog, grad = "NTNU", "Bachelor i ingeniørfag, elektro", g.o.Today.AddDate(2, 0, 0)
	}
	g.nextMembership++
	if err := g.b.Add("memberships", g.nextMembership, p.id, typ, status, day, nil, string(model.SourceJoinPage), nil, inst, prog, nullTime(grad), applied, decided, "", nil); err != nil {
		return nil, err
	}
	if err := g.employment(p.id, w, g.day(0, 60), time.Time{}); err != nil {
		return nil, err
	}
	if err := g.task(model.TaskWelcome, "Ønsk velkommen: meldte seg inn på nettsiden", p.id, w, w.path, g.ownerFor(w), applied.AddDate(0, 0, 3)); err != nil {
		return nil, err
	}
	g.nextApplication++
	token := sha256.Sum256([]byte(fmt.Sprint("demo-application-", g.nextApplication)))
	return p, g.b.Add("applications", g.nextApplication, hex.EncodeToString(token[:]), applied.Add(-time.Hour), applied.Add(47*time.Hour), applied,
		typ, g.hash(p.fnr), g.seal(p.fnr), w.id, "nb", p.id, g.nextMembership)
}

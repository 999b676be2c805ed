package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// Me is what a signed-in person's own page ("Meg") shows of them.
type Me struct {
	Person      *model.Person
	Workplace   string // the current workplace's name
	Memberships []OwnMembership
	Employments []model.Employment
	Roles       []model.Role
	// JoinedOnline is when they confirmed joining with consent on the
	// join page; zero if they joined another way.
	JoinedOnline time.Time
	OptIn        bool // shown on the recruiting leaderboards
}

// OwnMembership is a membership with its dues.
type OwnMembership struct {
	model.Membership
	Payments []Payment
}

// Paid is the latest month paid, zero if none.
func (m OwnMembership) Paid() time.Time {
	if len(m.Payments) == 0 {
		return time.Time{}
	}
	return m.Payments[0].Month
}

// Me gathers the user's own page: only ever their own person.
func (s *Storage) Me(ctx context.Context, u *access.Principal) (*Me, error) {
	if !u.IsSelf(u.PersonID) {
		return nil, model.ErrorKey(model.ENOTFOUND, "err.person.notfound")
	}
	p, err := s.Person(ctx, u, u.PersonID)
	if err != nil {
		return nil, err
	}
	h, err := s.History(ctx, u, p.ID)
	if err != nil {
		return nil, err
	}
	me := &Me{Person: p, Employments: h.Employments, Roles: h.Roles}
	for _, e := range h.Employments {
		if e.WorkplaceID == p.WorkplaceID && e.EndDate.IsZero() {
			me.Workplace = e.WorkplaceName
		}
	}
	for _, m := range h.Memberships {
		om := OwnMembership{Membership: m}
		if om.Payments, err = s.Payments(ctx, u, m.ID); err != nil {
			return nil, err
		}
		me.Memberships = append(me.Memberships, om)
	}
	var at sql.NullTime
	if err := s.r.QueryRowContext(ctx, `SELECT MAX(confirmed_at) FROM applications WHERE person_id = $1`, p.ID).Scan(&at); err != nil {
		return nil, err
	}
	me.JoinedOnline = timeOf(at)
	me.OptIn, err = s.LeaderboardOptIn(ctx, u)
	return me, err
}

// OwnData is everything Verve holds about a person, as they download it.
type OwnData struct {
	Exported      time.Time
	Person        *model.Person
	Memberships   []OwnMembership
	Employments   []model.Employment
	Roles         []model.Role
	Contacts      []model.Contact
	Tasks         []model.Task
	Pipeline      []PipelineEntry
	ReferralCode  string
	Recruits      int
	LeaderboardOK bool
	JoinedOnline  time.Time
}

// OwnData collects the user's own data for download, and audits that it
// was taken out. Only the user themself: there is no person argument.
func (s *Storage) OwnData(ctx context.Context, u *access.Principal) (*OwnData, error) {
	me, err := s.Me(ctx, u)
	if err != nil {
		return nil, err
	}
	h, err := s.History(ctx, u, u.PersonID)
	if err != nil {
		return nil, err
	}
	d := &OwnData{Exported: s.now().UTC(), Person: me.Person, Memberships: me.Memberships, Employments: me.Employments, Roles: me.Roles,
		Contacts: h.Contacts, Tasks: h.Tasks, Pipeline: h.Pipeline, LeaderboardOK: me.OptIn, JoinedOnline: me.JoinedOnline}
	if d.ReferralCode, err = s.ExistingReferralCode(ctx, u, u.PersonID); err != nil {
		return nil, err
	}
	cr, err := s.CreditsOf(ctx, u, u.PersonID)
	if err != nil {
		return nil, err
	}
	d.Recruits = cr.Total()
	return d, s.audit(ctx, s.w, u, "export", "person", u.PersonID, nil, u.PersonID, "")
}

package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/model"
)

// The kinds of change the export back to the member register holds.
const (
	ChangeJoin    = "join"    // a membership that began in Verve
	ChangeResign  = "resign"  // a resignation recorded in Verve
	ChangeContact = "contact" // contact details corrected in Verve
)

// RegisterChange is one change made in Verve since a date, as the central
// member register takes it. It carries no fødselsnummer (that goes over
// only through ExportApplications) and assigns nothing the register owns:
// MemberNo is the register's own number, empty until the register has
// given one. A protected address is never in it.
type RegisterChange struct {
	Kind                string
	PersonID            int64
	MemberNo            string
	FirstName, LastName string
	BirthDate           time.Time
	Email, Mobile       string
	Address             string
	PostalCode          string
	PostalPlace         string
	Orgnr               string   // the workplace's organisasjonsnummer
	Jobs                []string // the further employers' (open employments elsewhere), earliest first
	Type                model.MembershipType
	Start, End          time.Time
	RecruiterNo         string // the recruiter's member number
	At                  time.Time
}

// contactFields are the audited person fields the register keeps.
var contactFields = []string{"email", "mobile", "address", "postal_code"}

// registerChangeSelect is what every kind of change reads of the person:
// the address and postal code blanked when protected. The query's FROM
// names the person p, the membership m and the workplace w.
const registerChangeSelect = `p.id, COALESCE(p.member_no, ''), p.first_name, p.last_name, p.birth_date, p.email, p.mobile,
	CASE WHEN p.address_protection = '' THEN p.address ELSE '' END,
	CASE WHEN p.address_protection = '' THEN p.postal_code ELSE '' END,
	CASE WHEN p.address_protection = '' THEN p.postal_place ELSE '' END,
	COALESCE(w.orgnr, ''), COALESCE(m.type, ''), m.start_date, m.end_date,
	COALESCE((SELECT r.member_no FROM persons r WHERE r.id = m.recruited_by), '')`

// RegisterChanges returns the changes made in Verve since the day since
// (an Oslo day) to members in the user's export scope, for the central
// register: the memberships that began in Verve, the resignations recorded
// in Verve, and the members whose contact details were corrected here.
// Changes a register load made are not among them. The export and each
// person in it are in the audit log, in the same transaction as the read.
func (s *Storage) RegisterChanges(ctx context.Context, u *access.Principal, since time.Time) ([]RegisterChange, error) {
	if !u.Can(access.ExportRun) {
		return nil, model.ErrorKey(model.EFORBIDDEN, "err.regexport.forbidden")
	}
	from := clock.Start(clock.Day(since)).UTC()
	var out []RegisterChange
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		var a access.Args
		sinceArg := a.Add(from)
		sinceDay := a.Add(date(clock.Day(since)))
		scope := u.Scope(access.ExportRun).FilterAt("p.unit_path", "p.workplace_id", &a)
		contact := "(1 = 0"
		for _, f := range contactFields {
			contact += ` OR ',' || l.fields || ',' LIKE ` + a.Add("%,"+f+",%")
		}
		contact += ")"
		// Joins: memberships with a source of Verve's own (a register load
		// leaves it empty) that began on or after the day.
		joins := `SELECT 'join', ` + registerChangeSelect + `, NULL
			FROM memberships m JOIN persons p ON p.id = m.person_id LEFT JOIN workplaces w ON w.id = p.workplace_id
			WHERE m.source <> '' AND m.start_date >= ` + sinceDay + ` AND m.status IN ` + currentStatuses + ` AND ` + scope
		// Resignations: memberships whose status a user changed in Verve
		// to resigned since the day.
		resigns := `SELECT 'resign', ` + registerChangeSelect + `, MAX(l.at)
			FROM audit_log l JOIN memberships m ON m.id = l.entity_id JOIN persons p ON p.id = m.person_id LEFT JOIN workplaces w ON w.id = p.workplace_id
			WHERE l.entity = 'membership' AND l.at >= ` + sinceArg + ` AND ',' || l.fields || ',' LIKE '%,status,%' AND ` + madeInVerve + `
			AND m.status = 'resigned' AND ` + scope + ` GROUP BY ` + registerChangeGroup
		// Contact details: the register's members a user corrected since
		// the day, with their details as they are now (a join's row has
		// them already).
		contacts := `SELECT 'contact', ` + registerChangeSelect + `, MAX(l.at)
			FROM audit_log l JOIN persons p ON p.id = l.person_id
			LEFT JOIN memberships m ON m.id = (SELECT MAX(x.id) FROM memberships x WHERE x.person_id = p.id AND x.status IN ` + currentStatuses + `)
			LEFT JOIN workplaces w ON w.id = p.workplace_id
			WHERE l.entity = 'person' AND l.action = 'update' AND l.at >= ` + sinceArg + ` AND ` + contact + ` AND ` + madeInVerve + `
			AND p.member_no IS NOT NULL AND p.member_status IN ` + currentStatuses + ` AND ` + scope + ` GROUP BY ` + registerChangeGroup
		rows, err := tx.QueryContext(ctx, joins+` UNION ALL `+resigns+` UNION ALL `+contacts+` ORDER BY 1, 3, 2`, a...)
		if err != nil {
			return err
		}
		err = eachRow(rows, func() error {
			var c RegisterChange
			var birth, start, end sql.NullTime
			var at any
			if err := rows.Scan(&c.Kind, &c.PersonID, &c.MemberNo, &c.FirstName, &c.LastName, &birth, &c.Email, &c.Mobile, &c.Address, &c.PostalCode,
				&c.PostalPlace, &c.Orgnr, &c.Type, &start, &end, &c.RecruiterNo, &at); err != nil {
				return err
			}
			c.BirthDate, c.Start, c.End = timeOf(birth), timeOf(start), timeOf(end)
			if c.At = anyTime(at); c.At.IsZero() {
				c.At = c.Start
			}
			out = append(out, c)
			return nil
		})
		if err != nil {
			return err
		}
		for i := range out {
			if out[i].Jobs, err = furtherEmployers(ctx, tx, out[i].PersonID, out[i].Orgnr); err != nil {
				return err
			}
		}
		detail := fmt.Sprintf("%s, %d", clock.Day(since).Format(time.DateOnly), len(out))
		if err := s.audit(ctx, tx, u, "export", "register_changes", 0, nil, 0, detail); err != nil {
			return err
		}
		for _, c := range out {
			if err := s.audit(ctx, tx, u, "export", "person", c.PersonID, nil, c.PersonID, c.Kind); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// furtherEmployers lists the workplaces (orgnr) of a person's open
// employments other than their own workplace's (orgnr).
func furtherEmployers(ctx context.Context, tx *sql.Tx, person int64, orgnr string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT w.orgnr FROM employments e JOIN workplaces w ON w.id = e.workplace_id
		WHERE e.person_id = $1 AND e.end_date IS NULL AND w.orgnr <> $2 ORDER BY e.start_date, e.id`, person, orgnr)
	if err != nil {
		return nil, err
	}
	var out []string
	err = eachRow(rows, func() error {
		var o string
		err := rows.Scan(&o)
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
		return err
	})
	return out, err
}

// registerChangeGroup groups an audit join by the person and membership
// read (registerChangeSelect), one row for each.
const registerChangeGroup = `p.id, p.member_no, p.first_name, p.last_name, p.birth_date, p.email, p.mobile, p.address_protection, p.address, p.postal_code,
	p.postal_place, w.orgnr, m.type, m.start_date, m.end_date, m.recruited_by`

// madeInVerve leaves out the audit entries a register load wrote: those
// of its principal between the load's start (register_loads.at) and its
// own entry at the end (import register), both written only when the load
// committed.
const madeInVerve = `NOT EXISTS (SELECT 1 FROM register_loads rl JOIN audit_log li ON li.action = 'import' AND li.entity = 'register' AND li.entity_id = rl.id
	WHERE l.at >= rl.at AND l.at <= li.at AND l.username = rl.username)`

// anyTime reads a time an aggregate returned: SQLite gives MAX over a
// timestamp column back as text.
func anyTime(v any) time.Time {
	switch v := v.(type) {
	case time.Time:
		return v.UTC()
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.DateOnly} {
			if t, err := time.Parse(layout, v); err == nil {
				return t.UTC()
			}
		}
	case []byte:
		return anyTime(string(v))
	}
	return time.Time{}
}

package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// PersonHistory is everything on a person's page besides the person.
type PersonHistory struct {
	Memberships []model.Membership
	Employments []model.Employment
	Roles       []model.Role
	Contacts    []model.Contact
	Tasks       []model.Task
	Pipeline    []PipelineEntry
}

// PipelineEntry is the person's place in the ask-and-follow-up pipeline at
// one workplace, with where their data came from and on what basis.
type PipelineEntry struct {
	Workplace     string
	Kind          pipeline.Entry
	StartDate     time.Time
	FirstContact  time.Time
	Outcome       pipeline.Result
	DeclineReason string
	EraseAfter    time.Time
	ListFile      string
	ListSource    string
	LawfulBasis   string
	ListAt        time.Time
}

// History loads a person's memberships, employments, roles, contacts and
// tasks, after checking that the user may read the person.
func (s *Storage) History(ctx context.Context, u *access.Principal, personID int64) (*PersonHistory, error) {
	if _, err := s.Person(ctx, u, personID); err != nil {
		return nil, err
	}
	var h PersonHistory
	rows, err := s.r.QueryContext(ctx, `SELECT id, type, status, start_date, end_date, source, COALESCE(recruited_by, 0), institution, programme, expected_graduation
		FROM memberships WHERE person_id = $1 ORDER BY start_date DESC`, personID)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		m := model.Membership{PersonID: personID}
		var end, grad sql.NullTime
		if err := rows.Scan(&m.ID, &m.Type, &m.Status, &m.StartDate, &end, &m.Source, &m.RecruitedBy, &m.Institution, &m.Programme, &grad); err != nil {
			return err
		}
		m.EndDate, m.ExpectedGraduation = timeOf(end), timeOf(grad)
		h.Memberships = append(h.Memberships, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = s.r.QueryContext(ctx, `SELECT e.id, e.workplace_id, w.name, e.start_date, e.end_date, e.position, e.department
		FROM employments e JOIN workplaces w ON w.id = e.workplace_id WHERE e.person_id = $1 ORDER BY e.start_date DESC`, personID)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		e := model.Employment{PersonID: personID}
		var end sql.NullTime
		if err := rows.Scan(&e.ID, &e.WorkplaceID, &e.WorkplaceName, &e.StartDate, &end, &e.Position, &e.Department); err != nil {
			return err
		}
		e.EndDate = timeOf(end)
		h.Employments = append(h.Employments, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if h.Roles, err = s.roles(ctx, `r.person_id = $1`, personID); err != nil {
		return nil, err
	}
	rows, err = s.r.QueryContext(ctx, `SELECT c.id, COALESCE(c.by_person_id, 0), COALESCE(b.first_name || ' ' || b.last_name, ''), c.kind, c.at, c.note
		FROM contacts c LEFT JOIN persons b ON b.id = c.by_person_id WHERE c.person_id = $1 ORDER BY c.at DESC, c.id DESC LIMIT 100`, personID)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		c := model.Contact{PersonID: personID}
		if err := rows.Scan(&c.ID, &c.ByID, &c.ByName, &c.Kind, &c.At, &c.Note); err != nil {
			return err
		}
		h.Contacts = append(h.Contacts, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if h.Tasks, err = s.tasks(ctx, `t.person_id = $1`, personID); err != nil {
		return nil, err
	}
	h.Pipeline, err = s.pipelineOf(ctx, personID)
	return &h, err
}

func (s *Storage) pipelineOf(ctx context.Context, personID int64) ([]PipelineEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT w.name, pl.kind, pl.start_date, pl.first_contact_at, pl.outcome, pl.decline_reason, pl.erase_after,
		COALESCE(i.filename, ''), COALESCE(i.source, ''), COALESCE(i.lawful_basis, ''), i.created_at
		FROM pipeline pl JOIN workplaces w ON w.id = pl.workplace_id LEFT JOIN imports i ON i.id = pl.import_id
		WHERE pl.person_id = $1 ORDER BY pl.created_at DESC`, personID)
	if err != nil {
		return nil, err
	}
	var out []PipelineEntry
	err = eachRow(rows, func() error {
		var e PipelineEntry
		var start, first, erase, at sql.NullTime
		if err := rows.Scan(&e.Workplace, &e.Kind, &start, &first, &e.Outcome, &e.DeclineReason, &erase,
			&e.ListFile, &e.ListSource, &e.LawfulBasis, &at); err != nil {
			return err
		}
		e.StartDate, e.FirstContact, e.EraseAfter, e.ListAt = timeOf(start), timeOf(first), timeOf(erase), timeOf(at)
		out = append(out, e)
		return nil
	})
	return out, err
}

// roles lists roles matching cond (with args) together with unit,
// workplace and person names.
func (s *Storage) roles(ctx context.Context, cond string, args ...any) ([]model.Role, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.person_id, p.first_name || ' ' || p.last_name, r.role, r.unit_id, o.name, o.path,
		COALESCE(r.workplace_id, 0), COALESCE(w.name, ''), r.department, r.start_date, r.end_date
		FROM roles r JOIN org_units o ON o.id = r.unit_id JOIN persons p ON p.id = r.person_id LEFT JOIN workplaces w ON w.id = r.workplace_id
		WHERE `+cond+` ORDER BY r.start_date DESC, r.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []model.Role
	err = eachRow(rows, func() error {
		var r model.Role
		var end sql.NullTime
		if err := rows.Scan(&r.ID, &r.PersonID, &r.Person, &r.Role, &r.UnitID, &r.UnitName, &r.UnitPath,
			&r.WorkplaceID, &r.WorkplaceName, &r.Department, &r.StartDate, &end); err != nil {
			return err
		}
		r.EndDate = timeOf(end)
		out = append(out, r)
		return nil
	})
	return out, err
}

// StewardsAt lists the current shop stewards of a workplace's club and of
// the workplace itself (not those of the club's other workplaces). A
// steward elsewhere whose role was given this workplace or its unit as a
// further scope (role_scopes) is not one of them: the list, like the
// count of stewards and of workplaces without one (steward_counts), says
// whether the workplace has a steward there, which is what keeps members
// (DOMAIN.md, seed 004); such a steward reaches it and may take over its
// tasks (TaskHolders, roleCovers), as a coordinator or advisor may.
func (s *Storage) StewardsAt(ctx context.Context, u *access.Principal, w *model.Workplace) ([]model.Role, error) {
	if !u.Scope(access.WorkplaceRead).ContainsAt(w.UnitPath, w.ID) {
		return nil, model.ErrorKey(model.ENOTFOUND, "err.workplace.notfound")
	}
	return s.roles(ctx, `r.unit_id = $1 AND (r.workplace_id IS NULL OR r.workplace_id = $3) AND r.role IN `+stewardRoles+`
		AND `+inOffice("r", "$2"), w.UnitID, date(s.today()), w.ID)
}

// eachRow calls fn for every row and closes rows.
func eachRow(rows *sql.Rows, fn func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryIDs returns the one int64 column of a query's rows.
func queryIDs(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	err = eachRow(rows, func() error {
		var id int64
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	})
	return ids, err
}

// LogContact records a contact with a person the user may reach.
func (s *Storage) LogContact(ctx context.Context, u *access.Principal, c *model.Contact) error {
	var v model.Validation
	c.Note = strings.TrimSpace(c.Note)
	v.Check(c.Kind.Valid(), "kind", "form.contactkind")
	v.Check(utf8.RuneCountInString(c.Note) <= 2000, "note", "form.note.toolong", "n", 2000)
	v.Check(utf8.ValidString(c.Note) && !strings.ContainsRune(c.Note, 0), "note", "form.note.badchars")
	if err := v.Err(); err != nil {
		return err
	}
	p, err := s.Person(ctx, u, c.PersonID)
	if err != nil {
		return err
	}
	if !u.Scope(access.ContactWrite).ContainsAt(p.UnitPath, p.WorkplaceID) {
		return model.ErrorKey(model.EFORBIDDEN, "err.contact.forbidden")
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return err
	}
	c.At = s.now().UTC()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO contacts (person_id, by_person_id, kind, at, note) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			c.PersonID, nullID(c.ByID), string(c.Kind), c.At, c.Note).Scan(&c.ID); err != nil {
			return err
		}
		// The erase dates of their pipeline entries count from the last contact.
		if _, err := s.stampEraseDates(ctx, tx, st.RetentionDays, `pl.person_id = $1`, c.PersonID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "create", "contact", c.ID, []string{"kind", "note"}, c.PersonID, c.Note)
	})
}

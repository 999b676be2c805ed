package storage

import (
	"context"
	"database/sql"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

const personColumns = `p.id, p.first_name, p.last_name, p.birth_date, p.email, p.mobile, p.address,
	p.postal_code, p.postal_place, p.unit_id, p.unit_path, COALESCE(p.workplace_id, 0), p.member_status, p.other_union,
	p.created_at, p.updated_at, p.address_protection`

// scanPerson reads a person as u may see them: a protected address
// (fortrolig or strengt fortrolig) is blank to all but union admins, so
// no steward, list or export shows it.
func scanPerson(u *access.Principal, row interface{ Scan(...any) error }) (*model.Person, error) {
	var p model.Person
	var birth sql.NullTime
	var protect string
	err := row.Scan(&p.ID, &p.FirstName, &p.LastName, &birth, &p.Email, &p.Mobile, &p.Address,
		&p.PostalCode, &p.PostalPlace, &p.UnitID, &p.UnitPath, &p.WorkplaceID, &p.MemberStatus, &p.OtherUnion,
		&p.CreatedAt, &p.UpdatedAt, &protect)
	p.BirthDate = timeOf(birth)
	if model.AddressProtection(protect) != model.AddressOpen && !u.UnionWide(access.UserAdmin) {
		p.Address, p.PostalCode, p.PostalPlace = "", "", ""
	}
	return &p, err
}

// personKeys returns the Norwegian sort key (last name first) and the folded
// search text for a person.
func personKeys(p *model.Person) (sortKey, searchKey string) {
	sortKey = norway.SortKey(p.LastName + " " + p.FirstName)
	searchKey = " " + norway.Fold(p.FirstName+" "+p.LastName+" "+p.Email+" "+strings.TrimPrefix(p.Mobile, "+47"))
	return sortKey, searchKey
}

// Person returns the person with the given id if the user may read them.
// A person outside the user's scope is reported as not found, so that the
// answer does not tell whether they exist. The user themself is always
// found (access.IsSelf).
func (s *Storage) Person(ctx context.Context, u *access.Principal, id int64) (*model.Person, error) {
	var a access.Args
	cond := "1 = 1" // the user themself (access.IsSelf)
	if !u.IsSelf(id) {
		cond = personScope(u, &a)
	}
	q := `SELECT ` + personColumns + ` FROM persons p WHERE p.id = ` + a.Add(id) + ` AND ` + cond
	p, err := scanPerson(u, s.r.QueryRowContext(ctx, q, a...))
	if err != nil {
		return nil, notFound(err, "err.person.notfound")
	}
	return p, nil
}

// personScope is the condition that u may read the person p: p's unit
// lies in u's scope, or p holds an open employment at a workplace whose
// unit does (a member with two employers is seen by each workplace's
// steward).
func personScope(u *access.Principal, a *access.Args) string {
	sc := u.Scope(access.PersonRead)
	return `(` + sc.FilterAt("p.unit_path", "p.workplace_id", a) + ` OR EXISTS (SELECT 1 FROM employments e JOIN workplaces w ON w.id = e.workplace_id
		JOIN org_units o ON o.id = w.unit_id WHERE e.person_id = p.id AND e.end_date IS NULL AND ` + sc.FilterAt("o.path", "w.id", a) + `))`
}

// personsInReach is a query of the id and sort_key of the persons whom u
// may read (personScope, as a set) and for whom cond holds, given the
// column that holds the person's id (cond may be empty), each once: those
// whose unit or first workplace lies in u's scope, and those with an open
// employment at a workplace in it. Each part starts from the scope, by
// the indexes of unit paths and workplaces, and reads an employed
// person's sort key only once cond holds for them, so a list drawn from
// it costs what the scope holds, and no person outside the scope is read
// for it (no oracle, not even by its time). A subquery in cond should end
// in perPerson's fence, or PostgreSQL may join it whole.
func personsInReach(d Dialect, u *access.Principal, a *access.Args, cond func(id string) string) string {
	sc := u.Scope(access.PersonRead)
	return `SELECT p.id AS id, p.sort_key AS sort_key FROM persons p WHERE ` + sc.FilterAt("p.unit_path", "p.workplace_id", a) + andCond(cond, "p.id") +
		employedInReach(d, u, a, cond)
}

// andCond is " AND " and cond for the person whose id is in the column
// id, or nothing when cond is empty for them.
func andCond(cond func(id string) string, id string) string {
	if c := cond(id); c != "" {
		return ` AND ` + c
	}
	return ""
}

// employedInReach is personsInReach's part for those with an open
// employment at a workplace in u's scope: UNION parts to append to a query
// of the id and sort key of the persons u may read in their own right, on
// engine d. Only the employments marked elsewhere (00039) are walked: an
// unmarked one is at its person's own workplace, in that workplace's unit,
// so whoever has its workplace in scope has its person there already.
func employedInReach(d Dialect, u *access.Principal, a *access.Args, cond func(id string) string) string {
	sc := u.Scope(access.PersonRead)
	var q string
	// The sort key by a subquery, not a join: PostgreSQL, thinking many
	// employments found, would read every person to hash them.
	employed := ` UNION SELECT e.person_id, (SELECT k.sort_key FROM persons k WHERE k.id = e.person_id) FROM `
	// By employments_elsewhere, whose condition this is: SQLite, without
	// statistics, would rather read all the open ones by workplace.
	employments, open := `employments e`, `e.end_date IS NULL AND e.elsewhere AND `
	if d == SQLite {
		employments += ` INDEXED BY employments_elsewhere`
	}
	// Employments at the subtrees' workplaces and at the scope's own
	// workplaces in two parts: a condition OR-ed across two tables would
	// have SQLite read every employment. CROSS JOIN keeps SQLite in this
	// order (it would read employments whole by their rowid).
	if len(sc.Paths) > 0 {
		q += employed + `org_units o CROSS JOIN workplaces w CROSS JOIN ` + employments + `
			WHERE w.unit_id = o.id AND e.workplace_id = w.id AND ` + open + sc.Filter("o.path", a) + andCond(cond, "e.person_id")
	}
	if len(sc.Workplaces) > 0 {
		q += employed + employments + ` WHERE ` + open +
			access.Scope{Workplaces: sc.Workplaces}.FilterAt("", "e.workplace_id", a) + andCond(cond, "e.person_id")
	}
	return q
}

// elsewhereOf is what 00039's triggers mark an employment (a row of
// employments) with: that it is not at its person's own workplace in that
// workplace's unit.
const elsewhereOf = `NOT EXISTS (SELECT 1 FROM persons p JOIN workplaces w ON w.id = p.workplace_id
	WHERE p.id = employments.person_id AND p.workplace_id = employments.workplace_id AND w.unit_id = p.unit_id)`

// mendElsewhere puts right every employment's mark that is wrong, writing
// no other: for the register's first load, which writes its rows (and
// moves persons and workplaces) with those triggers dropped, and for the
// daily job (MendElsewhere).
const mendElsewhere = `UPDATE employments SET elsewhere = NOT elsewhere WHERE elsewhere <> ` + elsewhereOf

// perPerson is the condition that the subquery sub, about one person,
// finds a row, looked up for that person: without the fence PostgreSQL
// may turn EXISTS into a join of all the rows sub finds, wherever they
// are, and what a scoped list costs would tell of persons outside the
// scope. (SQLite looks up by person anyway.)
func perPerson(sub string) string {
	return `EXISTS (` + sub + ` LIMIT 1 OFFSET 0)`
}

// PersonsAtWorkplace lists the persons currently at a workplace (there
// first, or with an open employment there besides), in Norwegian
// alphabetical order, limited to the user's scope.
func (s *Storage) PersonsAtWorkplace(ctx context.Context, u *access.Principal, workplaceID int64) ([]*model.Person, error) {
	var a access.Args
	w := a.Add(workplaceID)
	q := `SELECT ` + personColumns + ` FROM persons p WHERE p.id IN (SELECT id FROM persons WHERE workplace_id = ` + w +
		` UNION SELECT person_id FROM employments WHERE workplace_id = ` + w + ` AND end_date IS NULL) AND ` + personScope(u, &a) + ` ORDER BY p.sort_key, p.id`
	return s.queryPersons(ctx, u, q, a...)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (s *Storage) queryPersons(ctx context.Context, u *access.Principal, q string, args ...any) ([]*model.Person, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Person
	for rows.Next() {
		p, err := scanPerson(u, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreatePerson validates and stores a new person at a workplace or org unit
// the user may write to, and records it in the audit log.
func (s *Storage) CreatePerson(ctx context.Context, u *access.Principal, p *model.Person) error {
	return s.createPerson(ctx, u, p)
}

func (s *Storage) createPerson(ctx context.Context, u *access.Principal, p *model.Person) error {
	if err := p.Validate(s.today()); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.placePerson(ctx, tx, u, p); err != nil {
			return err
		}
		now := s.now().UTC()
		sortKey, searchKey := personKeys(p)
		err := tx.QueryRowContext(ctx, `INSERT INTO persons (first_name, last_name, sort_key, search_key, birth_date, fnr_hash, email, mobile,
			address, postal_code, postal_place, unit_id, unit_path, workplace_id, member_status, other_union, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
			p.FirstName, p.LastName, sortKey, searchKey, date(p.BirthDate), s.FnrHash(p.Fnr), p.Email, p.Mobile,
			p.Address, p.PostalCode, p.PostalPlace, p.UnitID, p.UnitPath, nullID(p.WorkplaceID), p.MemberStatus, p.OtherUnion, now).Scan(&p.ID)
		if err != nil {
			if isUniqueViolation(err) {
				return model.ErrorKey(model.ECONFLICT, "err.person.fnrtaken").WithField("fnr", "err.person.fnrtaken.field")
			}
			return err
		}
		if err := s.refreshPersonWords(ctx, tx, p.ID); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = now, now
		return s.audit(ctx, tx, u, "create", "person", p.ID, p.ChangedFields(nil), p.ID, p.Name())
	})
}

// placePerson fills UnitID and UnitPath from the person's workplace (or the
// given unit) and checks that the user may write there.
func (s *Storage) placePerson(ctx context.Context, tx *sql.Tx, u *access.Principal, p *model.Person) error {
	var err error
	if p.WorkplaceID != 0 {
		err = tx.QueryRowContext(ctx, `SELECT u.id, u.path FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE w.id = $1`,
			p.WorkplaceID).Scan(&p.UnitID, &p.UnitPath)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT path FROM org_units WHERE id = $1`, p.UnitID).Scan(&p.UnitPath)
	}
	if err != nil {
		return notFound(err, "err.placement.notfound")
	}
	if !u.Scope(access.PersonWrite).ContainsAt(p.UnitPath, p.WorkplaceID) && !u.Scope(access.ContactWrite).ContainsAt(p.UnitPath, p.WorkplaceID) {
		return model.ErrorKey(model.EFORBIDDEN, "err.person.create")
	}
	return nil
}

// UpdateContactInfo changes a person's e-mail, mobile and address, auditing
// which fields changed (and their old values, erasable with the person):
// for a person in the user's scope, or the user themself (a correction of
// their own, audited under their name).
func (s *Storage) UpdateContactInfo(ctx context.Context, u *access.Principal, id int64, email, mobile, address, postalCode string) (*model.Person, error) {
	old, err := s.Person(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !u.IsSelf(id) && !u.Scope(access.ContactWrite).ContainsAt(old.UnitPath, old.WorkplaceID) {
		return nil, model.ErrorKey(model.EFORBIDDEN, "err.person.update")
	}
	p := *old
	p.Email, p.Mobile, p.Address, p.PostalCode = email, mobile, address, postalCode
	var protect string
	if err := s.r.QueryRowContext(ctx, `SELECT address_protection FROM persons WHERE id = $1`, id).Scan(&protect); err != nil {
		return nil, err
	}
	// A protected address this user cannot see is not theirs to change:
	// the blank they were shown must not overwrite it.
	hidden := model.AddressProtection(protect) != model.AddressOpen && !u.UnionWide(access.UserAdmin)
	if hidden {
		p.Address, p.PostalCode = old.Address, old.PostalCode
	}
	if err := p.Validate(s.today()); err != nil {
		return nil, err
	}
	if pp, ok := norway.LookupPostal(p.PostalCode); ok {
		p.PostalPlace = pp.Place
	}
	changed := p.ChangedFields(old)
	if len(changed) == 0 {
		return &p, nil
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC()
		_, searchKey := personKeys(&p)
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET email = $1, mobile = $2, address = CASE WHEN $9 THEN address ELSE $3 END,
			postal_code = CASE WHEN $9 THEN postal_code ELSE $4 END, postal_place = CASE WHEN $9 THEN postal_place ELSE $5 END,
			search_key = $6, updated_at = $7 WHERE id = $8`, p.Email, p.Mobile, p.Address, p.PostalCode, p.PostalPlace, searchKey, now, id, hidden); err != nil {
			return err
		}
		if err := s.refreshPersonWords(ctx, tx, id); err != nil {
			return err
		}
		p.UpdatedAt = now
		return s.audit(ctx, tx, u, "update", "person", id, changed, id, old.AuditBefore())
	})
	return &p, err
}

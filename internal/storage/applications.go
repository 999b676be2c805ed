package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// The join form's statements, prepared once (stmtcache.go).
const (
	qApplicantInsert = `INSERT INTO persons (first_name, last_name, sort_key, search_key, birth_date, fnr_hash, email, mobile,
				address, postal_code, postal_place, unit_id, unit_path, workplace_id, member_status, other_union, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '', $16, $16) RETURNING id`
	qMembershipInsert = `INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by, institution, programme,
			expected_graduation, applied_at, decided_at, lang) VALUES ($1, $2, $3, $4, 'join_page', $5, $6, $7, $8, $9, $10, $11) RETURNING id`
	qMatchPerson = `SELECT id, member_status FROM persons WHERE fnr_hash = $1 OR email = $2 OR email = $3 OR mobile = $4
		ORDER BY CASE WHEN fnr_hash = $1 THEN 0 WHEN email = $2 OR email = $3 THEN 1 ELSE 2 END, id LIMIT 1`
	qAuditApplicant = `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
		VALUES ($1, $2, $3, 'create', 'person', $4, $5, $4, 'innmelding fra nettsiden', $6),
		($1, $2, $3, 'create', 'membership', $7, $8, $4, 'søknad fra nettsiden', $6)`
)

// SubmitApplication handles a join application from the public page in
// one transaction: it matches an existing person by fødselsnummer, e-mail
// or mobile (never creating a second one) or creates one, adds a pending
// membership (active at once when the union auto-approves), credits the
// recruiter whose code was given, gives the workplace's shop steward a
// welcome task and queues the confirmation e-mail.
//
// A person who already is a member or has an application pending gets no
// new membership, only an e-mail saying so; the page answers the same in
// every case, so it cannot be used to find out who is a member.
func (s *Storage) SubmitApplication(ctx context.Context, a model.Actor, app *model.Application) (*model.ApplicationResult, error) {
	today := s.today()
	if err := app.Validate(today); err != nil {
		return nil, err
	}
	st, err := s.JoinSettings(ctx)
	if err != nil {
		return nil, err
	}
	res := &model.ApplicationResult{Status: model.StatusPending}
	if st.AutoApprove {
		res.Status = model.StatusActive
	}
	p := &app.Person
	if err := s.warm(ctx, qApplicantInsert, qMembershipInsert, qMatchPerson, qAuditApplicant, qQueueMail); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var v model.Validation
		if app.ReferralCode != "" {
			err := tx.QueryRowContext(ctx, `SELECT person_id FROM referral_codes WHERE code = $1`, app.ReferralCode).Scan(&res.RecruiterID)
			if err == sql.ErrNoRows {
				v.Add("ref", "Fant ingen med denne vervekoden. Sjekk koden, eller la feltet stå tomt.")
			} else if err != nil {
				return err
			}
		}
		if app.WorkplaceID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM workplaces WHERE id = $1`, app.WorkplaceID).Scan(&n); err != nil {
				return err
			}
			v.Check(n == 1, "workplace", "Velg arbeidsplassen fra lista.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.now().UTC()
		existing, status, err := s.matchPerson(ctx, tx, p)
		if err != nil {
			return err
		}
		if existing != 0 {
			res.PersonID, res.Matched = existing, true
			if err := s.fillBlanks(ctx, tx, existing, p, app.WorkplaceID, now); err != nil {
				return err
			}
			if status == model.StatusPending || model.IsMember(status) {
				res.Status = status
				if err := s.audit(ctx, tx, a, "match", "application", 0, nil, existing, "søkte igjen"); err != nil {
					return err
				}
				_, err := s.queueMail(ctx, tx, joinMail(app, p, existing, "again"))
				return err
			}
		} else {
			p.WorkplaceID = app.WorkplaceID
			if err := s.placeApplicant(ctx, tx, p); err != nil {
				return err
			}
			sortKey, searchKey := personKeys(p)
			ins, err := s.prepared(ctx, tx, qApplicantInsert)
			if err != nil {
				return err
			}
			err = ins.QueryRowContext(ctx, p.FirstName, p.LastName, sortKey, searchKey, date(p.BirthDate), s.FnrHash(p.Fnr), p.Email, p.Mobile,
				p.Address, p.PostalCode, p.PostalPlace, p.UnitID, p.UnitPath, nullID(p.WorkplaceID), res.Status, now).Scan(&res.PersonID)
			if err != nil {
				return err
			}
		}
		if res.RecruiterID == res.PersonID {
			res.RecruiterID = 0 // nobody recruits themselves
		}
		var decided any
		if res.Status == model.StatusActive {
			decided = now
		}
		insM, err := s.prepared(ctx, tx, qMembershipInsert)
		if err != nil {
			return err
		}
		err = insM.QueryRowContext(ctx, res.PersonID, app.Type, res.Status, today, nullID(res.RecruiterID), app.Institution, app.Programme,
			date(app.ExpectedGraduation), now, decided, app.Lang).Scan(&res.MembershipID)
		if err != nil {
			return err
		}
		membershipFields := []string{"type", "status", "start_date", "recruited_by"}
		if res.Matched {
			if _, err := tx.ExecContext(ctx, `UPDATE persons SET member_status = $1, updated_at = $2 WHERE id = $3`, res.Status, now, res.PersonID); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, a, "create", "membership", res.MembershipID, membershipFields, res.PersonID, "søknad fra nettsiden"); err != nil {
				return err
			}
		} else if err := s.auditApplicant(ctx, tx, a, p, res, membershipFields); err != nil {
			return err
		}
		if app.WorkplaceID != 0 {
			if err := s.welcomeApplicant(ctx, tx, a, res.PersonID, app.WorkplaceID, now, today); err != nil {
				return err
			}
		}
		kind := "pending"
		if res.Status == model.StatusActive {
			kind = "approved"
		}
		_, err = s.queueMail(ctx, tx, joinMail(app, p, res.PersonID, kind))
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// matchPerson finds the person an application is about: the same
// fødselsnummer first, then the same e-mail, then the same mobile; in one
// query, since every submission asks.
func (s *Storage) matchPerson(ctx context.Context, tx *sql.Tx, p *model.Person) (id int64, status string, err error) {
	q, err := s.prepared(ctx, tx, qMatchPerson)
	if err != nil {
		return 0, "", err
	}
	var fnr any = "-" // matches nobody; NULL would need another plan
	if p.Fnr != "" {
		fnr = s.FnrHash(p.Fnr)
	}
	err = q.QueryRowContext(ctx, fnr, p.Email, strings.ToLower(p.Email), p.Mobile).Scan(&id, &status)
	if err == sql.ErrNoRows {
		return 0, "", nil
	}
	return id, status, err
}

// auditApplicant records a new applicant: the person and the membership,
// in one statement (the join form is the busiest write path).
func (s *Storage) auditApplicant(ctx context.Context, tx *sql.Tx, a model.Actor, p *model.Person, res *model.ApplicationResult, membershipFields []string) error {
	q, err := s.prepared(ctx, tx, qAuditApplicant)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, s.now().UTC(), nullID(a.UserID), a.Username, res.PersonID, strings.Join(p.ChangedFields(nil), ","), a.RemoteAddr,
		res.MembershipID, strings.Join(membershipFields, ","))
	return err
}

// fillBlanks adds what the applicant gave where the matched person has
// nothing, and never overwrites: anyone can type someone's e-mail address.
func (s *Storage) fillBlanks(ctx context.Context, tx *sql.Tx, id int64, p *model.Person, workplaceID int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE persons SET
		email = CASE WHEN email = '' THEN $1 ELSE email END,
		mobile = CASE WHEN mobile = '' THEN $2 ELSE mobile END,
		postal_code = CASE WHEN postal_code = '' THEN $3 ELSE postal_code END,
		postal_place = CASE WHEN postal_place = '' THEN $4 ELSE postal_place END,
		workplace_id = COALESCE(workplace_id, $5),
		updated_at = $6
		WHERE id = $7`, p.Email, p.Mobile, p.PostalCode, p.PostalPlace, nullID(workplaceID), now, id)
	if err != nil {
		return err
	}
	if p.Fnr != "" {
		// Only when nobody else has it (the unique index would refuse).
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET fnr_hash = $1 WHERE id = $2 AND fnr_hash IS NULL
			AND NOT EXISTS (SELECT 1 FROM persons o WHERE o.fnr_hash = $1)`, s.FnrHash(p.Fnr), id); err != nil {
			return err
		}
	}
	return oneRow(res)
}

// placeApplicant puts a new applicant in the unit of their workplace, else
// in the region of their county, else at the top of the union.
func (s *Storage) placeApplicant(ctx context.Context, tx *sql.Tx, p *model.Person) error {
	if pp, ok := norway.LookupPostal(p.PostalCode); ok {
		p.PostalPlace = pp.Place
		if p.WorkplaceID == 0 {
			err := tx.QueryRowContext(ctx, `SELECT id, path FROM org_units WHERE kind = 'region' AND county = $1 ORDER BY id LIMIT 1`, pp.County).
				Scan(&p.UnitID, &p.UnitPath)
			if err == nil {
				return nil
			}
			if err != sql.ErrNoRows {
				return err
			}
		}
	}
	if p.WorkplaceID != 0 {
		return tx.QueryRowContext(ctx, `SELECT u.id, u.path FROM workplaces w JOIN org_units u ON u.id = w.unit_id WHERE w.id = $1`,
			p.WorkplaceID).Scan(&p.UnitID, &p.UnitPath)
	}
	return tx.QueryRowContext(ctx, `SELECT id, path FROM org_units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&p.UnitID, &p.UnitPath)
}

// welcomeApplicant gives the workplace's shop steward (or the region's
// coordinator) a task to welcome the new member within three days.
func (s *Storage) welcomeApplicant(ctx context.Context, tx *sql.Tx, a model.Actor, personID, workplaceID int64, now, today time.Time) error {
	owner, err := s.taskOwner(ctx, tx, workplaceID)
	if err != nil {
		return err
	}
	var path string
	if err := tx.QueryRowContext(ctx, `SELECT o.path FROM workplaces w JOIN org_units o ON o.id = w.unit_id WHERE w.id = $1`, workplaceID).Scan(&path); err != nil {
		return err
	}
	t := model.Task{Kind: model.TaskWelcome, Title: "Ønsk velkommen: meldte seg inn på nettsiden", PersonID: personID, WorkplaceID: workplaceID,
		UnitPath: path, OwnerID: owner, Due: today.AddDate(0, 0, 3), Status: model.TaskOpen, CreatedAt: now}
	return s.insertTask(ctx, tx, a, &t)
}

// ApplicationRow is a membership application as the union's list shows it.
type ApplicationRow struct {
	MembershipID int64
	PersonID     int64
	Name         string
	Email        string
	Type         string
	Status       string
	Institution  string
	Workplace    string
	Recruiter    string
	AppliedAt    time.Time
	RejectReason string
}

// Applications lists the applications with the given status (pending by
// default) in the user's scope, oldest first.
func (s *Storage) Applications(ctx context.Context, u *access.Principal, status string, limit int) ([]ApplicationRow, error) {
	if status == "" {
		status = model.StatusPending
	}
	var a access.Args
	q := `SELECT m.id, p.id, p.first_name || ' ' || p.last_name, p.email, m.type, m.status, m.institution, COALESCE(w.name, ''),
		COALESCE(r.first_name || ' ' || r.last_name, ''), m.applied_at, m.reject_reason
		FROM memberships m JOIN persons p ON p.id = m.person_id
		LEFT JOIN workplaces w ON w.id = p.workplace_id LEFT JOIN persons r ON r.id = m.recruited_by
		WHERE m.source = 'join_page' AND m.status = ` + a.Add(status) + ` AND ` + u.Scope(access.MembershipApprove).Filter("p.unit_path", &a) +
		` ORDER BY m.applied_at, m.id LIMIT ` + a.Add(limit)
	rows, err := s.r.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	var out []ApplicationRow
	err = eachRow(rows, func() error {
		var r ApplicationRow
		var at sql.NullTime
		if err := rows.Scan(&r.MembershipID, &r.PersonID, &r.Name, &r.Email, &r.Type, &r.Status, &r.Institution, &r.Workplace,
			&r.Recruiter, &at, &r.RejectReason); err != nil {
			return err
		}
		r.AppliedAt = timeOf(at)
		out = append(out, r)
		return nil
	})
	return out, err
}

// DecideApplication approves or rejects a pending application in the
// user's scope. A rejection needs a reason, which is mailed to the
// applicant; an approval starts the membership today and mails a welcome.
func (s *Storage) DecideApplication(ctx context.Context, u *access.Principal, a model.Actor, membershipID int64, approve bool, reason string) error {
	reason = strings.TrimSpace(reason)
	var v model.Validation
	v.Check(approve || reason != "", "reason", "Skriv hvorfor søknaden avslås.")
	v.Check(utf8.RuneCountInString(reason) <= 500 && utf8.ValidString(reason), "reason", "Begrunnelsen kan ha høyst 500 tegn.")
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		args := access.Args{membershipID}
		var p model.Person
		var status, lang string
		err := tx.QueryRowContext(ctx, `SELECT p.id, p.first_name, p.last_name, p.email, m.status, m.lang FROM memberships m JOIN persons p ON p.id = m.person_id
			WHERE m.id = $1 AND `+u.Scope(access.MembershipApprove).Filter("p.unit_path", &args), args...).
			Scan(&p.ID, &p.FirstName, &p.LastName, &p.Email, &status, &lang)
		if err != nil {
			return notFound(err, "søknaden")
		}
		if status != model.StatusPending {
			return model.Errorf(model.ECONFLICT, "Søknaden er allerede behandlet.")
		}
		now, today := s.now().UTC(), s.today()
		newStatus, personStatus, kind := model.StatusActive, model.StatusActive, "approved"
		if !approve {
			newStatus, personStatus, kind = model.StatusRejected, "", "rejected"
		}
		if approve {
			_, err = tx.ExecContext(ctx, `UPDATE memberships SET status = $1, start_date = $2, decided_at = $3 WHERE id = $4`, newStatus, today, now, membershipID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE memberships SET status = $1, end_date = $2, decided_at = $3, reject_reason = $4 WHERE id = $5`,
				newStatus, today, now, reason, membershipID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET member_status = $1, updated_at = $2 WHERE id = $3`, personStatus, now, p.ID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, a, map[bool]string{true: "approve", false: "reject"}[approve], "membership", membershipID,
			[]string{"status"}, p.ID, reason); err != nil {
			return err
		}
		app := &model.Application{Lang: lang}
		m := joinMail(app, &p, p.ID, kind)
		if !approve {
			m.TextBody += "\n" + joinText(lang, "reason") + " " + reason + "\n"
		}
		_, err = s.queueMail(ctx, tx, m)
		return err
	})
}

// EraseRejected erases applicants whose every application was rejected
// longer ago than the union's retention period (the same as for
// prospects who said no): the person, their memberships and whatever hangs
// on them, and the personal values in the audit log. Trade-union
// membership is special-category data; a refused applicant is not kept.
func (s *Storage) EraseRejected(ctx context.Context, u *access.Principal, a model.Actor) (int, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	cutoff := s.now().UTC().AddDate(0, 0, -st.RetentionDays)
	return s.eraseWhere(ctx, u, a, "avslått søknad, oppbevaringstiden er ute", `SELECT p.id FROM persons p WHERE p.member_status = ''
		AND EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = p.id AND m.status = 'rejected')
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = p.id AND (m.status <> 'rejected' OR m.decided_at IS NULL OR m.decided_at >= $1))
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.recruited_by = p.id)
		AND NOT EXISTS (SELECT 1 FROM pipeline pl WHERE pl.person_id = p.id AND pl.outcome = '')
		AND NOT EXISTS (SELECT 1 FROM users us WHERE us.person_id = p.id)
		AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.owner_person_id = p.id)`, cutoff)
}

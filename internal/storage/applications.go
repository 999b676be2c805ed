package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/joinmail"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/pipeline"
	"github.com/verve-union/verve/internal/retention"
)

// confirmLinkTTL is how long a confirmation link works.
const confirmLinkTTL = 48 * time.Hour

// The join form's statements, prepared once (stmtcache.go).
const (
	qApplicationInsert = `INSERT INTO applications (token_hash, created_at, expires_at, first_name, last_name, email, mobile, postal_code,
		birth_date, fnr_hash, fnr_sealed, type, workplace_id, institution, programme, expected_graduation, referral_code, lang)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`
	qAuditApplication = `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
		VALUES ($1, NULL, $2, 'create', 'application', $3, '', NULL, 'innmelding fra nettsiden, ikke bekreftet', $4)`
	qApplicantInsert = `INSERT INTO persons (first_name, last_name, sort_key, search_key, birth_date, fnr_hash, email, mobile,
				address, postal_code, postal_place, unit_id, unit_path, workplace_id, member_status, other_union, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '', $16, $16) RETURNING id`
	qMembershipInsert = `INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by, institution, programme,
			expected_graduation, applied_at, decided_at, lang) VALUES ($1, $2, $3, $4, '` + string(model.SourceJoinPage) + `', $5, $6, $7, $8, $9, $10, $11) RETURNING id`
	qAuditApplicant = `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
		VALUES ($1, $2, $3, 'create', 'person', $4, $5, $4, 'innmelding fra nettsiden, e-post bekreftet', $6),
		($1, $2, $3, 'create', 'membership', $7, $8, $4, 'søknad fra nettsiden', $6)`
)

// SubmitApplication stores a join application from the public page as
// unconfirmed and queues, in the same transaction, the e-mail with the
// link that confirms it. Nothing else happens until the link is used
// (ConfirmApplication): nobody is looked up, created or changed, so the
// page and the e-mail are the same whoever's identifiers were typed.
//
// The token is random (256 bits) and only its SHA-256 is stored. A
// fødselsnummer is stored as its keyed hash and, for the member register,
// sealed with the key until exported (ExportApplications).
func (s *Storage) SubmitApplication(ctx context.Context, u *access.Principal, app *model.Application) error {
	if err := needPrincipal(u); err != nil {
		return err
	}
	if err := app.Validate(s.today()); err != nil {
		return err
	}
	if !strings.HasPrefix(app.ConfirmURL, "http://") && !strings.HasPrefix(app.ConfirmURL, "https://") {
		return model.ErrorKey(model.EINTERNAL, "err.application.nolink")
	}
	token, hash := newLinkToken()
	p := &app.Person
	var sealed any
	if p.Fnr != "" {
		sealed = s.key.Seal(p.Fnr)
	}
	if err := s.warm(ctx, qApplicationInsert, qAuditApplication, qQueueMail); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkJoinRefs(ctx, tx, app); err != nil {
			return err
		}
		now := s.now().UTC()
		ins, err := s.prepared(ctx, tx, qApplicationInsert)
		if err != nil {
			return err
		}
		var id int64
		err = ins.QueryRowContext(ctx, hash, now, now.Add(confirmLinkTTL), p.FirstName, p.LastName, p.Email, p.Mobile, p.PostalCode,
			date(p.BirthDate), s.FnrHash(p.Fnr), sealed, app.Type, nullID(app.WorkplaceID), app.Institution, app.Programme,
			date(app.ExpectedGraduation), app.ReferralCode, app.Lang).Scan(&id)
		if err != nil {
			return err
		}
		aud, err := s.prepared(ctx, tx, qAuditApplication)
		if err != nil {
			return err
		}
		if _, err := aud.ExecContext(ctx, now, u.Username, id, u.RemoteAddr); err != nil {
			return err
		}
		_, err = s.queueMail(ctx, tx, joinmail.Link(app, token))
		return err
	})
}

// checkJoinRefs checks that the referral code and the workplace an
// application names exist. Neither says anything about the applicant.
func (s *Storage) checkJoinRefs(ctx context.Context, tx *sql.Tx, app *model.Application) error {
	var v model.Validation
	if app.ReferralCode != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM referral_codes WHERE code = $1`, app.ReferralCode).Scan(&n); err != nil {
			return err
		}
		v.Check(n == 1, "ref", "valid.ref")
	}
	if app.WorkplaceID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM workplaces WHERE id = $1`, app.WorkplaceID).Scan(&n); err != nil {
			return err
		}
		v.Check(n == 1, "workplace", "valid.workplace")
	}
	return v.Err()
}

// newLinkToken returns a random link token and the SHA-256 of it, which
// is all the database keeps.
func newLinkToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, linkHash(token)
}

func linkHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Why a confirmation link is refused. The join pages show each in the
// applicant's language.
var (
	ErrLinkUnknown = model.ErrorKey(model.ENOTFOUND, "join.err.link.unknown")
	ErrLinkExpired = model.ErrorKey(model.ENOTFOUND, "join.err.link.expired")
	ErrLinkUsed    = model.ErrorKey(model.ECONFLICT, "join.err.link.used")
)

// linkState finds the unconfirmed application a link's token belongs to,
// or says why the link is refused.
func (s *Storage) linkState(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, token string) (id int64, err error) {
	var expires time.Time
	var confirmed sql.NullTime
	err = q.QueryRowContext(ctx, `SELECT id, expires_at, confirmed_at FROM applications WHERE token_hash = $1`, linkHash(token)).
		Scan(&id, &expires, &confirmed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, ErrLinkUnknown
	case err != nil:
		return 0, err
	case confirmed.Valid:
		return 0, ErrLinkUsed
	case !s.now().Before(expires):
		return 0, ErrLinkExpired
	}
	return id, nil
}

// CheckApplicationLink tells whether a confirmation link may be used,
// without using it (the page behind the link shows a button first, so
// that mail scanners opening links confirm nothing).
func (s *Storage) CheckApplicationLink(ctx context.Context, token string) error {
	_, err := s.linkState(ctx, s.r, token)
	return err
}

// ConfirmApplication uses a confirmation link, in one transaction: it
// creates a new person from exactly what the applicant typed (never binding
// to a known person: the e-mail address is confirmed, the rest is not) with
// a pending membership, or an active one where the union auto-approves;
// credits the recruiter of the referral code; gives the workplace's shop
// steward a welcome task; queues the confirmation or welcome e-mail; and
// records the known persons it may be (same fødselsnummer, e-mail, mobile,
// or name and birth date) for someone whose scope covers both to decide.
//
// Auto-approval approves the membership even when there is a possible
// match: the merge decision waits, not the membership, so that what the
// applicant is told never depends on whom else Verve knows.
func (s *Storage) ConfirmApplication(ctx context.Context, u *access.Principal, token string) (*model.ApplicationResult, error) {
	if err := needPrincipal(u); err != nil {
		return nil, err
	}
	st, err := s.JoinSettings(ctx)
	if err != nil {
		return nil, err
	}
	res := &model.ApplicationResult{Status: model.JoinStatus(st.AutoApprove)}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.linkState(ctx, tx, token)
		if err != nil {
			return err
		}
		now, today := s.now().UTC(), s.today()
		// Claim the link first: of two confirmations at once, one wins.
		r, err := tx.ExecContext(ctx, `UPDATE applications SET confirmed_at = $1 WHERE id = $2 AND confirmed_at IS NULL`, now, id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrLinkUsed
		}
		if invited, err := invitedPerson(ctx, tx, id); err != nil || invited != 0 {
			if err != nil {
				return err
			}
			return s.confirmInvite(ctx, tx, u, id, invited, res)
		}
		var app model.Application
		p := &app.Person
		var birth, grad sql.NullTime
		var fnrHash sql.NullString
		var workplace sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT first_name, last_name, email, mobile, postal_code, birth_date, fnr_hash, type, workplace_id,
			institution, programme, expected_graduation, referral_code, lang FROM applications WHERE id = $1`, id).
			Scan(&p.FirstName, &p.LastName, &p.Email, &p.Mobile, &p.PostalCode, &birth, &fnrHash, &app.Type, &workplace,
				&app.Institution, &app.Programme, &grad, &app.ReferralCode, &app.Lang)
		if err != nil {
			return err
		}
		p.BirthDate, app.ExpectedGraduation, app.WorkplaceID = timeOf(birth), timeOf(grad), workplace.Int64
		if app.ReferralCode != "" {
			// A code removed since the application counts as none.
			err := tx.QueryRowContext(ctx, `SELECT person_id FROM referral_codes WHERE code = $1`, app.ReferralCode).Scan(&res.RecruiterID)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		known, err := s.joinCandidates(ctx, tx, p, fnrHash)
		if err != nil {
			return err
		}
		if known["fnr"] != 0 {
			fnrHash.Valid = false // the known person holds it (unique); the match says so
		}
		p.WorkplaceID = app.WorkplaceID
		if err := s.placeApplicant(ctx, tx, p); err != nil {
			return err
		}
		sortKey, searchKey := personKeys(p)
		err = tx.QueryRowContext(ctx, qApplicantInsert, p.FirstName, p.LastName, sortKey, searchKey, date(p.BirthDate), fnrHash, p.Email, p.Mobile,
			p.Address, p.PostalCode, p.PostalPlace, p.UnitID, p.UnitPath, nullID(p.WorkplaceID), res.Status, now).Scan(&res.PersonID)
		if err != nil {
			return err
		}
		if err := s.refreshPersonWords(ctx, tx, res.PersonID); err != nil {
			return err
		}
		var decided any
		if res.Status == model.StatusActive {
			decided = now
		}
		err = tx.QueryRowContext(ctx, qMembershipInsert, res.PersonID, app.Type, res.Status, today, nullID(res.RecruiterID), app.Institution,
			app.Programme, date(app.ExpectedGraduation), now, decided, app.Lang).Scan(&res.MembershipID)
		if err != nil {
			return err
		}
		if err := s.auditApplicant(ctx, tx, u, p, res, []string{"type", "status", "start_date", "recruited_by"}); err != nil {
			return err
		}
		for _, kind := range matchKinds {
			if known[kind] == 0 {
				continue
			}
			if err := s.recordCandidate(ctx, tx, res.PersonID, known[kind], model.MatchFromJoin, kind, 0); err != nil {
				return err
			}
			res.Candidates++
		}
		if err := s.memberJoined(ctx, tx, u, res.PersonID); err != nil {
			return err
		}
		if app.WorkplaceID != 0 {
			if err := s.welcomeApplicant(ctx, tx, u, res.PersonID, app.WorkplaceID, now, today); err != nil {
				return err
			}
		}
		// The typed copy goes: the person holds it now.
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET person_id = $1, membership_id = $2, first_name = '', last_name = '',
			email = '', mobile = '', postal_code = '', birth_date = NULL, institution = '', programme = '', expected_graduation = NULL
			WHERE id = $3`, res.PersonID, res.MembershipID, id); err != nil {
			return err
		}
		_, err = s.queueMail(ctx, tx, joinmail.Confirmed(app.Lang, p, res.PersonID, res.Status))
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// matchKinds are the grounds of a possible match, strongest first.
var matchKinds = []model.MatchKey{model.MatchFnr, model.MatchEmail, model.MatchMobile, model.MatchNameBirth}

// joinCandidates finds the known persons an applicant may be, by the
// strongest ground for each (matchKinds): the ground's lowest id, so a
// common name or a family's shared mobile does not flood the list.
func (s *Storage) joinCandidates(ctx context.Context, tx *sql.Tx, p *model.Person, fnrHash sql.NullString) (map[model.MatchKey]int64, error) {
	var fnr any = "-" // matches nobody; NULL would need another plan
	if fnrHash.Valid {
		fnr = fnrHash.String
	}
	sortKey, _ := personKeys(p)
	rows, err := tx.QueryContext(ctx, `SELECT id, CASE WHEN fnr_hash = $1 THEN 0 WHEN email = $2 OR email = $3 THEN 1 WHEN mobile = $4 THEN 2 ELSE 3 END AS ground
		FROM persons WHERE fnr_hash = $1 OR email = $2 OR email = $3 OR mobile = $4 OR (birth_date = $5 AND sort_key = $6)
		ORDER BY ground, id LIMIT 20`, fnr, p.Email, strings.ToLower(p.Email), p.Mobile, date(p.BirthDate), sortKey)
	if err != nil {
		return nil, err
	}
	known := map[model.MatchKey]int64{}
	err = eachRow(rows, func() error {
		var id int64
		var ground int
		if err := rows.Scan(&id, &ground); err != nil {
			return err
		}
		if k := matchKinds[ground]; known[k] == 0 {
			known[k] = id
		}
		return nil
	})
	return known, err
}

// DeleteExpiredApplications deletes the applications whose link ran out
// unused, blanks the bodies of confirmation-link e-mails that have left
// (so that a token lives on only as its hash), and drops the sealed numbers
// that will never be exported. It returns how many applications went.
func (s *Storage) DeleteExpiredApplications(ctx context.Context, u *access.Principal) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM applications WHERE confirmed_at IS NULL AND expires_at <= $1`, s.now().UTC())
		if err != nil {
			return err
		}
		if n, err = r.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET text_body = '', html_body = '' WHERE kind = $1 AND text_body <> ''
			AND status <> 'queued'`, model.MailJoinLink)
		if err != nil {
			return err
		}
		// A membership refused or merged into a known member's never goes
		// to the register: its sealed number has no use.
		_, err = tx.ExecContext(ctx, `UPDATE applications SET fnr_sealed = NULL WHERE fnr_sealed IS NOT NULL
			AND membership_id IN (SELECT id FROM memberships WHERE status IN ('rejected', 'merged'))`)
		if err != nil || n == 0 {
			return err
		}
		return s.audit(ctx, tx, u, "delete", "application", 0, nil, 0, retention.ExpiredApplicationsDetail(n))
	})
	return int(n), err
}

// auditApplicant records a new applicant: the person and the membership,
// in one statement.
func (s *Storage) auditApplicant(ctx context.Context, tx *sql.Tx, u *access.Principal, p *model.Person, res *model.ApplicationResult, membershipFields []string) error {
	_, err := tx.ExecContext(ctx, qAuditApplicant, s.now().UTC(), nullID(u.UserID), u.Username, res.PersonID, strings.Join(p.ChangedFields(nil), ","),
		u.RemoteAddr, res.MembershipID, strings.Join(membershipFields, ","))
	return err
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

// welcomeApplicant gives one of the workplace's shop stewards, in turn
// (or the region's coordinator), a task to welcome the new member within
// three days.
func (s *Storage) welcomeApplicant(ctx context.Context, tx *sql.Tx, u *access.Principal, personID, workplaceID int64, now, today time.Time) error {
	owner, err := s.shareOwner(ctx, tx, workplaceID, "")
	if err != nil {
		return err
	}
	var path string
	if err := tx.QueryRowContext(ctx, `SELECT o.path FROM workplaces w JOIN org_units o ON o.id = w.unit_id WHERE w.id = $1`, workplaceID).Scan(&path); err != nil {
		return err
	}
	t := model.Task{Kind: model.TaskWelcome, Title: pipeline.TitleWelcomeJoined, PersonID: personID, WorkplaceID: workplaceID,
		UnitPath: path, OwnerID: owner, Due: today.AddDate(0, 0, pipeline.WelcomeJoinedDays), Status: model.TaskOpen, CreatedAt: now}
	return s.insertTask(ctx, tx, u, &t)
}

// ApplicationRow is a membership application as the union's list shows it.
type ApplicationRow struct {
	MembershipID int64
	PersonID     int64
	Name         string
	Email        string
	Type         model.MembershipType
	Status       model.MembershipStatus
	Institution  string
	Workplace    string
	Recruiter    string
	AppliedAt    time.Time
	RejectReason string
	Matches      []ApplicationMatch // known persons the applicant may be, shown to those who may decide
}

// ApplicationMatch is an open possible match of an applicant with a known
// person.
type ApplicationMatch struct {
	ID        int64 // match_candidates.id, for DecideMatch
	KnownID   int64
	KnownName string
	Match     model.MatchKey // fnr, email, mobile or name_birth
}

// Applications lists the applications with the given status (pending by
// default) in the user's scope, oldest first.
func (s *Storage) Applications(ctx context.Context, u *access.Principal, status model.MembershipStatus, limit int) ([]ApplicationRow, error) {
	if status == "" {
		status = model.StatusPending
	}
	var a access.Args
	q := `SELECT m.id, p.id, p.first_name || ' ' || p.last_name, p.email, m.type, m.status, m.institution, COALESCE(w.name, ''),
		COALESCE(r.first_name || ' ' || r.last_name, ''), m.applied_at, m.reject_reason
		FROM memberships m JOIN persons p ON p.id = m.person_id
		LEFT JOIN workplaces w ON w.id = p.workplace_id LEFT JOIN persons r ON r.id = m.recruited_by
		WHERE m.source = '` + string(model.SourceJoinPage) + `' AND m.status = ` + a.Add(status) + ` AND ` + u.Scope(access.MembershipApprove).FilterAt("p.unit_path", "p.workplace_id", &a) +
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
	if err != nil || len(out) == 0 {
		return out, err
	}
	return out, s.applicationMatches(ctx, u, out)
}

// applicationMatches adds the open possible matches of the applicants in
// apps, only where the user decides them (matchScope, DecideMatch's rule):
// to anyone else, nothing is shown.
func (s *Storage) applicationMatches(ctx context.Context, u *access.Principal, apps []ApplicationRow) error {
	byPerson := map[int64]*ApplicationRow{}
	a := access.Args{model.MatchFromJoin}
	ph := make([]string, len(apps))
	for i := range apps {
		byPerson[apps[i].PersonID] = &apps[i]
		ph[i] = a.Add(apps[i].PersonID)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT mc.id, mc.person_id, k.id, k.first_name || ' ' || k.last_name, mc.match
		FROM match_candidates mc JOIN persons n ON n.id = mc.person_id JOIN persons k ON k.id = mc.candidate_id
		WHERE mc.source = $1 AND mc.decision = '' AND mc.person_id IN (`+strings.Join(ph, ", ")+`)
		AND `+matchScope(u, &a)+` ORDER BY mc.id`, a...)
	if err != nil {
		return err
	}
	return eachRow(rows, func() error {
		var m ApplicationMatch
		var person int64
		if err := rows.Scan(&m.ID, &person, &m.KnownID, &m.KnownName, &m.Match); err != nil {
			return err
		}
		r := byPerson[person]
		r.Matches = append(r.Matches, m)
		return nil
	})
}

// DecideApplication approves or rejects a pending application in the
// user's scope. A rejection needs a reason, which is mailed to the
// applicant; an approval starts the membership today and mails a welcome.
func (s *Storage) DecideApplication(ctx context.Context, u *access.Principal, membershipID int64, approve bool, reason string) error {
	dec, err := model.Decide(approve, reason)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		args := access.Args{membershipID}
		var p model.Person
		var (
			status model.MembershipStatus
			lang   string
		)
		err := tx.QueryRowContext(ctx, `SELECT p.id, p.first_name, p.last_name, p.email, m.status, m.lang FROM memberships m JOIN persons p ON p.id = m.person_id
			WHERE m.id = $1 AND `+u.Scope(access.MembershipApprove).FilterAt("p.unit_path", "p.workplace_id", &args), args...).
			Scan(&p.ID, &p.FirstName, &p.LastName, &p.Email, &status, &lang)
		if err != nil {
			return notFound(err, "err.application.notfound")
		}
		if err := model.Decidable(status); err != nil {
			return err
		}
		now, today := s.now().UTC(), s.today()
		if dec.Approve {
			_, err = tx.ExecContext(ctx, `UPDATE memberships SET status = $1, start_date = $2, decided_at = $3 WHERE id = $4`, dec.Membership, today, now, membershipID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE memberships SET status = $1, end_date = $2, decided_at = $3, reject_reason = $4 WHERE id = $5`,
				dec.Membership, today, now, dec.Reason, membershipID)
			if err == nil && dec.ForgetFnr {
				_, err = tx.ExecContext(ctx, `UPDATE applications SET fnr_sealed = NULL WHERE membership_id = $1`, membershipID)
			}
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET member_status = $1, updated_at = $2 WHERE id = $3`, dec.Person, now, p.ID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, u, dec.Action, "membership", membershipID, []string{"status"}, p.ID, dec.Reason); err != nil {
			return err
		}
		if dec.Approve {
			if err := s.memberJoined(ctx, tx, u, p.ID); err != nil {
				return err
			}
		}
		if p.Email == "" {
			return nil // an invited colleague without an address: their steward tells them
		}
		_, err = s.queueMail(ctx, tx, joinmail.Decided(lang, &p, dec.Approve, dec.Reason))
		return err
	})
}

// EraseRejected erases applicants whose every application was rejected
// longer ago than the union's retention period (the same as for
// prospects who said no): the person, their memberships and whatever hangs
// on them, and the personal values in the audit log. Trade-union
// membership is special-category data; a refused applicant is not kept.
func (s *Storage) EraseRejected(ctx context.Context, u *access.Principal) (int, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	cutoff := retention.RejectedBefore(s.now(), st.RetentionDays)
	return s.eraseKind(ctx, u, retention.Refused, cutoff)
}

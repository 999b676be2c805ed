package storage

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// SigninLinkTTL is how long a sign-in link may be used.
const SigninLinkTTL = 15 * time.Minute

// Why a sign-in link or a second factor is refused; the sign-in pages
// show each.
var (
	ErrSigninLinkUnknown = model.ErrorKey(model.ENOTFOUND, "signin.err.link.unknown")
	ErrSigninLinkExpired = model.ErrorKey(model.ENOTFOUND, "signin.err.link.expired")
	ErrSigninLinkUsed    = model.ErrorKey(model.ECONFLICT, "signin.err.link.used")
	ErrTOTPReplayed      = model.ErrorKey(model.ECONFLICT, "signin.err.totp.replayed")
	ErrRecoveryUsed      = model.ErrorKey(model.ECONFLICT, "signin.err.recovery.used")
	ErrRecoveryWrong     = model.ErrorKey(model.EINVALID, "signin.err.code.wrong")
)

// SigninRecipient is whom a sign-in link goes to.
type SigninRecipient struct {
	PersonID  int64
	FirstName string
	LastName  string
	Email     string
	Locale    string // the user's language, or "" when they have no user yet
}

// signinEligible holds for a person who may sign in by link: a member
// (active or in arrears) or holder of a role today. $1 is today.
var signinEligible = `(p.member_status IN ` + currentStatuses + `
	OR EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id AND r.start_date <= $1 AND (r.end_date IS NULL OR r.end_date > $1)))`

// RequestSigninLink stores a sign-in link for the one person whose e-mail
// address addr is, when that person may sign in, and queues the mail that
// mail writes for the link's token, in one transaction. An address no one
// has, that several persons share, or of a person who may not sign in
// gets nothing, and the caller cannot tell which happened: the page
// answers the same.
func (s *Storage) RequestSigninLink(ctx context.Context, u *access.Principal, addr string, mail func(token string, to SigninRecipient) model.Mail) error {
	_, err := s.signinLink(ctx, u, addr, mail)
	return err
}

// SigninLinkFor makes a sign-in link for the person whose address addr is
// and returns its token, without mail: for the command line, whose
// operator may learn who can sign in.
func (s *Storage) SigninLinkFor(ctx context.Context, u *access.Principal, addr string) (string, error) {
	token, err := s.signinLink(ctx, u, addr, nil)
	if err == nil && token == "" {
		err = model.ErrorKey(model.ENOTFOUND, "cli.signin.nobody", "email", addr)
	}
	return token, err
}

// signinLink stores a link (see RequestSigninLink) and queues mail's
// e-mail unless mail is nil; "" when no one gets a link.
func (s *Storage) signinLink(ctx context.Context, u *access.Principal, addr string, mail func(token string, to SigninRecipient) model.Mail) (token string, err error) {
	if err := needPrincipal(u); err != nil {
		return "", err
	}
	addr = strings.TrimSpace(addr)
	if addr == "" || len(addr) > 254 {
		return "", nil
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT p.id, p.first_name, p.last_name, p.email, CASE WHEN `+signinEligible+` THEN 1 ELSE 0 END,
			COALESCE((SELECT us.locale FROM users us WHERE us.person_id = p.id ORDER BY us.id LIMIT 1), '')
			FROM persons p WHERE p.email = $2 OR p.email = $3 LIMIT 2`, date(s.today()), addr, strings.ToLower(addr))
		if err != nil {
			return err
		}
		var found []SigninRecipient
		eligible := false
		err = eachRow(rows, func() error {
			var r SigninRecipient
			var ok int
			if err := rows.Scan(&r.PersonID, &r.FirstName, &r.LastName, &r.Email, &ok, &r.Locale); err != nil {
				return err
			}
			found, eligible = append(found, r), ok == 1
			return nil
		})
		if err != nil || len(found) != 1 || !eligible {
			return err
		}
		to := found[0]
		var hash string
		token, hash = newLinkToken()
		now := s.now().UTC()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO signin_links (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			hash, to.PersonID, now, now.Add(SigninLinkTTL)).Scan(&id); err != nil {
			return err
		}
		if mail != nil {
			m := mail(token, to)
			m.Kind, m.PersonID = model.MailSigninLink, to.PersonID
			if _, err := s.queueMail(ctx, tx, m); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, u, "create", "signin_link", id, nil, to.PersonID, "")
	})
	if err != nil {
		token = ""
	}
	return token, err
}

// signinLinkState finds the unused sign-in link of token, or says why it
// is refused.
func (s *Storage) signinLinkState(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, token string) (id, personID int64, err error) {
	var expires time.Time
	var used sql.NullTime
	err = q.QueryRowContext(ctx, `SELECT id, person_id, expires_at, used_at FROM signin_links WHERE token_hash = $1`, linkHash(token)).
		Scan(&id, &personID, &expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, 0, ErrSigninLinkUnknown
	case err != nil:
		return 0, 0, err
	case used.Valid:
		return 0, 0, ErrSigninLinkUsed
	case !s.now().Before(expires):
		return 0, 0, ErrSigninLinkExpired
	}
	return id, personID, nil
}

// CheckSigninLink tells whether a sign-in link may be used, without using
// it: the page behind the link shows a button first, so that mail
// scanners opening links sign no one in.
func (s *Storage) CheckSigninLink(ctx context.Context, token string) error {
	_, _, err := s.signinLinkState(ctx, s.r, token)
	return err
}

// UseSigninLink uses a sign-in link and returns the user it signs in: the
// person's user, created on first sign-in (named by the e-mail address,
// without a password). A person who may no longer sign in, or whose
// address has since come to be shared, is refused as for an unknown link.
// u is the visitor, for the audit log.
func (s *Storage) UseSigninLink(ctx context.Context, u *access.Principal, token string) (userID int64, err error) {
	if err := needPrincipal(u); err != nil {
		return 0, err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		id, personID, err := s.signinLinkState(ctx, tx, token)
		if err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `UPDATE signin_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, s.now().UTC(), id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrSigninLinkUsed // another request used it first
		}
		userID, err = s.signinUser(ctx, tx, u, personID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSigninLinkUnknown
		}
		return err
	})
	return userID, err
}

// SigninByAddress returns the user of the one person whose e-mail address
// addr is and who may sign in (see RequestSigninLink), created if need
// be: for a sign-in an identity provider vouched for (OIDC).
func (s *Storage) SigninByAddress(ctx context.Context, u *access.Principal, addr string) (userID int64, err error) {
	if err := needPrincipal(u); err != nil {
		return 0, err
	}
	addr = strings.TrimSpace(addr)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM persons WHERE email = $1 OR email = $2 LIMIT 2`, addr, strings.ToLower(addr))
		if err != nil {
			return err
		}
		var ids []int64
		err = eachRow(rows, func() error {
			var id int64
			err := rows.Scan(&id)
			ids = append(ids, id)
			return err
		})
		if err != nil {
			return err
		}
		if len(ids) != 1 || addr == "" {
			return ErrSigninNobody
		}
		userID, err = s.signinUser(ctx, tx, u, ids[0])
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSigninNobody
		}
		return err
	})
	return userID, err
}

// ErrSigninNobody: no one (or more than one) may sign in with the address.
var ErrSigninNobody = model.ErrorKey(model.EUNAUTH, "signin.err.nobody")

// signinUser returns the user of a person who may sign in by address, and
// creates it on the first sign-in (named by the e-mail address, without a
// password). sql.ErrNoRows: the person may not (no longer a member nor
// holding a role, or the address is shared).
func (s *Storage) signinUser(ctx context.Context, tx *sql.Tx, u *access.Principal, personID int64) (userID int64, err error) {
	var email string
	var ok, sharing int
	err = tx.QueryRowContext(ctx, `SELECT p.email, CASE WHEN `+signinEligible+` THEN 1 ELSE 0 END,
		(SELECT count(*) FROM persons o WHERE o.email = p.email AND o.id <> p.id) FROM persons p WHERE p.id = $2`,
		date(s.today()), personID).Scan(&email, &ok, &sharing)
	if err != nil {
		return 0, err
	}
	if ok != 1 || sharing != 0 || email == "" {
		return 0, sql.ErrNoRows
	}
	var disabled bool
	err = tx.QueryRowContext(ctx, `SELECT id, disabled FROM users WHERE person_id = $1 ORDER BY id LIMIT 1`, personID).Scan(&userID, &disabled)
	switch {
	case err == nil && disabled:
		return 0, model.ErrorKey(model.EUNAUTH, "err.user.locked")
	case err == nil:
		return userID, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}
	// The address names the new user, unless a user has that name.
	name := strings.ToLower(email)
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE username = $1`, name).Scan(&taken); err != nil {
		return 0, err
	}
	if taken > 0 || len(name) > 64 {
		name = "person-" + strconv.FormatInt(personID, 10)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO users (person_id, username, password_hash, locale, disabled, created_at)
		VALUES ($1, $2, '', 'nb', FALSE, $3) RETURNING id`, personID, name, s.now().UTC()).Scan(&userID); err != nil {
		return 0, err
	}
	return userID, s.audit(ctx, tx, u, "create", "user", userID, []string{"username", "person_id"}, personID, "")
}

// DeleteExpiredSigninLinks deletes the sign-in links that can no longer be
// used and blanks the bodies of link e-mails that have left, so that a
// token lives on only as its hash, and not even that for long.
func (s *Storage) DeleteExpiredSigninLinks(ctx context.Context, u *access.Principal) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM signin_links WHERE expires_at <= $1`, s.now().UTC())
		if err != nil {
			return err
		}
		if n, err = r.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET text_body = '', html_body = '' WHERE kind = $1 AND text_body <> '' AND status <> 'queued'`,
			model.MailSigninLink)
		return err
	})
	return int(n), err
}

// TOTPSecret returns the user's TOTP secret and whether it is confirmed
// (enrolment finished); "" when they have none.
func (s *Storage) TOTPSecret(ctx context.Context, userID int64) (secret string, confirmed bool, err error) {
	var sealed string
	var at sql.NullTime
	err = s.r.QueryRowContext(ctx, `SELECT secret_sealed, confirmed_at FROM user_totp WHERE user_id = $1`, userID).Scan(&sealed, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	secret, err = s.key.Open(sealed)
	return secret, at.Valid, err
}

// StartTOTP stores a new, unconfirmed TOTP secret for the user (sealed),
// replacing an unconfirmed one; a confirmed secret is never replaced here.
func (s *Storage) StartTOTP(ctx context.Context, u *access.Principal, userID int64, secret string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_totp WHERE user_id = $1 AND confirmed_at IS NULL`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_totp (user_id, secret_sealed, created_at) VALUES ($1, $2, $3)`,
			userID, s.key.Seal(secret), s.now().UTC()); err != nil {
			if isUniqueViolation(err) {
				return model.ErrorKey(model.ECONFLICT, "signin.err.totp.enrolled")
			}
			return err
		}
		return s.audit(ctx, tx, u, "create", "totp", userID, nil, u.PersonID, "")
	})
}

// AcceptTOTPStep records that the user's code of time step step was right,
// confirming the enrolment if it was not yet. A step at or before the
// last one accepted is a replayed code: refused.
func (s *Storage) AcceptTOTPStep(ctx context.Context, u *access.Principal, userID, step int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var confirmed sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT confirmed_at FROM user_totp WHERE user_id = $1`, userID).Scan(&confirmed); err != nil {
			return notFound(err, "signin.err.totp.none")
		}
		r, err := tx.ExecContext(ctx, `UPDATE user_totp SET last_step = $1, confirmed_at = COALESCE(confirmed_at, $2)
			WHERE user_id = $3 AND last_step < $1`, step, s.now().UTC(), userID)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return ErrTOTPReplayed
		}
		if confirmed.Valid {
			return nil
		}
		return s.audit(ctx, tx, u, "update", "totp", userID, []string{"confirmed_at"}, u.PersonID, "")
	})
}

// SetRecoveryCodes replaces the user's recovery codes, stored as hashes
// of their normal form (auth.NormalRecoveryCode).
func (s *Storage) SetRecoveryCodes(ctx context.Context, u *access.Principal, userID int64, normal []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		for _, c := range normal {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, linkHash(c)); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, u, "create", "recovery_codes", userID, nil, u.PersonID, strconv.Itoa(len(normal)))
	})
}

// UseRecoveryCode uses one of the user's recovery codes (in normal form),
// once.
func (s *Storage) UseRecoveryCode(ctx context.Context, u *access.Principal, userID int64, normal string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		h := linkHash(normal)
		r, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
			s.now().UTC(), userID, h)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return s.audit(ctx, tx, u, "update", "recovery_code", userID, []string{"used_at"}, u.PersonID, "")
		}
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND code_hash = $2`, userID, h).Scan(&used); err != nil {
			return err
		}
		if used > 0 {
			return ErrRecoveryUsed
		}
		return ErrRecoveryWrong
	})
}

// DemoSigninAddresses lists (username, e-mail address) for every user
// whose person has an address of their own, and ("", address) for one
// member without a role: whom `verve demo` prints sign-in links for.
func (s *Storage) DemoSigninAddresses(ctx context.Context) ([][2]string, error) {
	unique := `p.email <> '' AND NOT EXISTS (SELECT 1 FROM persons o WHERE o.email = p.email AND o.id <> p.id)`
	rows, err := s.r.QueryContext(ctx, `SELECT u.username, p.email FROM users u JOIN persons p ON p.id = u.person_id WHERE `+unique+`
		UNION ALL SELECT '', email FROM (SELECT p.email FROM persons p WHERE p.member_status = 'active' AND `+unique+`
			AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id) ORDER BY p.id LIMIT 1) m`)
	if err != nil {
		return nil, err
	}
	var out [][2]string
	err = eachRow(rows, func() error {
		var l [2]string
		if err := rows.Scan(&l[0], &l[1]); err != nil {
			return err
		}
		out = append(out, l)
		return nil
	})
	return out, err
}

// ResetTwoFactor removes a user's TOTP secret and recovery codes, for one
// who lost both: at the next sign-in they enrol again. It reports whether
// there was anything to remove.
func (s *Storage) ResetTwoFactor(ctx context.Context, u *access.Principal, userID int64) (bool, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `DELETE FROM user_totp WHERE user_id = $1`, userID)
		if err != nil {
			return err
		}
		if n, err = r.RowsAffected(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u, "delete", "totp", userID, nil, 0, "")
	})
	return n > 0, err
}

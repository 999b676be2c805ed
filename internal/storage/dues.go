package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/dues"
	"github.com/verve-union/verve/internal/model"
)

// Payment is dues paid for one membership and month.
type Payment struct {
	MembershipID int64
	Month        time.Time // the first of the month
	AmountOre    model.Money
	Source       string // manual, api or import
	RecordedAt   time.Time
}

// RecordPayment stores dues for a membership in the user's scope (person
// write). A month already recorded is a conflict.
func (s *Storage) RecordPayment(ctx context.Context, u *access.Principal, p Payment) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.recordPayment(ctx, tx, u, p)
	})
}

func (s *Storage) recordPayment(ctx context.Context, tx *sql.Tx, u *access.Principal, p Payment) error {
	if p.Month.IsZero() {
		return model.ErrorKey(model.EINVALID, "form.month").WithField("month", "form.month")
	}
	if p.AmountOre < 0 {
		return model.ErrorKey(model.EINVALID, "err.dues.negative").WithField("amount", "err.dues.negative")
	}
	args := access.Args{p.MembershipID}
	var personID int64
	err := tx.QueryRowContext(ctx, `SELECT p.id FROM memberships m JOIN persons p ON p.id = m.person_id WHERE m.id = $1 AND `+
		u.Scope(access.PersonWrite).FilterAt("p.unit_path", "p.workplace_id", &args), args...).Scan(&personID)
	if err != nil {
		return notFound(err, "err.membership.notfound")
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO dues_payments (membership_id, month, amount_ore, source, recorded_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (membership_id, month) DO NOTHING RETURNING id`, p.MembershipID, model.MonthOf(p.Month), p.AmountOre, p.Source, s.now().UTC()).Scan(&id)
	if err == sql.ErrNoRows {
		return model.ErrorKey(model.ECONFLICT, "err.dues.registered", "month", model.MonthOf(p.Month).Format("01.2006"))
	}
	if err != nil {
		return err
	}
	return s.audit(ctx, tx, u, "create", "dues_payment", id, []string{"membership_id", "month", "amount"}, personID, p.Source)
}

// Payments lists the dues of a membership of the user or a person they
// may read, newest month first; none for anyone else.
func (s *Storage) Payments(ctx context.Context, u *access.Principal, membershipID int64) ([]Payment, error) {
	a := access.Args{membershipID}
	rows, err := s.r.QueryContext(ctx, `SELECT d.membership_id, d.month, d.amount_ore, d.source, d.recorded_at FROM dues_payments d
		JOIN memberships m ON m.id = d.membership_id JOIN persons p ON p.id = m.person_id
		WHERE d.membership_id = $1 AND `+selfOr(u, access.PersonRead, &a)+` ORDER BY d.month DESC`, a...)
	if err != nil {
		return nil, err
	}
	var out []Payment
	err = eachRow(rows, func() error {
		var p Payment
		if err := rows.Scan(&p.MembershipID, &p.Month, &p.AmountOre, &p.Source, &p.RecordedAt); err != nil {
			return err
		}
		p.Month = model.MonthOf(p.Month.UTC())
		out = append(out, p)
		return nil
	})
	return out, err
}

var errDuesRejected = errors.New("import rejected")

// ImportPayments records the rows of a dues file all or none, in one
// transaction: a row without a membership id goes to the member's newest
// current membership with that e-mail in the user's scope. Rows with a
// Problem are not tried, and nothing is written when there is one. The
// outcomes follow the rows; an error is returned only when the database
// failed.
func (s *Storage) ImportPayments(ctx context.Context, u *access.Principal, rows []dues.Row) ([]dues.Outcome, error) {
	outs := make([]dues.Outcome, len(rows))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		all := true
		for i, row := range rows {
			if row.Problem.Key != "" {
				all = false
				continue
			}
			id, err := row.MembershipID, error(nil)
			if id == 0 {
				args := access.Args{strings.ToLower(row.Email)}
				err = tx.QueryRowContext(ctx, `SELECT m.id FROM memberships m JOIN persons p ON p.id = m.person_id
					WHERE lower(p.email) = $1 AND m.status IN `+currentStatuses+` AND `+u.Scope(access.PersonWrite).FilterAt("p.unit_path", "p.workplace_id", &args)+
					` ORDER BY m.start_date DESC, m.id DESC LIMIT 1`, args...).Scan(&id)
				err = notFound(err, "err.membership.notfound")
			}
			if err == nil {
				err = s.recordPayment(ctx, tx, u, Payment{MembershipID: id, Month: row.Month, AmountOre: row.Amount, Source: "import"})
			}
			if model.ErrorCode(err) == model.EINTERNAL {
				return err
			}
			outs[i] = dues.Outcome{MembershipID: id, Err: err}
			all = all && err == nil
		}
		if !all {
			return errDuesRejected
		}
		return s.audit(ctx, tx, u, "import", "dues_payment", 0, nil, 0, fmt.Sprintf("%d rader", len(rows)))
	})
	if errors.Is(err, errDuesRejected) {
		err = nil
	}
	return outs, err
}

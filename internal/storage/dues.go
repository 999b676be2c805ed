package storage

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
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
		return &model.Error{Code: model.EINVALID, Message: "Velg måned.", Fields: map[string]string{"month": "Velg måned."}}
	}
	if p.AmountOre < 0 {
		return &model.Error{Code: model.EINVALID, Message: "Beløpet kan ikke være negativt.", Fields: map[string]string{"amount": "Beløpet kan ikke være negativt."}}
	}
	args := access.Args{p.MembershipID}
	var personID int64
	err := tx.QueryRowContext(ctx, `SELECT p.id FROM memberships m JOIN persons p ON p.id = m.person_id WHERE m.id = $1 AND `+
		u.Scope(access.PersonWrite).Filter("p.unit_path", &args), args...).Scan(&personID)
	if err != nil {
		return notFound(err, "medlemskapet")
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO dues_payments (membership_id, month, amount_ore, source, recorded_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (membership_id, month) DO NOTHING RETURNING id`, p.MembershipID, model.MonthOf(p.Month), p.AmountOre, p.Source, s.now().UTC()).Scan(&id)
	if err == sql.ErrNoRows {
		return model.Errorf(model.ECONFLICT, "Kontingent for %s er allerede registrert.", model.MonthOf(p.Month).Format("01.2006"))
	}
	if err != nil {
		return err
	}
	return s.audit(ctx, tx, u, "create", "dues_payment", id, []string{"membership_id", "month", "amount"}, personID, p.Source)
}

// Payments lists the dues of a membership of a person the user may read,
// newest month first; none for anyone else.
func (s *Storage) Payments(ctx context.Context, u *access.Principal, membershipID int64) ([]Payment, error) {
	a := access.Args{membershipID}
	rows, err := s.r.QueryContext(ctx, `SELECT d.membership_id, d.month, d.amount_ore, d.source, d.recorded_at FROM dues_payments d
		JOIN memberships m ON m.id = d.membership_id JOIN persons p ON p.id = m.person_id
		WHERE d.membership_id = $1 AND `+u.Scope(access.PersonRead).Filter("p.unit_path", &a)+` ORDER BY d.month DESC`, a...)
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

// DuesLine is one line of a dues import and what became of it.
type DuesLine struct {
	Line    int
	OK      bool
	Message string
}

var errDuesRejected = errors.New("import rejected")

// ImportPayments reads dues from the invoicing system's CSV (columns
// membership id or member e-mail; month; amount, with a header row, ';'
// or ',' separated) and records them all or none. The report has one line
// per data row; ok is true when everything was recorded.
func (s *Storage) ImportPayments(ctx context.Context, u *access.Principal, r io.Reader) (report []DuesLine, ok bool, err error) {
	data, err := io.ReadAll(io.LimitReader(r, 20<<20))
	if err != nil {
		return nil, false, err
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = ','
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	records, err := cr.ReadAll()
	if err != nil {
		return nil, false, model.Errorf(model.EINVALID, "Fila kunne ikke leses som CSV: %v", err)
	}
	if len(records) < 2 {
		return nil, false, model.Errorf(model.EINVALID, "Fila har ingen rader under overskriftene.")
	}
	col := map[string]int{}
	for i, h := range records[0] {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "medlemskap", "membership", "membership_id", "medlemskap_id":
			col["id"] = i
		case "e-post", "epost", "email", "e-mail":
			col["email"] = i
		case "måned", "maned", "month":
			col["month"] = i
		case "beløp", "belop", "amount", "kontingent":
			col["amount"] = i
		}
	}
	_, hasID := col["id"]
	_, hasEmail := col["email"]
	_, hasMonth := col["month"]
	_, hasAmount := col["amount"]
	if !(hasID || hasEmail) || !hasMonth || !hasAmount {
		return nil, false, model.Errorf(model.EINVALID, "Overskriftene må ha medlemskap eller e-post, måned og beløp.")
	}
	cell := func(rec []string, k string) string {
		if i, ok := col[k]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	ok = true
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		for n, rec := range records[1:] {
			line := DuesLine{Line: n + 2}
			fail := func(msg string) {
				line.Message, ok = msg, false
			}
			month, merr := model.ParseMonth(cell(rec, "month"))
			amount, aerr := model.ParseAmount(cell(rec, "amount"))
			id, _ := strconv.ParseInt(cell(rec, "id"), 10, 64)
			switch {
			case merr != nil:
				fail(model.ErrorMessage(merr))
			case aerr != nil:
				fail(model.ErrorMessage(aerr))
			case id == 0 && cell(rec, "email") == "":
				fail("Raden mangler medlemskap og e-post.")
			}
			if line.Message == "" && id == 0 {
				args := access.Args{strings.ToLower(cell(rec, "email"))}
				err := tx.QueryRowContext(ctx, `SELECT m.id FROM memberships m JOIN persons p ON p.id = m.person_id
					WHERE lower(p.email) = $1 AND m.status IN ('active', 'arrears') AND `+u.Scope(access.PersonWrite).Filter("p.unit_path", &args)+
					` ORDER BY m.start_date DESC, m.id DESC LIMIT 1`, args...).Scan(&id)
				if err == sql.ErrNoRows {
					fail("Fant ikke noe aktivt medlemskap med e-posten " + cell(rec, "email") + ".")
				} else if err != nil {
					return err
				}
			}
			if line.Message == "" {
				err := s.recordPayment(ctx, tx, u, Payment{MembershipID: id, Month: month, AmountOre: amount, Source: "import"})
				if code := model.ErrorCode(err); code == model.EINTERNAL {
					return err
				} else if err != nil {
					fail(model.ErrorMessage(err))
				}
			}
			if line.Message == "" {
				line.OK, line.Message = true, fmt.Sprintf("Medlemskap %d, %s: %s kr", id, month.Format("01.2006"), amount.Kroner())
			}
			report = append(report, line)
		}
		if !ok {
			return errDuesRejected
		}
		return s.audit(ctx, tx, u, "import", "dues_payment", 0, nil, 0, fmt.Sprintf("%d rader", len(records)-1))
	})
	if errors.Is(err, errDuesRejected) {
		return report, false, nil
	}
	return report, ok && err == nil, err
}

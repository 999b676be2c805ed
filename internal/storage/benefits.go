package storage

import (
	"context"
	"database/sql"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// Benefit is one member benefit shown on the join page.
type Benefit struct {
	ID       int64
	Title    string
	Body     string
	Link     string   // https:// address, optional
	Types    []string // membership types it applies to; none means all
	Position int      // display order
}

// AppliesTo reports whether the benefit is for members of type t.
func (b Benefit) AppliesTo(t string) bool { return len(b.Types) == 0 || slices.Contains(b.Types, t) }

// Validate trims and checks a benefit.
func (b *Benefit) Validate() error {
	var v model.Validation
	b.Title, b.Body, b.Link = strings.TrimSpace(b.Title), strings.TrimSpace(b.Body), strings.TrimSpace(b.Link)
	v.Check(b.Title != "", "title", "form.title.required")
	v.Check(utf8.RuneCountInString(b.Title) <= 200 && utf8.ValidString(b.Title), "title", "form.title.toolong", "n", 200)
	v.Check(utf8.RuneCountInString(b.Body) <= 2000 && utf8.ValidString(b.Body), "body", "form.body.toolong", "n", 2000)
	if b.Link != "" {
		u, err := url.Parse(b.Link)
		v.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(b.Link) <= 500, "link",
			"form.link")
	}
	for _, t := range b.Types {
		v.Check(model.MembershipType(t).Valid(), "types", "form.types")
	}
	v.Check(b.Position >= 0 && b.Position <= 10000, "position", "form.position")
	return v.Err()
}

// Benefits lists the benefits in display order.
func (s *Storage) Benefits(ctx context.Context) ([]Benefit, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, title, body, link, types, position FROM benefits ORDER BY position, id`)
	if err != nil {
		return nil, err
	}
	var out []Benefit
	err = eachRow(rows, func() error {
		var b Benefit
		var types string
		if err := rows.Scan(&b.ID, &b.Title, &b.Body, &b.Link, &types, &b.Position); err != nil {
			return err
		}
		if types != "" {
			b.Types = strings.Split(types, ",")
		}
		out = append(out, b)
		return nil
	})
	return out, err
}

// SaveBenefit creates (ID 0) or updates a benefit; union admins only.
func (s *Storage) SaveBenefit(ctx context.Context, u *access.Principal, b *Benefit) error {
	if !u.UnionWide(access.UserAdmin) {
		return model.ErrorKey(model.EFORBIDDEN, "err.benefits.forbidden")
	}
	if err := b.Validate(); err != nil {
		return err
	}
	types := strings.Join(b.Types, ",")
	return s.inTx(ctx, func(tx *sql.Tx) error {
		action := "update"
		if b.ID == 0 {
			action = "create"
			if err := tx.QueryRowContext(ctx, `INSERT INTO benefits (title, body, link, types, position) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				b.Title, b.Body, b.Link, types, b.Position).Scan(&b.ID); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE benefits SET title = $1, body = $2, link = $3, types = $4, position = $5 WHERE id = $6`,
				b.Title, b.Body, b.Link, types, b.Position, b.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return model.ErrorKey(model.ENOTFOUND, "err.benefit.notfound")
			}
		}
		return s.audit(ctx, tx, u, action, "benefit", b.ID, []string{"title", "body", "link", "types", "position"}, 0, b.Title)
	})
}

// DeleteBenefit removes a benefit; union admins only.
func (s *Storage) DeleteBenefit(ctx context.Context, u *access.Principal, id int64) error {
	if !u.UnionWide(access.UserAdmin) {
		return model.ErrorKey(model.EFORBIDDEN, "err.benefits.forbidden")
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM benefits WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.ErrorKey(model.ENOTFOUND, "err.benefit.notfound")
		}
		return s.audit(ctx, tx, u, "delete", "benefit", id, nil, 0, "")
	})
}

// WorkplaceMatch is what the public join page shows of a workplace.
type WorkplaceMatch struct {
	ID           int64
	Name         string
	Municipality string
}

// FindWorkplaces finds up to limit workplaces by organisasjonsnummer or by
// words of the name, for the public join page: name and municipality only.
func (s *Storage) FindWorkplaces(ctx context.Context, q string, limit int) ([]WorkplaceMatch, error) {
	q = strings.TrimSpace(q)
	digits := strings.ReplaceAll(q, " ", "")
	var a access.Args
	var cond string
	if len(digits) == 9 && strings.Trim(digits, "0123456789") == "" {
		cond = `orgnr = ` + a.Add(digits)
	} else {
		words := strings.Fields(q)
		if len(words) == 0 || utf8.RuneCountInString(q) < 2 || len(q) > 100 {
			return nil, nil
		}
		if len(words) > 4 {
			words = words[:4]
		}
		var parts []string
		for _, w := range words {
			parts = append(parts, `lower(name) LIKE `+a.Add("%"+escapeLike(strings.ToLower(w))+"%")+` ESCAPE '\'`)
		}
		cond = strings.Join(parts, " AND ")
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, name, municipality FROM workplaces WHERE `+cond+` ORDER BY sort_key, id LIMIT `+a.Add(limit), a...)
	if err != nil {
		return nil, err
	}
	var out []WorkplaceMatch
	err = eachRow(rows, func() error {
		var m WorkplaceMatch
		if err := rows.Scan(&m.ID, &m.Name, &m.Municipality); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

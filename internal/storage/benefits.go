package storage

import (
	"context"
	"database/sql"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// Benefit and its rules are the model's; the name keeps storage's callers
// as they were.
type Benefit = model.Benefit

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
	wq, ok := model.ParseWorkplaceQuery(q)
	if !ok {
		return nil, nil
	}
	var a access.Args
	var cond string
	if wq.Orgnr != "" {
		cond = `orgnr = ` + a.Add(wq.Orgnr)
	} else {
		var parts []string
		for _, w := range wq.Words {
			parts = append(parts, `lower(name) LIKE `+a.Add("%"+escapeLike(w)+"%")+` ESCAPE '\'`)
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

package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
)

// ImportMapping is the column mapping and row routing last chosen for an
// employer's lists, keyed by the employer's organisasjonsnummer.
type ImportMapping struct {
	Columns map[string]string // normalised header text -> field
	RouteBy string            // field whose value routes a row, "" for none
	Routes  map[string]int64  // folded value -> workplace id
}

// ImportMapping returns the saved mapping for an employer, or nil.
func (s *Storage) ImportMapping(ctx context.Context, orgnr string) (*ImportMapping, error) {
	var cols, routes string
	err := s.r.QueryRowContext(ctx, `SELECT mapping, routes FROM import_mappings WHERE orgnr = $1`, orgnr).Scan(&cols, &routes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := &ImportMapping{}
	if err := json.Unmarshal([]byte(cols), &m.Columns); err != nil {
		return nil, err
	}
	var r struct {
		By     string
		Routes map[string]int64
	}
	if err := json.Unmarshal([]byte(routes), &r); err != nil {
		return nil, err
	}
	m.RouteBy, m.Routes = r.By, r.Routes
	return m, nil
}

// SaveImportMapping remembers the mapping for the employer's next list.
func (s *Storage) SaveImportMapping(ctx context.Context, orgnr string, m *ImportMapping) error {
	cols, err := json.Marshal(m.Columns)
	if err != nil {
		return err
	}
	routes, err := json.Marshal(struct {
		By     string
		Routes map[string]int64
	}{m.RouteBy, m.Routes})
	if err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO import_mappings (orgnr, mapping, routes, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (orgnr) DO UPDATE SET mapping = excluded.mapping, routes = excluded.routes, updated_at = excluded.updated_at`,
		orgnr, string(cols), string(routes), s.now().UTC())
	return err
}

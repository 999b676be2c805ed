// Package newhires runs an employer's list through the importer and into
// storage: it reads and validates the file, routes each row to a workplace,
// remembers the employer's column mapping and reports, row by row, what
// happened. The web page, the API and the command line all go through Run,
// so they cannot disagree.
package newhires

import (
	"context"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage"
)

// Request is one run over a file: a preview unless Commit is set.
type Request struct {
	storage.ImportRequest
	Options importer.Options
	// Mapping chosen by the user; nil uses the employer's saved mapping,
	// falling back to a guess from the header.
	Mapping importer.Mapping
	// RouteBy names the field (department or location) whose value picks
	// each row's workplace, and Routes maps folded values to workplaces.
	// Without them every row goes to the list's workplace. Nil Routes with
	// a RouteBy uses the saved routes.
	RouteBy  importer.Field
	Routes   map[string]int64
	Progress func(done, total int64) // called now and then while reading
}

// Report is what the run found and did.
type Report struct {
	Info         importer.Info
	Header       []string
	Mapping      importer.Mapping
	MappingError model.Text       // the mapping cannot produce people (no key when it can); nothing was read
	Errors       []model.RowError // the first maxErrors problems
	ErrorRows    int              // rows rejected in all
	RouteBy      importer.Field
	RouteValues  []string         // distinct values of the routing column, first maxRouteValues
	Routes       map[string]int64 // as used
	Result       *storage.ImportResult
}

const (
	maxErrors      = 1000
	maxRouteValues = 200
)

// RouteKey is the form a routing value is matched in.
func RouteKey(v string) string { return strings.Join(strings.Fields(norway.Fold(v)), " ") }

// Run reads the file and imports or previews it. A file that cannot be
// read at all, or that breaks off partway, returns an error and changes
// nothing; rows with problems are reported and never written.
func Run(ctx context.Context, s *storage.Storage, u *access.Principal, w *model.Workplace, file io.ReaderAt, size int64, req Request) (*Report, error) {
	if req.Options.Today.IsZero() {
		req.Options.Today = s.Today() // the storage's clock, as the rows' tasks get
	}
	rd, err := importer.Open(file, size, req.Options)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	rep := &Report{Info: rd.Info(), Header: rd.Header(), Mapping: req.Mapping, RouteBy: req.RouteBy, Routes: req.Routes}
	saved, err := s.ImportMapping(ctx, w.Orgnr)
	if err != nil {
		return nil, err
	}
	if rep.Mapping == nil {
		rep.Mapping = importer.Guess(rep.Header)
		if saved != nil {
			cols := map[string]importer.Field{}
			for k, v := range saved.Columns {
				cols[k] = importer.Field(v)
			}
			rep.Mapping = importer.Apply(rep.Header, cols)
			if rep.RouteBy == "" {
				rep.RouteBy = importer.Field(saved.RouteBy)
			}
		}
	}
	// A mapping shorter than the header leaves the rest ignored.
	for len(rep.Mapping) < len(rep.Header) {
		rep.Mapping = append(rep.Mapping, importer.Ignore)
	}
	if rep.Routes == nil && saved != nil && rep.RouteBy == importer.Field(saved.RouteBy) {
		rep.Routes = saved.Routes
	}
	if err := rep.Mapping.Check(); err != nil {
		rep.MappingError = model.ErrorText(err)
		return rep, nil
	}
	routeCol := -1
	if rep.RouteBy != "" {
		routeCol = slices.Index(rep.Mapping, rep.RouteBy)
		if routeCol < 0 {
			rep.MappingError = model.Text{Key: "import.route.nocolumn", Args: []any{"field", model.Text{Key: rep.RouteBy.LabelKey()}}}
			return rep, nil
		}
	}
	seen := map[string]bool{}
	reject := func(errs ...model.RowError) {
		rep.ErrorRows++
		for _, e := range errs {
			if len(rep.Errors) < maxErrors {
				rep.Errors = append(rep.Errors, e)
			}
		}
	}
	n := 0
	rows := func(yield func(storage.ImportRow, error) bool) {
		for {
			row, err := rd.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(storage.ImportRow{}, err)
				return
			}
			if n++; req.Progress != nil && n%2000 == 0 {
				req.Progress(rd.Progress())
			}
			h, errs := rd.Decode(row, rep.Mapping)
			if len(errs) > 0 {
				reject(errs...)
				continue
			}
			wid := w.ID
			if routeCol >= 0 {
				v := strings.TrimSpace(cell(row.Cells, routeCol))
				key := RouteKey(v)
				if !seen[key] && len(seen) < maxRouteValues {
					seen[key] = true
					rep.RouteValues = append(rep.RouteValues, v)
				}
				if wid = rep.Routes[key]; wid == 0 {
					e := model.RowReason(row.Line, "import.route.none")
					e.Column, e.Value = cell(rep.Header, routeCol), v
					reject(e)
					continue
				}
			}
			if !yield(storage.ImportRow{NewHire: h, WorkplaceID: wid}, nil) {
				return
			}
		}
	}
	ireq := req.ImportRequest
	ireq.WorkplaceID = w.ID
	ireq.Rejected = func() int { return rep.ErrorRows }
	res, err := s.Import(ctx, u, ireq, rows)
	if err != nil {
		return nil, err
	}
	rep.Result = res
	if req.Progress != nil {
		req.Progress(rd.Progress())
	}
	if res.Committed {
		m := &storage.ImportMapping{Columns: map[string]string{}, RouteBy: string(rep.RouteBy), Routes: rep.Routes}
		for k, v := range importer.Remember(rep.Header, rep.Mapping) {
			m.Columns[k] = string(v)
		}
		if err := s.SaveImportMapping(ctx, w.Orgnr, m); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func cell(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// SortedRouteKeys lists the routing values in a stable order, for forms.
func SortedRouteKeys(routes map[string]int64) []string {
	return slices.Sorted(maps.Keys(routes))
}

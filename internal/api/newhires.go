package api

import (
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/httperr"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/newhires"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage"
)

// maxList bounds a list sent to the API, as on the upload page.
const maxList = 256 << 20

type importJSON struct {
	ImportID  int64                       `json:"import_id,omitempty"`
	Committed bool                        `json:"committed"`
	Format    string                      `json:"format"`
	HeaderRow int                         `json:"header_row"`
	Columns   map[string]string           `json:"columns"`
	Rows      int                         `json:"rows"`
	Counts    map[storage.ImportClass]int `json:"counts"`
	ErrorRows int                         `json:"error_rows"`
	Errors    []rowErrorJSON              `json:"errors"`
	Flagged   []flaggedJSON               `json:"flagged,omitempty"`
}

type rowErrorJSON struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"` // in the request's language
	Key    string `json:"key,omitempty"`
}

type flaggedJSON struct {
	Line  int    `json:"line"`
	Match string `json:"match"`
}

// postNewhires takes an employer's list as the request body (CSV or XLSX)
// and imports it for the workplace with the given organisasjonsnummer, or
// only reports with ?dry_run=1. Possible matches are skipped, as on the
// page before a person decides. The body is spooled to an encrypted
// temporary file (importer.Spool) so a large list is never held in memory.
func (a *API) postNewhires(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	orgnr, err := norway.NormalizeOrgnr(r.PathValue("orgnr"))
	if err != nil {
		a.fail(w, r, model.ErrorKey(model.ENOTFOUND, "err.workplace.notfound"))
		return
	}
	wp, err := a.Store.WorkplaceByOrgnr(r.Context(), u, orgnr)
	if err == nil && !u.Scope(access.NewhireImport).ContainsAt(wp.UnitPath, wp.ID) {
		err = model.ErrorKey(model.ENOTFOUND, "err.workplace.notfound")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := importer.NewSpool(a.UploadDir, http.MaxBytesReader(w, r.Body, maxList))
	if err != nil {
		a.fail(w, r, model.ErrorKey(model.EINVALID, "api.list.toolarge"))
		return
	}
	q := r.URL.Query()
	kind := storage.ImportNewhires
	if storage.ImportKind(q.Get("kind")) == storage.ImportStaff {
		kind = storage.ImportStaff
	}
	req := newhires.Request{
		ImportRequest: storage.ImportRequest{Kind: kind, Filename: q.Get("filename"), Source: q.Get("source"), LawfulBasis: q.Get("lawful_basis"),
			Commit: q.Get("dry_run") != "1" && q.Get("dry_run") != "true"},
		Options: importer.Options{Sheet: q.Get("sheet"), Encoding: q.Get("encoding"), TempDir: a.UploadDir},
	}
	if req.Source == "" {
		req.Source = "API"
	}
	defer f.Close()
	rep, err := newhires.Run(r.Context(), a.Store, u, wp, f, f.Size(), req)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if rep.MappingError.Key != "" {
		a.fail(w, r, model.ErrorKey(model.EINVALID, rep.MappingError.Key, rep.MappingError.Args...))
		return
	}
	out := importJSON{ImportID: rep.Result.ImportID, Committed: rep.Result.Committed, Format: rep.Info.Format, HeaderRow: rep.Info.HeaderRow,
		Columns: map[string]string{}, Rows: rep.Result.Rows, Counts: rep.Result.Counts, ErrorRows: rep.ErrorRows, Errors: []rowErrorJSON{}}
	for i, h := range rep.Header {
		if i < len(rep.Mapping) && rep.Mapping[i] != importer.Ignore {
			out.Columns[h] = string(rep.Mapping[i])
		}
	}
	lang := httperr.Lang(r)
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, rowErrorJSON{e.Line, e.Column, e.Value, e.ReasonIn(lang), e.Why.Key})
	}
	for _, l := range rep.Result.Lines {
		if l.Class == storage.ClassFlagged {
			out.Flagged = append(out.Flagged, flaggedJSON{l.Line, l.Match})
		}
	}
	status := http.StatusOK
	if out.Committed {
		status = http.StatusCreated
	}
	writeJSON(w, status, out)
}

package api

import (
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/httperr"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
)

type registerJSON struct {
	First     bool           `json:"first"`
	Committed bool           `json:"committed"`
	Refused   bool           `json:"refused"`
	Rows      int            `json:"rows"`
	Failed    int            `json:"failed"`
	Counts    map[string]int `json:"counts"`
	Errors    []rowErrorJSON `json:"errors"`
	Unknown   []unknownJSON  `json:"unknown"`
	Missing   []missingJSON  `json:"missing"`
}

type unknownJSON struct {
	Field string `json:"field"`
	Value string `json:"value"`
	Rows  int    `json:"rows"`
}

type missingJSON struct {
	PersonID int64  `json:"person_id"`
	MemberNo string `json:"member_no"`
	Name     string `json:"name"`
}

// postRegister takes the member register's export as the request body
// (CSV or XLSX) and loads it, or only reports with ?dry_run=1; complete=1
// says the export is the whole register, so the members missing from it
// are listed (never resigned here). Union-wide admins only, as the page.
// A refused load (too many failing rows) answers 422 with the report.
func (a *API) postRegister(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	if !u.UnionWide(access.UserAdmin) {
		a.fail(w, r, model.ErrorKey(model.EFORBIDDEN, "err.adminonly"))
		return
	}
	f, err := importer.NewSpool(a.UploadDir, http.MaxBytesReader(w, r.Body, maxList))
	if err != nil {
		a.fail(w, r, model.ErrorKey(model.EINVALID, "api.list.toolarge"))
		return
	}
	defer f.Close()
	q := r.URL.Query()
	rep, _, err := a.Store.LoadRegister(r.Context(), u, f, f.Size(), register.ReadOptions{
		Import: importer.Options{Sheet: q.Get("sheet"), Encoding: q.Get("encoding"), TempDir: a.UploadDir}},
		register.Options{DryRun: flag(q.Get("dry_run")), Complete: flag(q.Get("complete"))}, nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := registerJSON{First: rep.First, Committed: rep.Committed, Refused: rep.Refused, Rows: rep.Rows, Failed: rep.Failed,
		Counts: map[string]int{}, Errors: []rowErrorJSON{}, Unknown: []unknownJSON{}, Missing: []missingJSON{}}
	for _, c := range rep.Counts() {
		out.Counts[c.Name] = c.N
	}
	lang := httperr.Lang(r)
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, rowErrorJSON{e.Line, e.Column, e.Value, e.ReasonIn(lang), e.Why.Key})
	}
	for _, x := range rep.Unknown {
		out.Unknown = append(out.Unknown, unknownJSON{string(x.Field), x.Value, x.Rows})
	}
	for _, m := range rep.Missing {
		out.Missing = append(out.Missing, missingJSON{m.PersonID, m.MemberNo, m.Name})
	}
	status := http.StatusOK
	switch {
	case rep.Refused:
		status = http.StatusUnprocessableEntity
	case rep.Committed:
		status = http.StatusCreated
	}
	writeJSON(w, status, out)
}

// flag reads a query flag: 1 or true.
func flag(v string) bool { return v == "1" || v == "true" }

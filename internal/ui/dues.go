package ui

import (
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/dues"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

type duesImportData struct {
	Report []dues.Line
	Done   bool
	OK     bool
}

func (h *Handler) showDuesImport(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "dues", page{Title: locale.T(h.lang(r), "dues.import"), Data: &duesImportData{}})
}

// importDues takes the invoicing system's CSV and shows a row-by-row
// report; nothing is saved unless every row is good.
func (h *Handler) importDues(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 21<<20)
	f, fh, err := r.FormFile("file")
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "dues", page{Title: locale.T(h.lang(r), "dues.import"), Data: &duesImportData{},
			Error: locale.T(h.lang(r), "dues.file.missing")})
		return
	}
	defer f.Close()
	rows, err := dues.Read(f, fh.Size)
	var outs []dues.Outcome
	if err == nil {
		outs, err = h.Store.ImportPayments(r.Context(), access.FromContext(r.Context()), rows)
	}
	if model.ErrorCode(err) == model.EINVALID {
		h.render(w, r, http.StatusBadRequest, "dues", page{Title: locale.T(h.lang(r), "dues.import"), Data: &duesImportData{}, Error: model.ErrorMessageIn(err, h.lang(r))})
		return
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	report, ok := dues.Report(rows, outs, h.lang(r))
	status := http.StatusOK
	if !ok {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "dues", page{Title: locale.T(h.lang(r), "dues.import"), Data: &duesImportData{Report: report, Done: true, OK: ok}})
}

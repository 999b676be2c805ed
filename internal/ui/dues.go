package ui

import (
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type duesImportData struct {
	Report []storage.DuesLine
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
	f, _, err := r.FormFile("file")
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "dues", page{Title: locale.T(h.lang(r), "dues.import"), Data: &duesImportData{},
			Error: "Velg en CSV-fil."})
		return
	}
	defer f.Close()
	report, ok, err := h.Store.ImportPayments(r.Context(), access.FromContext(r.Context()), f)
	if model.ErrorCode(err) == model.EINVALID {
		h.render(w, r, http.StatusBadRequest, "dues", page{Title: locale.T(h.lang(r), "dues.import"), Data: &duesImportData{}, Error: model.ErrorMessage(err)})
		return
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "dues", page{Title: locale.T(h.lang(r), "dues.import"), Data: &duesImportData{Report: report, Done: true, OK: ok}})
}

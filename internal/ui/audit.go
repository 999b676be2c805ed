package ui

import (
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
)

func (h *Handler) showAuditPage(w http.ResponseWriter, r *http.Request) {
	entries, err := h.Store.AuditLog(r.Context(), access.FromContext(r.Context()), 200)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "audit", page{Title: locale.T(h.lang(r), "nav.audit"), Data: entries})
}

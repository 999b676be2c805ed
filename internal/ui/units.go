package ui

import (
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

func (h *Handler) showUnitsPage(w http.ResponseWriter, r *http.Request) {
	tree, err := h.Store.UnitTree(r.Context(), access.FromContext(r.Context()))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "units", page{Title: locale.T(h.lang(r), "units.title"), Data: tree})
}

type unitData struct {
	Unit       *model.OrgUnit
	Workplaces []*storage.WorkplaceSummary
	Admin      *unitAdmin // for its administrators only
}

func (h *Handler) showUnitPage(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	unit, err := h.Store.Unit(r.Context(), u, id)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	wps, err := h.Store.WorkplacesUnder(r.Context(), u, unit.Path, 500)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	adm, err := h.unitAdminData(r, u, unit)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "unit", page{Title: unit.Name, Data: unitData{Unit: unit, Workplaces: wps, Admin: adm}})
}

package ui

import (
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type homeData struct {
	Counts     *storage.HomeCounts
	Tasks      []model.Task
	Workplaces []*storage.WorkplaceSummary
	Matches    int // open possible matches the user may decide
}

func (h *Handler) showHomePage(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	// A member without a role has no union to oversee: their page is "Meg".
	if len(u.Grants) == 0 && u.PersonID != 0 {
		http.Redirect(w, r, "/me", http.StatusSeeOther)
		return
	}
	c, err := h.Store.Home(r.Context(), u)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	tasks, err := h.Store.DueTasks(r.Context(), u, 7)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := homeData{Counts: c, Tasks: tasks}
	if u.Can(access.PersonWrite) {
		if d.Matches, err = h.Store.OpenMatchCount(r.Context(), u); err != nil {
			h.serveError(w, r, err)
			return
		}
	}
	// A club's people see their own workplace(s) first thing.
	for _, g := range u.Grants {
		if g.Role == model.RoleShopSteward || g.Role == model.RoleChiefShopSteward || g.Role == model.RoleClubLeader {
			for _, path := range g.Paths() {
				wps, err := h.Store.WorkplacesUnder(r.Context(), u, path, 5)
				if err != nil {
					h.serveError(w, r, err)
					return
				}
				d.Workplaces = append(d.Workplaces, wps...)
			}
		}
	}
	// So does an advisor their portfolio.
	wps, err := h.Store.PortfolioWorkplaces(r.Context(), u, 50)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d.Workplaces = append(d.Workplaces, wps...)
	h.render(w, r, http.StatusOK, "home", page{Title: locale.T(h.lang(r), "home.title"), Data: d})
}

func (h *Handler) completeTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = h.Store.CompleteTask(r.Context(), access.FromContext(r.Context()), id)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Write([]byte(`<span class="done">✓</span>`))
		return
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

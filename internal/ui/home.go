package ui

import (
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type homeData struct {
	Counts *storage.HomeCounts
	Tasks  []model.Task
}

func (h *Handler) showHomePage(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
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
	h.render(w, r, http.StatusOK, "home", page{Title: locale.T(h.lang(r), "home.title"), Data: homeData{Counts: c, Tasks: tasks}})
}

func (h *Handler) completeTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = h.Store.CompleteTask(r.Context(), access.FromContext(r.Context()), actor(r), id)
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

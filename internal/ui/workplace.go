package ui

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type workplaceData struct {
	W          *storage.WorkplaceSummary
	Stewards   []model.Role
	Members    []*model.Person
	OtherUnion []*model.Person
	NonMembers []*model.Person
	Asked      string
	History    []storage.HistoryEntry // for its administrators only
}

func (h *Handler) showWorkplacePage(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	ws, err := h.Store.WorkplaceSummary(r.Context(), u, id)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := workplaceData{W: ws, Asked: r.URL.Query().Get("asked")}
	if d.Stewards, err = h.Store.StewardsAt(r.Context(), u, &ws.Workplace); err != nil {
		h.serveError(w, r, err)
		return
	}
	persons, err := h.Store.PersonsAtWorkplace(r.Context(), u, id)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	for _, p := range persons {
		switch {
		case model.IsMember(p.MemberStatus):
			d.Members = append(d.Members, p)
		case p.OtherUnion != "":
			d.OtherUnion = append(d.OtherUnion, p)
		default:
			d.NonMembers = append(d.NonMembers, p)
		}
	}
	if d.History, err = h.workplaceAdminData(r, u, &ws.Workplace); err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "workplace", page{Title: ws.Name, Data: d})
}

// startAsking gives the chosen unorganised colleagues an ask task each.
func (h *Handler) startAsking(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	r.ParseForm()
	var ids []int64
	for _, v := range r.PostForm["person"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	n, err := h.Store.StartAsking(r.Context(), access.FromContext(r.Context()), id, ids)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/workplaces/%d?asked=%d", id, n), http.StatusSeeOther)
}

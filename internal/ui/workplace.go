package ui

import (
	"net/http"

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
	d := workplaceData{W: ws}
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
	h.render(w, r, http.StatusOK, "workplace", page{Title: ws.Name, Data: d})
}

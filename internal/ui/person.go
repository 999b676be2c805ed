package ui

import (
	"net/http"
	"strconv"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type personData struct {
	P         *model.Person
	H         *storage.PersonHistory
	Workplace *model.Workplace
	Kinds     []model.ContactKind
}

func (h *Handler) loadPerson(r *http.Request) (*personData, error) {
	u := access.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Store.Person(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	hist, err := h.Store.History(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &personData{P: p, H: hist, Kinds: model.ContactKinds}
	if p.WorkplaceID != 0 {
		// A person in scope may work at a workplace the user cannot open;
		// then the name is simply not linked.
		d.Workplace, _ = h.Store.Workplace(r.Context(), u, p.WorkplaceID)
	}
	return d, nil
}

func (h *Handler) showPersonPage(w http.ResponseWriter, r *http.Request) {
	d, err := h.loadPerson(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "person", page{Title: d.P.Name(), Data: d})
}

// saveContact logs a contact. On a validation error the page is shown again
// with the user's input kept and the message next to the field.
func (h *Handler) saveContact(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	u := access.FromContext(r.Context())
	c := &model.Contact{PersonID: id, ByID: u.PersonID, Kind: model.ContactKind(r.PostFormValue("kind")), Note: r.PostFormValue("note")}
	err = h.Store.LogContact(r.Context(), u, c)
	if model.ErrorCode(err) == model.EINVALID {
		d, lerr := h.loadPerson(r)
		if lerr != nil {
			h.serveError(w, r, lerr)
			return
		}
		p := formPage(err, map[string]string{"kind": string(c.Kind), "note": c.Note})
		p.Title, p.Data = d.P.Name(), d
		h.render(w, r, http.StatusBadRequest, "person", p)
		return
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/persons/"+strconv.FormatInt(id, 10)+"#kontakter", http.StatusSeeOther)
}

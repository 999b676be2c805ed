package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type benefitsData struct {
	Benefits []storage.Benefit
	Types    []string
	Checked  map[string]bool // the form's types
}

func (h *Handler) benefitsPage(w http.ResponseWriter, r *http.Request, status int, p page, checked map[string]bool) {
	bs, err := h.Store.Benefits(r.Context())
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = map[string]string{"position": "0"}
		checked = map[string]bool{}
		// ?edit=ID fills the form with that benefit.
		if id, _ := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); id != 0 {
			for _, b := range bs {
				if b.ID == id {
					p.Form = map[string]string{"id": strconv.FormatInt(b.ID, 10), "title": b.Title, "body": b.Body, "link": b.Link,
						"position": strconv.Itoa(b.Position)}
					for _, t := range b.Types {
						checked[t] = true
					}
				}
			}
		}
	}
	p.Title, p.Data = locale.T(h.lang(r), "ben.title"), &benefitsData{Benefits: bs, Types: model.MembershipTypes.Strings(), Checked: checked}
	h.render(w, r, status, "benefits", p)
}

func (h *Handler) showBenefits(w http.ResponseWriter, r *http.Request) {
	h.benefitsPage(w, r, http.StatusOK, page{}, nil)
}

// saveBenefit creates or updates a benefit; the form is kept on an error.
func (h *Handler) saveBenefit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "error.unreadable"))
		return
	}
	form := formValues(r, "id", "title", "body", "link", "position")
	checked := map[string]bool{}
	b := &storage.Benefit{Title: form["title"], Body: form["body"], Link: form["link"]}
	for _, t := range r.PostForm["types"] {
		checked[t] = true
		b.Types = append(b.Types, t)
	}
	b.ID, _ = strconv.ParseInt(form["id"], 10, 64)
	var v model.Validation
	var err error
	b.Position, err = strconv.Atoi(strings.TrimSpace(form["position"]))
	v.Check(err == nil, "position", "form.integer")
	err = v.Err()
	if err == nil {
		err = h.Store.SaveBenefit(r.Context(), access.FromContext(r.Context()), b)
	}
	if model.ErrorCode(err) == model.EINVALID {
		h.benefitsPage(w, r, http.StatusBadRequest, formPage(err, form), checked)
		return
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/benefits", http.StatusSeeOther)
}

func (h *Handler) deleteBenefit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = h.Store.DeleteBenefit(r.Context(), access.FromContext(r.Context()), id)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/benefits", http.StatusSeeOther)
}

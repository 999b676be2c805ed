package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage"
)

// roleScopesData is a role with what it reaches beyond its unit's subtree,
// and the units an admin may add.
type roleScopesData struct {
	Role   *model.Role
	Scopes []model.RoleScope
	Units  []storage.UnitCount
}

// scopeRoutes registers the pages where an admin gives a role further
// subtrees, workplaces and company groups.
func (h *Handler) scopeRoutes(mux *http.ServeMux) {
	mux.Handle("GET /roles/{id}/scopes", h.signedIn(access.UserAdmin, h.showRoleScopes))
	mux.Handle("POST /roles/{id}/scopes", h.signedIn(access.UserAdmin, h.addRoleScope))
	mux.Handle("POST /roles/{id}/scopes/{scope}/delete", h.signedIn(access.UserAdmin, h.removeRoleScope))
}

func (h *Handler) roleScopesPage(w http.ResponseWriter, r *http.Request, status int, p page) {
	u := access.FromContext(r.Context())
	var d roleScopesData
	id, err := pathID(r, "id")
	if err == nil {
		d.Role, d.Scopes, err = h.Store.RoleScopes(r.Context(), u, id)
	}
	if err == nil {
		d.Units, err = h.Store.UnitTree(r.Context(), u)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	p.Title, p.Data = locale.T(h.lang(r), "rs.title"), &d
	h.render(w, r, status, "rolescopes", p)
}

func (h *Handler) showRoleScopes(w http.ResponseWriter, r *http.Request) {
	h.roleScopesPage(w, r, http.StatusOK, page{})
}

// addRoleScope adds the one unit, workplace (by organisasjonsnummer) or
// company group the form names; a refusal is shown on the page, which
// itself answers 404 for a role out of the admin's reach.
func (h *Handler) addRoleScope(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "error.unreadable"))
		return
	}
	u := access.FromContext(r.Context())
	form := formValues(r, "unit", "orgnr", "group")
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	rs := &model.RoleScope{RoleID: id, ParentOrgnr: strings.TrimSpace(form["group"])}
	rs.UnitID, _ = strconv.ParseInt(form["unit"], 10, 64)
	if orgnr := strings.TrimSpace(form["orgnr"]); orgnr != "" {
		if orgnr, err = norway.NormalizeOrgnr(orgnr); err != nil {
			err = model.ErrorKey(model.EINVALID, "err.rolescope.workplace").WithField("orgnr", "err.rolescope.workplace")
		}
		var wp *model.Workplace
		if err == nil {
			wp, err = h.Store.WorkplaceByOrgnr(r.Context(), u, orgnr)
		}
		if err == nil {
			rs.WorkplaceID = wp.ID
		} else if model.ErrorCode(err) == model.ENOTFOUND {
			err = model.ErrorKey(model.EINVALID, "err.rolescope.workplace").WithField("orgnr", "err.rolescope.workplace")
		}
	}
	if err == nil {
		err = h.Store.AddRoleScope(r.Context(), u, rs)
	}
	switch model.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/roles/"+strconv.FormatInt(id, 10)+"/scopes", http.StatusSeeOther)
	case model.EINVALID, model.EFORBIDDEN, model.ENOTFOUND:
		h.roleScopesPage(w, r, http.StatusBadRequest, formPage(err, form))
	default:
		h.serveError(w, r, err)
	}
}

func (h *Handler) removeRoleScope(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var scope int64
	if err == nil {
		scope, err = pathID(r, "scope")
	}
	if err == nil {
		err = h.Store.RemoveRoleScope(r.Context(), access.FromContext(r.Context()), scope)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/roles/"+strconv.FormatInt(id, 10)+"/scopes", http.StatusSeeOther)
}

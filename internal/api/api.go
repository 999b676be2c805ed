// Package api serves the JSON API under /api/v1/ with the same sign-in,
// permissions and scope as the pages; the ui package mounts it behind its
// session check.
package api

import (
	"cmp"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/httperr"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// API holds the API's dependencies.
type API struct {
	Store *storage.Storage
	Log   *slog.Logger
	// UploadDir is where posted lists are spooled ("" = the system's
	// temporary directory).
	UploadDir string
}

// Routes returns the API handler; it expects a signed-in principal in the
// request context.
func (a *API) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/me", a.need("", a.getMe))
	mux.Handle("GET /api/v1/persons/{id}", a.need(access.PersonRead, a.getPerson))
	mux.Handle("GET /api/v1/workplaces/{id}", a.need(access.WorkplaceRead, a.getWorkplace))
	mux.Handle("GET /api/v1/search", a.need(access.PersonRead, a.searchPersons))
	mux.Handle("POST /api/v1/workplaces/{orgnr}/newhires", a.need(access.NewhireImport, a.postNewhires))
	mux.Handle("POST /api/v1/memberships/{id}/payments", a.need(access.PersonWrite, a.postPayment))
	mux.Handle("GET /api/v1/matches", a.need(access.PersonWrite, a.getMatches))
	mux.Handle("POST /api/v1/matches/{id}", a.need(access.PersonWrite, a.postMatchDecision))
	mux.Handle("POST /api/v1/register", a.need(access.UserAdmin, a.postRegister))
	mux.Handle("/api/v1/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, r, model.ErrorKey(model.ENOTFOUND, "api.notfound"))
	}))
	return mux
}

func (a *API) need(perm access.Permission, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := access.FromContext(r.Context())
		if u == nil {
			a.fail(w, r, model.ErrorKey(model.EUNAUTH, "error.login"))
			return
		}
		if perm != "" && !u.Can(perm) {
			a.fail(w, r, model.ErrorKey(model.EFORBIDDEN, "api.forbidden"))
			return
		}
		next(w, r)
	})
}

// fail answers with err as JSON; an internal error's cause goes to the log
// only.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	if httperr.Status(err) == http.StatusInternalServerError {
		a.Log.Error("api request failed", "route", cmp.Or(r.Pattern, r.URL.Path), "err", err)
	}
	httperr.WriteJSON(w, r, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// personJSON is the API's view of a person; the fødselsnummer is never sent.
type personJSON struct {
	ID           int64  `json:"id"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	BirthDate    string `json:"birth_date,omitempty"`
	Email        string `json:"email,omitempty"`
	Mobile       string `json:"mobile,omitempty"`
	WorkplaceID  int64  `json:"workplace_id,omitempty"`
	MemberStatus string `json:"member_status"`
}

func toJSON(p *model.Person) personJSON {
	j := personJSON{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName, Email: p.Email, Mobile: p.Mobile,
		WorkplaceID: p.WorkplaceID, MemberStatus: string(p.MemberStatus)}
	if !p.BirthDate.IsZero() {
		j.BirthDate = p.BirthDate.Format(time.DateOnly)
	}
	return j
}

func (a *API) getMe(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	roles := []map[string]any{}
	for _, g := range u.Grants {
		roles = append(roles, map[string]any{"role": g.Role, "unit_id": g.UnitID})
	}
	writeJSON(w, http.StatusOK, map[string]any{"username": u.Username, "name": u.Name, "roles": roles})
}

func id(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, model.ErrorKey(model.ENOTFOUND, "api.record.notfound")
	}
	return n, nil
}

func (a *API) getPerson(w http.ResponseWriter, r *http.Request) {
	n, err := id(r)
	var p *model.Person
	if err == nil {
		p, err = a.Store.Person(r.Context(), access.FromContext(r.Context()), n)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toJSON(p))
}

func (a *API) getWorkplace(w http.ResponseWriter, r *http.Request) {
	n, err := id(r)
	var ws *storage.WorkplaceSummary
	if err == nil {
		ws, err = a.Store.WorkplaceSummary(r.Context(), access.FromContext(r.Context()), n)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": ws.ID, "name": ws.Name, "orgnr": ws.Orgnr, "employees": ws.Employees,
		"members": ws.Members, "density": ws.Density(), "shop_stewards": ws.Stewards})
}

func (a *API) searchPersons(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if len(q) > 100 {
		a.fail(w, r, model.ErrorKey(model.EINVALID, "api.search.toolong", "max", 100))
		return
	}
	ps, err := a.Store.SearchPersons(r.Context(), access.FromContext(r.Context()), q, 50)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]personJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, toJSON(p))
	}
	writeJSON(w, http.StatusOK, out)
}

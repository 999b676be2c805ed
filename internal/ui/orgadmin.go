package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage"
)

// Administration of the organisation: org units, workplaces, roles and
// accounts, for union admins and, within their region, region admins.
// Storage checks every change against the principal's scope; these
// handlers only read forms and show the outcome.

func init() {
	// dashes indents a unit in a select by its depth in the tree.
	funcs["dashes"] = func(depth int) string { return strings.Repeat("– ", depth) }
}

// historyLimit is how many audit entries a unit's or workplace's page shows.
const historyLimit = 50

// unitAdmin is what a unit's page shows its administrators.
type unitAdmin struct {
	Unit    *storage.AdminUnit
	Roles   []storage.RoleTerm
	History []storage.HistoryEntry
}

// unitAdminData loads the administration part of a unit's page, or nil
// when u does not administer the unit.
func (h *Handler) unitAdminData(r *http.Request, u *access.Principal, unit *model.OrgUnit) (*unitAdmin, error) {
	if !u.Scope(access.OrgUnitWrite).Contains(unit.Path) {
		return nil, nil
	}
	var d unitAdmin
	var err error
	if d.Unit, err = h.Store.AdminUnit(r.Context(), u, unit.ID); err != nil {
		return nil, err
	}
	if d.Roles, err = h.Store.Roles(r.Context(), u, unit.ID, 500); err != nil {
		return nil, err
	}
	d.History, err = h.Store.UnitHistory(r.Context(), u, unit.ID, historyLimit)
	return &d, err
}

// workplaceAdminData is the history of a workplace for its administrators,
// or nil for everyone else.
func (h *Handler) workplaceAdminData(r *http.Request, u *access.Principal, w *model.Workplace) ([]storage.HistoryEntry, error) {
	if !u.Scope(access.OrgUnitWrite).Contains(w.UnitPath) {
		return nil, nil
	}
	return h.Store.WorkplaceHistory(r.Context(), u, w.ID, historyLimit)
}

// parseForm reads a posted form of modest size.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return model.ErrorKey(model.EINVALID, "error.unreadable")
	}
	return nil
}

// formID reads a positive id from a form or query value; 0 when absent
// or not a number, which storage refuses as not found.
func formID(v string) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// formDate reads a yyyy-mm-dd date input: zero when empty, and a field
// error when it is not a date.
func formDate(v *model.Validation, form map[string]string, field string) time.Time {
	s := strings.TrimSpace(form[field])
	if s == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, s)
	v.Check(err == nil, field, "orgadmin.date.invalid")
	return d
}

// refused shows a form page again after a change storage refused for its
// input (400 or 409, with the message and what was typed); any other
// error is the error page.
func (h *Handler) refused(w http.ResponseWriter, r *http.Request, err error, name, title string, data any, form map[string]string) {
	status := http.StatusBadRequest
	switch model.ErrorCode(err) {
	case model.EINVALID:
	case model.ECONFLICT:
		status = http.StatusConflict
	default:
		h.serveError(w, r, err)
		return
	}
	p := formPage(err, form)
	p.Title, p.Data = title, data
	h.render(w, r, status, name, p)
}

func unitURL(id int64) string { return fmt.Sprintf("/units/%d", id) }

// newUnitData is the form for a unit below Parent.
type newUnitData struct {
	Parent *storage.AdminUnit
	Kinds  []model.UnitKind
}

func (h *Handler) newUnitPage(r *http.Request, parentID int64) (*newUnitData, error) {
	parent, err := h.Store.AdminUnit(r.Context(), access.FromContext(r.Context()), parentID)
	if err != nil {
		return nil, err
	}
	d := &newUnitData{Parent: parent}
	for _, k := range model.UnitKinds {
		if model.KindBelow(k, parent.Kind) {
			d.Kinds = append(d.Kinds, k)
		}
	}
	return d, nil
}

func (h *Handler) showNewUnit(w http.ResponseWriter, r *http.Request) {
	d, err := h.newUnitPage(r, formID(r.URL.Query().Get("parent")))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "orgunit_new", page{Title: locale.T(h.lang(r), "orgadmin.unit.new"), Data: d, Form: map[string]string{}})
}

func (h *Handler) createUnit(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.serveError(w, r, err)
		return
	}
	form := formValues(r, "parent", "name", "kind")
	d, err := h.newUnitPage(r, formID(form["parent"]))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	unit := &model.OrgUnit{ParentID: d.Parent.ID, Name: form["name"], Kind: model.UnitKind(form["kind"])}
	if err := h.Store.CreateUnit(r.Context(), access.FromContext(r.Context()), unit); err != nil {
		h.refused(w, r, err, "orgunit_new", locale.T(h.lang(r), "orgadmin.unit.new"), d, form)
		return
	}
	http.Redirect(w, r, unitURL(unit.ID), http.StatusSeeOther)
}

// editUnitData is the rename and move forms of a unit.
type editUnitData struct {
	Unit    *storage.AdminUnit
	Parents []storage.AdminUnit
}

func (h *Handler) editUnitPage(r *http.Request) (*editUnitData, error) {
	u := access.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	unit, err := h.Store.AdminUnit(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	units, err := h.Store.AdminUnits(r.Context(), u)
	if err != nil {
		return nil, err
	}
	// A unit moves neither under itself nor below it, nor under a unit of
	// its own kind or lower; storage refuses those too.
	d := &editUnitData{Unit: unit}
	for _, o := range units {
		if !strings.HasPrefix(o.Path, unit.Path) && model.KindBelow(unit.Kind, o.Kind) {
			d.Parents = append(d.Parents, o)
		}
	}
	return d, nil
}

func (h *Handler) showEditUnit(w http.ResponseWriter, r *http.Request) {
	d, err := h.editUnitPage(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "orgunit_edit", page{Title: d.Unit.Name, Data: d,
		Form: map[string]string{"name": d.Unit.Name, "parent": strconv.FormatInt(d.Unit.ParentID, 10)}})
}

// changeUnit runs one change of a unit posted from its edit page, and
// goes back to the unit's page, or to the form with the refusal.
func (h *Handler) changeUnit(change func(r *http.Request, u *access.Principal, id int64, form map[string]string) error, fields ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := parseForm(w, r); err != nil {
			h.serveError(w, r, err)
			return
		}
		d, err := h.editUnitPage(r)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		form := formValues(r, fields...)
		if err := change(r, access.FromContext(r.Context()), d.Unit.ID, form); err != nil {
			h.refused(w, r, err, "orgunit_edit", d.Unit.Name, d, form)
			return
		}
		http.Redirect(w, r, unitURL(d.Unit.ID), http.StatusSeeOther)
	}
}

func (h *Handler) renameUnit() http.HandlerFunc {
	return h.changeUnit(func(r *http.Request, u *access.Principal, id int64, form map[string]string) error {
		return h.Store.RenameUnit(r.Context(), u, id, form["name"])
	}, "name")
}

func (h *Handler) moveUnit() http.HandlerFunc {
	return h.changeUnit(func(r *http.Request, u *access.Principal, id int64, form map[string]string) error {
		return h.Store.MoveUnit(r.Context(), u, id, formID(form["parent"]))
	}, "parent")
}

// closeUnitData is the preview of closing a unit and where to move what
// hangs below it.
type closeUnitData struct {
	Preview *storage.ClosePreview
	Targets []storage.AdminUnit
}

func (h *Handler) closeUnitPage(r *http.Request) (*closeUnitData, error) {
	u := access.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	pre, err := h.Store.PreviewClose(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	units, err := h.Store.AdminUnits(r.Context(), u)
	if err != nil {
		return nil, err
	}
	d := &closeUnitData{Preview: pre}
	for _, o := range units {
		if !strings.HasPrefix(o.Path, pre.Unit.Path) {
			d.Targets = append(d.Targets, o)
		}
	}
	return d, nil
}

func (h *Handler) showCloseUnit(w http.ResponseWriter, r *http.Request) {
	d, err := h.closeUnitPage(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "orgunit_close", page{Title: d.Preview.Unit.Name, Data: d,
		Form: map[string]string{"to": strconv.FormatInt(d.Preview.Unit.ParentID, 10)}})
}

func (h *Handler) closeUnit(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.serveError(w, r, err)
		return
	}
	d, err := h.closeUnitPage(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	form := formValues(r, "to")
	if _, err := h.Store.CloseUnit(r.Context(), access.FromContext(r.Context()), d.Preview.Unit.ID, formID(form["to"])); err != nil {
		h.refused(w, r, err, "orgunit_close", d.Preview.Unit.Name, d, form)
		return
	}
	http.Redirect(w, r, unitURL(d.Preview.Unit.ID), http.StatusSeeOther)
}

// appointData is the form that appoints a person to a role on Unit, or
// on one of its Workplaces: a search for the person, then the role, where
// it is held, the department it covers and its term.
type appointData struct {
	Unit       *storage.AdminUnit
	Workplaces []*model.Workplace
	Query      string
	Found      []*model.Person
	Roles      []model.RoleName
}

func (h *Handler) appointPage(r *http.Request, q string) (*appointData, error) {
	u := access.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	unit, err := h.Store.AdminUnit(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &appointData{Unit: unit, Query: strings.TrimSpace(q), Roles: model.Roles}
	if d.Workplaces, err = h.Store.UnitWorkplaces(r.Context(), u, unit.ID); err != nil {
		return nil, err
	}
	if d.Query != "" {
		if d.Found, err = h.Store.SearchPersons(r.Context(), u, d.Query, 20); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// defaultTerm is a new term's dates: from today for two years, the usual
// term of an elected steward.
func (h *Handler) defaultTerm() map[string]string {
	today := h.Store.Today()
	return map[string]string{"start": today.Format(time.DateOnly), "end": today.AddDate(2, 0, 0).Format(time.DateOnly), "role": string(model.RoleShopSteward)}
}

func (h *Handler) showAppoint(w http.ResponseWriter, r *http.Request) {
	d, err := h.appointPage(r, r.URL.Query().Get("q"))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	form := h.defaultTerm()
	form["workplace"] = r.URL.Query().Get("workplace")
	h.render(w, r, http.StatusOK, "role_new", page{Title: locale.T(h.lang(r), "orgadmin.role.new"), Data: d, Form: form})
}

func (h *Handler) appoint(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.serveError(w, r, err)
		return
	}
	form := formValues(r, "q", "person", "role", "workplace", "department", "start", "end")
	d, err := h.appointPage(r, form["q"])
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	var v model.Validation
	role := &model.Role{PersonID: formID(form["person"]), Role: model.RoleName(form["role"]), UnitID: d.Unit.ID,
		WorkplaceID: formID(form["workplace"]), Department: form["department"],
		StartDate: formDate(&v, form, "start"), EndDate: formDate(&v, form, "end")}
	v.Check(role.PersonID != 0, "person", "orgadmin.role.choose")
	err = v.Err()
	if err == nil {
		err = h.Store.AddRole(r.Context(), access.FromContext(r.Context()), role)
	}
	if err != nil {
		h.refused(w, r, err, "role_new", locale.T(h.lang(r), "orgadmin.role.new"), d, form)
		return
	}
	http.Redirect(w, r, unitURL(d.Unit.ID)+"#roles", http.StatusSeeOther)
}

// endRole ends a term on the date given (today when none), then goes back
// to the page the form was on: the unit's, or the list of roles.
func (h *Handler) endRole(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.serveError(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	form := formValues(r, "end", "unit")
	var v model.Validation
	day := formDate(&v, form, "end")
	if day.IsZero() {
		day = h.Store.Today()
	}
	if err := v.Err(); err != nil {
		h.serveError(w, r, err)
		return
	}
	if err := h.Store.EndRole(r.Context(), access.FromContext(r.Context()), id, day); err != nil {
		h.serveError(w, r, err)
		return
	}
	back := "/roles"
	if unit := formID(form["unit"]); unit != 0 {
		back = unitURL(unit) + "#roles"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// rolesShown is how many terms /roles lists: those ending first. A unit's
// page lists all of its own.
const rolesShown = 200

// rolesPage is the terms /roles lists and how many there are in all.
type rolesPage struct {
	Roles []storage.RoleTerm
	All   int
}

func (h *Handler) showRoles(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	var d rolesPage
	var err error
	d.Roles, err = h.Store.Roles(r.Context(), u, 0, rolesShown)
	d.All = len(d.Roles)
	if err == nil && d.All == rolesShown {
		d.All, err = h.Store.RoleCount(r.Context(), u)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "roles", page{Title: locale.T(h.lang(r), "orgadmin.roles.title"), Data: d})
}

// newWorkplaceData is the form for a workplace of Unit.
type newWorkplaceData struct {
	Unit *storage.AdminUnit
}

func (h *Handler) showNewWorkplace(w http.ResponseWriter, r *http.Request) {
	unit, err := h.Store.AdminUnit(r.Context(), access.FromContext(r.Context()), formID(r.URL.Query().Get("unit")))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "workplace_new", page{Title: locale.T(h.lang(r), "orgadmin.wp.new"), Data: newWorkplaceData{Unit: unit}, Form: map[string]string{}})
}

func (h *Handler) createWorkplace(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.serveError(w, r, err)
		return
	}
	u := access.FromContext(r.Context())
	form := formValues(r, "unit", "name", "orgnr", "municipality", "employees")
	unit, err := h.Store.AdminUnit(r.Context(), u, formID(form["unit"]))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	wp := &model.Workplace{UnitID: unit.ID, Name: form["name"], Orgnr: form["orgnr"], Municipality: strings.TrimSpace(form["municipality"])}
	var v model.Validation
	if s := strings.TrimSpace(form["employees"]); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n >= 0, "employees", "orgadmin.wp.employees.invalid")
		wp.Employees = n
	}
	v.AddFields(wp.ValidateWorkplace())
	err = v.Err()
	if err == nil {
		err = h.Store.CreateWorkplace(r.Context(), u, wp)
	}
	if err != nil {
		h.refused(w, r, err, "workplace_new", locale.T(h.lang(r), "orgadmin.wp.new"), newWorkplaceData{Unit: unit}, form)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/workplaces/%d", wp.ID), http.StatusSeeOther)
}

// workplaceAdmin is the page that moves a workplace, links it to an
// organisasjonsnummer and merges another into it.
type workplaceAdmin struct {
	W       *model.Workplace
	Units   []storage.AdminUnit
	History []storage.HistoryEntry
}

func (h *Handler) workplaceAdminPage(r *http.Request) (*workplaceAdmin, error) {
	u := access.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	d := &workplaceAdmin{}
	if d.W, err = h.Store.AdminWorkplace(r.Context(), u, id); err != nil {
		return nil, err
	}
	if d.Units, err = h.Store.AdminUnits(r.Context(), u); err != nil {
		return nil, err
	}
	d.History, err = h.Store.WorkplaceHistory(r.Context(), u, id, historyLimit)
	return d, err
}

func (h *Handler) showWorkplaceAdmin(w http.ResponseWriter, r *http.Request) {
	d, err := h.workplaceAdminPage(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "workplace_admin", page{Title: d.W.Name, Data: d,
		Form: map[string]string{"unit": strconv.FormatInt(d.W.UnitID, 10), "orgnr": d.W.Orgnr}})
}

// changeWorkplace runs one change posted from a workplace's admin page and
// goes to the workplace (or, after a merge, the one it went into).
func (h *Handler) changeWorkplace(change func(r *http.Request, u *access.Principal, w *model.Workplace, form map[string]string) (int64, error), fields ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := parseForm(w, r); err != nil {
			h.serveError(w, r, err)
			return
		}
		d, err := h.workplaceAdminPage(r)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		form := formValues(r, fields...)
		to, err := change(r, access.FromContext(r.Context()), d.W, form)
		if err != nil {
			h.refused(w, r, err, "workplace_admin", d.W.Name, d, form)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/workplaces/%d", to), http.StatusSeeOther)
	}
}

func (h *Handler) moveWorkplace() http.HandlerFunc {
	return h.changeWorkplace(func(r *http.Request, u *access.Principal, w *model.Workplace, form map[string]string) (int64, error) {
		return w.ID, h.Store.MoveWorkplace(r.Context(), u, w.ID, formID(form["unit"]))
	}, "unit")
}

func (h *Handler) linkOrgnr() http.HandlerFunc {
	return h.changeWorkplace(func(r *http.Request, u *access.Principal, w *model.Workplace, form map[string]string) (int64, error) {
		return w.ID, h.Store.LinkOrgnr(r.Context(), u, w.ID, form["orgnr"])
	}, "orgnr")
}

// mergeWorkplace folds the workplace with the organisasjonsnummer typed
// (the duplicate) into this one.
func (h *Handler) mergeWorkplace() http.HandlerFunc {
	return h.changeWorkplace(func(r *http.Request, u *access.Principal, w *model.Workplace, form map[string]string) (int64, error) {
		orgnr, err := norway.NormalizeOrgnr(form["duplicate"])
		var bad *norway.Error
		if errors.As(err, &bad) {
			return 0, model.ErrorKey(model.EINVALID, "valid.form").WithField("duplicate", bad.Key)
		}
		other, err := h.Store.WorkplaceByOrgnr(r.Context(), u, orgnr)
		if model.ErrorCode(err) == model.ENOTFOUND {
			return 0, model.ErrorKey(model.EINVALID, "err.workplace.notfound").WithField("duplicate", "err.workplace.notfound")
		}
		if err != nil {
			return 0, err
		}
		return w.ID, h.Store.MergeWorkplaces(r.Context(), u, other.ID, w.ID)
	}, "duplicate")
}

// parentChoicesLimit is how many hovedenhet workplaces the page lists.
const parentChoicesLimit = 200

// showParents lists the workplaces that carry a hovedenhet's number, each
// with its sub-units to choose from.
func (h *Handler) showParents(w http.ResponseWriter, r *http.Request) {
	choices, err := h.Store.ParentChoices(r.Context(), access.FromContext(r.Context()), parentChoicesLimit)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "parents", page{Title: locale.T(h.lang(r), "orgadmin.parents.title"), Data: choices})
}

// resolveParent merges a hovedenhet's workplace into the sub-unit chosen.
func (h *Handler) resolveParent(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.serveError(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err == nil {
		err = h.Store.ResolveParent(r.Context(), access.FromContext(r.Context()), id, formID(r.PostFormValue("into")))
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/workplaces/parents", http.StatusSeeOther)
}

func (h *Handler) showAccounts(w http.ResponseWriter, r *http.Request) {
	h.renderAccounts(w, r, http.StatusOK, page{})
}

func (h *Handler) renderAccounts(w http.ResponseWriter, r *http.Request, status int, p page) {
	accounts, err := h.Store.Accounts(r.Context(), access.FromContext(r.Context()), 2000)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	p.Title, p.Data = locale.T(h.lang(r), "orgadmin.accounts.title"), accounts
	h.render(w, r, status, "accounts", p)
}

// setDisabled disables or enables an account with the reason given.
func (h *Handler) setDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := parseForm(w, r); err != nil {
			h.serveError(w, r, err)
			return
		}
		id, err := pathID(r, "id")
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		form := formValues(r, "reason")
		err = h.Store.SetDisabled(r.Context(), access.FromContext(r.Context()), id, disabled, form["reason"])
		if model.ErrorCode(err) == model.EINVALID {
			p := formPage(err, form)
			p.Form["account"] = strconv.FormatInt(id, 10)
			h.renderAccounts(w, r, http.StatusBadRequest, p)
			return
		}
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/accounts#account-%d", id), http.StatusSeeOther)
	}
}

// registerOrgAdmin puts the administration pages on mux. Storage checks
// the scope of every change; the permission here keeps the pages from the
// roles that have none.
func (h *Handler) registerOrgAdmin(mux *http.ServeMux) {
	admin := func(next http.HandlerFunc) http.Handler { return h.signedIn(access.OrgUnitWrite, next) }
	mux.Handle("GET /units/new", admin(h.showNewUnit))
	mux.Handle("POST /units/new", admin(h.createUnit))
	mux.Handle("GET /units/{id}/edit", admin(h.showEditUnit))
	mux.Handle("POST /units/{id}/rename", admin(h.renameUnit()))
	mux.Handle("POST /units/{id}/move", admin(h.moveUnit()))
	mux.Handle("GET /units/{id}/close", admin(h.showCloseUnit))
	mux.Handle("POST /units/{id}/close", admin(h.closeUnit))
	mux.Handle("GET /units/{id}/roles/new", admin(h.showAppoint))
	mux.Handle("POST /units/{id}/roles", admin(h.appoint))
	mux.Handle("GET /roles", admin(h.showRoles))
	mux.Handle("POST /roles/{id}/end", admin(h.endRole))
	mux.Handle("GET /workplaces/parents", admin(h.showParents))
	mux.Handle("POST /workplaces/{id}/resolve", admin(h.resolveParent))
	mux.Handle("GET /workplaces/new", admin(h.showNewWorkplace))
	mux.Handle("POST /workplaces/new", admin(h.createWorkplace))
	mux.Handle("GET /workplaces/{id}/move", admin(h.showWorkplaceAdmin))
	mux.Handle("POST /workplaces/{id}/move", admin(h.moveWorkplace()))
	mux.Handle("POST /workplaces/{id}/orgnr", admin(h.linkOrgnr()))
	mux.Handle("POST /workplaces/{id}/merge", admin(h.mergeWorkplace()))
	mux.Handle("GET /accounts", h.signedIn(access.UserAdmin, h.showAccounts))
	mux.Handle("POST /accounts/{id}/disable", h.signedIn(access.UserAdmin, h.setDisabled(true)))
	mux.Handle("POST /accounts/{id}/enable", h.signedIn(access.UserAdmin, h.setDisabled(false)))
}

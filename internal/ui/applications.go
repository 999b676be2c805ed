package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type applicationsData struct {
	Apps     []storage.ApplicationRow
	Settings storage.JoinSettings
	Done     bool
}

func (h *Handler) applicationsPage(w http.ResponseWriter, r *http.Request, status int, p page) {
	u := access.FromContext(r.Context())
	apps, err := h.Store.Applications(r.Context(), u, model.StatusPending, 200)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	st, err := h.Store.JoinSettings(r.Context())
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := &applicationsData{Apps: apps, Settings: st, Done: r.URL.Query().Get("done") == "1"}
	if p.Form == nil {
		p.Form = map[string]string{"credit_months": strconv.Itoa(st.CreditMonths), "join_intro": st.Intro, "join_consent": st.Consent}
		if st.AutoApprove {
			p.Form["join_auto_approve"] = "1"
		}
	}
	p.Title, p.Data = locale.T(h.lang(r), "app.title"), d
	h.render(w, r, status, "applications", p)
}

func (h *Handler) showApplicationsPage(w http.ResponseWriter, r *http.Request) {
	h.applicationsPage(w, r, http.StatusOK, page{})
}

// decideApplication approves or rejects one application.
func (h *Handler) decideApplication(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	approve := r.PathValue("decision") == "approve"
	err = h.Store.DecideApplication(r.Context(), access.FromContext(r.Context()), actor(r), id, approve, r.PostFormValue("reason"))
	if model.ErrorCode(err) == model.EINVALID {
		h.applicationsPage(w, r, http.StatusBadRequest, page{Error: errorText(err)})
		return
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if h.MailWake != nil {
		h.MailWake()
	}
	http.Redirect(w, r, "/applications?done=1", http.StatusSeeOther)
}

// saveJoinSettings stores the join page's texts, auto-approval and credit
// months; the form comes back with the input on an error.
func (h *Handler) saveJoinSettings(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	form := map[string]string{}
	for _, k := range []string{"join_auto_approve", "credit_months", "join_intro", "join_consent"} {
		form[k] = r.PostFormValue(k)
	}
	var v model.Validation
	n, cerr := strconv.Atoi(strings.TrimSpace(form["credit_months"]))
	v.Check(cerr == nil, "credit_months", "Skriv et helt antall måneder.")
	err := v.Err()
	if err == nil {
		err = h.Store.SaveJoinSettings(r.Context(), access.FromContext(r.Context()), actor(r), storage.JoinSettings{
			AutoApprove: form["join_auto_approve"] != "", CreditMonths: n, Intro: form["join_intro"], Consent: form["join_consent"]})
	}
	if model.ErrorCode(err) == model.EINVALID {
		var e *model.Error
		var fields map[string]string
		if errors.As(err, &e) {
			fields = e.Fields
		}
		h.applicationsPage(w, r, http.StatusBadRequest, page{Error: model.ErrorMessage(err), Fields: fields, Form: form})
		return
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/applications?done=1", http.StatusSeeOther)
}

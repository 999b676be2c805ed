package ui

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type applicationsData struct {
	Apps     []storage.ApplicationRow
	Settings storage.JoinSettings
	Done     bool
	Register int // approved applications waiting for export to the member register
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
	reg, err := h.Store.RegisterPending(r.Context(), u)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := &applicationsData{Apps: apps, Settings: st, Done: r.URL.Query().Get("done") == "1", Register: reg}
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
	err = h.Store.DecideApplication(r.Context(), access.FromContext(r.Context()), id, approve, r.PostFormValue("reason"))
	if model.ErrorCode(err) == model.EINVALID {
		h.applicationsPage(w, r, http.StatusBadRequest, page{Error: errorTextIn(err, h.lang(r))})
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

// decideApplicationMatch settles whether an applicant is a known person
// (merge) or someone else (distinct).
func (h *Handler) decideApplicationMatch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	decision := map[string]model.MatchDecision{"merge": model.MatchMerge, "distinct": model.MatchDistinct}[r.PathValue("decision")]
	if decision == "" {
		h.serveError(w, r, model.ErrorKey(model.ENOTFOUND, "error.notfound"))
		return
	}
	if err := h.Store.DecideMatch(r.Context(), access.FromContext(r.Context()), id, decision); err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/applications?done=1", http.StatusSeeOther)
}

// registerHeader is the member register's CSV columns.
var registerHeader = []string{"Fornavn", "Etternavn", "Fødselsdato", "Fødselsnummer", "E-post", "Mobil", "Postnummer",
	"Medlemskapstype", "Arbeidsplass (orgnr)", "Søkt"}

// exportApplications sends the approved applications not yet in the
// member register as CSV and marks them exported in the same transaction,
// which drops their sealed fødselsnumre (only the keyed hash stays): the
// download is the hand-over. The file is built before anything is sent.
// Since this GET changes data, a request from another site is refused, as
// CrossOriginProtection refuses a POST.
func (h *Handler) exportApplications(w http.ResponseWriter, r *http.Request) {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		h.serveError(w, r, model.ErrorKey(model.EFORBIDDEN, "err.export.origin"))
		return
	}
	rows, err := h.Store.ExportApplications(r.Context(), access.FromContext(r.Context()))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Comma, cw.UseCRLF = ';', true
	cw.Write(registerHeader)
	for _, a := range rows {
		cw.Write([]string{csvText(a.FirstName), csvText(a.LastName), dateOrEmpty(a.BirthDate), a.Fnr, csvText(a.Email), csvText(a.Mobile),
			csvText(a.PostalCode), string(a.Type), a.Orgnr, dateOrEmpty(a.AppliedAt.In(clock.Oslo))})
	}
	cw.Flush()
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="innmeldinger-`+h.Store.Now().In(clock.Oslo).Format("2006-01-02-150405")+`.csv"`)
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	hd.Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02.01.2006")
}

// saveJoinSettings stores the join page's texts, auto-approval and credit
// months; the form comes back with the input on an error.
func (h *Handler) saveJoinSettings(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	form := formValues(r, "join_auto_approve", "credit_months", "join_intro", "join_consent")
	var v model.Validation
	n, cerr := strconv.Atoi(strings.TrimSpace(form["credit_months"]))
	v.Check(cerr == nil, "credit_months", "form.months")
	err := v.Err()
	if err == nil {
		err = h.Store.SaveJoinSettings(r.Context(), access.FromContext(r.Context()), storage.JoinSettings{
			AutoApprove: form["join_auto_approve"] != "", CreditMonths: n, Intro: form["join_intro"], Consent: form["join_consent"]})
	}
	if model.ErrorCode(err) == model.EINVALID {
		h.applicationsPage(w, r, http.StatusBadRequest, formPage(err, form))
		return
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/applications?done=1", http.StatusSeeOther)
}

package ui

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// registerMe puts the signed-in person's own pages on mux: "Meg", the
// correction of their contact details, the download of their data, and
// the pipeline's hand-over of tasks (for stewards). Every signed-in user
// reaches their own page, with or without a role; storage lets them reach
// nobody else's.
func (h *Handler) registerMe(mux *http.ServeMux) {
	mux.Handle("GET /me", h.signedIn("", h.showMePage))
	mux.Handle("POST /me/contact", h.signedIn("", h.correctMyContact))
	mux.Handle("POST /me/opt-in", h.signedIn("", h.setMeOptIn))
	mux.Handle("GET /me/data.json", h.signedIn("", h.downloadMyData))
	mux.Handle("POST /tasks/{id}/owner", h.signedIn(access.TaskWrite, h.handOverTask))
}

type meData struct {
	Me      *storage.Me
	Code    string
	Link    string
	CanMake bool
	Credits storage.Credits
	Saved   bool
}

// meFields are the contact details a person corrects themself.
var meFields = []string{"email", "mobile", "address", "postal_code"}

// showMePage is "Meg": the person's memberships, workplace, dues and
// consents, their referral link and credit, and their contact details to
// correct.
func (h *Handler) showMePage(w http.ResponseWriter, r *http.Request) {
	h.mePage(w, r, http.StatusOK, page{}, r.URL.Query().Get("saved") == "1")
}

func (h *Handler) mePage(w http.ResponseWriter, r *http.Request, status int, p page, saved bool) {
	u := access.FromContext(r.Context())
	me, err := h.Store.Me(r.Context(), u)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			err = model.ErrorKey(model.ENOTFOUND, "ref.nomember")
		}
		h.serveError(w, r, err)
		return
	}
	d := &meData{Me: me, Saved: saved}
	code, member, err := h.Store.ReferralState(r.Context(), u, u.PersonID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d.Code, d.CanMake = code, code == "" && member
	if code != "" {
		d.Link = h.joinLink(r, code)
	}
	if d.Credits, err = h.Store.CreditsOf(r.Context(), u, u.PersonID); err != nil {
		h.serveError(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = map[string]string{"email": me.Person.Email, "mobile": me.Person.Mobile, "address": me.Person.Address, "postal_code": me.Person.PostalCode}
	}
	p.Title, p.Data = locale.T(h.lang(r), "me.title"), d
	h.render(w, r, status, "me", p)
}

// correctMyContact stores the person's own correction of their contact
// details (audited under their name; storage keeps it over an unchanged
// register), or shows the form again with the messages.
func (h *Handler) correctMyContact(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	u := access.FromContext(r.Context())
	form := formValues(r, meFields...)
	_, err := h.Store.UpdateContactInfo(r.Context(), u, u.PersonID, form["email"], form["mobile"], form["address"], form["postal_code"])
	switch model.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/me?saved=1", http.StatusSeeOther)
	case model.EINVALID:
		h.mePage(w, r, http.StatusBadRequest, formPage(err, form), false)
	default:
		h.serveError(w, r, err)
	}
}

// setMeOptIn turns the leaderboard opt-in on or off from "Meg".
func (h *Handler) setMeOptIn(w http.ResponseWriter, r *http.Request) {
	if err := h.Store.SetLeaderboardOptIn(r.Context(), access.FromContext(r.Context()), r.PostFormValue("on") == "1"); err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/me#consents", http.StatusSeeOther)
}

// downloadMyData sends everything Verve holds about the person, as JSON
// (storage audits the download).
func (h *Handler) downloadMyData(w http.ResponseWriter, r *http.Request) {
	d, err := h.Store.OwnData(r.Context(), access.FromContext(r.Context()))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="verve-`+time.Now().Format("2006-01-02")+`.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(d)
}

// handOverTask gives a task to a fellow steward, or to the user ("Ta
// over"), and returns to Min dag.
func (h *Handler) handOverTask(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	owner := u.PersonID
	if v := r.PostFormValue("owner"); v != "" {
		owner, _ = strconv.ParseInt(v, 10, 64)
	}
	if err := h.Store.ReassignTask(r.Context(), u, id, owner); err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/day", http.StatusSeeOther)
}

// errNoConsent: an invitation was confirmed without ticking the consent.
var errNoConsent = model.ErrorKey(model.EINVALID, "join.invite.consent.required")

// addInvitation adds to the confirmation page what an invitation was
// prefilled with, and the consent text to tick.
func (h *Handler) addInvitation(r *http.Request, d *joinConfirmData) error {
	in, err := h.Store.InvitationByLink(r.Context(), d.Token)
	if err != nil || in == nil {
		return err
	}
	st, err := h.Store.JoinSettings(r.Context())
	if err != nil {
		return err
	}
	d.Invite, d.Consent = in, st.Consent
	return nil
}

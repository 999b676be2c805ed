package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type referralData struct {
	PersonID int64
	Own      bool   // the signed-in user's own page
	Code     string // "" until made
	Link     string
	CanMake  bool
	OptIn    bool
	Credits  storage.Credits
	Dues     []duesMembership
	CanDues  bool
}

type duesMembership struct {
	M        model.Membership
	Payments []storage.Payment
}

// showMyReferralPage is /me/referral: the user's own referral link and QR
// code (or a button to make them: a GET changes nothing), their recruits
// that count, and the leaderboard opt-in.
func (h *Handler) showMyReferralPage(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	lang := h.lang(r)
	if u.PersonID == 0 {
		h.serveError(w, r, model.ErrorKey(model.ENOTFOUND, "ref.nomember"))
		return
	}
	code, member, err := h.Store.ReferralState(r.Context(), u, u.PersonID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := &referralData{PersonID: u.PersonID, Own: true, Code: code, CanMake: code == "" && member}
	if code != "" {
		d.Link = h.joinLink(r, code)
	}
	if d.OptIn, err = h.Store.LeaderboardOptIn(r.Context(), u); err != nil {
		h.serveError(w, r, err)
		return
	}
	if d.Credits, err = h.Store.CreditsOf(r.Context(), u, u.PersonID); err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "referral", page{Title: locale.T(lang, "ref.title"), Data: d})
}

// makeMyReferral makes the user's own referral code (audited by storage)
// and shows the page again.
func (h *Handler) makeMyReferral(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	if u.PersonID == 0 {
		h.serveError(w, r, model.ErrorKey(model.ENOTFOUND, "ref.nomember"))
		return
	}
	if _, err := h.Store.ReferralCode(r.Context(), u, u.PersonID); err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/me/referral", http.StatusSeeOther)
}

// setMyOptIn turns the user's leaderboard opt-in on or off.
func (h *Handler) setMyOptIn(w http.ResponseWriter, r *http.Request) {
	if err := h.Store.SetLeaderboardOptIn(r.Context(), access.FromContext(r.Context()), r.PostFormValue("on") == "1"); err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/me/referral", http.StatusSeeOther)
}

// myQR serves the user's own referral QR code.
func (h *Handler) myQR(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := access.FromContext(r.Context())
		code, err := h.Store.ExistingReferralCode(r.Context(), u, u.PersonID)
		if err == nil && (u.PersonID == 0 || code == "") {
			err = model.ErrorKey(model.ENOTFOUND, "err.ref.none")
		}
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		h.serveQR(w, r, h.joinLink(r, code), format)
	}
}

// personQR serves a person's referral QR code, for users who may read them.
func (h *Handler) personQR(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := h.personInScope(r)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		code, err := h.Store.ExistingReferralCode(r.Context(), access.FromContext(r.Context()), p.ID)
		if err == nil && code == "" {
			err = model.ErrorKey(model.ENOTFOUND, "err.ref.noneperson")
		}
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		h.serveQR(w, r, h.joinLink(r, code), format)
	}
}

func (h *Handler) personInScope(r *http.Request) (*model.Person, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.Store.Person(r.Context(), access.FromContext(r.Context()), id)
}

// showPersonReferral is the person page's section (loaded by htmx) with
// their referral link, recruits that count, and dues.
func (h *Handler) showPersonReferral(w http.ResponseWriter, r *http.Request) {
	h.personReferral(w, r, page{})
}

func (h *Handler) personReferral(w http.ResponseWriter, r *http.Request, p page) {
	u := access.FromContext(r.Context())
	person, err := h.personInScope(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := &referralData{PersonID: person.ID, Own: person.ID == u.PersonID,
		CanDues: u.Scope(access.PersonWrite).ContainsAt(person.UnitPath, person.WorkplaceID)}
	if d.Code, err = h.Store.ExistingReferralCode(r.Context(), u, person.ID); err != nil {
		h.serveError(w, r, err)
		return
	}
	if d.Code != "" {
		d.Link = h.joinLink(r, d.Code)
	}
	d.CanMake = d.Code == "" && model.IsMember(person.MemberStatus) && (d.Own || d.CanDues)
	if d.Credits, err = h.Store.CreditsOf(r.Context(), u, person.ID); err != nil {
		h.serveError(w, r, err)
		return
	}
	hist, err := h.Store.History(r.Context(), u, person.ID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	for _, m := range hist.Memberships {
		if m.Status == model.StatusPending || m.Status == model.StatusRejected {
			continue
		}
		ps, err := h.Store.Payments(r.Context(), u, m.ID)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		d.Dues = append(d.Dues, duesMembership{M: m, Payments: ps})
	}
	p.Data = d
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	h.fragment(w, r, "referral", "person-referral", p)
}

// makePersonReferral makes a person's referral code: storage allows it
// for the user themself and persons they may edit.
func (h *Handler) makePersonReferral(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		_, err = h.Store.ReferralCode(r.Context(), access.FromContext(r.Context()), id)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.personReferral(w, r, page{})
}

// recordDues records a payment from the person page's form and shows the
// section again, with the input kept on an error.
func (h *Handler) recordDues(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	form := formValues(r, "membership_id", "month", "amount")
	mid, _ := strconv.ParseInt(form["membership_id"], 10, 64)
	var v model.Validation
	month, merr := model.ParseMonth(form["month"])
	v.Check(merr == nil, "month", "form.month")
	amount, aerr := model.ParseAmount(form["amount"])
	v.Check(aerr == nil && strings.TrimSpace(form["amount"]) != "", "amount", "form.amount")
	err := v.Err()
	if err == nil {
		err = h.Store.RecordPayment(r.Context(), access.FromContext(r.Context()),
			storage.Payment{MembershipID: mid, Month: month, AmountOre: amount, Source: "manual"})
	}
	switch model.ErrorCode(err) {
	case "":
		h.personReferral(w, r, page{})
	case model.EINVALID, model.ECONFLICT:
		// A 200, since htmx swaps only those; the form shows the error.
		h.personReferral(w, r, formPage(err, form))
	default:
		h.serveError(w, r, err)
	}
}

// joinLink is the referral link for a code, on the configured public
// address (see publicURL), so a forged Host header cannot end up in a
// link or a printed QR code.
func (h *Handler) joinLink(r *http.Request, code string) string {
	return h.publicURL(r) + "/bli-medlem?ref=" + url.QueryEscape(code)
}

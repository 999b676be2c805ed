package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/httperr"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// The join page's fields, as the form and storage's messages name them.
var joinFields = []string{"first_name", "last_name", "email", "mobile", "postal_code", "fnr", "type", "workplace_id", "workplace_q",
	"institution", "programme", "graduation", "ref", "consent"}

// joinPaths are the addresses of the public join page and the pages after
// it. The Norwegian ones are the union's public address (printed, in
// referral links and QR codes, and in confirmation mail already sent); the
// English ones answer beside them. A visitor stays on the set they came by.
type joinPaths struct {
	Page       string
	Done       string
	Workplaces string
	Confirm    string // up to the token
}

var (
	joinNorwegian = joinPaths{Page: "/bli-medlem", Done: "/bli-medlem/takk", Workplaces: "/bli-medlem/arbeidsplasser", Confirm: "/bli-medlem/bekreft/"}
	joinEnglish   = joinPaths{Page: "/join", Done: "/join/thanks", Workplaces: "/join/workplaces", Confirm: "/join/confirm/"}
)

// joinPathsOf is the set of join paths the request came by.
func joinPathsOf(r *http.Request) joinPaths {
	if r.URL.Path == joinEnglish.Page || strings.HasPrefix(r.URL.Path, joinEnglish.Page+"/") {
		return joinEnglish
	}
	return joinNorwegian
}

// joinLang is the join page's language: ?lang= or the form's lang field.
func joinLang(r *http.Request) string {
	l := r.FormValue("lang")
	if l == "en" || l == "pl" {
		return l
	}
	return "nb"
}

type joinData struct {
	Paths      joinPaths
	Settings   storage.JoinSettings
	Benefits   []storage.Benefit
	Types      []string
	Referrer   *storage.Referrer
	Stamp      string
	Lang       string
	Workplace  string // the chosen workplace's name, kept on an error
	Workplaces []storage.WorkplaceMatch
	// SearchLimited: the workplace search was refused, too many from the address.
	SearchLimited bool
}

func (h *Handler) joinData(r *http.Request, lang, ref string) (*joinData, error) {
	ctx := r.Context()
	st, err := h.Store.JoinSettings(ctx)
	if err != nil {
		return nil, err
	}
	bs, err := h.Store.Benefits(ctx)
	if err != nil {
		return nil, err
	}
	d := &joinData{Paths: joinPathsOf(r), Settings: st, Benefits: bs, Types: model.MembershipTypes.Strings(), Stamp: h.join.stamp(time.Now()), Lang: lang}
	if ref != "" {
		if r, ok, err := h.Store.ReferrerByCode(ctx, ref); err != nil {
			return nil, err
		} else if ok {
			d.Referrer = &r
		}
	}
	return d, nil
}

// showJoinPage is the public join form; ?ref= fills in the recruiter.
func (h *Handler) showJoinPage(w http.ResponseWriter, r *http.Request) {
	lang := joinLang(r)
	ref := strings.TrimSpace(r.URL.Query().Get("ref"))
	d, err := h.joinData(r, lang, ref)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	form := map[string]string{"type": string(model.TypeOrdinary), "ref": ref}
	if t := r.URL.Query().Get("type"); t == string(model.TypeStudent) {
		form["type"] = t
	}
	h.renderLang(w, http.StatusOK, "join", lang, page{Title: locale.T(lang, "join.title"), Data: d, Form: form})
}

// submitJoin takes an application, unconfirmed: the visitor gets an
// e-mail with a link to confirm it (see storage.SubmitApplication), and
// the same thank-you page whoever's identifiers were typed. On an error
// the form comes back with everything the visitor typed and a message by
// each field.
func (h *Handler) submitJoin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "error.unreadable"))
		return
	}
	lang := joinLang(r)
	form := formValues(r, joinFields...)
	again := func(err error) {
		d, derr := h.joinData(r, lang, "")
		if derr != nil {
			h.serveError(w, r, derr)
			return
		}
		if id, _ := strconv.ParseInt(form["workplace_id"], 10, 64); id != 0 {
			d.Workplaces, _ = h.Store.FindWorkplaces(r.Context(), form["workplace_q"], 10)
		}
		p := formPage(err, form)
		p.Title, p.Data = locale.T(lang, "join.title"), d
		h.renderLang(w, httperr.Status(err), "join", lang, p)
	}
	if !h.JoinLimiter.Allow(remoteAddr(r)) {
		again(model.ErrorKey(model.ETOOMANY, "join.toomany"))
		return
	}
	paths := joinPathsOf(r)
	done := paths.Done + "?lang=" + lang
	if r.PostForm.Get("website") != "" {
		// The honeypot: only robots fill in a field nobody sees. They are
		// told it went well.
		http.Redirect(w, r, done, http.StatusSeeOther)
		return
	}
	// A stamp too fresh, too old, forged or used before: the same answer
	// for each, before anything typed is looked at.
	if !h.join.check(r.PostForm.Get("stamp"), time.Now()) {
		again(model.ErrorKey(model.EINVALID, "join.stamp"))
		return
	}
	app := &model.Application{
		Person: model.Person{FirstName: r.PostForm.Get("first_name"), LastName: r.PostForm.Get("last_name"), Email: form["email"],
			Mobile: form["mobile"], PostalCode: form["postal_code"], Fnr: strings.ReplaceAll(strings.TrimSpace(form["fnr"]), " ", "")},
		Type: model.MembershipType(form["type"]), Institution: form["institution"], Programme: form["programme"], ReferralCode: form["ref"],
		Consent: form["consent"] != "", Lang: lang,
	}
	var v model.Validation
	if g := strings.TrimSpace(form["graduation"]); g != "" {
		t, err := time.Parse("2006-01-02", g)
		v.Check(err == nil, "graduation", "valid.date")
		app.ExpectedGraduation = t
	}
	if id := form["workplace_id"]; id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		v.Check(err == nil && n > 0, "workplace", "valid.workplace")
		app.WorkplaceID = n
	} else if q := strings.ReplaceAll(strings.TrimSpace(form["workplace_q"]), " ", ""); len(q) == 9 && strings.Trim(q, "0123456789") == "" {
		// Without script the search does not run; an organisasjonsnummer
		// typed into it still finds the workplace.
		if m, _ := h.Store.FindWorkplaces(r.Context(), q, 1); len(m) == 1 {
			app.WorkplaceID = m[0].ID
		}
	}
	app.ConfirmURL = h.publicURL(r) + paths.Confirm
	if v.Err() != nil {
		// Show the other fields' messages too, not only the date's.
		v.AddFields(app.Validate(h.Store.Today()))
	}
	err := v.Err()
	if err == nil {
		err = h.Store.SubmitApplication(r.Context(), access.Visitor(remoteAddr(r)), app)
	}
	if code := model.ErrorCode(err); code == model.EINVALID {
		again(err)
		return
	} else if err != nil {
		h.serveError(w, r, err)
		return
	}
	if h.MailWake != nil {
		h.MailWake()
	}
	http.Redirect(w, r, done, http.StatusSeeOther)
}

func (h *Handler) showJoinDone(w http.ResponseWriter, r *http.Request) {
	lang := joinLang(r)
	h.renderLang(w, http.StatusOK, "join_done", lang, page{Title: locale.T(lang, "join.done.title"), Data: lang})
}

type joinConfirmData struct {
	Paths   joinPaths
	Token   string
	Refused string // the locale key of why the link is refused
	Status  string // after confirming: pending or active
	// Invite is the prefilled application a steward sent, confirmed with
	// the union's consent text (Consent); NoConsent: it was not ticked.
	Invite    *storage.Invitation
	Consent   string
	NoConsent bool
}

// linkRefusals maps why storage refused a confirmation link to the page's
// status and message.
var linkRefusals = []struct {
	err    error
	status int
	key    string
}{
	{storage.ErrLinkUnknown, http.StatusNotFound, "join.link.unknown"},
	{storage.ErrLinkExpired, http.StatusGone, "join.link.expired"},
	{storage.ErrLinkUsed, http.StatusConflict, "join.link.used"},
}

// showJoinConfirm is the page behind the e-mail's link: a button to
// confirm, since mail scanners open links (and must confirm nothing), or
// why the link is refused.
func (h *Handler) showJoinConfirm(w http.ResponseWriter, r *http.Request) {
	h.joinConfirmPage(w, r, h.Store.CheckApplicationLink(r.Context(), r.PathValue("token")), "")
}

// confirmJoin confirms the application behind a link; an invitation
// only with the consent ticked.
func (h *Handler) confirmJoin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if in, err := h.Store.InvitationByLink(r.Context(), r.PathValue("token")); err == nil && in != nil && r.PostFormValue("consent") == "" {
		h.joinConfirmPage(w, r, errNoConsent, "")
		return
	}
	res, err := h.Store.ConfirmApplication(r.Context(), access.Visitor(remoteAddr(r)), r.PathValue("token"))
	status := ""
	if err == nil {
		status = string(res.Status)
		if h.MailWake != nil {
			h.MailWake()
		}
	}
	h.joinConfirmPage(w, r, err, status)
}

func (h *Handler) joinConfirmPage(w http.ResponseWriter, r *http.Request, err error, status string) {
	lang := joinLang(r)
	d := &joinConfirmData{Paths: joinPathsOf(r), Token: r.PathValue("token"), Status: status}
	code := http.StatusOK
	for _, lr := range linkRefusals {
		if errors.Is(err, lr.err) {
			code, d.Refused, err = lr.status, lr.key, nil
		}
	}
	if errors.Is(err, errNoConsent) {
		code, d.NoConsent, err = http.StatusBadRequest, true, nil
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if d.Refused == "" && status == "" {
		if err := h.addInvitation(r, d); err != nil {
			h.serveError(w, r, err)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	h.renderLang(w, code, "join_confirm", lang, page{Title: locale.T(lang, "join.confirm.title"), Data: d})
}

// publicURL is where visitors reach Verve (scheme and host, no slash at
// the end), for the links in e-mails and referral links and QR codes: the
// configured address, else the request's own. Configure it, so that
// nobody can make a link point elsewhere with a forged Host header.
func (h *Handler) publicURL(r *http.Request) string {
	if h.PublicURL != "" {
		return strings.TrimSuffix(h.PublicURL, "/")
	}
	return requestBase(r)
}

// requestBase is the scheme and host the request came to.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// findJoinWorkplaces answers the join page's workplace search with at
// most ten matches: name and municipality, nothing else. It is public, so
// it is limited per address: past the limit it answers 429 with a message
// in place of the results (the layout's htmx config swaps a 429).
func (h *Handler) findJoinWorkplaces(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("workplace_q")
	if len(q) > 100 {
		q = q[:100]
	}
	lang := joinLang(r)
	d, status := &joinData{Lang: lang}, http.StatusOK
	if !h.JoinSearchLimiter.Allow(remoteAddr(r)) {
		d.SearchLimited, status = true, http.StatusTooManyRequests
		w.Header().Set("Retry-After", "60")
	} else {
		ms, err := h.Store.FindWorkplaces(r.Context(), q, 10)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		d.Workplaces = ms
	}
	h.renderBlock(w, status, "join", "workplace-results", page{L: lang, Data: d, Form: map[string]string{"workplace_q": q}})
}

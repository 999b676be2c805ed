package ui

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// Sign-in beyond the password: a link by e-mail, and a second factor
// (TOTP or a recovery code) for roles wider than one club.
//
// The session holds "uid" only once sign-in is complete; between the
// first factor and the second it holds "pending_uid" (and "pending_next"),
// which opens no page but the second-factor ones.

// SigninLinkPath is where a sign-in link points; the token follows.
const SigninLinkPath = "/login/link/"

// requestSigninLink answers the "send me a sign-in link" form. The answer
// is the same whether or not the address is known, and so is its time:
// the lookup and the mail are done in the background.
func (h *Handler) requestSigninLink(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	// As typed: storage tries it and its lower case.
	addr := strings.TrimSpace(r.PostFormValue("email"))
	lang := h.lang(r)
	ip := remoteAddr(r)
	if !h.linkLimiter.Allow(ip) || !h.linkToLimiter.Allow(strings.ToLower(addr)) {
		h.render(w, r, http.StatusTooManyRequests, "login", page{Title: locale.T(lang, "login.title"), Error: locale.T(lang, "login.limited"),
			Data: h.loginData(), Form: map[string]string{"next": "/", "email": addr}})
		return
	}
	base := h.publicURL(r)
	send := func() {
		ctx := context.WithoutCancel(r.Context())
		err := h.Store.RequestSigninLink(ctx, access.Visitor(ip), addr, func(token string, to storage.SigninRecipient) model.Mail {
			l := to.Locale
			if !locale.Supported(l) {
				l = lang
			}
			return signinMail(l, to, base+SigninLinkPath+token)
		})
		if err != nil {
			h.Log.Error("sign-in link", "err", err) // the error, never the link
			return
		}
		if h.MailWake != nil {
			h.MailWake()
		}
	}
	if h.imports == nil || !h.imports.spawn(send) {
		send()
	}
	h.render(w, r, http.StatusOK, "login", page{Title: locale.T(lang, "login.title"), Data: loginData{LinkSent: true, OIDC: h.oidc != nil},
		Form: map[string]string{"next": "/"}})
}

// signinMail is the e-mail with a sign-in link.
func signinMail(lang string, to storage.SigninRecipient, link string) model.Mail {
	return model.Mail{
		ToAddr:   to.Email,
		ToName:   to.FirstName + " " + to.LastName,
		Subject:  locale.T(lang, "signin.mail.subject"),
		TextBody: locale.T(lang, "signin.mail.body", "name", to.FirstName, "link", link, "minutes", int(storage.SigninLinkTTL.Minutes())),
	}
}

type loginData struct {
	// OIDC: an identity provider is configured (a button for it).
	OIDC     bool
	LinkSent bool
	// Link sign-in page: the token, and why it is refused.
	Token   string
	Refused string
	// Second factor: enrolment (the secret, shown as text beside the QR
	// code), or the recovery codes once enrolment is done.
	Enrol    bool
	Secret   string
	Recovery []string
	Next     string
}

// showSigninLink shows the button that uses a sign-in link; opening the
// link alone signs no one in (mail scanners open links).
func (h *Handler) showSigninLink(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	d := loginData{Token: token}
	status := http.StatusOK
	if err := h.Store.CheckSigninLink(r.Context(), token); err != nil {
		d.Refused, status = linkRefusal(err), http.StatusNotFound
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, status, "signin_link", page{Title: locale.T(h.lang(r), "signin.link.title"), Data: d})
}

// linkRefusal is the catalogue key saying why a link is refused.
func linkRefusal(err error) string {
	var me *model.Error
	if errors.As(err, &me) && (errors.Is(err, storage.ErrSigninLinkExpired) || errors.Is(err, storage.ErrSigninLinkUsed) || me.Key == "err.user.locked") {
		return me.Key
	}
	return "signin.err.link.unknown"
}

// useSigninLink signs in with a link: the first factor.
func (h *Handler) useSigninLink(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	ipKey := "ip:" + remoteAddr(r)
	if h.LoginLimiter.Blocked(ipKey) {
		h.render(w, r, http.StatusTooManyRequests, "signin_link", page{Title: locale.T(h.lang(r), "signin.link.title"),
			Data: loginData{Refused: "login.limited"}})
		return
	}
	uid, err := h.Store.UseSigninLink(r.Context(), access.Visitor(remoteAddr(r)), token)
	if err != nil {
		var me *model.Error
		if !errors.As(err, &me) {
			h.serveError(w, r, err)
			return
		}
		h.LoginLimiter.Fail(ipKey)
		h.render(w, r, http.StatusNotFound, "signin_link", page{Title: locale.T(h.lang(r), "signin.link.title"),
			Data: loginData{Refused: linkRefusal(err)}})
		return
	}
	h.referralOnArrival(r, uid)
	h.firstFactorDone(w, r, uid, "/")
}

// referralOnArrival makes the referral code of a member without a role who
// signs in by link, so that they land on Meg with their link to share:
// colleagues recruit colleagues. Anyone else makes theirs when they want.
func (h *Handler) referralOnArrival(r *http.Request, uid int64) {
	p, err := h.Store.Principal(r.Context(), uid)
	if err != nil || p.PersonID == 0 || len(p.Grants) > 0 {
		return
	}
	if _, err := h.Store.ReferralCode(r.Context(), p, p.PersonID); err != nil {
		var me *model.Error
		if !errors.As(err, &me) { // a non-member is refused with a model error: nothing to make
			h.Log.Error("referral code on sign-in", "err", err)
		}
	}
}

// firstFactorDone continues a sign-in whose first factor (password or
// link) was right: straight in, or on to the second factor where the
// user's roles need one.
func (h *Handler) firstFactorDone(w http.ResponseWriter, r *http.Request, uid int64, next string) {
	p, err := h.Store.Principal(r.Context(), uid)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	// A new token on each step defeats session fixation.
	if err := h.Sessions.RenewToken(r.Context()); err != nil {
		h.serveError(w, r, err)
		return
	}
	if p.NeedsTwoFactor() {
		h.Sessions.Put(r.Context(), "pending_uid", uid)
		h.Sessions.Put(r.Context(), "pending_next", next)
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
		return
	}
	h.completeSignin(w, r, p, next)
}

// completeSignin signs the user in and sends them on to next.
func (h *Handler) completeSignin(w http.ResponseWriter, r *http.Request, p *access.Principal, next string) {
	if err := h.startSession(r, p); err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// startSession records the sign-in and puts the user in the session.
func (h *Handler) startSession(r *http.Request, p *access.Principal) error {
	// The audit entry first: a sign-in that cannot be logged does not
	// happen. Not signed in yet: the visitor from this address, named as
	// the user who signs in.
	who := access.Visitor(remoteAddr(r))
	who.UserID, who.Username = p.UserID, p.Username
	if err := h.Store.Audit(r.Context(), who, "login", "user", p.UserID, ""); err != nil {
		return err
	}
	if err := h.Sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	h.Sessions.Remove(r.Context(), "pending_uid")
	h.Sessions.Remove(r.Context(), "pending_next")
	h.Sessions.Put(r.Context(), "uid", p.UserID)
	if h.Sessions.GetString(r.Context(), "lang") == "" {
		if u, err := h.Store.UserByUsername(r.Context(), p.Username); err == nil {
			h.Sessions.Put(r.Context(), "lang", u.Locale)
		}
	}
	return nil
}

// pendingUser is the user between the first factor and the second.
func (h *Handler) pendingUser(r *http.Request) (*access.Principal, bool) {
	uid := h.Sessions.GetInt64(r.Context(), "pending_uid")
	if uid == 0 {
		return nil, false
	}
	p, err := h.Store.Principal(r.Context(), uid)
	if err != nil {
		return nil, false
	}
	p.RemoteAddr = remoteAddr(r)
	return p, true
}

// showSecondFactor asks for a code, or enrols the user at their first
// sign-in: a new secret, as a QR code and as text.
func (h *Handler) showSecondFactor(w http.ResponseWriter, r *http.Request) {
	p, ok := h.pendingUser(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	secret, confirmed, err := h.Store.TOTPSecret(r.Context(), p.UserID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := loginData{Enrol: !confirmed}
	if !confirmed {
		// A new secret each time, never one an earlier visit was shown:
		// someone who knows the password must not be able to start an
		// enrolment and learn the secret its owner then confirms.
		secret = auth.NewTOTPSecret()
		if err := h.Store.StartTOTP(r.Context(), p, p.UserID, secret); err != nil {
			h.serveError(w, r, err)
			return
		}
		d.Secret = secret
	}
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, http.StatusOK, "totp", page{Title: locale.T(h.lang(r), "signin.totp.title"), Data: d})
}

// totpQR is the enrolling user's secret as a QR code for the app.
func (h *Handler) totpQR(w http.ResponseWriter, r *http.Request) {
	p, ok := h.pendingUser(r)
	if !ok {
		h.serveError(w, r, model.ErrorKey(model.EUNAUTH, "error.login"))
		return
	}
	secret, confirmed, err := h.Store.TOTPSecret(r.Context(), p.UserID)
	if err != nil || confirmed || secret == "" {
		h.serveError(w, r, model.ErrorKey(model.ENOTFOUND, "error.notfound"))
		return
	}
	h.serveQR(w, r, auth.TOTPURI("Verve", p.Username, secret), "svg")
	w.Header().Set("Cache-Control", "no-store")
}

// checkSecondFactor checks a TOTP code or a recovery code. Failures slow
// the next try for this user and count against the address, but never
// lock the owner out.
func (h *Handler) checkSecondFactor(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	p, ok := h.pendingUser(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	lang := h.lang(r)
	ipKey, userKey := "ip:"+remoteAddr(r), "totp:"+strconv.FormatInt(p.UserID, 10)
	secret, confirmed, err := h.Store.TOTPSecret(r.Context(), p.UserID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	fail := func(status int, err error) {
		h.LoginLimiter.Fail(ipKey)
		h.LoginDelays.Fail(userKey)
		d := loginData{Enrol: !confirmed}
		if !confirmed {
			d.Secret = secret
		}
		h.render(w, r, status, "totp", page{Title: locale.T(lang, "signin.totp.title"), Data: d, Error: model.ErrorMessageIn(err, lang)})
	}
	if h.LoginLimiter.Blocked(ipKey) {
		h.render(w, r, http.StatusTooManyRequests, "totp", page{Title: locale.T(lang, "signin.totp.title"), Data: loginData{Enrol: !confirmed, Secret: secret},
			Error: locale.T(lang, "login.limited")})
		return
	}
	if secret == "" {
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
		return
	}
	if d := h.LoginDelays.Delay(userKey); d > 0 {
		h.sleep(r.Context(), d)
	}
	code := r.PostFormValue("code")
	digits := strings.Join(strings.Fields(code), "")
	if confirmed && len(digits) != 6 {
		// Not a TOTP code: a recovery code.
		if err := h.Store.UseRecoveryCode(r.Context(), p, p.UserID, auth.NormalRecoveryCode(code)); err != nil {
			fail(http.StatusUnauthorized, err)
			return
		}
		h.completeSignin(w, r, p, safeNext(h.Sessions.GetString(r.Context(), "pending_next")))
		return
	}
	step, ok := auth.CheckTOTP(secret, code, h.Store.Now())
	if !ok {
		fail(http.StatusUnauthorized, storage.ErrRecoveryWrong)
		return
	}
	if err := h.Store.AcceptTOTPStep(r.Context(), p, p.UserID, step); err != nil {
		fail(http.StatusUnauthorized, err)
		return
	}
	next := safeNext(h.Sessions.GetString(r.Context(), "pending_next"))
	if confirmed {
		h.completeSignin(w, r, p, next)
		return
	}
	// Enrolled: the recovery codes, shown once, and then in.
	codes := auth.NewRecoveryCodes(auth.RecoveryCodes)
	normal := make([]string, len(codes))
	for i, c := range codes {
		normal[i] = auth.NormalRecoveryCode(c)
	}
	if err := h.Store.SetRecoveryCodes(r.Context(), p, p.UserID, normal); err != nil {
		h.serveError(w, r, err)
		return
	}
	if err := h.startSession(r, p); err != nil {
		h.serveError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r.WithContext(access.WithPrincipal(r.Context(), p)), http.StatusOK, "totp",
		page{Title: locale.T(lang, "signin.recovery.title"), Data: loginData{Recovery: codes, Next: next}})
}

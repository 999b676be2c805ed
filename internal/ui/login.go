package ui

import (
	"net/http"
	"strings"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/locale"
)

func (h *Handler) showLoginPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "login", page{Title: locale.T(h.lang(r), "login.title"), Data: h.loginData(),
		Form: map[string]string{"next": safeNext(r.URL.Query().Get("next"))}})
}

// checkLogin signs a user in. Failures look the same whether the user
// exists or not, and take the same time.
func (h *Handler) checkLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	lang := h.lang(r)
	fail := func(status int, key string) {
		h.render(w, r, status, "login", page{Title: locale.T(lang, "login.title"), Error: locale.T(lang, key), Data: h.loginData(),
			Form: map[string]string{"username": username, "next": next}})
	}
	// An address that keeps failing is refused for a while; a user name
	// that keeps failing is only slowed, so that guesses from elsewhere
	// never keep its owner out.
	ipKey, userKey := "ip:"+remoteAddr(r), "user:"+strings.ToLower(username)
	if h.LoginLimiter.Blocked(ipKey) {
		fail(http.StatusTooManyRequests, "login.limited")
		return
	}
	if username == "" || password == "" || len(username) > 64 {
		h.LoginLimiter.Fail(ipKey)
		fail(http.StatusUnauthorized, "login.failed")
		return
	}
	if d := h.LoginDelays.Delay(userKey); d > 0 {
		h.sleep(r.Context(), d)
	}
	u, err := h.Store.UserByUsername(r.Context(), username)
	// A user without a password (made by a sign-in link) costs the same
	// time as an unknown one.
	ok := err == nil && !u.Disabled && u.PasswordHash != ""
	if !ok {
		auth.DummyCheck(password)
	}
	if !ok || !auth.CheckPassword(u.PasswordHash, password) {
		h.LoginLimiter.Fail(ipKey)
		h.LoginDelays.Fail(userKey)
		fail(http.StatusUnauthorized, "login.failed")
		return
	}
	h.firstFactorDone(w, r, u.ID, next)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	h.Sessions.Destroy(r.Context())
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (h *Handler) switchLanguage(w http.ResponseWriter, r *http.Request) {
	lang := "nb"
	if h.lang(r) == "nb" {
		lang = "en"
	}
	h.Sessions.Put(r.Context(), "lang", lang)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

package ui

import (
	"net/http"
	"strings"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/locale"
)

func (h *Handler) showLoginPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "login", page{Title: locale.T(h.lang(r), "login.title"),
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
		h.render(w, r, status, "login", page{Title: locale.T(lang, "login.title"), Error: locale.T(lang, key),
			Form: map[string]string{"username": username, "next": next}})
	}
	if !h.LoginLimiter.Allow("ip:"+remoteAddr(r)) || !h.LoginLimiter.Allow("user:"+strings.ToLower(username)) {
		fail(http.StatusTooManyRequests, "login.limited")
		return
	}
	if username == "" || password == "" || len(username) > 64 {
		fail(http.StatusUnauthorized, "login.failed")
		return
	}
	u, err := h.Store.UserByUsername(r.Context(), username)
	if err != nil || u.Disabled {
		auth.DummyCheck(password)
		fail(http.StatusUnauthorized, "login.failed")
		return
	}
	if !auth.CheckPassword(u.PasswordHash, password) {
		fail(http.StatusUnauthorized, "login.failed")
		return
	}
	// A new token on sign-in defeats session fixation.
	if err := h.Sessions.RenewToken(r.Context()); err != nil {
		h.serveError(w, r, err)
		return
	}
	h.Sessions.Put(r.Context(), "uid", u.ID)
	if h.Sessions.GetString(r.Context(), "lang") == "" {
		h.Sessions.Put(r.Context(), "lang", u.Locale)
	}
	a := actor(r)
	a.UserID, a.Username = u.ID, u.Username
	if err := h.Store.Audit(r.Context(), a, "login", "user", u.ID, ""); err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
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


// Package ui serves Verve's HTML interface: one small file per page or
// action, templates and static files embedded, htmx for partial updates.
package ui

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/api"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Handler holds what the pages need; main builds it.
type Handler struct {
	Store    *storage.Storage
	Sessions *scs.SessionManager
	Log      *slog.Logger
	// LoginLimiter refuses an address after too many failed sign-ins;
	// LoginDelays slows down guessing one user name from anywhere.
	LoginLimiter auth.FailureLimiter
	LoginDelays  *auth.Delays
	// API serves /api/v1/ behind the same sign-in and scope rules.
	API http.Handler
	// JoinLimiter limits join applications per address.
	JoinLimiter auth.Limiter
	// JoinSearchLimiter limits the join page's workplace searches per address.
	JoinSearchLimiter auth.Limiter
	// MailWake tells the mail deliverer that mail was queued; may be nil.
	MailWake func()
	// PublicURL is where visitors reach Verve, for links in e-mails and
	// referral links (https://medlem.forbundet.no); empty: the request's host.
	PublicURL string

	// oidc is the identity provider staff may sign in with; nil: none.
	oidc *oidcClient
	// linkLimiter limits sign-in links asked for per client address (an
	// office shares one); linkToLimiter per e-mail address, so that no
	// one's inbox is flooded.
	linkLimiter, linkToLimiter auth.Limiter

	sleep   func(context.Context, time.Duration)
	pages   map[string]*template.Template
	menus   sync.Map // menuKey → the menu's links (menu.go)
	join    *joinGuard
	imports *importJobs
}

// Config are the settings that change how the interface is served.
type Config struct {
	// Sessions keep who is signed in; required. The server loads them
	// before a page runs (internal/server/middleware).
	Sessions *scs.SessionManager
	// LoginLimiter replaces the default (20 failed sign-ins per address in
	// ten minutes), for load tests and benchmarks.
	LoginLimiter auth.FailureLimiter
	// LoginDelays replaces the default delays per user name.
	LoginDelays *auth.Delays
	// LoginSleep replaces how a delayed sign-in waits, for tests.
	LoginSleep func(context.Context, time.Duration)
	// JoinLimiter replaces the join form's limit (10 applications an hour
	// per address), for benchmarks.
	JoinLimiter auth.Limiter
	// JoinSearchLimiter replaces the limit on the join page's public
	// workplace search (60 a minute per address).
	JoinSearchLimiter auth.Limiter
	// JoinMinDelay is how long the join form must be open before it may
	// be sent (default 3 seconds; negative for none); robots send at once.
	JoinMinDelay time.Duration
	// MailWake is called when a request queued mail.
	MailWake func()
	// OIDC is an identity provider to sign in with; zero: none.
	OIDC OIDCConfig
	// PublicURL is where visitors reach Verve, for links in e-mails and
	// referral links.
	PublicURL string
	// Context is the server's lifetime. Import jobs run on it: when it
	// ends they are cancelled (a commit rolls back) and every upload is
	// deleted. Nil: they never end.
	Context context.Context
	// Go runs an import job in the background, where the server waits
	// for it after Context ends, and reports false once the server has
	// stopped taking work. Nil: a plain goroutine.
	Go func(func()) bool
	// UploadDir holds uploaded lists (encrypted, unlinked where the
	// system allows) and unpacked XLSX worksheets; it is emptied at
	// start, so one server per directory. Default:
	// os.TempDir()/verve-uploads-<uid>.
	UploadDir string
}

// New returns the web interface and the API on a store; Register puts
// their routes on a mux.
func New(store *storage.Storage, cfg Config, log *slog.Logger) (*Handler, error) {
	if cfg.Sessions == nil {
		return nil, errors.New("ui: no session manager")
	}
	imports, err := newImportJobs(cfg.Context, cfg.Go, cfg.UploadDir)
	if err != nil {
		return nil, err
	}
	h := &Handler{
		Store:        store,
		Sessions:     cfg.Sessions,
		Log:          log,
		LoginLimiter: auth.NewWindowLimiter(20, 10*time.Minute),
		LoginDelays:  auth.NewDelays(),
		API:          (&api.API{Store: store, Log: log, UploadDir: imports.dir}).Routes(),
		sleep:        sleepCtx,
		imports:      imports,
	}
	if cfg.LoginLimiter != nil {
		h.LoginLimiter = cfg.LoginLimiter
	}
	if cfg.LoginDelays != nil {
		h.LoginDelays = cfg.LoginDelays
	}
	if cfg.LoginSleep != nil {
		h.sleep = cfg.LoginSleep
	}
	if cfg.OIDC.Issuer != "" {
		if cfg.OIDC.ClientID == "" {
			return nil, model.ErrorKey(model.EINVALID, "err.oidc.config")
		}
		h.oidc = &oidcClient{cfg: cfg.OIDC}
	}
	h.JoinLimiter, h.JoinSearchLimiter, h.MailWake, h.PublicURL = cfg.JoinLimiter, cfg.JoinSearchLimiter, cfg.MailWake, cfg.PublicURL
	if u, err := url.Parse(cfg.PublicURL); cfg.PublicURL != "" && (err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http")) {
		return nil, model.ErrorKey(model.EINVALID, "err.publicurl", "value", cfg.PublicURL)
	}
	if h.JoinLimiter == nil {
		h.JoinLimiter = auth.NewWindowLimiter(10, time.Hour)
	}
	switch {
	case cfg.JoinMinDelay == 0:
		cfg.JoinMinDelay = 3 * time.Second
	case cfg.JoinMinDelay < 0: // none, for tests
		cfg.JoinMinDelay = 0
	}
	h.join = newJoinGuard(cfg.JoinMinDelay)
	return h, nil
}

// Register puts every page and the API on mux, each with the permission
// it needs. They expect the server's middleware around mux: sessions,
// CSRF protection, security headers and trusted proxies.
func (h *Handler) Register(mux *http.ServeMux) error {
	if err := h.parseTemplates(); err != nil {
		return err
	}
	if h.join == nil {
		h.join = newJoinGuard(3 * time.Second)
	}
	if h.JoinLimiter == nil {
		h.JoinLimiter = auth.NewWindowLimiter(10, time.Hour)
	}
	if h.linkLimiter == nil {
		h.linkLimiter, h.linkToLimiter = auth.NewWindowLimiter(30, 15*time.Minute), auth.NewWindowLimiter(5, 15*time.Minute)
	}
	if h.JoinSearchLimiter == nil {
		// Enough to type a few names; too few to walk the register.
		h.JoinSearchLimiter = auth.NewWindowLimiter(60, time.Minute)
	}
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /login", h.showLoginPage)
	mux.HandleFunc("POST /login", h.checkLogin)
	mux.HandleFunc("POST /login/link", h.requestSigninLink)
	mux.HandleFunc("GET "+SigninLinkPath+"{token}", h.showSigninLink)
	mux.HandleFunc("POST "+SigninLinkPath+"{token}", h.useSigninLink)
	mux.HandleFunc("GET /login/oidc", h.startOIDC)
	mux.HandleFunc("GET /login/oidc/callback", h.oidcCallback)
	mux.HandleFunc("GET /login/totp", h.showSecondFactor)
	mux.HandleFunc("POST /login/totp", h.checkSecondFactor)
	mux.HandleFunc("GET /login/totp/qr.svg", h.totpQR)
	mux.HandleFunc("POST /logout", h.logout)
	mux.HandleFunc("POST /lang", h.switchLanguage)
	// The public join page at its Norwegian address, which the union
	// prints and has mailed, and at English paths beside it (joinPaths).
	mux.HandleFunc("GET /bli-medlem", h.showJoinPage)
	mux.HandleFunc("POST /bli-medlem", h.submitJoin)
	mux.HandleFunc("GET /bli-medlem/takk", h.showJoinDone)
	mux.HandleFunc("GET /bli-medlem/arbeidsplasser", h.findJoinWorkplaces)
	mux.HandleFunc("GET /bli-medlem/bekreft/{token}", h.showJoinConfirm)
	mux.HandleFunc("POST /bli-medlem/bekreft/{token}", h.confirmJoin)
	mux.HandleFunc("GET /join", h.showJoinPage)
	mux.HandleFunc("POST /join", h.submitJoin)
	mux.HandleFunc("GET /join/thanks", h.showJoinDone)
	mux.HandleFunc("GET /join/workplaces", h.findJoinWorkplaces)
	mux.HandleFunc("GET /join/confirm/{token}", h.showJoinConfirm)
	mux.HandleFunc("POST /join/confirm/{token}", h.confirmJoin)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })

	mux.Handle("GET /{$}", h.signedIn("", h.showHomePage))
	mux.Handle("GET /units", h.signedIn(access.OrgUnitRead, h.showUnitsPage))
	mux.Handle("GET /units/{id}", h.signedIn(access.OrgUnitRead, h.showUnitPage))
	mux.Handle("GET /workplaces/{id}", h.signedIn(access.WorkplaceRead, h.showWorkplacePage))
	mux.Handle("GET /persons/{id}", h.signedIn(access.PersonRead, h.showPersonPage))
	mux.Handle("POST /persons/{id}/contacts", h.signedIn(access.ContactWrite, h.saveContact))
	mux.Handle("GET /search", h.signedIn(access.PersonRead, h.showSearchPage))
	mux.Handle("POST /tasks/{id}/done", h.signedIn(access.TaskWrite, h.completeTask))
	mux.Handle("GET /day", h.signedIn(access.TaskRead, h.showMyDayPage))
	mux.Handle("GET /tasks/{id}", h.signedIn(access.TaskRead, h.showTask))
	mux.Handle("POST /workplaces/{id}/ask", h.signedIn(access.TaskWrite, h.startAsking))
	mux.Handle("GET /workplaces/{id}/import", h.signedIn(access.NewhireImport, h.showImportForm))
	mux.Handle("POST /workplaces/{id}/import", h.signedIn(access.NewhireImport, h.uploadList))
	mux.Handle("GET /imports/{token}", h.signedIn(access.NewhireImport, h.showImportJob))
	mux.Handle("POST /imports/{token}", h.signedIn(access.NewhireImport, h.reviewList))
	mux.Handle("POST /tasks/{id}/outcome", h.signedIn(access.TaskWrite, h.logOutcome))
	mux.Handle("GET /audit", h.signedIn(access.AuditRead, h.showAuditPage))
	mux.Handle("GET /recruitment", h.signedIn(access.StatisticsRead, h.showRecruitmentPage))
	mux.Handle("GET /recruitment.csv", h.signedIn(access.ExportRun, h.exportRecruitmentCSV))
	mux.Handle("GET /recruitment.xlsx", h.signedIn(access.ExportRun, h.exportRecruitmentXLSX))
	mux.Handle("GET /students", h.signedIn(access.StudentRead, h.showStudentsPage))
	mux.Handle("POST /students/{id}/convert", h.signedIn(access.StudentWrite, h.convertStudent))
	mux.Handle("GET /applications", h.signedIn(access.MembershipApprove, h.showApplicationsPage))
	mux.Handle("POST /applications/{id}/{decision}", h.signedIn(access.MembershipApprove, h.decideApplication))
	mux.Handle("GET /applications/export", h.signedIn(access.MembershipApprove, h.exportApplications))
	mux.Handle("POST /applications/matches/{id}/{decision}", h.signedIn(access.MembershipApprove, h.decideApplicationMatch))
	mux.Handle("POST /applications/settings", h.unionWide(access.UserAdmin, h.saveJoinSettings))
	mux.Handle("GET /matches", h.signedIn(access.PersonWrite, h.showMatchesPage))
	mux.Handle("POST /matches/{id}", h.signedIn(access.PersonWrite, h.decideMatch))
	mux.Handle("GET /benefits", h.unionWide(access.UserAdmin, h.showBenefits))
	mux.Handle("POST /benefits", h.unionWide(access.UserAdmin, h.saveBenefit))
	mux.Handle("POST /benefits/{id}/delete", h.unionWide(access.UserAdmin, h.deleteBenefit))
	h.registerMe(mux)
	mux.Handle("GET /me/referral", h.signedIn("", h.showMyReferralPage))
	mux.Handle("POST /me/referral", h.signedIn("", h.makeMyReferral))
	mux.Handle("GET /me/referral/qr.svg", h.signedIn("", h.myQR("svg")))
	mux.Handle("GET /me/referral/qr.png", h.signedIn("", h.myQR("png")))
	mux.Handle("POST /me/referral/opt-in", h.signedIn("", h.setMyOptIn))
	mux.Handle("GET /persons/{id}/referral", h.signedIn(access.PersonRead, h.showPersonReferral))
	mux.Handle("GET /persons/{id}/qr.svg", h.signedIn(access.PersonRead, h.personQR("svg")))
	mux.Handle("GET /persons/{id}/qr.png", h.signedIn(access.PersonRead, h.personQR("png")))
	mux.Handle("POST /persons/{id}/referral", h.signedIn(access.PersonRead, h.makePersonReferral))
	mux.Handle("POST /persons/{id}/dues", h.signedIn(access.PersonWrite, h.recordDues))
	mux.Handle("GET /referral/leaderboard", h.signedIn("", h.showLeaderboard))
	mux.Handle("GET /referral/rewards", h.signedIn(access.StatisticsRead, h.showRewards))
	mux.Handle("POST /referral/rewards", h.signedIn(access.StatisticsRead, h.addRewardLevel))
	mux.Handle("POST /referral/rewards/{level}/{person}", h.signedIn(access.PersonWrite, h.toggleHandout))
	mux.Handle("GET /dues/import", h.signedIn(access.UserAdmin, h.showDuesImport))
	mux.Handle("POST /dues/import", h.signedIn(access.UserAdmin, h.importDues))
	h.registerOrgAdmin(mux)
	mux.Handle("GET /settings", h.unionWide(access.UserAdmin, h.showSettingsPage))
	mux.Handle("GET /register", h.unionWide(access.UserAdmin, h.showRegisterPage))
	mux.Handle("POST /register", h.unionWide(access.UserAdmin, h.uploadRegister))
	mux.Handle("GET /register/jobs/{token}", h.unionWide(access.UserAdmin, h.showRegisterJob))
	mux.Handle("POST /register/jobs/{token}", h.unionWide(access.UserAdmin, h.reviewRegister))
	mux.Handle("POST /register/jobs/{token}/words", h.unionWide(access.UserAdmin, h.mapRegisterWords))
	mux.Handle("POST /register/missing", h.unionWide(access.UserAdmin, h.confirmMissing))
	mux.Handle("GET /register/export", h.unionWide(access.UserAdmin, h.exportRegisterChanges))
	mux.Handle("POST /settings", h.unionWide(access.UserAdmin, h.saveSettings))
	h.scopeRoutes(mux)
	if h.API != nil {
		mux.Handle("/api/v1/", h.signedIn("", h.API.ServeHTTP))
	}
	for _, m := range movedPaths {
		mux.Handle(m.old, movedTo(m.new))
	}
	return nil
}

// signedIn lets the request through only for a signed-in user holding perm
// (any signed-in user when perm is empty), with the user in the context:
// the principal that storage checks and the audit log names.
func (h *Handler) signedIn(perm access.Permission, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uid := h.Sessions.GetInt64(r.Context(), "uid")
		if uid == 0 {
			h.needLogin(w, r)
			return
		}
		p, err := h.Store.Principal(r.Context(), uid)
		if err != nil {
			h.Sessions.Destroy(r.Context())
			h.needLogin(w, r)
			return
		}
		if perm != "" && !p.Can(perm) {
			h.serveError(w, r, model.ErrorKey(model.EFORBIDDEN, "error.forbidden"))
			return
		}
		// For the audit log: the client's address, which the trusted-proxy
		// middleware has already put in r.RemoteAddr.
		p.RemoteAddr = remoteAddr(r)
		next(w, r.WithContext(access.WithPrincipal(r.Context(), p)))
	})
}

// unionWide is signedIn for union-wide settings: perm must be granted on
// the root unit, since a role granted on a region acts only there.
func (h *Handler) unionWide(perm access.Permission, next http.HandlerFunc) http.Handler {
	return h.signedIn(perm, func(w http.ResponseWriter, r *http.Request) {
		if !access.FromContext(r.Context()).UnionWide(perm) {
			h.serveError(w, r, model.ErrorKey(model.EFORBIDDEN, "err.adminonly"))
			return
		}
		next(w, r)
	})
}

func (h *Handler) needLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && !isAPI(r) {
		http.Redirect(w, r, "/login?next="+template.URLQueryEscaper(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	h.serveError(w, r, model.ErrorKey(model.EUNAUTH, "error.login"))
}

func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// sleepCtx waits d, or until the request is gone.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

func isAPI(r *http.Request) bool {
	return len(r.URL.Path) >= 8 && r.URL.Path[:8] == "/api/v1/"
}

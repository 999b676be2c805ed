// Package server is Verve's HTTP server. It puts the pages and the API on
// one mux behind the middleware (sessions, CSRF protection, security
// headers, trusted proxies, panic recovery), and runs the background work
// (scheduled jobs, the mail queue, import jobs, the session sweep) under
// one errgroup that shutdown cancels and waits for, so the database can
// be closed once Run returns.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/mail"
	"github.com/verve-union/verve/internal/server/middleware"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/ui"
	"github.com/verve-union/verve/internal/worker"
)

// Config is what a server is built from; main fills it from flags.
type Config struct {
	Store *storage.Storage
	// Mail sends the outbox; nil writes mail to the log.
	Mail mail.Sender
	Log  *slog.Logger
	// SecureCookies: the server is reached over TLS (or a proxy in front
	// terminates it), so the session cookie is Secure and every response
	// carries HSTS.
	SecureCookies bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto count.
	TrustedProxies auth.Proxies
	// PublicURL is where visitors reach Verve, for links in e-mails;
	// empty: the request's host.
	PublicURL string
	// UploadDir holds uploaded lists; see ui.Config.
	UploadDir string
	// OIDC is an identity provider staff may sign in with; see ui.Config.
	OIDC ui.OIDCConfig
	// ShutdownTimeout bounds each step of a shutdown: draining requests,
	// then waiting for the background work. Default 15 seconds.
	ShutdownTimeout time.Duration
	// InFlight bounds the requests handled at once; the others wait for
	// a turn. Default 8 per core: enough to keep the cores and the
	// database busy, few enough that 200 stewards' pages at once do not
	// hold 200 pages' data in memory (RSS at 1,000,000 members).
	InFlight int
}

// Server serves one store until Run's context ends.
type Server struct {
	cfg     Config
	handler http.Handler
	bg      *background
	mail    *mail.Deliverer
}

// New builds the server; Run starts it. Nothing but the import jobs'
// stop (waiting in the background group) runs before Run.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Mail == nil {
		cfg.Mail = mail.Log{Logger: cfg.Log}
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 15 * time.Second
	}
	if cfg.InFlight <= 0 {
		cfg.InFlight = 8 * runtime.GOMAXPROCS(0)
	}
	s := &Server{cfg: cfg, bg: newBackground(), mail: mail.NewDeliverer(cfg.Store, cfg.Mail, cfg.Log)}
	sessions := middleware.NewSessions(cfg.Store.SessionStore(), cfg.SecureCookies)
	pages, err := ui.New(cfg.Store, ui.Config{
		Sessions:  sessions,
		MailWake:  s.mail.Wake,
		PublicURL: cfg.PublicURL,
		UploadDir: cfg.UploadDir,
		OIDC:      cfg.OIDC,
		Context:   s.bg.ctx,
		Go:        func(f func()) bool { return s.bg.Go(func() error { f(); return nil }) },
	}, cfg.Log)
	if err == nil {
		mux := http.NewServeMux()
		if err = pages.Register(mux); err == nil {
			s.handler = limitInFlight(middleware.Wrap(mux, middleware.Options{Sessions: sessions, Proxies: cfg.TrustedProxies,
				HSTS: cfg.SecureCookies, Log: cfg.Log, Route: ui.Route}), cfg.InFlight)
			return s, nil
		}
	}
	s.bg.stop(context.Background())
	return nil, err
}

// Handler is every route behind the middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// Run serves on ln and runs the background work until ctx ends or
// serving fails. Then it drains the requests under way, cancels the
// background work (an import's commit rolls back, a mail being sent is
// released for the next start) and waits for it, each step bounded by
// ShutdownTimeout. Call it once.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	log := s.cfg.Log
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit on the Go heap, which GOMEMLIMIT overrides: the
		// collector runs sooner rather than let the heap double between
		// collections, keeping the server under 150 MB at 1,000,000
		// members (SQLite's page caches lie outside the Go heap).
		debug.SetMemoryLimit(goMemoryLimit)
		if os.Getenv("GOGC") == "" {
			// Under the limit, the heap may grow to three times what
			// is live rather than two: a page's garbage is most of its
			// heap, and collecting half as often gave Min dag under 200
			// connections about 5% more pages a second (peak RSS 109 →
			// 128 MB at a million members).
			debug.SetGCPercent(200)
		}
	}
	s.bg.Go(func() error { worker.Run(s.bg.ctx, s.cfg.Store, log, time.Hour); return nil })
	s.bg.Go(func() error { s.mail.Run(s.bg.ctx, time.Minute); return nil })
	s.bg.Go(func() error { sweepSessions(s.bg.ctx, s.cfg.Store, log); return nil })
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // large uploads
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var errs []error
	served := false
	select {
	case err := <-errc:
		errs, served = append(errs, err), true
	case <-ctx.Done():
		log.Info("shutting down")
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Requests still running after the bound are cut off; the jobs
		// they may yet start are refused once the background stops.
		srv.Close()
		errs = append(errs, fmt.Errorf("requests did not end in time: %w", err))
	}
	if !served {
		<-errc // ErrServerClosed; no handler starts after this
	}
	bctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	errs = append(errs, s.bg.stop(bctx))
	return errors.Join(errs...)
}

// goMemoryLimit is the server's soft limit on the Go heap.
const goMemoryLimit = 80 << 20

// limitInFlight lets at most n requests into next at once; the others
// wait for a turn, or for their client to give up.
func limitInFlight(next http.Handler, n int) http.Handler {
	turns := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case turns <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		defer func() { <-turns }()
		next.ServeHTTP(w, r)
	})
}

// sweepSessions deletes expired sessions every few minutes, as the scs
// stores would in a goroutine of their own that shutdown could not wait
// for.
func sweepSessions(ctx context.Context, store *storage.Storage, log *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := store.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
			log.Error("session sweep", "err", err)
		}
	}
}

// background is the server's background work: one errgroup on a context
// that stop cancels. Go refuses work once stop has begun, so nothing
// starts that the wait would miss (an upload finishing after the drain).
type background struct {
	ctx    context.Context
	cancel context.CancelFunc
	g      *errgroup.Group
	mu     sync.Mutex
	closed bool
}

func newBackground() *background {
	ctx, cancel := context.WithCancel(context.Background())
	g, ctx := errgroup.WithContext(ctx)
	return &background{ctx: ctx, cancel: cancel, g: g}
}

// Go runs f in the group and reports whether it did.
func (b *background) Go(f func() error) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.g.Go(f)
	return true
}

// stop cancels the work and waits for it to end, or for ctx.
func (b *background) stop(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.cancel()
	done := make(chan error, 1)
	go func() { done <- b.g.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return errors.New("background work did not stop in time")
	}
}

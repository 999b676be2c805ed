package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/ui"
	"github.com/verve-union/verve/internal/worker"
)

type serveConfig struct {
	addr      string
	behindTLS bool
}

func (c *serveConfig) flags(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&c.addr, "addr", envOr("ADDR", "localhost:8080"), "adresse serveren lytter på (VERVE_ADDR)")
	behind, _ := strconv.ParseBool(envOr("BEHIND_TLS", "false"))
	fs.BoolVar(&c.behindTLS, "behind-tls", behind, "en proxy foran terminerer TLS: sett Secure på informasjonskapsler (VERVE_BEHIND_TLS)")
}

func runServe(ctx context.Context, args []string, stdout io.Writer) error {
	var dsn string
	var cfg serveConfig
	fs := newFlags("serve", &dsn, "sqlite:verve.db")
	cfg.flags(fs)
	store, err := parseAndOpen(ctx, fs, args, &dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	ln, err := listen(cfg.addr)
	if err != nil {
		return err
	}
	return serve(ctx, store, ln, cfg, stdout)
}

// serve runs the HTTP server on ln until ctx ends, then drains requests.
func serve(ctx context.Context, store *storage.Storage, ln net.Listener, cfg serveConfig, stdout io.Writer) error {
	handler, err := ui.New(store, ui.Config{SecureCookies: cfg.behindTLS}, slog.Default())
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // large uploads
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(stdout, "Verve kjører på http://%s/ (%s)\n", ln.Addr(), store.Dialect())
	jobs, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	go worker.Run(jobs, store, slog.Default(), time.Hour)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

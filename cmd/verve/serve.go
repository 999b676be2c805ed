package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/mail"
	"github.com/verve-union/verve/internal/server"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/ui"
)

type serveConfig struct {
	addr      string
	behindTLS bool
	proxies   string
	publicURL string
	smtp      mail.Config
	smtpPort  string
	uploadDir string
	oidc      ui.OIDCConfig
}

func (c *serveConfig) flags(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&c.addr, "addr", envOr("ADDR", "localhost:8080"), nb("cli.serve.flag.addr"))
	behind, _ := strconv.ParseBool(envOr("BEHIND_TLS", "false"))
	fs.BoolVar(&c.behindTLS, "behind-tls", behind, nb("cli.serve.flag.behindtls"))
	fs.StringVar(&c.proxies, "trusted-proxies", envOr("TRUSTED_PROXIES", ""), nb("cli.serve.flag.proxies"))
	fs.StringVar(&c.publicURL, "public-url", envOr("PUBLIC_URL", ""), nb("cli.serve.flag.publicurl"))
	fs.StringVar(&c.smtp.Host, "smtp-host", envOr("SMTP_HOST", ""), nb("cli.serve.flag.smtphost"))
	fs.StringVar(&c.smtpPort, "smtp-port", envOr("SMTP_PORT", ""), nb("cli.serve.flag.smtpport"))
	fs.StringVar(&c.smtp.Username, "smtp-user", envOr("SMTP_USER", ""), nb("cli.serve.flag.smtpuser"))
	fs.StringVar(&c.smtp.Password, "smtp-password", envOr("SMTP_PASSWORD", ""), nb("cli.serve.flag.smtppassword"))
	fs.StringVar(&c.smtp.From, "smtp-from", envOr("SMTP_FROM", "post@forbundet.example"), nb("cli.serve.flag.smtpfrom"))
	fs.StringVar(&c.smtp.FromName, "smtp-from-name", envOr("SMTP_FROM_NAME", "Forbundet"), nb("cli.serve.flag.smtpfromname"))
	fs.StringVar(&c.smtp.TLS, "smtp-tls", envOr("SMTP_TLS", mail.TLSStartTLS), nb("cli.serve.flag.smtptls"))
	fs.StringVar(&c.uploadDir, "upload-dir", envOr("UPLOAD_DIR", ""), nb("cli.serve.flag.uploaddir"))
	fs.StringVar(&c.oidc.Issuer, "oidc-issuer", envOr("OIDC_ISSUER", ""), nb("cli.serve.flag.oidcissuer"))
	fs.StringVar(&c.oidc.ClientID, "oidc-client-id", envOr("OIDC_CLIENT_ID", ""), nb("cli.serve.flag.oidcclientid"))
	fs.StringVar(&c.oidc.ClientSecret, "oidc-client-secret", envOr("OIDC_CLIENT_SECRET", ""), nb("cli.serve.flag.oidcclientsecret"))
}

// mailSender is SMTP when a host is given, else the log sender, so that
// the demo runs with Go alone.
func (c *serveConfig) mailSender() (mail.Sender, error) {
	if c.smtp.Host == "" {
		return mail.Log{Logger: slog.Default()}, nil
	}
	if c.smtpPort != "" {
		p, err := strconv.Atoi(c.smtpPort)
		if err != nil || p <= 0 || p > 65535 {
			return nil, errors.New(nb("cli.serve.smtpport", "port", strconv.Quote(c.smtpPort)))
		}
		c.smtp.Port = p
	}
	return mail.NewSMTP(c.smtp)
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

// serve runs the server on ln until ctx ends; when it returns, nothing
// it started is running and the store may be closed.
func serve(ctx context.Context, store *storage.Storage, ln net.Listener, cfg serveConfig, stdout io.Writer) error {
	defer ln.Close() // Run closes it too; this is for the early returns
	sender, err := cfg.mailSender()
	if err != nil {
		return err
	}
	proxies, err := auth.ParseProxies(cfg.proxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	srv, err := server.New(server.Config{Store: store, Mail: sender, Log: slog.Default(), SecureCookies: cfg.behindTLS,
		TrustedProxies: proxies, PublicURL: cfg.publicURL, UploadDir: cfg.uploadDir, OIDC: cfg.oidc})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, nb("cli.serve.running", "addr", ln.Addr(), "dialect", store.Dialect()))
	if cfg.smtp.Host == "" {
		// Said at start, since sign-in links depend on it.
		fmt.Fprintln(stdout, nb("cli.serve.nosmtp"))
	}
	return srv.Run(ctx, ln)
}

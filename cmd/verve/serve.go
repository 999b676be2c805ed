package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"

	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/mail"
	"github.com/verve-union/verve/internal/server"
	"github.com/verve-union/verve/internal/storage"
)

type serveConfig struct {
	addr      string
	behindTLS bool
	proxies   string
	publicURL string
	smtp      mail.Config
	smtpPort  string
	uploadDir string
}

func (c *serveConfig) flags(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&c.addr, "addr", envOr("ADDR", "localhost:8080"), "adresse serveren lytter på (VERVE_ADDR)")
	behind, _ := strconv.ParseBool(envOr("BEHIND_TLS", "false"))
	fs.BoolVar(&c.behindTLS, "behind-tls", behind, "en proxy foran terminerer TLS: sett Secure på informasjonskapsler (VERVE_BEHIND_TLS)")
	fs.StringVar(&c.proxies, "trusted-proxies", envOr("TRUSTED_PROXIES", ""), "reverse-proxyer (CIDR-er, kommaseparert) hvis X-Forwarded-For og X-Forwarded-Proto skal gjelde (VERVE_TRUSTED_PROXIES)")
	fs.StringVar(&c.publicURL, "public-url", envOr("PUBLIC_URL", ""), "adressen medlemmene bruker, for lenker i e-post, vervelenker og QR-koder (https://medlem.forbundet.no); tom: forespørselens Host-header (VERVE_PUBLIC_URL)")
	fs.StringVar(&c.smtp.Host, "smtp-host", envOr("SMTP_HOST", ""), "SMTP-tjener for e-post; uten den skrives e-post bare til loggen (VERVE_SMTP_HOST)")
	fs.StringVar(&c.smtpPort, "smtp-port", envOr("SMTP_PORT", ""), "SMTP-port; tom for vanlig port for TLS-valget (VERVE_SMTP_PORT)")
	fs.StringVar(&c.smtp.Username, "smtp-user", envOr("SMTP_USER", ""), "SMTP-brukernavn (VERVE_SMTP_USER)")
	fs.StringVar(&c.smtp.Password, "smtp-password", envOr("SMTP_PASSWORD", ""), "SMTP-passord; bruk helst VERVE_SMTP_PASSWORD")
	fs.StringVar(&c.smtp.From, "smtp-from", envOr("SMTP_FROM", "post@forbundet.example"), "avsenderadresse (VERVE_SMTP_FROM)")
	fs.StringVar(&c.smtp.FromName, "smtp-from-name", envOr("SMTP_FROM_NAME", "Forbundet"), "avsendernavn (VERVE_SMTP_FROM_NAME)")
	fs.StringVar(&c.smtp.TLS, "smtp-tls", envOr("SMTP_TLS", mail.TLSStartTLS), "starttls, tls eller none (VERVE_SMTP_TLS)")
	fs.StringVar(&c.uploadDir, "upload-dir", envOr("UPLOAD_DIR", ""), "mappe for opplastede lister, tømmes ved oppstart: én server per mappe; tom: <temp>/verve-uploads-<uid> (VERVE_UPLOAD_DIR)")
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
			return nil, fmt.Errorf("--smtp-port: %q er ikke et portnummer", c.smtpPort)
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
		TrustedProxies: proxies, PublicURL: cfg.publicURL, UploadDir: cfg.uploadDir})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Verve kjører på http://%s/ (%s)\n", ln.Addr(), store.Dialect())
	return srv.Run(ctx, ln)
}

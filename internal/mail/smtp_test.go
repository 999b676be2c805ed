package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/verve-union/verve/internal/mail/mailtest"
	"github.com/verve-union/verve/internal/model"
)

// smtpTo returns a Sender for srv without TLS.
func smtpTo(t testing.TB, srv *mailtest.Server) *SMTP {
	t.Helper()
	host, port := srv.SMTPHostPort()
	s, err := NewSMTP(Config{Host: host, Port: port, From: "post@forbundet.example.no", FromName: "Forbundet Ålesund og Ørsta", TLS: TLSNone, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// norwegianMail has non-ASCII in every part that gets encoded: a subject
// long enough to be folded, the recipient's name, a text body with a line
// longer than quoted-printable allows, and an HTML alternative.
func norwegianMail(to string) model.Mail {
	return model.Mail{
		ID:        42,
		CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		ToAddr:    to,
		ToName:    `Kjærstin "Kiki" Øyås-Ålstad \ Berg`,
		Subject:   "Velkommen i forbundet, Kjærstin! Bekreftelse på innmeldingen din – æøå ÆØÅ «sitat» og €",
		TextBody: "Hei Kjærstin,\n\n" +
			"takk for at du har meldt deg inn. Vi har registrert deg som medlem fra 1. mars, og tillitsvalgt på arbeidsplassen din på Sjøsiden sykehjem i Ålesund tar kontakt med deg snart.\n\n" +
			"Hilsen\nForbundet Ålesund og Ørsta\n",
		HTMLBody: "<p>Hei Kjærstin,</p><p>takk for at du har meldt deg inn. Tillitsvalgt på <b>Sjøsiden sykehjem</b> tar kontakt.</p>",
		Kind:     model.MailJoinConfirmation,
	}
}

func TestSMTPSendsNorwegianMail(t *testing.T) {
	srv := mailtest.Start(t)
	m := norwegianMail("kjaerstin@example.no")
	id, err := smtpTo(t, srv).Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "kjaerstin@example.no", 10*time.Second)
	for _, c := range []struct{ what, got, want string }{
		{"subject", got.Subject, m.Subject},
		{"to", strings.Join(got.To, ","), "kjaerstin@example.no"},
		{"to name", strings.Join(got.ToNames, ","), m.ToName},
		{"from", got.From, "post@forbundet.example.no"},
		{"from name", got.FromName, "Forbundet Ålesund og Ørsta"},
		{"text", got.Text, m.TextBody},
		{"html", got.HTML, m.HTMLBody},
		{"message id", got.MessageID, id},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.what, c.got, c.want)
		}
	}
	if !strings.HasPrefix(id, "verve.42.") || !strings.HasSuffix(id, "@forbundet.example.no") {
		t.Errorf("message id %q", id)
	}
	// Plain text only: no HTML part.
	m = norwegianMail("bare.tekst@example.no")
	m.HTMLBody = ""
	m.ToName = ""
	if _, err := smtpTo(t, srv).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got = srv.WaitFor(t, "bare.tekst@example.no", 10*time.Second)
	if got.Text != m.TextBody || got.HTML != "" || got.ToNames[0] != "" {
		t.Errorf("plain text mail: %+v", got)
	}
}

func TestSMTPRefusedRecipientIsPermanent(t *testing.T) {
	srv := mailtest.Start(t, "--smtp-allowed-recipients", `@example\.no$`)
	s := smtpTo(t, srv)
	_, err := s.Send(context.Background(), norwegianMail("someone@example.com"))
	if err == nil || !IsPermanent(err) {
		t.Fatalf("refused recipient: %v (permanent %v)", err, IsPermanent(err))
	}
	if _, err := s.Send(context.Background(), norwegianMail("someone@example.no")); err != nil {
		t.Fatalf("allowed recipient: %v", err)
	}
}

func TestSMTPConnectionRefusedIsTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s, err := NewSMTP(Config{Host: "127.0.0.1", Port: port, From: "post@forbundet.example.no", TLS: TLSNone, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), norwegianMail("a@example.no"))
	if err == nil || IsPermanent(err) {
		t.Fatalf("closed port: %v (permanent %v)", err, IsPermanent(err))
	}
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	cert, key, pool := selfSignedCert(t)
	hash, err := bcrypt.GenerateFromPassword([]byte("hemmelig-æøå"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	authFile := filepath.Join(t.TempDir(), "auth")
	if err := os.WriteFile(authFile, []byte("verve:"+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{TLSStartTLS, TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			require := "--smtp-require-starttls"
			if mode == TLSImplicit {
				require = "--smtp-require-tls"
			}
			srv := mailtest.Start(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, require, "--smtp-auth-file", authFile)
			host, port := srv.SMTPHostPort()
			cfg := Config{Host: host, Port: port, From: "post@forbundet.example.no", TLS: mode, Timeout: 10 * time.Second,
				Username: "verve", Password: "hemmelig-æøå", tlsConfig: &tls.Config{RootCAs: pool}}
			s, err := NewSMTP(cfg)
			if err != nil {
				t.Fatal(err)
			}
			to := mode + "@example.no"
			if _, err := s.Send(context.Background(), norwegianMail(to)); err != nil {
				t.Fatal(err)
			}
			if got := srv.WaitFor(t, to, 10*time.Second); got.Username != "verve" || got.Subject != norwegianMail(to).Subject {
				t.Errorf("got %+v", got)
			}

			// A wrong password is a configuration fault, retried until fixed.
			cfg.Password = "feil"
			s, err = NewSMTP(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send(context.Background(), norwegianMail(to)); err == nil || IsPermanent(err) {
				t.Errorf("wrong password: %v (permanent %v)", err, IsPermanent(err))
			}
			// Without our CA the server's certificate is not trusted.
			cfg.Password, cfg.tlsConfig = "hemmelig-æøå", nil
			s, err = NewSMTP(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Send(context.Background(), norwegianMail(to)); err == nil {
				t.Error("sent to a server with an untrusted certificate")
			}
		})
	}
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key to files
// and returns their paths and a pool that trusts the certificate.
func selfSignedCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true,

		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return certFile, keyFile, pool
}

func TestNewSMTPChecksConfig(t *testing.T) {
	for _, c := range []Config{
		{From: "post@example.no"},
		{Host: "smtp.example.no"},
		{Host: "smtp.example.no", From: "Post <post@example.no>"},
		{Host: "smtp.example.no", From: "post@example.no", TLS: "ssl"},
		{Host: "smtp.example.no", From: "post@example.no", Port: 70000},
	} {
		if _, err := NewSMTP(c); err == nil {
			t.Errorf("NewSMTP(%+v) accepted", c)
		}
	}
	s, err := NewSMTP(Config{Host: "smtp.example.no", From: "post@example.no"})
	if err != nil {
		t.Fatal(err)
	}
	if s.cfg.TLS != TLSStartTLS || s.client.ServerAddr() != "smtp.example.no:587" {
		t.Errorf("defaults: TLS %q, address %s", s.cfg.TLS, s.client.ServerAddr())
	}
}

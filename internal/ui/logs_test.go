package ui

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/mail"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestJoinLeavesNothingPersonalInTheLog: applying, confirming and sending
// both e-mails through the log sender writes no address, name, subject or
// link to the log, at any level.
func TestJoinLeavesNothingPersonalInTheLog(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			// slog's handler serialises the server's writes; the buffer is
			// read once the requests and the deliverer are done.
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			e := newJoinEnvLog(t, engine, Config{}, log)
			c := anon()
			if st, body := post(t, c, e.URL+"/bli-medlem", joinForm(t, c, e.URL, nil)); st != http.StatusSeeOther {
				t.Fatalf("join: %d %s", st, body)
			}
			link := outboxLink(t, e, "sara.soker@example.no")
			if st, _ := post(t, c, link, url.Values{}); st != http.StatusOK {
				t.Fatalf("confirm: %d", st)
			}
			d := mail.NewDeliverer(e.Store, mail.Log{Logger: log}, log)
			if sent, _, err := d.RunOnce(context.Background()); err != nil || sent != 2 {
				t.Fatalf("sent %d, %v; want the link and the confirmation", sent, err)
			}
			token := link[strings.LastIndex(link, "/")+1 : strings.Index(link, "?")]
			// A failing request is logged by its route, not its link.
			if got := Route(httptest.NewRequest("GET", link, nil)); strings.Contains(got, token) {
				t.Errorf("Route(%s) = %s", link, got)
			}
			out := buf.String()
			// The mobile number as typed and as kept, not a part of it a
			// log's timestamp may hold (".915").
			for _, personal := range []string{"sara.soker", "Sara", "Søker", "915 55 123", "91555123", token, "bekreft", "Velkommen", "Bekreft"} {
				if strings.Contains(out, personal) {
					t.Errorf("the log carries %q:\n%s", personal, out)
				}
			}
			if !strings.Contains(out, "mail not sent") {
				t.Errorf("the log sender logged nothing:\n%s", out)
			}
		})
	}
}

package joinmail

import (
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

func TestMails(t *testing.T) {
	p := model.Person{ID: 7, FirstName: "Kari", LastName: "Nordmann", Email: "kari@example.no"}
	app := &model.Application{Person: p, Lang: "en", ConfirmURL: "https://verve.example/bli-medlem/bekreft/"}
	for _, tc := range []struct {
		name       string
		m          model.Mail
		kind       string
		subject    string
		personID   int64
		body, lang string
	}{
		{"link", Link(app, "TOKEN"), model.MailJoinLink, "join.mail.subject.confirm", 0, "https://verve.example/bli-medlem/bekreft/TOKEN?lang=en", "en"},
		{"pending", Confirmed("nb", &p, 9, model.StatusPending), model.MailJoinConfirmation, "join.mail.subject.pending", 9, "", "nb"},
		{"active", Confirmed("pl", &p, 9, model.StatusActive), model.MailJoinConfirmation, "join.mail.subject.approved", 9, "", "pl"},
		{"approved", Decided("nb", &p, true, ""), model.MailJoinConfirmation, "join.mail.subject.approved", 7, "", "nb"},
		{"rejected", Decided("en", &p, false, "Not our trade"), model.MailJoinConfirmation, "join.mail.subject.rejected", 7, "Reason: Not our trade\n", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			if m.Kind != tc.kind || m.PersonID != tc.personID || m.ToAddr != p.Email || m.ToName != "Kari Nordmann" {
				t.Errorf("kind %q, person %d, to %q <%s>", m.Kind, m.PersonID, m.ToName, m.ToAddr)
			}
			if want := locale.T(tc.lang, tc.subject); m.Subject != want {
				t.Errorf("subject %q, want %q", m.Subject, want)
			}
			if !strings.HasPrefix(m.TextBody, locale.T(tc.lang, "join.mail.greeting")+" Kari,\n\n") || !strings.Contains(m.TextBody, tc.body) ||
				!strings.Contains(m.TextBody, locale.T(tc.lang, "join.mail.signature")) || strings.Contains(m.TextBody, "{") {
				t.Errorf("body %q", m.TextBody)
			}
			if err := m.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// Package joinmail writes the e-mails an applicant gets from the join
// page, in the language they applied in, with texts from the catalogue
// (join.mail.*): the link that confirms an application, then that it is
// pending or approved, and later the decision on a pending one (a
// rejection with its reason).
//
// Each mail depends only on what the applicant typed and the outcome,
// never on whom else Verve knows, so a known and an unknown identifier
// get the same words. Storage asks for the mail inside the transaction
// that makes the change and queues it there, so the mail goes if and only
// if the change is made.
package joinmail

import (
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

// Link is the mail with the link that confirms an application: the join
// page's confirmation address with the token and the applicant's
// language. It names no person: none exists until the link is used.
func Link(app *model.Application, token string) model.Mail {
	m := mail(app.Lang, &app.Person, 0, "confirm", "link", app.ConfirmURL+token+"?lang="+app.Lang)
	m.Kind = model.MailJoinLink
	return m
}

// Invite is an invitation to join: its link, and the mail that carries it.
type Invite struct {
	Link string
	Mail model.Mail
}

// Invitation is the invitation a steward sends when a colleague said yes:
// the link to the join page's confirmation, prefilled with what Verve
// holds, and the mail to the person with it. Like Link, the mail is of
// the kind whose body is blanked once sent.
func Invitation(app *model.Application, token string) Invite {
	link := app.ConfirmURL + token + "?lang=" + app.Lang
	m := mail(app.Lang, &app.Person, 0, "invite", "link", link)
	m.Kind = model.MailJoinLink
	return Invite{Link: link, Mail: m}
}

// Confirmed is the mail to an applicant whose link was used and who is
// now the person personID with a membership of the given status: welcome
// if it is active at once, else that the application is pending.
func Confirmed(lang string, p *model.Person, personID int64, status model.MembershipStatus) model.Mail {
	kind := "pending"
	if status == model.StatusActive {
		kind = "approved"
	}
	return mail(lang, p, personID, kind)
}

// Decided is the mail to the applicant p (p.ID set) whose pending
// application was approved (welcome) or rejected, with the reason given.
func Decided(lang string, p *model.Person, approved bool, reason string) model.Mail {
	if approved {
		return mail(lang, p, p.ID, "approved")
	}
	m := mail(lang, p, p.ID, "rejected")
	m.TextBody += "\n" + locale.T(lang, "join.mail.reason") + " " + reason + "\n"
	return m
}

// mail is the e-mail of the given kind (join.mail.subject.KIND and
// join.mail.body.KIND, filled with args) to p, greeted by first name.
func mail(lang string, p *model.Person, personID int64, kind string, args ...any) model.Mail {
	return model.Mail{
		ToAddr:   p.Email,
		ToName:   p.FirstName + " " + p.LastName,
		Subject:  locale.T(lang, "join.mail.subject."+kind),
		TextBody: locale.T(lang, "join.mail.greeting") + " " + p.FirstName + ",\n\n" + locale.T(lang, "join.mail.body."+kind, args...) + "\n\n" + locale.T(lang, "join.mail.signature") + "\n",
		Kind:     model.MailJoinConfirmation,
		PersonID: personID,
	}
}

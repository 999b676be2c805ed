package storage

import (
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

// joinMail is the e-mail to an applicant of the given kind, in the language
// they applied in, with texts from the catalogue (join.mail.*): confirm
// (with a {link} to fill in), pending, approved or rejected. It depends
// only on what the applicant typed, never on whom else Verve knows.
func joinMail(l string, p *model.Person, personID int64, kind string) model.Mail {
	return model.Mail{
		ToAddr:   p.Email,
		ToName:   p.FirstName + " " + p.LastName,
		Subject:  locale.T(l, "join.mail.subject."+kind),
		TextBody: locale.T(l, "join.mail.greeting") + " " + p.FirstName + ",\n\n" + locale.T(l, "join.mail.body."+kind) + "\n\n" + locale.T(l, "join.mail.signature") + "\n",
		Kind:     model.MailJoinConfirmation,
		PersonID: personID,
	}
}

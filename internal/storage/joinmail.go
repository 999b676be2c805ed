package storage

import "github.com/verve-union/verve/internal/model"

// joinTexts are the e-mails to applicants, in the language they applied in.
var joinTexts = map[string]map[string]string{
	"nb": {
		"subject.pending":  "Vi har mottatt innmeldingen din",
		"body.pending":     "Takk for at du meldte deg inn! Vi har mottatt søknaden din og gir beskjed når medlemskapet er godkjent.",
		"subject.approved": "Velkommen som medlem",
		"body.approved":    "Velkommen som medlem! Medlemskapet ditt er registrert. Den tillitsvalgte på arbeidsplassen din tar kontakt.",
		"subject.again":    "Vi har allerede innmeldingen din",
		"body.again":       "Vi fikk en ny innmelding med denne adressen, men du er allerede registrert hos oss. Du trenger ikke gjøre noe.",
		"subject.rejected": "Innmeldingen din er ikke godkjent",
		"body.rejected":    "Vi kunne dessverre ikke godkjenne innmeldingen din.",
		"reason":           "Begrunnelse:",
		"greeting":         "Hei",
		"signature":        "Hilsen forbundet",
	},
	"en": {
		"subject.pending":  "We have received your application",
		"body.pending":     "Thank you for joining! We have received your application and will let you know when your membership is approved.",
		"subject.approved": "Welcome as a member",
		"body.approved":    "Welcome as a member! Your membership is registered. The shop steward at your workplace will get in touch.",
		"subject.again":    "We already have your application",
		"body.again":       "We received another application with this address, but you are already registered with us. You need not do anything.",
		"subject.rejected": "Your application was not approved",
		"body.rejected":    "Unfortunately we could not approve your application.",
		"reason":           "Reason:",
		"greeting":         "Hello",
		"signature":        "Best regards, the union",
	},
	"pl": {
		"subject.pending":  "Otrzymaliśmy Twoje zgłoszenie",
		"body.pending":     "Dziękujemy za przystąpienie! Otrzymaliśmy Twoje zgłoszenie i damy znać, gdy członkostwo zostanie zatwierdzone.",
		"subject.approved": "Witamy w związku",
		"body.approved":    "Witamy! Twoje członkostwo zostało zarejestrowane. Przedstawiciel związku w Twoim miejscu pracy skontaktuje się z Tobą.",
		"subject.again":    "Mamy już Twoje zgłoszenie",
		"body.again":       "Otrzymaliśmy kolejne zgłoszenie z tym adresem, ale jesteś już u nas zarejestrowany(-a). Nie musisz nic robić.",
		"subject.rejected": "Twoje zgłoszenie nie zostało zatwierdzone",
		"body.rejected":    "Niestety nie mogliśmy zatwierdzić Twojego zgłoszenia.",
		"reason":           "Uzasadnienie:",
		"greeting":         "Dzień dobry",
		"signature":        "Pozdrawiamy, związek",
	},
}

func joinText(lang, key string) string {
	if t := joinTexts[lang][key]; t != "" {
		return t
	}
	return joinTexts["nb"][key]
}

// joinMail is the e-mail to an applicant of the given kind: pending,
// approved, again or rejected.
func joinMail(app *model.Application, p *model.Person, personID int64, kind string) model.Mail {
	l := app.Lang
	return model.Mail{
		ToAddr:   p.Email,
		ToName:   p.FirstName + " " + p.LastName,
		Subject:  joinText(l, "subject."+kind),
		TextBody: joinText(l, "greeting") + " " + p.FirstName + ",\n\n" + joinText(l, "body."+kind) + "\n\n" + joinText(l, "signature") + "\n",
		Kind:     model.MailJoinConfirmation,
		PersonID: personID,
	}
}

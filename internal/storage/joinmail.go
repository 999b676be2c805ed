package storage

import "github.com/verve-union/verve/internal/model"

// joinTexts are the e-mails to applicants, in the language they applied in.
var joinTexts = map[string]map[string]string{
	"nb": {
		"subject.pending":  "Vi har mottatt innmeldingen din",
		"body.pending":     "Takk for at du meldte deg inn! Vi har mottatt søknaden din og gir beskjed når medlemskapet er godkjent.",
		"subject.approved": "Velkommen som medlem",
		"body.approved":    "Velkommen som medlem! Medlemskapet ditt er registrert. Den tillitsvalgte på arbeidsplassen din tar kontakt.",
		"subject.confirm":  "Bekreft innmeldingen din",
		"body.confirm":     "Takk for at du vil bli medlem! Åpne lenken under og trykk «Bekreft» for å fullføre innmeldingen. Lenken virker i 48 timer.\n\n{link}\n\nHar du ikke meldt deg inn selv, kan du se bort fra denne e-posten. Da skjer det ingenting.",
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
		"subject.confirm":  "Confirm your application",
		"body.confirm":     "Thank you for joining! Open the link below and press “Confirm” to complete your application. The link works for 48 hours.\n\n{link}\n\nIf you did not apply yourself, you can ignore this e-mail. Nothing will happen.",
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
		"subject.confirm":  "Potwierdź swoje zgłoszenie",
		"body.confirm":     "Dziękujemy za chęć przystąpienia! Otwórz poniższy link i naciśnij „Potwierdź”, aby dokończyć zgłoszenie. Link jest ważny przez 48 godzin.\n\n{link}\n\nJeśli to nie Ty się zgłosiłeś(-aś), zignoruj tę wiadomość. Nic się nie stanie.",
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

// joinMail is the e-mail to an applicant of the given kind: confirm (with
// a {link} to fill in), pending, approved or rejected. It depends only on
// what the applicant typed, never on whom else Verve knows.
func joinMail(l string, p *model.Person, personID int64, kind string) model.Mail {
	return model.Mail{
		ToAddr:   p.Email,
		ToName:   p.FirstName + " " + p.LastName,
		Subject:  joinText(l, "subject."+kind),
		TextBody: joinText(l, "greeting") + " " + p.FirstName + ",\n\n" + joinText(l, "body."+kind) + "\n\n" + joinText(l, "signature") + "\n",
		Kind:     model.MailJoinConfirmation,
		PersonID: personID,
	}
}

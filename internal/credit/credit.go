// Package credit decides when a recruit earns their recruiter a credit
// and what the recruiter is told: a membership counts once it has been
// active and paid for the union's number of credit months (a month of a
// type without dues, such as a student month, counts as paid), and only
// once per recruit, so a later membership of the same person (a student's
// transfer to a working membership) earns nothing more.
//
// Storage finds the candidates set-wise with the same conditions (Due),
// counts their paid months, asks Earns, and records the credit and the
// thank-you mail in one transaction.
package credit

import (
	"slices"
	"time"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

// Recruit is a recruited membership as storage reads it.
type Recruit struct {
	Type      model.MembershipType
	Status    model.MembershipStatus
	Start     time.Time
	Recruited bool // it names a recruiter
	Credited  bool // this or another membership of the person already earned a credit
}

// Due is the latest start a membership can have and count today: months
// before today.
func Due(today time.Time, months int) time.Time { return today.AddDate(0, -months, 0) }

// PaysDues reports whether months of the membership type must be paid to
// count.
func PaysDues(typ model.MembershipType) bool { return !slices.Contains(model.DuesFree, typ) }

// Window is the months [from, to) that must be paid: the credit months
// from the month the membership started.
func Window(start time.Time, months int) (from, to time.Time) {
	from = model.MonthOf(start.UTC())
	return from, from.AddDate(0, months, 0)
}

// Earns reports whether the recruit earns the credit today, given the
// union's credit months and the months of Window paid.
func Earns(r Recruit, today time.Time, months, paid int) bool {
	if !r.Recruited || r.Credited || r.Status != model.StatusActive || r.Start.After(Due(today, months)) {
		return false
	}
	return !PaysDues(r.Type) || paid >= months
}

// Thanks is the e-mail to a recruiter whose recruit counted: their first
// name, the recruit's first name, the credit months and how many of their
// recruits have counted in all.
func Thanks(lang, first, recruit string, months, total int) (subject, body string) {
	subject = locale.T(lang, "credit.mail.subject", "recruit", recruit)
	body = locale.T(lang, "credit.mail.greeting", "name", first) + "\n\n" +
		locale.N(lang, "credit.mail.counted", months, "recruit", recruit) + "\n" +
		locale.N(lang, "credit.mail.total", total) + "\n\n" +
		locale.T(lang, "credit.mail.signature") + "\n"
	return subject, body
}

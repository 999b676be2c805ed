package model

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// DuesFree lists the membership types without dues: a month of such a
// membership counts as paid when recruiter credit is reckoned.
var DuesFree = []MembershipType{TypeStudent}

// Application is what a visitor sends from the public join page.
type Application struct {
	Person             Person // name, e-mail, mobile, postal code, optional fnr
	Type               MembershipType
	WorkplaceID        int64 // chosen from the search; 0 if none
	Institution        string
	Programme          string
	ExpectedGraduation time.Time
	ReferralCode       string // the recruiter's code, from the link or typed
	Consent            bool
	Lang               string // nb, en or pl: the language of the confirmation
	// ConfirmURL is the confirmation link up to its token
	// (https://…/bli-medlem/bekreft/); the token and ?lang= are added.
	ConfirmURL string
}

// ApplicationResult says what a confirmed application led to: always a
// new person with a new membership.
type ApplicationResult struct {
	PersonID     int64
	MembershipID int64
	Status       MembershipStatus // pending, or active where the union auto-approves
	RecruiterID  int64
	Candidates   int // known persons it may be, left for a person to decide
}

// Validate normalises the application and reports every problem by field,
// as catalogue keys. The mobile number must be a Norwegian mobile number.
func (a *Application) Validate(today time.Time) error {
	var v Validation
	p := &a.Person
	mobile := strings.TrimSpace(p.Mobile)
	v.AddFields(p.Validate(today))
	v.Check(p.Email != "", "email", "valid.email.required")
	v.Check(mobile != "", "mobile", "valid.mobile.required")
	if mobile != "" {
		// A second opinion from libphonenumber: a number our own parser
		// took must also be a valid Norwegian mobile number there.
		if num, err := phonenumbers.Parse(mobile, "NO"); err != nil || !phonenumbers.IsValidNumberForRegion(num, "NO") ||
			phonenumbers.GetNumberType(num) != phonenumbers.MOBILE {
			v.Add("mobile", "valid.mobile")
		}
	}
	v.Check(p.PostalCode != "", "postal_code", "valid.postal_code.required")
	v.Check(a.Type.Valid(), "type", "valid.type")
	a.Institution, a.Programme = strings.TrimSpace(a.Institution), strings.TrimSpace(a.Programme)
	a.ReferralCode = strings.ToUpper(strings.TrimSpace(a.ReferralCode))
	for field, s := range map[string]string{"institution": a.Institution, "programme": a.Programme, "ref": a.ReferralCode} {
		v.Check(utf8.RuneCountInString(s) <= maxText, field, "valid.toolong", "n", maxText)
		v.Check(utf8.ValidString(s) && !strings.ContainsAny(s, "\x00\r\n"), field, "valid.badchars")
	}
	if a.Type == TypeStudent {
		v.Check(a.Institution != "", "institution", "valid.institution")
		v.Check(a.Programme != "", "programme", "valid.programme")
		v.Check(!a.ExpectedGraduation.IsZero(), "graduation", "valid.graduation.required")
		if !a.ExpectedGraduation.IsZero() {
			v.Check(!a.ExpectedGraduation.Before(today.AddDate(0, -1, 0)) && a.ExpectedGraduation.Before(today.AddDate(10, 0, 0)),
				"graduation", "valid.graduation.range")
		}
	} else {
		a.Institution, a.Programme, a.ExpectedGraduation = "", "", time.Time{}
	}
	v.Check(a.Consent, "consent", "valid.consent")
	if a.Lang != "en" && a.Lang != "pl" {
		a.Lang = "nb"
	}
	return v.Err()
}

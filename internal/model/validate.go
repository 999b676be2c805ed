package model

import (
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/norway"
)

// maxText bounds free-text fields so a pasted novel cannot bloat a row.
const maxText = 200

// Validate normalises the person's fields (trims, canonical mobile and
// fødselsnummer) and reports every problem by field, as catalogue keys. today is
// the calendar day (clock.Day) a birth date may not come after.
func (p *Person) Validate(today time.Time) error {
	var v Validation
	p.FirstName = strings.TrimSpace(p.FirstName)
	p.LastName = strings.TrimSpace(p.LastName)
	p.Email = strings.TrimSpace(p.Email)
	p.Address = strings.TrimSpace(p.Address)
	p.PostalCode = strings.TrimSpace(p.PostalCode)
	v.Check(p.FirstName != "", "first_name", "valid.first_name.required")
	v.Check(p.LastName != "", "last_name", "valid.last_name.required")
	for field, s := range map[string]string{"first_name": p.FirstName, "last_name": p.LastName, "address": p.Address, "email": p.Email} {
		v.Check(utf8.RuneCountInString(s) <= maxText, field, "valid.toolong", "n", maxText)
		v.Check(utf8.ValidString(s) && !strings.ContainsAny(s, "\x00\r\n"), field, "valid.badchars")
	}
	if p.Email != "" {
		a, err := mail.ParseAddress(p.Email)
		if err != nil || a.Address != p.Email || !strings.Contains(p.Email[strings.LastIndex(p.Email, "@"):], ".") {
			v.Add("email", "valid.email")
		}
	}
	if p.Mobile != "" {
		m, err := norway.NormalizeMobile(p.Mobile)
		if err != nil {
			v.Add("mobile", normKey(err))
		} else {
			p.Mobile = m
		}
	}
	if p.PostalCode != "" {
		if err := norway.ValidatePostalCode(p.PostalCode); err != nil {
			v.Add("postal_code", normKey(err))
		}
	}
	if p.Fnr != "" {
		f, err := norway.ParseFnr(p.Fnr)
		if err != nil {
			v.Add("fnr", normKey(err))
		} else {
			p.Fnr = f.String()
			if p.BirthDate.IsZero() {
				p.BirthDate = f.BirthDate()
			} else if !SameDay(p.BirthDate, f.BirthDate()) {
				v.Add("birth_date", "valid.birth_date.fnr")
			}
		}
	}
	if !p.BirthDate.IsZero() && (p.BirthDate.Year() < 1900 || p.BirthDate.After(today)) {
		v.Add("birth_date", "valid.birth_date")
	}
	return v.Err()
}

// ChangedFields lists the fields that differ from old (all set fields when
// old is nil), for the audit log.
func (p *Person) ChangedFields(old *Person) []string {
	if old == nil {
		old = &Person{}
	}
	var out []string
	for _, f := range []struct {
		name     string
		new, old any
	}{
		{"first_name", p.FirstName, old.FirstName}, {"last_name", p.LastName, old.LastName},
		{"birth_date", p.BirthDate, old.BirthDate}, {"fnr", p.Fnr, old.Fnr}, {"email", p.Email, old.Email},
		{"mobile", p.Mobile, old.Mobile}, {"address", p.Address, old.Address}, {"postal_code", p.PostalCode, old.PostalCode},
		{"workplace_id", p.WorkplaceID, old.WorkplaceID}, {"member_status", p.MemberStatus, old.MemberStatus},
		{"other_union", p.OtherUnion, old.OtherUnion},
	} {
		if f.new != f.old {
			out = append(out, f.name)
		}
	}
	return out
}

// SameDay reports whether a and b fall on the same calendar day.
func SameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.Month() == b.Month() && a.Day() == b.Day()
}

// normKey is the catalogue key of a norway package error, or its text.
func normKey(err error) string {
	var e *norway.Error
	if errors.As(err, &e) {
		return e.Key
	}
	return err.Error()
}

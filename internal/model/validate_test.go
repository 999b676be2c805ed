package model

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// fieldsOf is the sorted field names an error reports.
func fieldsOf(err error) []string {
	var out []string
	for k := range FieldErrors(err) {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// today is the day these tests validate on.
var today = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

func TestPersonValidateNormalises(t *testing.T) {
	p := &Person{FirstName: "  Kari ", LastName: "Nordmann", Email: " kari@example.no ", Mobile: "+47 912 34 567",
		PostalCode: " 0150 ", Fnr: "01019012480"}
	if err := p.Validate(today); err != nil {
		t.Fatal(err)
	}
	if p.FirstName != "Kari" || p.Email != "kari@example.no" || p.PostalCode != "0150" {
		t.Errorf("not trimmed: %+v", p)
	}
	if p.Mobile != "+4791234567" {
		t.Errorf("mobile = %q, want the canonical +4791234567", p.Mobile)
	}
	if want := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC); !SameDay(p.BirthDate, want) {
		t.Errorf("birth date from the fødselsnummer = %v", p.BirthDate)
	}
}

func TestPersonValidateReportsEveryField(t *testing.T) {
	p := &Person{FirstName: " ", LastName: strings.Repeat("x", 201), Email: "kari@localhost", Mobile: "123",
		PostalCode: "12", Fnr: "01019012481", Address: "Gate 1\r\nBcc: x"}
	err := p.Validate(today)
	if ErrorCode(err) != EINVALID {
		t.Fatalf("Validate() = %v, want invalid", err)
	}
	want := []string{"address", "email", "first_name", "fnr", "last_name", "mobile", "postal_code"}
	if got := fieldsOf(err); !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
	if got := FieldErrors(err)["first_name"]; got != "Fornavn må fylles ut." {
		t.Errorf("first_name message = %q", got)
	}
}

func TestPersonValidateBirthDate(t *testing.T) {
	p := &Person{FirstName: "Kari", LastName: "Nordmann", Fnr: "01019012480", BirthDate: time.Date(1991, 1, 1, 0, 0, 0, 0, time.UTC)}
	if got := fieldsOf(p.Validate(today)); !slices.Equal(got, []string{"birth_date"}) {
		t.Errorf("a birth date unlike the fødselsnummer's: fields %v", got)
	}
	p = &Person{FirstName: "Kari", LastName: "Nordmann", BirthDate: today.AddDate(0, 0, 1)}
	if got := fieldsOf(p.Validate(today)); !slices.Equal(got, []string{"birth_date"}) {
		t.Errorf("a birth date in the future: fields %v", got)
	}
}

func TestApplicationValidate(t *testing.T) {
	today := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ok := func() *Application {
		return &Application{Person: Person{FirstName: "Ola", LastName: "Nordmann", Email: "ola@example.no", Mobile: "91234567",
			PostalCode: "0150"}, Type: TypeOrdinary, Consent: true, ReferralCode: " ab12 ", Lang: "de"}
	}
	a := ok()
	if err := a.Validate(today); err != nil {
		t.Fatal(err)
	}
	if a.ReferralCode != "AB12" || a.Lang != "nb" {
		t.Errorf("not normalised: code %q, lang %q", a.ReferralCode, a.Lang)
	}

	// The person's own checks and the application's come back together.
	a = ok()
	a.Person.FirstName, a.Person.Email, a.Person.Mobile, a.Consent, a.Type = "", "", "", false, "x"
	want := []string{"consent", "email", "first_name", "mobile", "type"}
	if got := fieldsOf(a.Validate(today)); !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}

	// A mobile number our parser takes but that is not a Norwegian mobile.
	a = ok()
	a.Person.Mobile = "22334455"
	if got := fieldsOf(a.Validate(today)); !slices.Equal(got, []string{"mobile"}) {
		t.Errorf("landline: fields %v", got)
	}

	// A student needs a graduation date within ten years; others lose the
	// student fields.
	a = ok()
	a.Type, a.Institution, a.Programme, a.ExpectedGraduation = TypeStudent, "NTNU", "Sykepleie", today.AddDate(11, 0, 0)
	if got := fieldsOf(a.Validate(today)); !slices.Equal(got, []string{"graduation"}) {
		t.Errorf("graduation in eleven years: fields %v", got)
	}
	a = ok()
	a.Institution, a.ExpectedGraduation = "NTNU", today.AddDate(1, 0, 0)
	if err := a.Validate(today); err != nil || a.Institution != "" || !a.ExpectedGraduation.IsZero() {
		t.Errorf("ordinary member keeps student fields: %v %+v", err, a)
	}
}

func TestMailValidate(t *testing.T) {
	m := &Mail{ToAddr: " sara@example.no ", Subject: "Bekreft", TextBody: "Hei", Kind: "join_confirm"}
	if err := m.Validate(); err != nil || m.ToAddr != "sara@example.no" {
		t.Fatalf("Validate() = %v, to %q", err, m.ToAddr)
	}
	m = &Mail{ToAddr: "sara@example.no", ToName: "Sara\r\nBcc: x", Subject: "", TextBody: "", Kind: "k"}
	want := []string{"subject", "text_body", "to_name"}
	if got := fieldsOf(m.Validate()); !slices.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
}

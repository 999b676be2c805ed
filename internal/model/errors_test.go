package model

import (
	"errors"
	"fmt"
	"maps"
	"testing"
)

func TestErrorCodeAndMessage(t *testing.T) {
	plain := errors.New("database is locked")
	typed := Errorf(ENOTFOUND, "Fant ikke %s.", "personen")
	for _, c := range []struct {
		err        error
		code, msg  string
		orTextWant string
	}{
		{nil, "", "Det oppstod en intern feil.", ""},
		{plain, EINTERNAL, "Det oppstod en intern feil.", "database is locked"},
		{typed, ENOTFOUND, "Fant ikke personen.", "Fant ikke personen."},
		// Wrapped errors keep their code and message.
		{fmt.Errorf("load: %w", typed), ENOTFOUND, "Fant ikke personen.", "Fant ikke personen."},
	} {
		if got := ErrorCode(c.err); got != c.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", c.err, got, c.code)
		}
		if got := ErrorMessage(c.err); got != c.msg {
			t.Errorf("ErrorMessage(%v) = %q, want %q", c.err, got, c.msg)
		}
		if c.err != nil {
			if got := ErrorMessageOrText(c.err); got != c.orTextWant {
				t.Errorf("ErrorMessageOrText(%v) = %q, want %q", c.err, got, c.orTextWant)
			}
		}
	}
}

func TestErrorText(t *testing.T) {
	if got := Errorf(ECONFLICT, "Finnes fra før.").Error(); got != "verve: conflict: Finnes fra før." {
		t.Errorf("Error() = %q", got)
	}
	e := &Error{Code: EINVALID, Message: "Skjemaet har feil.", Fields: map[string]string{"b": "B mangler.", "a": "A mangler."}}
	if got, want := e.Error(), "verve: invalid: Skjemaet har feil. (a: A mangler.; b: B mangler.)"; got != want {
		t.Errorf("Error() = %q, want %q (fields sorted)", got, want)
	}
}

func TestFieldErrors(t *testing.T) {
	fields := map[string]string{"email": "E-postadressen er ikke gyldig."}
	e := &Error{Code: EINVALID, Message: "Skjemaet har feil.", Fields: fields}
	if got := FieldErrors(fmt.Errorf("save: %w", e)); !maps.Equal(got, fields) {
		t.Errorf("FieldErrors(wrapped) = %v, want %v", got, fields)
	}
	for _, err := range []error{nil, errors.New("x"), Errorf(EINVALID, "Ingen felt.")} {
		if got := FieldErrors(err); len(got) != 0 {
			t.Errorf("FieldErrors(%v) = %v, want none", err, got)
		}
	}
}

func TestValidation(t *testing.T) {
	var v Validation
	if err := v.Err(); err != nil {
		t.Fatalf("empty validation: %v", err)
	}
	v.Check(true, "first_name", "never")
	if err := v.Err(); err != nil {
		t.Fatalf("a passed check: %v", err)
	}
	v.Check(false, "first_name", "Fornavn må fylles ut.")
	v.Add("first_name", "second message is dropped")
	v.Add("mobile", "Mobilnummeret er ikke gyldig.")
	// AddFields takes another check's fields without overwriting.
	v.AddFields(&Error{Code: EINVALID, Fields: map[string]string{"mobile": "dropped", "email": "E-post mangler."}})
	v.AddFields(errors.New("no fields"))
	v.AddFields(nil)
	err := v.Err()
	if ErrorCode(err) != EINVALID || ErrorMessage(err) != "Skjemaet har feil. Rett feltene som er merket." {
		t.Fatalf("Err() = %v", err)
	}
	want := map[string]string{"first_name": "Fornavn må fylles ut.", "mobile": "Mobilnummeret er ikke gyldig.", "email": "E-post mangler."}
	if got := FieldErrors(err); !maps.Equal(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
}

// TestErrorsTranslate: a keyed error and its fields read in the language
// asked for; a message not in the catalogue passes as it is; Message and
// Fields stay bokmål.
func TestErrorsTranslate(t *testing.T) {
	var v Validation
	v.Add("name", "valid.toolong", "n", 200)
	v.Add("other", "Fritt formulert.")
	err := v.Err()
	if got := ErrorMessage(err); got != "Skjemaet har feil. Rett feltene som er merket." {
		t.Errorf("bokmål message %q", got)
	}
	if got := FieldErrors(err)["name"]; got != "Feltet kan ha høyst 200 tegn." {
		t.Errorf("bokmål field %q", got)
	}
	if got := ErrorMessageIn(err, "pl"); got != "Formularz zawiera błędy. Popraw zaznaczone pola." {
		t.Errorf("pl message %q", got)
	}
	f := FieldErrorsIn(err, "en")
	if f["name"] != "The field can have at most 200 characters." || f["other"] != "Fritt formulert." {
		t.Errorf("en fields %v", f)
	}
	if got := ErrorMessageIn(Errorf(ECONFLICT, "Finnes fra før."), "en"); got != "Finnes fra før." {
		t.Errorf("unkeyed message %q", got)
	}
	if got := ErrorMessageIn(errors.New("secret"), "en"); got != "An internal error occurred." {
		t.Errorf("internal error %q", got)
	}
}

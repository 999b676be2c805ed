package importer

import (
	"slices"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

func TestGuessNames(t *testing.T) {
	want := map[Field][]string{
		FirstName:  {"Fornavn", "FORNAVN", "  fornavn ", "First name", "first_name", "FirstName", "Given name", "Fornavn og mellomnavn"},
		LastName:   {"Etternavn", "Last name", "last-name", "Surname", "Family name"},
		FullName:   {"Navn", "Fullt navn", "Name", "Full name", "Etternavn, fornavn", "Etternavn,Fornavn", "Fornavn Etternavn"},
		BirthDate:  {"Fødselsdato", "Fodselsdato", "FØDSELSDATO", "Født", "Birth date", "Date of birth", "DOB", "D.O.B.", "Fødselsdato (dd.mm.åååå)"},
		Fnr:        {"Personnummer", "Fødselsnummer", "fnr", "Pnr", "Personal ID", "National ID", "F.nr.", "Fødselsnummer (11 siffer)"},
		Email:      {"E-post", "Epost", "e-post*", "Mail", "Email", "E-mail", "E-postadresse"},
		Mobile:     {"Mobil", "Mobilnr", "Mobilnr.", "Telefon", "Tlf", "Tlf.", "Phone", "Mobile", "Mobile phone"},
		StartDate:  {"Startdato", "Tiltredelse", "Tiltredelsesdato", "Ansatt fra", "Første arbeidsdag", "Forste arbeidsdag", "Start date", "Hire date"},
		Position:   {"Stilling", "Stillingstittel", "Position", "Job title", "Title"},
		Department: {"Avdeling", "Seksjon", "Enhet", "Department"},
		Location:   {"Lokasjon", "Sted", "Arbeidssted", "Kontor", "Location", "Site", "Office"},
		Ignore:     {"", "Lønn", "Kommentar", "Ansattnr", "Stillingsprosent", "Nyansatte ved Sykehuset X, mars 2026"},
	}
	for f, headers := range want {
		for _, h := range headers {
			if got := Guess([]string{h})[0]; got != f {
				t.Errorf("Guess(%q) = %q, want %q", h, got, f)
			}
		}
	}
}

func TestGuessOrderAndDuplicates(t *testing.T) {
	header := []string{"Avdeling", "E-post", "Ukjent", "Etternavn", "Startdato", "Fornavn", "Privat e-post", "Epost"}
	got := Guess(header)
	want := Mapping{Department, Email, Ignore, LastName, StartDate, FirstName, Ignore, Ignore}
	if !slices.Equal(got, want) {
		t.Errorf("Guess = %q, want %q", got, want)
	}
	if err := got.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestRememberApply(t *testing.T) {
	header := []string{"Fornavn", "Etternavn", "Telefon", "Privat e-post", "E-post jobb", "Avdeling"}
	m := Guess(header)
	if !slices.Equal(m, Mapping{FirstName, LastName, Mobile, Ignore, Ignore, Department}) {
		t.Fatalf("Guess = %q", m)
	}
	// The steward: "Telefon" is a landline, skip it; the private address is
	// the one to use; "Avdeling" is really the location.
	m[2], m[3], m[5] = Ignore, Email, Location
	saved := Remember(header, m)
	if saved["telefon"] != Ignore || saved["privatepost"] != Email {
		t.Errorf("saved = %v", saved)
	}

	// Next month's list: other order, other case, one new column.
	next := []string{"AVDELING", "privat e-post", "Etternavn", "Fornavn", "TELEFON", "E-post", "Startdato"}
	got := Apply(next, saved)
	want := Mapping{Location, Email, LastName, FirstName, Ignore, Ignore, StartDate}
	if !slices.Equal(got, want) {
		t.Errorf("Apply = %q, want %q", got, want)
	}
	if err := got.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	// Round trip: remembering the applied mapping gives the same choices.
	again := Remember(next, got)
	for k, v := range saved {
		if again[k] != v {
			t.Errorf("round trip %q: %q, want %q", k, again[k], v)
		}
	}
	// Unknown field values from storage are ignored, not trusted.
	if got := Apply([]string{"Fornavn", "X"}, map[string]Field{"x": "salary"}); got[1] != Ignore {
		t.Errorf("unknown saved field applied: %q", got)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		m    Mapping
		want string // "" = ok
	}{
		{Mapping{FirstName, LastName}, ""},
		{Mapping{FullName, Email}, ""},
		{Mapping{FirstName, LastName, FullName}, ""},
		{Mapping{FirstName, Email}, "navnekolonner"},
		{Mapping{Email, Mobile}, "navnekolonner"},
		{Mapping{}, "navnekolonner"},
		{Mapping{FullName, Email, Email}, "Feltet «E-post» er valgt for mer enn én kolonne."},
		{Mapping{FullName, Ignore, Ignore}, ""},
		{Mapping{FullName, "salary"}, "Ukjent felt"},
	} {
		err := tc.m.Check()
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.m, err)
			}
			continue
		}
		if err == nil || !strings.Contains(model.ErrorMessage(err), tc.want) || model.ErrorCode(err) != model.EINVALID {
			t.Errorf("%q: %v, want %q", tc.m, err, tc.want)
		}
	}
	// The field a message names is in the reader's language.
	if got := model.ErrorMessageIn(Mapping{FullName, Email, Email}.Check(), "en"); got != "The field “E-mail” is chosen for more than one column." {
		t.Errorf("en: %q", got)
	}
}

func TestLabels(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Fields {
		l := f.Label()
		if l == "" || l == string(f) || seen[l] {
			t.Errorf("label of %q = %q", f, l)
		}
		seen[l] = true
	}
	if FirstName.Label() != "Fornavn" || Fnr.Label() != "Fødselsnummer" || StartDate.Label() != "Startdato" {
		t.Error("labels changed")
	}
	// Every field has at least one header that guesses it.
	guessed := map[Field]bool{}
	for _, f := range aliases {
		guessed[f] = true
	}
	for _, f := range Fields {
		if !guessed[f] {
			t.Errorf("no header guesses %q", f)
		}
	}
	for _, f := range append([]Field{Ignore}, Fields...) {
		if !locale.Has("nb", f.LabelKey()) || !locale.Has("en", f.LabelKey()) {
			t.Errorf("field %q has no label in the catalogue", f)
		}
	}
}

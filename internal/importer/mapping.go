package importer

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

// Field is the canonical meaning of a column.
type Field string

// The fields a column can be mapped to.
const (
	Ignore     Field = ""
	FirstName  Field = "first_name"
	LastName   Field = "last_name"
	FullName   Field = "full_name"
	BirthDate  Field = "birth_date"
	Fnr        Field = "fnr"
	Email      Field = "email"
	Mobile     Field = "mobile"
	StartDate  Field = "start_date"
	Position   Field = "position"
	Department Field = "department"
	Location   Field = "location"
)

// Fields lists every non-Ignore field in display order.
var Fields = []Field{FirstName, LastName, FullName, BirthDate, Fnr, Email, Mobile, StartDate, Position, Department, Location}

// LabelKey is the catalogue key of the field's name, as shown in the
// mapping form.
func (f Field) LabelKey() string {
	if f == Ignore {
		return "import.field.ignore"
	}
	return "import.field." + string(f)
}

// Label returns the field's name in bokmål (see LabelKey).
func (f Field) Label() string {
	if !validField(f) {
		return string(f)
	}
	return locale.T("nb", f.LabelKey())
}

// aliases maps normalised header text (see normHeader) to a field. Headers
// arrive in Norwegian and English, with or without æøå, so both spellings
// are listed where ASCII exports drop the letters differently (ø→o, å→a).
var aliases = map[string]Field{}

func init() {
	for f, names := range map[Field][]string{
		FirstName: {"fornavn", "first name", "firstname", "given name", "given names", "forename", "first names",
			"fornavn og mellomnavn", "fornavn mellomnavn"},
		LastName: {"etternavn", "last name", "surname", "family name"},
		FullName: {"navn", "fullt navn", "name", "full name", "etternavn, fornavn", "fornavn etternavn",
			"ansattnavn", "navn på ansatt", "employee name"},
		BirthDate: {"fødselsdato", "født", "fødd", "birth date", "date of birth", "birthdate", "dob", "birthday",
			"f.dato", "fødselsdag"},
		Fnr: {"personnummer", "fødselsnummer", "fnr", "pnr", "personal id", "national id", "fødselsnr",
			"personnr", "national id number", "personal id number", "f.nr", "fødselsnummer/d-nummer", "d-nummer"},
		Email: {"e-post", "epost", "mail", "email", "e-mail", "e-postadresse", "epostadresse", "email address",
			"e-mail address", "mailadresse"},
		Mobile: {"mobil", "mobilnr", "mobilnummer", "telefon", "telefonnr", "telefonnummer", "tlf", "tlf.nr",
			"phone", "phone number", "mobile", "mobile phone", "mobile number", "cell phone", "mobiltelefon"},
		StartDate: {"startdato", "tiltredelse", "tiltredelsesdato", "ansatt fra", "første arbeidsdag", "start date",
			"hire date", "ansettelsesdato", "oppstart", "oppstartsdato", "tiltrådt", "employment start",
			"start", "first working day"},
		Position: {"stilling", "stillingstittel", "position", "job title", "title", "tittel",
			"stillingsbetegnelse", "role", "rolle"},
		Department: {"avdeling", "seksjon", "enhet", "department", "dept", "section", "unit"},
		Location: {"lokasjon", "sted", "arbeidssted", "kontor", "location", "site", "office",
			"tjenestested", "work location"},
	} {
		for _, n := range names {
			aliases[NormHeader(n)] = f
		}
	}
}

// NormHeader reduces a header cell to lower-case letters and digits, so that
// "Fødsels-dato", "FODSELSDATO" and "fødselsdato (dd.mm.åååå)" are equal.
// Bracketed hints and required-field stars are dropped; æøå become ASCII the
// way people type them without a Norwegian keyboard.
func NormHeader(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		switch {
		case r == '(' || r == '[':
			depth++
		case r == ')' || r == ']':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ø':
			b.WriteByte('o')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
		// Everything else (accents after NFKD, spaces, punctuation) is dropped;
		// å decomposes to a + ring, so it becomes a.
	}
	return b.String()
}

// Aliases returns a copy of the header names the importer recognises, keyed
// by NormHeader, for readers of other files that share its person columns.
func Aliases() map[string]Field { return maps.Clone(aliases) }

func guessOne(h string) Field { return aliases[NormHeader(h)] }

// Mapping assigns a field to each header column.
type Mapping []Field

// Guess maps header cells to fields by name. Each field is used once: a
// second column with the same meaning is left as Ignore.
func Guess(header []string) Mapping { return GuessFields(header, aliases) }

// GuessFields maps header cells to fields of any kind through aliases
// (keyed by NormHeader). Each field is used once; the zero F is "ignore".
func GuessFields[F comparable](header []string, aliases map[string]F) []F {
	var zero F
	m := make([]F, len(header))
	used := map[F]bool{}
	for i, h := range header {
		f := aliases[NormHeader(h)]
		if f != zero && !used[f] {
			m[i] = f
			used[f] = true
		}
	}
	return m
}

// knownColumn is Options.Column, or the new-hire columns without one.
func knownColumn(opt Options) func(string) bool {
	if opt.Column != nil {
		return opt.Column
	}
	return func(c string) bool { return guessOne(c) != Ignore }
}

// recognised counts header-like cells, for finding the header row.
func recognised(cells []string, known func(string) bool) int {
	n := 0
	for _, c := range cells {
		if len(c) <= 60 && known(c) {
			n++
		}
	}
	return n
}

// Remember returns the choices in m keyed by normalised header text, for
// saving per employer. Ignored columns are kept too, so that a deliberate
// "do not import" survives the next upload.
func Remember(header []string, m Mapping) map[string]Field { return RememberFields(header, m) }

// RememberFields is Remember for fields of any kind.
func RememberFields[F comparable](header []string, m []F) map[string]F {
	saved := make(map[string]F, len(header))
	for i, h := range header {
		if i >= len(m) {
			break
		}
		if k := NormHeader(h); k != "" {
			saved[k] = m[i]
		}
	}
	return saved
}

// Apply maps header with saved choices, falling back to Guess for columns
// not seen before. A saved choice wins over a guess for the same field.
func Apply(header []string, saved map[string]Field) Mapping {
	return ApplyFields(header, saved, aliases, validField)
}

// ApplyFields is Apply for fields of any kind: aliases for the guess, and
// valid to drop saved choices that are no longer fields.
func ApplyFields[F comparable](header []string, saved, aliases map[string]F, valid func(F) bool) []F {
	var zero F
	m := GuessFields(header, aliases)
	chosen := map[F]bool{}
	fromSaved := make([]bool, len(header))
	for i, h := range header {
		if f, ok := saved[NormHeader(h)]; ok && valid(f) {
			m[i], fromSaved[i] = f, true
			chosen[f] = true
		}
	}
	for i, f := range m {
		if !fromSaved[i] && chosen[f] {
			m[i] = zero
		}
	}
	return m
}

func validField(f Field) bool {
	return f == Ignore || slices.Contains(Fields, f)
}

// Check reports a mapping that cannot produce people: no name, or a field
// chosen for two columns.
func (m Mapping) Check() error {
	seen := map[Field]bool{}
	for _, f := range m {
		if f == Ignore {
			continue
		}
		if !validField(f) {
			return model.ErrorKey(model.EINVALID, "import.mapping.unknown", "field", strconv.Quote(string(f)))
		}
		if seen[f] {
			return model.ErrorKey(model.EINVALID, "import.mapping.twice", "field", model.Text{Key: f.LabelKey()})
		}
		seen[f] = true
	}
	if !seen[FullName] && !(seen[FirstName] && seen[LastName]) {
		return model.ErrorKey(model.EINVALID, "import.mapping.noname")
	}
	return nil
}

// index returns the column mapped to f, or -1.
func (m Mapping) index(f Field) int {
	for i, g := range m {
		if g == f {
			return i
		}
	}
	return -1
}

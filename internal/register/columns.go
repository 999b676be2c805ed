package register

import (
	"slices"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

// aliases maps normalised header text (importer.NormHeader) to a field:
// the names register systems use in Norwegian and English. The person
// columns a new-hire list shares (names, birth date, fødselsnummer, e-mail,
// mobile) come from the importer's own list.
var aliases = map[string]Field{}

func init() {
	shared := map[importer.Field]Field{
		importer.FirstName: FirstName, importer.LastName: LastName, importer.BirthDate: BirthDate,
		importer.Fnr: Fnr, importer.Email: Email, importer.Mobile: Mobile,
	}
	for h, f := range importer.Aliases() {
		if g, ok := shared[f]; ok {
			aliases[h] = g
		}
	}
	for f, names := range map[Field][]string{
		MemberNo: {"medlemsnummer", "medlemsnr", "medlnr", "medl.nr", "medlem nr", "member number", "member no",
			"membership number", "member id", "medlems-id", "medlemsid"},
		Fnr:       {"d-nummer", "dnr", "fnr/dnr", "fødselsnummer/d-nummer", "personnummer/d-nummer", "fødsels- og personnummer"},
		FirstName: {"fornavn"},
		LastName:  {"etternavn"},
		BirthDate: {"fødselsdato"},
		Email:     {"e-post", "epost", "email"},
		Mobile:    {"mobil", "mobilnummer", "mobiltelefon"},
		Address: {"adresse", "gateadresse", "postadresse", "bostedsadresse", "address", "street address",
			"adresselinje 1", "adresselinje"},
		PostalCode:  {"postnr", "postnummer", "postal code", "post code", "postcode", "zip", "zip code"},
		PostalPlace: {"poststed", "sted", "postal place", "city", "town", "post town"},
		Protected: {"fortrolig adresse", "adressesperre", "skjermet", "skjermet adresse", "adressebeskyttelse",
			"sperret adresse", "fortrolig", "kode 6/7", "protected address", "address protection", "confidential address"},
		EmployerOrgnr: {"arbeidsgiver orgnr", "arbeidsgivers orgnr", "arbeidsgiver organisasjonsnummer",
			"organisasjonsnummer", "orgnr", "org.nr", "org nr", "virksomhet orgnr", "virksomhetsnummer",
			"employer orgnr", "employer organisation number", "employer organization number", "organisation number"},
		EmployerName: {"arbeidsgiver", "arbeidsgivernavn", "arbeidsgivers navn", "virksomhet", "arbeidssted",
			"employer", "employer name", "workplace"},
		RegionCode:   {"regionkode", "regionnr", "region kode", "region code", "region no", "region id"},
		RegionName:   {"region", "regionnavn", "region navn", "region name"},
		BranchCode:   {"avdelingskode", "avdelingsnr", "avdelingsnummer", "avdeling kode", "avd.nr", "avdnr", "branch code", "branch no", "branch id"},
		BranchName:   {"avdeling", "avdelingsnavn", "avdeling navn", "avd", "lokalavdeling", "branch", "branch name"},
		ClubCode:     {"klubbkode", "klubbnr", "klubbnummer", "klubb kode", "club code", "club no", "club id"},
		ClubName:     {"klubb", "klubbnavn", "klubb navn", "club", "club name"},
		MemberType:   {"medlemstype", "medlemskategori", "medlemskapstype", "kategori", "member type", "membership type", "category"},
		MemberStatus: {"status", "medlemsstatus", "medlemskapsstatus", "member status", "membership status"},
		Joined: {"innmeldt", "innmeldingsdato", "innmeldt dato", "innmeldt dato", "medlem fra", "medlem siden",
			"joined", "join date", "date joined", "member since"},
		Resigned: {"utmeldt", "utmeldingsdato", "utmeldt dato", "medlem til", "resigned", "resignation date",
			"date resigned", "left"},
		ResignReason: {"utmeldingsårsak", "utmeldingsgrunn", "årsak", "årsak utmelding", "resignation reason",
			"reason", "leave reason"},
		RecruitedBy: {"vervet av", "verver", "vervet av medlemsnr", "ververs medlemsnummer", "rekruttert av",
			"recruited by", "recruiter"},
		Dues: {"kontingentstatus", "trekkstatus", "kontingent", "betalingsstatus", "dues status", "dues",
			"payment status"},
		PaidUpTo: {"betalt til", "betalt tom", "betalt t.o.m.", "kontingent betalt til", "betalt til og med",
			"paid up to", "paid to", "paid until"},
		Roles:    {"verv", "tillitsverv", "roller", "rolle", "roles", "role", "positions of trust"},
		RoleFrom: {"verv fra", "verv fom", "verv f.o.m.", "verv startdato", "role from", "role start", "roles from"},
		RoleTo:   {"verv til", "verv tom", "verv t.o.m.", "verv sluttdato", "role to", "role end", "roles to"},
	} {
		for _, n := range names {
			aliases[importer.NormHeader(n)] = f
		}
	}
	for i, fs := range further {
		n := strconv.Itoa(i + 2)
		for _, h := range []string{"arbeidsgiver # orgnr", "arbeidsgiver orgnr #", "orgnr arbeidsgiver #", "arbeidsgiver # organisasjonsnummer",
			"orgnr #", "organisasjonsnummer #", "employer # orgnr", "employer orgnr #", "employer # organisation number"} {
			aliases[importer.NormHeader(strings.ReplaceAll(h, "#", n))] = fs.Orgnr
		}
		for _, h := range []string{"arbeidsgiver #", "arbeidsgiver # navn", "arbeidsgivernavn #", "arbeidssted #", "employer #",
			"employer # name", "employer name #"} {
			aliases[importer.NormHeader(strings.ReplaceAll(h, "#", n))] = fs.Name
		}
	}
}

// Label is the field's name in bokmål (see LabelKey), for messages.
func (f Field) Label() string {
	if !validField(f) {
		return string(f)
	}
	return locale.T("nb", f.LabelKey())
}

// Column reports whether a header cell names a register column; Open
// gives it to the importer to find the header row below title rows.
func Column(cell string) bool {
	_, ok := aliases[importer.NormHeader(cell)]
	return ok
}

// Guess maps header cells to fields by name; each field once.
func Guess(header []string) []Field { return importer.GuessFields(header, aliases) }

// Remember returns the mapping keyed by normalised header text, for saving
// per union and passing back as ReadOptions.Columns.
func Remember(header []string, m []Field) map[string]Field { return importer.RememberFields(header, m) }

// Apply maps header with remembered choices, guessing the columns not seen
// before.
func Apply(header []string, saved map[string]Field) []Field {
	return importer.ApplyFields(header, saved, aliases, validField)
}

func validField(f Field) bool { return f == Ignore || slices.Contains(Fields, f) }

// CheckMapping reports a mapping a register cannot be read with: a field
// that is not one, a field on two columns, or no member number.
func CheckMapping(m []Field) error {
	seen := map[Field]bool{}
	for _, f := range m {
		if f == Ignore {
			continue
		}
		if !validField(f) {
			return model.ErrorKey(model.EINVALID, "register.mapping.unknown", "field", string(f))
		}
		if seen[f] {
			return model.ErrorKey(model.EINVALID, "register.mapping.twice", "field", f.Label())
		}
		seen[f] = true
	}
	if !seen[MemberNo] {
		return model.ErrorKey(model.EINVALID, "register.mapping.nomemberno")
	}
	// A further employer's column without the first employer's: the
	// employers are compared as one list, the first the primary.
	for _, fs := range further {
		if (seen[fs.Orgnr] || seen[fs.Name]) && !seen[EmployerOrgnr] {
			return model.ErrorKey(model.EINVALID, "register.mapping.employer", "field", fs.Orgnr.Label(), "first", EmployerOrgnr.Label())
		}
	}
	return nil
}

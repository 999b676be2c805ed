package enheter

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/norway"
)

// orgnrFrom is the first valid organisasjonsnummer whose first eight
// digits are 9 followed by base or a later number, and the base after it.
func orgnrFrom(base int) (string, int) {
	for ; ; base++ {
		prefix := fmt.Sprintf("9%07d", base)
		for c := '0'; c <= '9'; c++ {
			if s := prefix + string(c); norway.ValidateOrgnr(s) == nil {
				return s, base + 1
			}
		}
	}
}

// Sub-units are numbered from unitBase, their parents from parentBase: the
// two ranges do not meet below four million units.
const (
	unitBase   = 1_000_000
	parentBase = 5_000_000
)

// genAddress and genUnit are a unit as the register publishes it in the
// JSON file, with the fields Verve ignores too, so that a generated file
// is the size of the real one.
type genAddress struct {
	Country        string   `json:"land"`
	CountryCode    string   `json:"landkode"`
	PostalCode     string   `json:"postnummer"`
	PostalPlace    string   `json:"poststed"`
	Lines          []string `json:"adresse"`
	Municipality   string   `json:"kommune"`
	MunicipalityNo string   `json:"kommunenummer"`
}

type genCode struct {
	Code string `json:"kode"`
	Text string `json:"beskrivelse"`
}

type genLinks struct {
	Self struct {
		Href string `json:"href"`
	} `json:"self"`
}

type genUnit struct {
	Orgnr         string      `json:"organisasjonsnummer"`
	Name          string      `json:"navn"`
	Form          genCode     `json:"organisasjonsform"`
	Registered    string      `json:"registreringsdatoEnhetsregisteret"`
	VAT           bool        `json:"registrertIMvaregisteret"`
	NACE          genCode     `json:"naeringskode1"`
	Employees     *int        `json:"antallAnsatte,omitempty"`
	HasEmployees  bool        `json:"harRegistrertAntallAnsatte"`
	Parent        string      `json:"overordnetEnhet"`
	Started       string      `json:"oppstartsdato,omitempty"`
	Address       genAddress  `json:"beliggenhetsadresse"`
	Closed        string      `json:"nedleggelsesdato,omitempty"`
	PostalAddress *genAddress `json:"postadresse,omitempty"`
	Links         genLinks    `json:"_links"`
}

// genNACE are codes the generator picks from, weighted towards the
// sectors a union organises.
var genNACE = []genCode{
	{"86.101", "Alminnelige somatiske sykehus"}, {"87.101", "Somatiske sykehjem"}, {"88.102", "Hjemmehjelp"},
	{"85.201", "Ordinær grunnskoleundervisning"}, {"84.110", "Generell offentlig administrasjon"},
	{"47.111", "Butikkhandel med bredt vareutvalg med hovedvekt på nærings- og nytelsesmidler"},
	{"56.101", "Drift av restauranter og kafeer"}, {"41.200", "Oppføring av bygninger"},
	{"62.010", "Programmeringstjenester"}, {"49.391", "Rutebiltransport i by- og forstadsområde"},
}

var genStreets = []string{"Storgata", "Kirkegata", "Industriveien", "Sjøgata", "Skolegata", "Parkveien", "Strandveien"}

// Generate writes n units in the register's published JSON format (one
// array, a unit a line), deterministically for seed. About one in twenty
// is closed, one in four has no registered employees.
func Generate(w io.Writer, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	bw.WriteString("[\n")
	next := unitBase
	for i := range n {
		var orgnr string
		orgnr, next = orgnrFrom(next)
		parent, _ := orgnrFrom(parentBase + r.IntN(max(n/3, 1)))
		p := norway.PickPostalPlace(r)
		nace := genNACE[r.IntN(len(genNACE))]
		u := genUnit{
			Orgnr:        orgnr,
			Name:         fmt.Sprintf("%s %s AVD %d", p.Place, genStreets[r.IntN(len(genStreets))], i),
			Form:         genCode{"BEDR", "Underenhet til næringsdrivende og offentlig forvaltning"},
			Registered:   fmt.Sprintf("%d-%02d-%02d", 1995+r.IntN(30), 1+r.IntN(12), 1+r.IntN(28)),
			VAT:          r.IntN(2) == 0,
			NACE:         nace,
			HasEmployees: r.IntN(4) != 0,
			Parent:       parent,
			Address: genAddress{Country: "Norge", CountryCode: "NO", PostalCode: p.Code, PostalPlace: p.Place,
				Lines:        []string{genStreets[r.IntN(len(genStreets))] + " " + strconv.Itoa(1+r.IntN(120))},
				Municipality: strings.ToUpper(p.Municipality), MunicipalityNo: p.MunicipalityNo},
		}
		u.Links.Self.Href = "https://data.brreg.no/enhetsregisteret/api/underenheter/" + u.Orgnr
		if u.HasEmployees {
			e := 1 + int(r.ExpFloat64()*15)
			u.Employees = &e
		}
		if r.IntN(3) == 0 {
			u.Started = u.Registered
		}
		if r.IntN(20) == 0 {
			u.Closed = fmt.Sprintf("%d-%02d-%02d", 2015+r.IntN(10), 1+r.IntN(12), 1+r.IntN(28))
		}
		if r.IntN(5) == 0 {
			pa := u.Address
			pa.Lines = []string{"Postboks " + strconv.Itoa(1+r.IntN(9000))}
			u.PostalAddress = &pa
		}
		if i > 0 {
			bw.WriteString(",")
		}
		if err := enc.Encode(&u); err != nil {
			return err
		}
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

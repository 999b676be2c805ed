// Package enheter reads Brønnøysund Enhetsregisteret's open bulk file of
// sub-units (underenheter) as the register publishes it: a JSON array of
// objects or CSV with dotted column names, gzipped or not. It reads the file
// as a stream, one unit at a time, so the full register (over a million
// units) takes the same memory as a sample. It also decides which units an
// import adds as new workplaces (Selection).
package enheter

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// Unit is one sub-unit of the register: a place of business.
type Unit struct {
	Orgnr  string // nine digits
	Name   string
	Parent string // the hovedenhet's orgnr (overordnetEnhet)
	// Employees is the registered number of employees; HasEmployees is
	// false when the register gives none (the unit has none registered,
	// or the register withholds it), which is not the same as zero.
	Employees    int
	HasEmployees bool
	NACE         string // naeringskode1.kode, e.g. "86.101"
	NACEText     string // naeringskode1.beskrivelse
	// Address is the beliggenhetsadresse's lines, joined by ", ".
	Address        string
	PostalCode     string
	PostalPlace    string
	Municipality   string // the municipality's name as Verve writes it ("Oslo", not "OSLO")
	MunicipalityNo string
	Closed         time.Time // nedleggelsesdato; zero while the unit is open
}

// Formats of the file.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// Reader reads the units of one file in order.
type Reader struct {
	Format  string // FormatJSON or FormatCSV
	Gzipped bool
	next    func() (Unit, error)
	n       int // records read, valid or not
	skipped int
	err     error
}

// gzipMagic opens every gzip stream.
var gzipMagic = []byte{0x1f, 0x8b}

// NewReader recognises the file's format from its first bytes and returns
// a reader of its units. A file that is neither a JSON array nor CSV with
// the register's columns is refused (enheter.format.unknown).
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	rd := &Reader{}
	if magic, _ := br.Peek(2); bytes.Equal(magic, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, model.ErrorKey(model.EINVALID, "enheter.format.unknown")
		}
		br, rd.Gzipped = bufio.NewReaderSize(zr, 64<<10), true
	}
	first, err := firstByte(br)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, model.ErrorKey(model.EINVALID, "enheter.empty")
		}
		return nil, rd.readError(err)
	}
	if first == '[' {
		rd.Format = FormatJSON
		err = rd.startJSON(br)
	} else {
		rd.Format = FormatCSV
		err = rd.startCSV(br)
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// firstByte skips a byte-order mark and white space and returns the first
// byte of content, unread.
func firstByte(br *bufio.Reader) (byte, error) {
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			return b, br.UnreadByte()
		}
	}
}

// Next returns the next unit, or io.EOF after the last. A unit whose
// organisasjonsnummer is not valid is skipped (Skipped counts it). An
// error other than io.EOF is final: the file is broken or cut short, and
// the caller should use none of it.
func (r *Reader) Next() (Unit, error) {
	if r.err != nil {
		return Unit{}, r.err
	}
	for {
		u, err := r.next()
		if err != nil {
			r.err = err
			return Unit{}, err
		}
		r.n++
		orgnr, oerr := norway.NormalizeOrgnr(u.Orgnr)
		if oerr != nil {
			r.skipped++
			continue
		}
		u.Orgnr = orgnr
		if u.Parent != "" {
			if p, perr := norway.NormalizeOrgnr(u.Parent); perr == nil {
				u.Parent = p
			} else {
				u.Parent = ""
			}
		}
		u.Municipality = municipalityName(u.MunicipalityNo, u.Municipality)
		return u, nil
	}
}

// All yields the units, then the error that ended the file early, if any.
func (r *Reader) All() iter.Seq2[Unit, error] {
	return func(yield func(Unit, error) bool) {
		for {
			u, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(u, err) || err != nil {
				return
			}
		}
	}
}

// Records is the number of units read so far, valid or not.
func (r *Reader) Records() int { return r.n }

// Skipped is the number of units skipped for an invalid organisasjonsnummer.
func (r *Reader) Skipped() int { return r.skipped }

// readError is the error for a file that could not be read to its end:
// cut short (a gzip stream or JSON array that stops mid-way) or broken.
func (r *Reader) readError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) {
		return model.ErrorKey(model.EINVALID, "enheter.truncated", "n", r.n)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end") {
		return model.ErrorKey(model.EINVALID, "enheter.truncated", "n", r.n)
	}
	return model.ErrorKey(model.EINVALID, "enheter.broken", "n", r.n+1, "error", err.Error())
}

// jsonUnit is a unit as the JSON file holds it; fields Verve does not
// keep are left out, and the decoder skips them.
type jsonUnit struct {
	Orgnr        string `json:"organisasjonsnummer"`
	Name         string `json:"navn"`
	Parent       string `json:"overordnetEnhet"`
	Employees    *int   `json:"antallAnsatte"`
	HasEmployees *bool  `json:"harRegistrertAntallAnsatte"`
	NACE         *struct {
		Code string `json:"kode"`
		Text string `json:"beskrivelse"`
	} `json:"naeringskode1"`
	Address *struct {
		Lines          []string `json:"adresse"`
		PostalCode     string   `json:"postnummer"`
		PostalPlace    string   `json:"poststed"`
		Municipality   string   `json:"kommune"`
		MunicipalityNo string   `json:"kommunenummer"`
	} `json:"beliggenhetsadresse"`
	Closed string `json:"nedleggelsesdato"`
}

// startJSON reads the array's opening bracket; next then decodes one
// element at a time, so only one unit is held at once.
func (r *Reader) startJSON(br *bufio.Reader) error {
	dec := json.NewDecoder(br)
	if _, err := dec.Token(); err != nil {
		return r.readError(err)
	}
	var j jsonUnit
	r.next = func() (Unit, error) {
		if !dec.More() {
			// The closing bracket; a file cut between two units lacks it.
			if t, err := dec.Token(); err != nil || t != json.Delim(']') {
				if err == nil || errors.Is(err, io.EOF) {
					err = io.ErrUnexpectedEOF
				}
				return Unit{}, r.readError(err)
			}
			return Unit{}, io.EOF
		}
		j = jsonUnit{}
		if err := dec.Decode(&j); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return Unit{}, r.readError(err)
		}
		u := Unit{Orgnr: j.Orgnr, Name: strings.TrimSpace(j.Name), Parent: j.Parent}
		if j.Employees != nil && (j.HasEmployees == nil || *j.HasEmployees) {
			u.Employees, u.HasEmployees = *j.Employees, true
		}
		if j.NACE != nil {
			u.NACE, u.NACEText = j.NACE.Code, j.NACE.Text
		}
		if a := j.Address; a != nil {
			u.Address = joinLines(a.Lines)
			u.PostalCode, u.PostalPlace, u.Municipality, u.MunicipalityNo = a.PostalCode, a.PostalPlace, a.Municipality, a.MunicipalityNo
		}
		u.Closed = parseDate(j.Closed)
		return u, nil
	}
	return nil
}

// csvColumns are the CSV file's columns Verve reads, by the register's
// names; organisasjonsnummer and navn must be there.
var csvColumns = []string{"organisasjonsnummer", "navn", "overordnetEnhet", "antallAnsatte", "harRegistrertAntallAnsatte",
	"naeringskode1.kode", "naeringskode1.beskrivelse", "beliggenhetsadresse.adresse", "beliggenhetsadresse.postnummer",
	"beliggenhetsadresse.poststed", "beliggenhetsadresse.kommune", "beliggenhetsadresse.kommunenummer", "nedleggelsesdato"}

const (
	cOrgnr = iota
	cName
	cParent
	cEmployees
	cHasEmployees
	cNACE
	cNACEText
	cAddress
	cPostalCode
	cPostalPlace
	cMunicipality
	cMunicipalityNo
	cClosed
)

// startCSV reads the header, with the delimiter it uses (the register's
// CSV has used both comma and semicolon), and refuses a file without the
// register's columns.
func (r *Reader) startCSV(br *bufio.Reader) error {
	// The header line, or as much of it as 8 KB holds (Peek waits for
	// that much, or the end of a shorter file).
	line, _ := br.Peek(8 << 10)
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	cr := csv.NewReader(br)
	if bytes.Count(line, []byte{';'}) > bytes.Count(line, []byte{','}) {
		cr.Comma = ';'
	}
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return model.ErrorKey(model.EINVALID, "enheter.format.unknown")
	}
	idx := make([]int, len(csvColumns))
	for i, name := range csvColumns {
		idx[i] = -1
		for j, h := range header {
			if strings.TrimSpace(h) == name {
				idx[i] = j
			}
		}
	}
	if idx[cOrgnr] < 0 || idx[cName] < 0 {
		return model.ErrorKey(model.EINVALID, "enheter.format.unknown")
	}
	r.next = func() (Unit, error) {
		rec, err := cr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return Unit{}, io.EOF
			}
			return Unit{}, r.readError(err)
		}
		col := func(c int) string {
			if idx[c] < 0 {
				return ""
			}
			return strings.TrimSpace(rec[idx[c]])
		}
		u := Unit{Orgnr: col(cOrgnr), Name: col(cName), Parent: col(cParent), NACE: col(cNACE), NACEText: col(cNACEText),
			Address:    joinLines(strings.Split(col(cAddress), "\n")),
			PostalCode: col(cPostalCode), PostalPlace: col(cPostalPlace), Municipality: col(cMunicipality),
			MunicipalityNo: col(cMunicipalityNo), Closed: parseDate(col(cClosed))}
		if n, err := strconv.Atoi(col(cEmployees)); err == nil && !slices.Contains(csvNo, strings.ToLower(col(cHasEmployees))) {
			u.Employees, u.HasEmployees = n, true
		}
		return u, nil
	}
	return nil
}

// csvNo are the ways the CSV has said no (harRegistrertAntallAnsatte).
var csvNo = []string{"false", "n", "nei"}

// joinLines joins an address's non-empty lines.
func joinLines(lines []string) string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, ", ")
}

// parseDate reads the register's dates (YYYY-MM-DD); zero if empty or other.
func parseDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}

// municipalities maps a kommunenummer to its name as Verve writes it, from
// the postal register norway holds.
var municipalities = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, p := range norway.PostalPlaces() {
		m[p.MunicipalityNo] = p.Municipality
	}
	return m
})

// municipalityName is the name of municipality no, or the register's
// (in capitals) when Verve does not know the number.
func municipalityName(no, registers string) string {
	if name, ok := municipalities()[no]; ok {
		return name
	}
	return registers
}

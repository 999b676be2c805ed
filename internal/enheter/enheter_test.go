package enheter

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/verve-union/verve/internal/model"
)

// readAll reads every unit of data, or the error that ended it.
func readAll(t *testing.T, data []byte) ([]Unit, *Reader, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	var out []Unit
	for u, err := range r.All() {
		if err != nil {
			return out, r, err
		}
		out = append(out, u)
	}
	return out, r, nil
}

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSamples: the JSON and CSV the register publishes, plain and gzipped,
// read to the same units.
func TestSamples(t *testing.T) {
	want := []Unit{
		{Orgnr: "973760009", Name: "TRONDHEIM KOMMUNE HELSEHUSET", Parent: "942110464", Employees: 120, HasEmployees: true,
			NACE: "86.229", NACEText: "Andre spesialiserte legetjenester", Address: "Olav Tryggvasons gate 5, Inngang B",
			PostalCode: "7011", PostalPlace: "TRONDHEIM", Municipality: "Trondheim", MunicipalityNo: "5001"},
		{Orgnr: "973760017", Name: "TRONDHEIM KOMMUNE BYÅSEN SYKEHJEM", Parent: "942110464", Employees: 64, HasEmployees: true,
			NACE: "87.101", NACEText: "Somatiske sykehjem", Address: "Byåsveien 120", PostalCode: "7021", PostalPlace: "TRONDHEIM",
			Municipality: "Trondheim", MunicipalityNo: "5001"},
		{Orgnr: "973760025", Name: "BERGEN KOMMUNE LEGEVAKT", Parent: "964338531", NACE: "86.901", NACEText: "Ambulansetjenester",
			Address: "Solheimsgaten 9", PostalCode: "5058", PostalPlace: "BERGEN", Municipality: "Bergen", MunicipalityNo: "4601"},
	}
	for _, name := range []string{"underenheter.json", "underenheter.json.gz", "underenheter.csv", "underenheter.csv.gz"} {
		t.Run(name, func(t *testing.T) {
			units, r, err := readAll(t, sample(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if wantFormat := strings.Split(name, ".")[1]; r.Format != wantFormat || r.Gzipped != strings.HasSuffix(name, ".gz") {
				t.Errorf("format %s gzipped %v", r.Format, r.Gzipped)
			}
			if len(units) != 6 || r.Records() != 7 || r.Skipped() != 1 {
				t.Fatalf("%d units of %d records, %d skipped; want 6 of 7, 1 skipped", len(units), r.Records(), r.Skipped())
			}
			for i, w := range want {
				if units[i] != w {
					t.Errorf("unit %d:\n got %+v\nwant %+v", i, units[i], w)
				}
			}
			if c := units[5]; c.Orgnr != "973760068" || !c.Closed.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("closed unit %+v", c)
			}
		})
	}
}

// TestCommaCSV: the register's CSV has also been published with commas.
func TestCommaCSV(t *testing.T) {
	data := "\xef\xbb\xbf\"organisasjonsnummer\",\"navn\",\"antallAnsatte\",\"naeringskode1.kode\"\n\"973760009\",\"HELSEHUSET, AVD 2\",\"7\",\"86.229\"\n"
	units, _, err := readAll(t, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 1 || units[0].Name != "HELSEHUSET, AVD 2" || units[0].Employees != 7 || !units[0].HasEmployees || units[0].NACE != "86.229" {
		t.Errorf("%+v", units)
	}
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	var e *model.Error
	if !errors.As(err, &e) || e.Key != key {
		t.Fatalf("error %v, want %s", err, key)
	}
}

// TestUnknownFormat: what is not the register's file is refused by name,
// before any unit is read.
func TestUnknownFormat(t *testing.T) {
	for name, data := range map[string]string{
		"api search answer": `{"_embedded": {"underenheter": []}}`,
		"other csv":         "fornavn;etternavn\nKari;Nordmann\n",
		"text":              "hello world",
		"binary":            "\x00\x01\x02PK\x03\x04",
		"broken gzip":       "\x1f\x8bnot really",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(data))
			wantKey(t, err, "enheter.format.unknown")
		})
	}
	_, err := NewReader(strings.NewReader("  \n"))
	wantKey(t, err, "enheter.empty")
}

// TestTruncated: a file cut short is an error at its end, never a quiet
// end of the units: the caller must not use any of it.
func TestTruncated(t *testing.T) {
	json := sample(t, "underenheter.json")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(json)
	zw.Close()
	csv := sample(t, "underenheter.csv")
	for name, tc := range map[string]struct {
		data []byte
		key  string
	}{
		"json mid-unit":       {json[:len(json)/2], "enheter.truncated"},
		"json between units":  {json[:bytes.LastIndex(json, []byte("},"))+2], "enheter.truncated"},
		"json without ]":      {bytes.TrimRight(bytes.TrimSpace(json), "]"), "enheter.truncated"},
		"gzip cut":            {gz.Bytes()[:gz.Len()-30], "enheter.truncated"},
		"csv mid-quote":       {csv[:len(csv)-20], "enheter.broken"},
		"csv mid-line":        {csv[:bytes.LastIndex(csv[:len(csv)-1], []byte("\n"))+40], "enheter.broken"},
		"json element not {}": {[]byte(`[{"organisasjonsnummer": "973760009"}, 42]`), "enheter.broken"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := readAll(t, tc.data)
			wantKey(t, err, tc.key)
		})
	}
}

// TestStreams: a reader holds one unit at a time, so it reads a file
// larger than any buffer without reading it whole first.
func TestStreams(t *testing.T) {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(Generate(pw, 5000, 1)) }()
	r, err := NewReader(pr)
	if err != nil {
		t.Fatal(err)
	}
	n, closed := 0, 0
	for u, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		if u.Orgnr == "" || u.Name == "" || u.MunicipalityNo == "" || u.NACE == "" {
			t.Fatalf("generated unit %+v", u)
		}
		if !u.Closed.IsZero() {
			closed++
		}
		n++
	}
	if n != 5000 || r.Skipped() != 0 || closed == 0 || closed > 500 {
		t.Errorf("%d units, %d skipped, %d closed", n, r.Skipped(), closed)
	}
}

func TestSelection(t *testing.T) {
	oslo := Unit{MunicipalityNo: "0301", NACE: "87.101"}
	bakery := Unit{MunicipalityNo: "0301", NACE: "10.710"}
	bergen := Unit{MunicipalityNo: "4601", NACE: "87.101"}
	closed := oslo
	closed.Closed = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		sel  Selection
		unit Unit
		want bool
	}{
		{Selection{}, oslo, false},
		{Selection{Municipalities: []string{"0301"}}, oslo, true},
		{Selection{Municipalities: []string{"0301"}}, bergen, false},
		{Selection{Municipalities: []string{"0301"}}, closed, false},
		{Selection{NACEPrefixes: []string{"87"}}, bergen, true},
		{Selection{NACEPrefixes: []string{"87.1"}}, oslo, true},
		{Selection{NACEPrefixes: []string{"871"}}, oslo, true},
		{Selection{NACEPrefixes: []string{"86", "87"}}, bakery, false},
		{Selection{Municipalities: []string{"0301"}, NACEPrefixes: []string{"87"}}, oslo, true},
		{Selection{Municipalities: []string{"0301"}, NACEPrefixes: []string{"87"}}, bakery, false},
		{Selection{Municipalities: []string{"0301"}, NACEPrefixes: []string{"87"}}, bergen, false},
	} {
		if got := tc.sel.Wants(tc.unit); got != tc.want {
			t.Errorf("%+v wants %+v: %v", tc.sel, tc.unit, got)
		}
	}
	if got := ParseList(" 0301, ,4601,"); len(got) != 2 || got[0] != "0301" || got[1] != "4601" {
		t.Errorf("ParseList: %q", got)
	}
	wantKey(t, Selection{Municipalities: []string{"301"}}.Check(), "enheter.municipality.invalid")
	wantKey(t, Selection{NACEPrefixes: []string{"helse"}}.Check(), "enheter.nace.invalid")
	if err := (Selection{Municipalities: []string{"0301"}, NACEPrefixes: []string{"86.1"}}).Check(); err != nil {
		t.Error(err)
	}
}

// TestShortReads: a source that hands over a byte at a time (a pipe, a
// slow download) reads like a file.
func TestShortReads(t *testing.T) {
	for _, name := range []string{"underenheter.csv", "underenheter.json.gz"} {
		r, err := NewReader(iotest.OneByteReader(bytes.NewReader(sample(t, name))))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n := 0
		for _, err := range r.All() {
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			n++
		}
		if n != 6 {
			t.Errorf("%s: %d units", name, n)
		}
	}
}

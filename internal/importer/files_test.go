package importer

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
)

// testNow is "today" for every test, so that date ranges do not drift.
var testNow = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

type wantErr struct {
	line   int
	column string
	reason string // substring of the reason
}

type fileCase struct {
	file    string
	opt     Options
	fileErr string // substring of a file error (Open, Mapping.Check or Next)
	good    int
	errs    []wantErr
	check   func(t *testing.T, info Info, hires []model.NewHire)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// names returns "First Last" of each hire.
func names(hires []model.NewHire) []string {
	var s []string
	for _, h := range hires {
		s = append(s, h.FirstName+"|"+h.LastName)
	}
	return s
}

func wantNames(t *testing.T, hires []model.NewHire, want ...string) {
	t.Helper()
	if got := names(hires); !slices.Equal(got, want) {
		t.Errorf("names = %q, want %q", got, want)
	}
}

const (
	binary   = "binær, ikke CSV eller Excel"
	noNames  = "Fant ikke navnekolonner"
	ole      = "passordbeskyttet eller i det gamle .xls-formatet"
	badQuote = "Anførselstegn"
)

var fileCases = []fileCase{
	{file: "empty.csv", fileErr: "Filen er tom."},
	{file: "whitespace_only.csv", fileErr: "Filen er tom."},
	{file: "header_only.csv", good: 0},
	{file: "bom_semicolon.csv", good: 3, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Encoding != "utf-8" || info.Delimiter != ';' || info.Format != "csv" {
			t.Errorf("info = %+v", info)
		}
		want := model.NewHire{Line: 2, FirstName: "Åsmund", LastName: "Ødegård", BirthDate: date(1990, 5, 17),
			Email: "asmund@example.no", Mobile: "+4791234567", StartDate: date(2026, 3, 1),
			Position: "Sykepleier", Department: "Medisinsk avdeling"}
		if h[0] != want {
			t.Errorf("row 2 = %+v\nwant %+v", h[0], want)
		}
	}},
	{file: "comma.csv", good: 3, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Delimiter != ',' || h[1].Department != "Salg, marked" || !h[2].StartDate.Equal(date(2026, 4, 1)) {
			t.Errorf("info %+v, hires %+v", info, h)
		}
	}},
	{file: "tab.tsv", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Delimiter != '\t' || h[0].Position != "Kokk, kald mat" || h[1].Position != "Renholder; natt" {
			t.Errorf("info %+v, hires %+v", info, h)
		}
	}},
	{file: "quoted.csv", good: 3,
		errs: []wantErr{{5, "Fornavn", "ugyldige tegn"}},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			if h[0].Position != `Rådgiver; "senior"` || h[1].Position != "Leder for drift" || h[1].Line != 3 ||
				h[2].Department != "Salg; marked" || h[2].Line != 6 {
				t.Errorf("hires %+v", h)
			}
		}},
	{file: "windows1252.csv", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Encoding != "windows-1252" {
			t.Errorf("encoding %q", info.Encoding)
		}
		wantNames(t, h, "Åsmund|Ødegård", "Bjørn|Sæther")
		if h[0].Position != "Kokk – kald mat" || h[1].Position != "Controller (€)" || h[1].Department != "Økonomi" {
			t.Errorf("hires %+v", h)
		}
	}},
	{file: "iso88591.csv", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		wantNames(t, h, "Kåre|Ås", "Æsa|Bø")
		if h[1].Location != "Tromsø" {
			t.Errorf("location %q", h[1].Location)
		}
	}},
	{file: "iso88591.csv", opt: Options{Encoding: "ISO-8859-1"}, good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Encoding != "iso-8859-1" {
			t.Errorf("encoding %q", info.Encoding)
		}
		wantNames(t, h, "Kåre|Ås", "Æsa|Bø")
	}},
	{file: "mixed_encoding.csv", good: 6, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Encoding != "utf-8" {
			t.Errorf("encoding %q", info.Encoding)
		}
		wantNames(t, h, "Åse|Ødegård", "Bjørn|Sæther", "Jørgen|Løken", "Mari|Kråkenes", "Øyvind|Ås", "Siri|Bø")
		if h[4].Department != "Område sør" {
			t.Errorf("windows-1252 line: %q", h[4].Department)
		}
	}},
	{file: "crlf.csv", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if h[0].Department != "Drift" || h[1].Department != "Salg" {
			t.Errorf("departments %q %q", h[0].Department, h[1].Department)
		}
	}},
	{file: "pipe.csv", fileErr: noNames},
	{file: "pipe.csv", opt: Options{Delimiter: '|'}, good: 2},
	{file: "png_renamed.csv", fileErr: binary},
	{file: "random.bin", fileErr: binary},
	{file: "truncated.xlsx", fileErr: "Excel-filen er skadet eller ufullstendig."},
	{file: "password.xlsx", fileErr: ole},
	{file: "old.xls", fileErr: ole},
	{file: "zip_not_xlsx.zip", fileErr: "ikke en Excel-arbeidsbok"},
	{file: "html_table.xls", fileErr: "nettside (HTML)"},
	{file: "columns_10000.csv", fileErr: "Filen har 10000 kolonner; høyst 500 støttes."},
	{file: "title_merged.xlsx", good: 2,
		errs: []wantErr{{6, "E-post", "E-postadressen er ikke gyldig"}},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			if info.HeaderRow != 4 || info.Sheet != "Nyansatte" || h[0].Line != 5 || h[1].Line != 8 {
				t.Errorf("info %+v, lines %d %d", info, h[0].Line, h[1].Line)
			}
			if !h[1].BirthDate.Equal(date(1979, 12, 31)) {
				t.Errorf("birth date %v", h[1].BirthDate)
			}
		}},
	{file: "title_rows.csv", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.HeaderRow != 4 || h[0].Line != 5 {
			t.Errorf("header row %d, first line %d", info.HeaderRow, h[0].Line)
		}
	}},
	{file: "serial_dates.xlsx", good: 2,
		errs: []wantErr{{4, "Fødselsdato", "29.02.1900 finnes ikke"}, {5, "Startdato", "Ukjent datoformat"}},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			if info.Date1904 || !h[0].BirthDate.Equal(date(1990, 5, 17)) || !h[0].StartDate.Equal(date(2026, 3, 1)) ||
				!h[1].BirthDate.Equal(date(1985, 2, 1)) || !h[1].StartDate.Equal(date(2026, 3, 1)) {
				t.Errorf("info %+v, hires %+v", info, h)
			}
		}},
	{file: "date1904.xlsx", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if !info.Date1904 || !h[0].BirthDate.Equal(date(1990, 5, 17)) || !h[1].StartDate.Equal(date(2026, 3, 15)) {
			t.Errorf("info %+v, hires %+v", info, h)
		}
	}},
	{file: "us_format.xlsx", good: 1,
		errs: []wantErr{{3, "Startdato", "amerikansk dato"}},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			// Displayed as 6/5/1990 and 4/3/2026; the serial says 5 June and 3 April.
			if !h[0].BirthDate.Equal(date(1990, 6, 5)) || !h[0].StartDate.Equal(date(2026, 4, 3)) {
				t.Errorf("hire %+v", h[0])
			}
		}},
	{file: "formulas.xlsx", good: 1,
		errs: []wantErr{{3, "E-post", "E-postadressen er ikke gyldig"}},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			if !h[0].StartDate.Equal(date(2026, 3, 1)) || h[0].Email != "ola@example.no" || h[0].Mobile != "+4791234567" {
				t.Errorf("hire %+v", h[0])
			}
		}},
	{file: "two_sheets.xlsx", fileErr: noNames},
	{file: "two_sheets.xlsx", opt: Options{Sheet: "Nyansatte"}, good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Sheet != "Nyansatte" || !slices.Equal(info.Sheets, []string{"Instruksjoner", "Nyansatte"}) {
			t.Errorf("info %+v", info)
		}
	}},
	{file: "two_sheets.xlsx", opt: Options{Sheet: "Ark3"}, fileErr: "Fant ikke arket «Ark3». Arkene i filen er: Instruksjoner, Nyansatte."},
	{file: "hidden_first_sheet.xlsx", good: 1, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Sheet != "Liste" {
			t.Errorf("sheet %q", info.Sheet)
		}
	}},
	{file: "inline_strings.xlsx", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		wantNames(t, h, "Åsmund|Ødegård", "Kari|Olsen")
		if h[0].Department != "Kjøkken & kantine" {
			t.Errorf("department %q", h[0].Department)
		}
	}},
	{file: "numeric_fnr.xlsx", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if len(h[0].Fnr) != 11 || h[0].Fnr[0] != '0' || !h[0].BirthDate.Equal(date(1985, 2, 1)) || h[0].Mobile != "+4791234567" {
			t.Errorf("hire %+v", h[0])
		}
	}},
	{file: "invalid_dates.csv", good: 4,
		errs: []wantErr{
			{2, "Fødselsdato", "Datoen finnes ikke"},
			{3, "Startdato", "Datoen finnes ikke"},
			{4, "Fødselsdato", "Ukjent datoformat – bruk dd.mm.åååå"},
			{5, "Startdato", "amerikansk dato"},
			{6, "Fødselsdato", "før 1900"},
			{7, "Fødselsdato", "under 13 år"},
			{8, "Startdato", "Startdatoen er urimelig"},
			{9, "Startdato", "Startdatoen er urimelig"},
		},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			want := [][2]time.Time{
				{date(1990, 3, 1), date(2026, 1, 15)},
				{date(1990, 1, 1), date(2026, 3, 1)},
				{date(1990, 3, 1), date(2026, 3, 1)},
				{date(1991, 8, 7), date(2026, 3, 1)},
			}
			for i, w := range want {
				if !h[i].BirthDate.Equal(w[0]) || !h[i].StartDate.Equal(w[1]) {
					t.Errorf("line %d: %v %v, want %v", h[i].Line, h[i].BirthDate, h[i].StartDate, w)
				}
			}
		}},
	{file: "invalid_fnr.csv", good: 2,
		errs: []wantErr{
			{3, "Fødselsnummer", "Ugyldig fødselsnummer (kontrollsiffer stemmer ikke)"},
			{4, "Fødselsnummer", "11 siffer"},
			{5, "Fødselsnummer", "bare siffer"},
		},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			if len(h[0].Fnr) != 11 || !h[0].BirthDate.Equal(date(1990, 5, 17)) {
				t.Errorf("hire %+v", h[0])
			}
		}},
	{file: "fnr_mismatch.csv", good: 2,
		errs: []wantErr{{3, "Fødselsdato", "stemmer ikke med fødselsnummeret"}},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			if !h[1].BirthDate.Equal(date(1975, 4, 3)) {
				t.Errorf("birth date from fnr: %v", h[1].BirthDate)
			}
		}},
	{file: "duplicates.csv", good: 2},
	{file: "english_headers.csv", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		want := model.NewHire{Line: 2, FirstName: "Ola", LastName: "Hansen", BirthDate: date(1990, 5, 17),
			Email: "ola@example.no", Mobile: "+4791234567", StartDate: date(2026, 3, 1),
			Position: "Nurse", Department: "Surgery", Location: "Oslo"}
		if h[0] != want {
			t.Errorf("got %+v\nwant %+v", h[0], want)
		}
	}},
	{file: "random_order.csv", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		wantNames(t, h, "Ola|Hansen", "Kari|Olsen")
		if h[1].Email != "kari@example.no" || h[1].Department != "Salg" || h[1].Mobile != "+4741234567" {
			t.Errorf("hire %+v", h[1])
		}
	}},
	{file: "extra_columns.csv", good: 2},
	{file: "blank_lines.csv", good: 2,
		errs: []wantErr{{9, "E-post", "ikke gyldig"}},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			if h[0].Line != 3 || h[1].Line != 6 {
				t.Errorf("lines %d %d", h[0].Line, h[1].Line)
			}
		}},
	{file: "fewer_cells.csv", good: 2, errs: []wantErr{{4, "Etternavn", "Etternavn mangler"}}},
	{file: "more_cells.csv", good: 2, errs: []wantErr{{3, "", "flere celler enn overskriftsraden"}}},
	{file: "trailing_delimiter.csv", good: 3},
	{file: "unclosed_quote.csv", good: 2, errs: []wantErr{{4, "", "ikke er lukket"}}},
	{file: "unclosed_quote_middle.csv", good: 1, errs: []wantErr{{3, "", "linje 3–5 kunne ikke leses"}}},
	{file: "bare_quote.csv", good: 2, errs: []wantErr{{3, "", "midt i et felt"}}},
	{file: "long_line.csv", good: 2, errs: []wantErr{{3, "Stilling", "Feltet er for langt (over 200 tegn)"}}},
	{file: "decimal_commas.csv", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Delimiter != ';' || h[1].Position != "Kokk" {
			t.Errorf("info %+v, hires %+v", info, h)
		}
	}},
	{file: "names_valid.csv", good: 4, check: func(t *testing.T, info Info, h []model.NewHire) {
		wantNames(t, h, "Ole-Martin|O'Brien", "Åsmund|Ødegård", "Anne Lise|D’Souza", "Mary Jane|van der Berg")
	}},
	{file: "names_invalid.csv", good: 1, errs: []wantErr{
		{2, "Fornavn", "sifre"},
		{3, "Etternavn", "ugyldige tegn"},
		{4, "Etternavn", "ugyldige tegn"},
		{5, "Fornavn", "Fornavn mangler"},
		{6, "Etternavn", "Etternavn mangler"},
	}},
	{file: "fullname_comma.csv", good: 2,
		errs: []wantErr{{4, "Etternavn, fornavn", "Både fornavn og etternavn"}, {5, "Etternavn, fornavn", "Både fornavn og etternavn"}},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			wantNames(t, h, "Ola Johan|Nordmann", "Kari Anne|Hansen")
		}},
	{file: "utf16.txt", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Encoding != "utf-16le" || info.Delimiter != '\t' {
			t.Errorf("info %+v", info)
		}
		wantNames(t, h, "Åse|Ødegård", "Bjørn|Sæther")
	}},
	{file: "emails_mobiles.csv", good: 1,
		errs: []wantErr{
			{3, "E-post", "E-postadressen er ikke gyldig"},
			{4, "Mobil", "Mobilnummeret må være et norsk mobilnummer"},
			{5, "E-post", "E-postadressen er ikke gyldig"},
			{6, "E-post", "E-postadressen er ikke gyldig"},
			{7, "E-post", "E-postadressen er ikke gyldig"},
		},
		check: func(t *testing.T, info Info, h []model.NewHire) {
			if h[0].Email != "ola.hansen@example.no" || h[0].Mobile != "+4791234567" {
				t.Errorf("hire %+v", h[0])
			}
		}},
	{file: "no_header.csv", fileErr: noNames},
	{file: "mac_cr.csv", good: 2, check: func(t *testing.T, info Info, h []model.NewHire) {
		wantNames(t, h, "Åse|Ødegård", "Bjørn|Sæther")
		if h[1].Line != 3 || h[1].Department != "Drift" {
			t.Errorf("hire %+v", h[1])
		}
	}},
	{file: "sep_line.csv", good: 1, check: func(t *testing.T, info Info, h []model.NewHire) {
		if info.Delimiter != ',' || info.HeaderRow != 2 || h[0].Email != "ola@example.no" {
			t.Errorf("info %+v, hire %+v", info, h[0])
		}
	}},
	{file: "libreoffice.ods", fileErr: "OpenDocument-regneark"},
	{file: "repeated_header.csv", good: 3, errs: []wantErr{{4, "", "Gjentatt overskriftsrad"}}},
}

// readAll runs a file through the importer the way the application does:
// Open, Guess, Check, then Next and Decode until the end.
func readAll(t *testing.T, path string, opt Options) (info Info, hires []model.NewHire, errs []model.RowError, fileErr error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	r, err := Open(f, st.Size(), opt)
	if err != nil {
		return Info{}, nil, nil, err
	}
	defer r.Close()
	r.now = testNow
	m := Guess(r.Header())
	if err := m.Check(); err != nil {
		return r.Info(), nil, nil, err
	}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.Info(), hires, errs, err
		}
		h, e := r.Decode(row, m)
		if len(e) == 0 {
			hires = append(hires, h)
		}
		errs = append(errs, e...)
	}
	return r.Info(), hires, errs, nil
}

func TestFiles(t *testing.T) {
	paths, err := filepath.Glob("testdata/files/*")
	if err != nil || len(paths) < 35 {
		t.Fatalf("want at least 35 test files, have %d (%v)", len(paths), err)
	}
	listed := map[string]bool{}
	for _, c := range fileCases {
		listed[c.file] = true
	}
	for _, p := range paths {
		if !listed[filepath.Base(p)] {
			t.Errorf("testdata/files/%s has no entry in fileCases", filepath.Base(p))
		}
	}
	for _, c := range fileCases {
		name := c.file
		if c.opt.Encoding != "" || c.opt.Sheet != "" || c.opt.Delimiter != 0 {
			name += "/" + strings.ReplaceAll(strings.TrimSpace(c.opt.Encoding+" "+c.opt.Sheet+" "+string(c.opt.Delimiter)), " ", "_")
		}
		t.Run(name, func(t *testing.T) {
			info, hires, errs, fileErr := readAll(t, filepath.Join("testdata/files", c.file), c.opt)
			if c.fileErr != "" {
				if fileErr == nil || !strings.Contains(model.ErrorMessage(fileErr), c.fileErr) {
					t.Fatalf("file error = %v, want one containing %q", fileErr, c.fileErr)
				}
				checkUserError(t, fileErr)
				return
			}
			if fileErr != nil {
				t.Fatalf("file error: %v", fileErr)
			}
			if len(hires) != c.good {
				t.Errorf("%d good rows, want %d: %+v", len(hires), c.good, hires)
			}
			if len(errs) != len(c.errs) {
				t.Errorf("row errors = %+v, want %+v", errs, c.errs)
			} else {
				for i, w := range c.errs {
					e := errs[i]
					if e.Line != w.line || e.Column != w.column || !strings.Contains(e.Reason, w.reason) {
						t.Errorf("row error %d = %+v, want %+v", i, e, w)
					}
				}
			}
			if c.check != nil && len(hires) == c.good {
				c.check(t, info, hires)
			}
		})
	}
}

// checkUserError asserts that err is fit to show: an EINVALID *model.Error.
func checkUserError(t *testing.T, err error) {
	t.Helper()
	var me *model.Error
	if !errors.As(err, &me) || me.Code != model.EINVALID || me.Message == "" {
		t.Errorf("error %#v is not an EINVALID *model.Error", err)
	}
}

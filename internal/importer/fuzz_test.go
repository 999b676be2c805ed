package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/model"
)

// seedFiles adds the test files whose name passes keep, skipping the big
// ones that only slow mutation down.
func seedFiles(f *testing.F, keep func(name string) bool) {
	paths, _ := filepath.Glob("testdata/files/*")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if keep(filepath.Base(p)) && len(data) <= 32<<10 {
			f.Add(data)
		}
	}
}

func FuzzCSV(f *testing.F) {
	seedFiles(f, func(name string) bool { return !strings.HasSuffix(name, ".xlsx") })
	for _, s := range []string{
		"Fornavn;Etternavn\n\"a\"\"b\";\"c\nd\"\n",
		"Navn,E-post\r\n\"Nordmann, Kari\",KARI@EXAMPLE.NO\r\n",
		"\xef\xbb\xbfFornavn\tEtternavn\tFødselsdato\n\xc5se\tB\xf8\t1.3.90\n",
		"Fornavn;Etternavn;Startdato;Personnummer\nOla;Hansen;1. mars 2026;17059022822\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkImport(t, data, Options{})
	})
}

// FuzzXLSX mutates worksheet XML inside an otherwise valid workbook, which
// reaches excelize's row parser and the decoder far more often than
// mutating zip bytes would (those mostly fail the checksum). Whole files
// that start with "PK" are read as they are.
func FuzzXLSX(f *testing.F) {
	paths, _ := filepath.Glob("testdata/files/*.xlsx")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			continue // truncated.xlsx
		}
		for _, zf := range zr.File {
			if zf.Name == "xl/worksheets/sheet1.xml" {
				rc, _ := zf.Open()
				sheet, _ := io.ReadAll(rc)
				rc.Close()
				f.Add(sheet, strings.Contains(p, "1904"))
			}
		}
	}
	f.Add([]byte(`<worksheet><sheetData><row r="3"><c r="B3" t="s"><v>0</v></c><c r="C3" t="s"><v>1</v></c></row>`+
		`<row><c t="inlineStr"><is><t>Kari Nordmann</t></is></c><c s="1"><v>46082</v></c></row></sheetData></worksheet>`), false)
	f.Fuzz(func(t *testing.T, data []byte, date1904 bool) {
		if !bytes.HasPrefix(data, []byte("PK")) {
			data = wrapSheet(data, date1904)
		}
		checkImport(t, data, Options{})
	})
}

// wrapSheet packs worksheet XML into an otherwise valid workbook whose
// shared strings name the usual columns, so that mutations of the sheet
// reach the row decoder.
func wrapSheet(sheet []byte, date1904 bool) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name, content string) {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		w.Write([]byte(content))
	}
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+pr+`<sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	add("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Fornavn</t></si><si><t>Etternavn</t></si><si><t>Fødselsdato</t></si><si><t>Startdato</t></si><si><t>Ola</t></si><si><t>Hansen</t></si><si><t>01.03.2026</t></si></sst>`)
	add("xl/worksheets/sheet1.xml", string(sheet))
	zw.Close()
	return b.Bytes()
}

// checkImport runs data through the importer as the application does and
// asserts that whatever comes out is well-formed: file errors are user
// errors, rows have increasing line numbers after the header, and every
// string is valid UTF-8.
func checkImport(t *testing.T, data []byte, opt Options) {
	r, err := Open(bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		checkFileError(t, err)
		return
	}
	defer r.Close()
	info, header := r.Info(), r.Header()
	if info.HeaderRow < 1 || (info.Format != "csv" && info.Format != "xlsx") {
		t.Fatalf("info %+v", info)
	}
	for _, h := range header {
		checkText(t, "header", h)
	}
	mappings := []Mapping{Guess(header), make(Mapping, len(header))}
	copy(mappings[1], Fields) // every field, so that every decoder runs
	line := info.HeaderRow
	for range 5000 {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			checkFileError(t, err)
			break
		}
		if row.Line <= line {
			t.Fatalf("row line %d after line %d", row.Line, line)
		}
		line = row.Line
		for _, c := range row.Cells {
			checkText(t, "cell", c)
		}
		checkText(t, "problem", row.Problem.In("nb"))
		for _, m := range mappings {
			checkDecode(t, r, row, m)
		}
		if done, total := r.Progress(); done < 0 || total > 0 && done > total {
			t.Fatalf("progress %d/%d", done, total)
		}
	}
}

func checkDecode(t *testing.T, r *Reader, row Row, m Mapping) {
	h, errs := r.Decode(row, m)
	for _, e := range errs {
		if e.Line != row.Line || e.Reason == "" || utf8.RuneCountInString(e.Value) > 40 {
			t.Fatalf("row error %+v for line %d", e, row.Line)
		}
		checkText(t, "column", e.Column)
		checkText(t, "value", e.Value)
		checkText(t, "reason", e.Reason)
	}
	if len(errs) > 0 {
		if h != (model.NewHire{Line: row.Line}) {
			t.Fatalf("hire with errors is not empty: %+v", h)
		}
		return
	}
	if h.Line != row.Line {
		t.Fatalf("hire line %d, row line %d", h.Line, row.Line)
	}
	if m.Check() == nil && (h.FirstName == "" || h.LastName == "") {
		t.Fatalf("hire without a name: %+v", h)
	}
	for _, s := range []string{h.FirstName, h.LastName, h.Email, h.Position, h.Department, h.Location} {
		checkText(t, "field", s)
		if utf8.RuneCountInString(s) > MaxField {
			t.Fatalf("field over %d runes: %.60q", MaxField, s)
		}
	}
	if h.Email != strings.ToLower(h.Email) || h.Mobile != "" && (len(h.Mobile) != 11 || h.Mobile[:3] != "+47") ||
		h.Fnr != "" && (len(h.Fnr) != 11 || !isDigits(h.Fnr)) {
		t.Fatalf("hire %+v", h)
	}
}

func checkFileError(t *testing.T, err error) {
	var me *model.Error
	if !errors.As(err, &me) || me.Code != model.EINVALID || me.Message == "" {
		t.Fatalf("file error %#v is not an EINVALID *model.Error", err)
	}
	checkText(t, "file error", me.Message)
}

func checkText(t *testing.T, what, s string) {
	if !utf8.ValidString(s) {
		t.Fatalf("%s is not valid UTF-8: %q", what, s)
	}
}

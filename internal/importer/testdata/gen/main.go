//go:build ignore

// Command gen writes the broken and awkward employer files in
// testdata/files. Run it from internal/importer:
//
//	go run testdata/gen/main.go
//
// The output is deterministic, so rerunning it leaves git clean. Each file
// is described in files_test.go together with what the importer must make
// of it.
package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/verve-union/verve/internal/norway"
)

const dir = "testdata/files"

func main() {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range old {
		os.Remove(f)
	}
	csvFiles()
	xlsxFiles()
	otherFiles()
}

func write(name string, b []byte) {
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		log.Fatal(err)
	}
}

// lines joins lines with eol and ends the file with one.
func lines(eol string, ls ...string) []byte {
	return []byte(strings.Join(ls, eol) + eol)
}

func cp1252(s string) []byte {
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func latin1(s string) []byte {
	b, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(s))
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// fnr returns a valid fødselsnummer for the date, the same every run.
func fnr(date string, female bool) string {
	t, err := time.Parse("02.01.2006", date)
	if err != nil {
		log.Fatal(err)
	}
	return norway.GenerateFnr(t, female, rand.New(rand.NewPCG(uint64(t.Unix()), 7)))
}

const bom = "\uFEFF"

func csvFiles() {
	write("empty.csv", nil)
	write("whitespace_only.csv", []byte(bom+"\r\n   \r\n;;;\r\n\t\r\n"))
	write("header_only.csv", lines("\r\n", "Fornavn;Etternavn;E-post"))

	full := "Fornavn;Etternavn;Fødselsdato;E-post;Mobil;Startdato;Stilling;Avdeling"
	write("bom_semicolon.csv", append([]byte(bom), lines("\r\n", full,
		"Åsmund;Ødegård;17.05.1990;asmund@example.no;+47 912 34 567;01.03.2026;Sykepleier;Medisinsk avdeling",
		"Kari;Nordmann;01.02.1985;kari@example.no;41234567;15.03.2026;Kokk;Kjøkken",
		"Bjørn;Sæther;31.12.1979;bjorn@example.no;0047 98765432;01.04.2026;Vekter;Drift")...))

	write("comma.csv", lines("\n",
		"Fornavn,Etternavn,E-post,Startdato,Avdeling",
		"Ola,Hansen,ola@example.no,01.03.2026,Drift",
		`Kari,Olsen,kari@example.no,2026-03-15,"Salg, marked"`,
		"Per,Berg,per@example.no,1.4.2026,IT"))

	write("tab.tsv", lines("\r\n",
		"Fornavn\tEtternavn\tE-post\tStilling",
		"Ola\tHansen\tola@example.no\tKokk, kald mat",
		"Kari\tOlsen\tkari@example.no\tRenholder; natt"))

	write("quoted.csv", lines("\n",
		"Fornavn;Etternavn;Stilling;Avdeling",
		`"Kari";"Nordmann";"Rådgiver; ""senior""";"IT"`,
		"Ola;Hansen;\"Leder\nfor drift\";Drift",
		`"Per ""Pelle""";Olsen;Vekter;Sikkerhet`,
		`Anne;Berg;"Konsulent";"Salg; marked"`))

	write("windows1252.csv", cp1252(string(lines("\r\n",
		"Fornavn;Etternavn;Avdeling;Stilling",
		"Åsmund;Ødegård;Kjøkken;Kokk – kald mat",
		"Bjørn;Sæther;Økonomi;Controller (€)"))))

	write("iso88591.csv", latin1(string(lines("\n",
		"Fornavn;Etternavn;Arbeidssted",
		"Kåre;Ås;Bærum",
		"Æsa;Bø;Tromsø"))))

	mixed := lines("\r\n",
		"Fornavn;Etternavn;Avdeling",
		"Åse;Ødegård;Kjøkken",
		"Bjørn;Sæther;Økonomi",
		"Jørgen;Løken;Drift",
		"Mari;Kråkenes;Lager")
	mixed = append(mixed, cp1252("Øyvind;Ås;Område sør\r\n")...)
	mixed = append(mixed, lines("\r\n", "Siri;Bø;Salg")...)
	write("mixed_encoding.csv", mixed)

	write("crlf.csv", lines("\r\n",
		"Fornavn;Etternavn;Avdeling",
		"Ola;Hansen;Drift",
		"Kari;Olsen;Salg"))

	write("pipe.csv", lines("\n",
		"Fornavn|Etternavn|E-post",
		"Ola|Hansen|ola@example.no",
		"Kari|Olsen|kari@example.no"))

	write("columns_10000.csv", lines("\n",
		"Fornavn;Etternavn;"+strings.Repeat("x;", 9997)+"x",
		"Ola;Hansen"))

	write("invalid_dates.csv", lines("\n",
		"Fornavn;Etternavn;Fødselsdato;Startdato",
		"Ola;Hansen;31.02.1990;01.03.2026",
		"Kari;Olsen;17.05.1985;2026-13-01",
		"Per;Berg;ukjent;01.03.2026",
		"Anne;Lie;05.06.1992;12/31/2026",
		"Tor;Dahl;01.01.1880;01.03.2026",
		"Liv;Moe;01.01.2020;01.03.2026",
		"Eva;Lund;01.01.1990;01.01.1930",
		"Jon;Vik;01.01.1990;01.01.2031",
		"Siv;Ask;1. mars 1990;15 jan 2026",
		"Ida;Eng;19900101;2026-03-01",
		"Kim;Ro;1.3.90;1.3.26",
		"Geir;Ulv;07/08/1991;01-03-2026"))

	good := fnr("17.05.1990", true)
	bad := good[:10] + string(rune('0'+(good[10]-'0'+1)%10))
	write("invalid_fnr.csv", lines("\n",
		"Fornavn;Etternavn;Fødselsnummer",
		"Kari;Nordmann;"+good[:6]+" "+good[6:],
		"Ola;Hansen;"+bad,
		"Per;Berg;1234567",
		"Anne;Lie;1705901234X",
		"Tor;Dahl;"+fnr("01.02.1985", false)))

	write("fnr_mismatch.csv", lines("\n",
		"Fornavn;Etternavn;Fødselsdato;Personnummer",
		"Kari;Nordmann;17.05.1990;"+good,
		"Ola;Hansen;18.05.1990;"+fnr("17.05.1990", false),
		"Per;Berg;;"+fnr("03.04.1975", false)))

	dup := "Ola;Hansen;ola@example.no;Drift"
	write("duplicates.csv", lines("\n", "Fornavn;Etternavn;E-post;Avdeling", dup, dup))

	write("english_headers.csv", lines("\n",
		"First name,Last name,Date of birth,E-mail,Mobile phone,Start date,Job title,Department,Office",
		"Ola,Hansen,17.05.1990,ola@example.no,91234567,01.03.2026,Nurse,Surgery,Oslo",
		"Kari,Olsen,1985-02-01,kari@example.no,41234567,2026-03-15,Cook,Kitchen,Bergen"))

	write("random_order.csv", lines("\n",
		"Avdeling;E-post;Etternavn;Startdato;Fornavn;Mobil",
		"Drift;ola@example.no;Hansen;01.03.2026;Ola;91234567",
		"Salg;kari@example.no;Olsen;15.03.2026;Kari;41234567"))

	write("extra_columns.csv", lines("\n",
		"Ansattnr;Fornavn;Etternavn;Lønn;Kommentar;E-post",
		"1001;Ola;Hansen;550000;starter i turnus;ola@example.no",
		"1002;Kari;Olsen;610000;;kari@example.no"))

	write("blank_lines.csv", lines("\n",
		"Fornavn;Etternavn;E-post",
		"",
		"Ola;Hansen;ola@example.no",
		";;",
		"",
		"Kari;Olsen;kari@example.no",
		"  ;  ; ",
		"",
		"Per;Berg;per(at)example.no"))

	write("fewer_cells.csv", lines("\n",
		"Fornavn;Etternavn;E-post;Mobil;Avdeling",
		"Ola;Hansen;ola@example.no;91234567;Drift",
		"Kari;Olsen",
		"Per"))

	write("more_cells.csv", lines("\n",
		"Navn,E-post,Avdeling",
		"Ola Hansen,ola@example.no,Drift",
		"Nordmann, Kari,kari@example.no,Salg",
		"Per Berg,per@example.no,IT,,"))

	write("trailing_delimiter.csv", lines("\r\n",
		"Fornavn;Etternavn;E-post;",
		"Ola;Hansen;ola@example.no;",
		"Kari;Olsen;kari@example.no;",
		"Per;Berg;;"))

	write("unclosed_quote.csv", lines("\n",
		"Fornavn;Etternavn;E-post",
		"Ola;Hansen;ola@example.no",
		"Kari;Olsen;kari@example.no",
		`"Per;Berg;per@example.no`))

	write("unclosed_quote_middle.csv", lines("\n",
		"Fornavn;Etternavn;E-post",
		"Ola;Hansen;ola@example.no",
		`"Kari;Olsen;kari@example.no`,
		"Per;Berg;per@example.no",
		"Anne;Lie;anne@example.no"))

	write("bare_quote.csv", lines("\n",
		"Fornavn;Etternavn;E-post",
		"Ola;Hansen;ola@example.no",
		`Kari;O"Brien;kari@example.no`,
		"Per;Berg;per@example.no"))

	write("long_line.csv", lines("\n",
		"Fornavn;Etternavn;Stilling",
		"Ola;Hansen;Kokk",
		"Kari;Olsen;"+strings.Repeat("Spesialsykepleier ", 8000),
		"Per;Berg;Vekter"))

	write("decimal_commas.csv", lines("\r\n",
		"Fornavn;Etternavn;Stillingsprosent;Timelønn;Stilling",
		"Ola;Hansen;80,5;245,50;Renholder",
		"Kari;Olsen;100;312,75;Kokk"))

	write("names_valid.csv", lines("\n",
		"Fornavn;Etternavn",
		"Ole-Martin;O'Brien",
		"Åsmund;Ødegård",
		"  Anne   Lise ;  D’Souza ",
		"Mary Jane;van der Berg"))

	write("names_invalid.csv", lines("\n",
		"Fornavn;Etternavn",
		"Ola2;Hansen",
		"Kari;Nord\x01mann",
		"Per;@Berg",
		";Olsen",
		"Liv;",
		"Anne;Lie"))

	write("fullname_comma.csv", lines("\n",
		"Etternavn, fornavn;E-post",
		"Nordmann, Ola Johan;ola@example.no",
		"Kari Anne Hansen;kari@example.no",
		"Cher;cher@example.no",
		", Per;per@example.no"))

	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(lines("\r\n",
		"Fornavn\tEtternavn\tAvdeling",
		"Åse\tØdegård\tKjøkken",
		"Bjørn\tSæther\tDrift"))
	if err != nil {
		log.Fatal(err)
	}
	write("utf16.txt", u16)

	write("emails_mobiles.csv", lines("\n",
		"Fornavn;Etternavn;E-post;Mobil",
		"Ola;Hansen;Ola.Hansen@Example.NO;+47 912 34 567",
		"Kari;Olsen;kari@localhost;91234567",
		"Per;Berg;per@example.no;22 33 44 55",
		"Anne;Lie;anne example.no;",
		"Tor;Dahl;tor@example..no;0047 412 34 567",
		"Eva;Lund;Eva Lund <eva@example.no>;"))

	write("no_header.csv", lines("\n",
		"Ola;Hansen;ola@example.no",
		"Kari;Olsen;kari@example.no"))

	write("title_rows.csv", lines("\n",
		"Nyansatte mars 2026;;;",
		"Levert av: HR, Sykehuset X;;;",
		"",
		"Fornavn;Etternavn;E-post;Startdato",
		"Ola;Hansen;ola@example.no;01.03.2026",
		"Kari;Olsen;kari@example.no;01.03.2026"))

	write("mac_cr.csv", cp1252(string(lines("\r",
		"Fornavn;Etternavn;Avdeling",
		"Åse;Ødegård;Kjøkken",
		"Bjørn;Sæther;Drift"))))

	write("sep_line.csv", lines("\r\n",
		"sep=,",
		"Fornavn,Etternavn,E-post",
		"Ola,Hansen,ola@example.no"))

	write("repeated_header.csv", lines("\n",
		"Fornavn;Etternavn;E-post",
		"Ola;Hansen;ola@example.no",
		"Kari;Olsen;kari@example.no",
		"Fornavn;Etternavn;E-post",
		"Per;Berg;per@example.no"))
}

func otherFiles() {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa")
	png = append(png, bytes.Repeat([]byte{0, 0x55, 0xaa, 0xff}, 64)...)
	write("png_renamed.csv", png)

	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	write("random.bin", random)

	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	write("password.xlsx", append(ole, []byte("EncryptionInfo\x00EncryptedPackage")...))
	write("old.xls", append(ole, []byte("Workbook\x00SummaryInformation")...))

	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "liste.csv", Method: zip.Deflate, Modified: fixedTime})
	w.Write(lines("\n", "Fornavn;Etternavn", "Ola;Hansen"))
	zw.Close()
	write("zip_not_xlsx.zip", zb.Bytes())

	zb.Reset()
	zw = zip.NewWriter(&zb)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store, Modified: fixedTime})
	w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "content.xml", Method: zip.Deflate, Modified: fixedTime})
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`))
	zw.Close()
	write("libreoffice.ods", zb.Bytes())

	write("html_table.xls", lines("\r\n",
		`<html xmlns:o="urn:schemas-microsoft-com:office:office">`,
		"<head><meta charset=\"utf-8\"></head><body><table>",
		"<tr><td>Fornavn</td><td>Etternavn</td></tr>",
		"<tr><td>Ola</td><td>Hansen</td></tr>",
		"</table></body></html>"))
}

// --- XLSX, written part by part so every detail is under control ---

var fixedTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Cell styles in styles.xml (index into cellXfs).
const (
	styleGeneral = 0
	styleDate    = 1 // dd.mm.yyyy
	styleUSDate  = 2 // m/d/yyyy
)

type (
	shared string // shared-string cell
	inline string // inline-string cell
	number struct {
		v     string
		style int
	}
	formula struct {
		f, t, cached string
		style        int
	} // t: "" (number), "str", "e"
)

type sheet struct {
	name   string
	hidden bool
	rows   map[int][]any // row number -> cells from column A
	merge  []string
}

type book struct {
	date1904 bool
	sheets   []sheet
	sst      []string
}

func (b *book) str(s string) int {
	for i, t := range b.sst {
		if t == s {
			return i
		}
	}
	b.sst = append(b.sst, s)
	return len(b.sst) - 1
}

func (b *book) sheetXML(s sheet) string {
	var x strings.Builder
	x.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	x.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>`)
	maxRow := 0
	for r := range s.rows {
		maxRow = max(maxRow, r)
	}
	for r := 1; r <= maxRow; r++ {
		cells, ok := s.rows[r]
		if !ok {
			continue
		}
		fmt.Fprintf(&x, `<row r="%d">`, r)
		for i, c := range cells {
			ref, _ := excelize.CoordinatesToCellName(i+1, r)
			switch c := c.(type) {
			case nil:
			case shared:
				fmt.Fprintf(&x, `<c r="%s" t="s"><v>%d</v></c>`, ref, b.str(string(c)))
			case string:
				fmt.Fprintf(&x, `<c r="%s" t="s"><v>%d</v></c>`, ref, b.str(c))
			case inline:
				fmt.Fprintf(&x, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, html.EscapeString(string(c)))
			case number:
				fmt.Fprintf(&x, `<c r="%s" s="%d"><v>%s</v></c>`, ref, c.style, c.v)
			case formula:
				t := ""
				if c.t != "" {
					t = fmt.Sprintf(` t="%s"`, c.t)
				}
				v := ""
				if c.cached != "" {
					v = "<v>" + html.EscapeString(c.cached) + "</v>"
				}
				fmt.Fprintf(&x, `<c r="%s" s="%d"%s><f>%s</f>%s</c>`, ref, c.style, t, html.EscapeString(c.f), v)
			default:
				log.Fatalf("unknown cell %T", c)
			}
		}
		x.WriteString("</row>")
	}
	x.WriteString("</sheetData>")
	if len(s.merge) > 0 {
		fmt.Fprintf(&x, `<mergeCells count="%d">`, len(s.merge))
		for _, m := range s.merge {
			fmt.Fprintf(&x, `<mergeCell ref="%s"/>`, m)
		}
		x.WriteString("</mergeCells>")
	}
	x.WriteString("</worksheet>")
	return x.String()
}

func (b *book) bytes() []byte {
	parts := map[string]string{}
	var sheetsXML, relsXML, ctXML strings.Builder
	for i, s := range b.sheets {
		state := ""
		if s.hidden {
			state = ` state="hidden"`
		}
		fmt.Fprintf(&sheetsXML, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, html.EscapeString(s.name), i+1, state, i+1)
		fmt.Fprintf(&relsXML, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		fmt.Fprintf(&ctXML, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		parts[fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)] = b.sheetXML(s)
	}
	n := len(b.sheets)
	fmt.Fprintf(&relsXML, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, n+1)
	fmt.Fprintf(&relsXML, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, n+2)

	pr := `<workbookPr/>`
	if b.date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	parts["xl/workbook.xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		pr + `<sheets>` + sheetsXML.String() + `</sheets></workbook>`
	parts["xl/_rels/workbook.xml.rels"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + relsXML.String() + `</Relationships>`
	parts["_rels/.rels"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	parts["[Content_Types].xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` + ctXML.String() + `</Types>`
	parts["xl/styles.xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd\.mm\.yyyy"/><numFmt numFmtId="165" formatCode="m/d/yyyy"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`
	// Shared strings are collected while the sheets are written, so last.
	var sst strings.Builder
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(b.sst), len(b.sst))
	for _, s := range b.sst {
		fmt.Fprintf(&sst, `<si><t xml:space="preserve">%s</t></si>`, html.EscapeString(s))
	}
	sst.WriteString("</sst>")
	parts["xl/sharedStrings.xml"] = sst.String()

	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/sharedStrings.xml"} {
		addPart(zw, name, parts[name])
	}
	for i := range b.sheets {
		name := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)
		addPart(zw, name, parts[name])
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	return out.Bytes()
}

func addPart(zw *zip.Writer, name, content string) {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: fixedTime})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := w.Write([]byte(content)); err != nil {
		log.Fatal(err)
	}
}

// serial is the Excel 1900-system serial of a dd.mm.yyyy date.
func serial(date string) string {
	t, err := time.Parse("02.01.2006", date)
	if err != nil {
		log.Fatal(err)
	}
	d := int(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	return fmt.Sprint(d)
}

// serial1904 is the same date in the 1904 system.
func serial1904(date string) string {
	t, err := time.Parse("02.01.2006", date)
	if err != nil {
		log.Fatal(err)
	}
	return fmt.Sprint(int(t.Sub(time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24))
}

func date(d string) number { return number{serial(d), styleDate} }

func one(name string, rows map[int][]any) []byte {
	b := &book{sheets: []sheet{{name: name, rows: rows}}}
	return b.bytes()
}

func xlsxFiles() {
	hdr := []any{"Fornavn", "Etternavn", "Fødselsdato", "E-post", "Startdato", "Avdeling"}
	basic := one("Ark1", map[int][]any{
		1: hdr,
		2: {"Ola", "Hansen", date("17.05.1990"), "ola@example.no", date("01.03.2026"), "Drift"},
		3: {"Kari", "Olsen", date("01.02.1985"), "kari@example.no", date("15.03.2026"), "Salg"},
		4: {"Per", "Berg", date("31.12.1979"), "per@example.no", date("01.04.2026"), "IT"},
	})
	write("truncated.xlsx", basic[:len(basic)/2])

	b := &book{sheets: []sheet{{
		name: "Nyansatte",
		rows: map[int][]any{
			1: {"Nyansatte ved Sykehuset X, mars 2026"},
			2: {"Levert av HR 01.03.2026", nil, nil, "Kontakt: hr@sykehuset.no"},
			4: hdr,
			5: {"Ola", "Hansen", date("17.05.1990"), "ola@example.no", date("01.03.2026"), "Medisinsk"},
			6: {"Kari", "Olsen", date("01.02.1985"), "kari(at)example.no", date("15.03.2026"), "Kirurgisk"},
			8: {"Per", "Berg", date("31.12.1979"), "per@example.no", date("01.04.2026"), "Akutt"},
		},
		merge: []string{"A1:F1", "A2:C2"},
	}}}
	write("title_merged.xlsx", b.bytes())

	write("serial_dates.xlsx", one("Ark1", map[int][]any{
		1: hdr,
		2: {"Ola", "Hansen", date("17.05.1990"), "ola@example.no", date("01.03.2026"), "Drift"},
		3: {"Kari", "Olsen", "01.02.1985", "kari@example.no", number{"46082.75", styleDate}, "Salg"},
		4: {"Per", "Berg", number{"60", styleDate}, "per@example.no", date("01.04.2026"), "IT"},
		5: {"Anne", "Lie", number{"61", styleGeneral}, "anne@example.no", number{"0", styleDate}, "IT"},
	}))

	b = &book{date1904: true, sheets: []sheet{{name: "Ark1", rows: map[int][]any{
		1: hdr,
		2: {"Ola", "Hansen", number{serial1904("17.05.1990"), styleDate}, "ola@example.no", number{serial1904("01.03.2026"), styleDate}, "Drift"},
		3: {"Kari", "Olsen", number{serial1904("01.02.1985"), styleDate}, "kari@example.no", number{serial1904("15.03.2026"), styleDate}, "Salg"},
	}}}}
	write("date1904.xlsx", b.bytes())

	write("us_format.xlsx", one("Sheet1", map[int][]any{
		1: hdr,
		2: {"Ola", "Hansen", number{serial("05.06.1990"), styleUSDate}, "ola@example.no", number{serial("03.04.2026"), styleUSDate}, "Drift"},
		3: {"Kari", "Olsen", number{serial("01.02.1985"), styleUSDate}, "kari@example.no", "3/14/2026", "Salg"},
	}))

	write("formulas.xlsx", one("Ark1", map[int][]any{
		1: {"Fornavn", "Etternavn", "Navn", "Startdato", "E-post", "Mobil"},
		2: {"Ola", "Hansen", formula{f: `A2&" "&B2`, t: "str", cached: "Ola Hansen"},
			formula{f: "DATE(2026,3,1)", cached: serial("01.03.2026"), style: styleDate},
			formula{f: `LOWER(A2)&"@example.no"`, t: "str", cached: "ola@example.no"},
			formula{f: "91234567", cached: "91234567"}},
		3: {"Kari", "Olsen", formula{f: `A3&" "&B3`, t: "str", cached: "Kari Olsen"},
			formula{f: "TODAY()+1", style: styleDate},
			formula{f: `VLOOKUP(A3,Ark2!A:B,2,0)`, t: "e", cached: "#N/A"},
			nil},
	}))

	b = &book{sheets: []sheet{
		{name: "Instruksjoner", rows: map[int][]any{
			1: {"Slik fyller du ut listen"},
			2: {"Én rad per nyansatt. Datoer som dd.mm.åååå."},
		}},
		{name: "Nyansatte", rows: map[int][]any{
			1: {"Fornavn", "Etternavn", "E-post"},
			2: {"Ola", "Hansen", "ola@example.no"},
			3: {"Kari", "Olsen", "kari@example.no"},
		}},
	}}
	write("two_sheets.xlsx", b.bytes())

	b = &book{sheets: []sheet{
		{name: "Koder", hidden: true, rows: map[int][]any{1: {"Kode", "Avdeling"}, 2: {"10", "Drift"}}},
		{name: "Liste", rows: map[int][]any{
			1: {"Fornavn", "Etternavn", "Avdeling"},
			2: {"Ola", "Hansen", "Drift"},
		}},
	}}
	write("hidden_first_sheet.xlsx", b.bytes())

	write("inline_strings.xlsx", one("Ark1", map[int][]any{
		1: {inline("Fornavn"), inline("Etternavn"), inline("E-post"), inline("Avdeling")},
		2: {inline("Åsmund"), inline("Ødegård"), inline("asmund@example.no"), inline("Kjøkken & kantine")},
		3: {inline("Kari"), shared("Olsen"), inline("kari@example.no"), inline("Drift")},
	}))

	fnrZero := fnr("01.02.1985", true) // starts with 0, which Excel drops
	write("numeric_fnr.xlsx", one("Ark1", map[int][]any{
		1: {"Fornavn", "Etternavn", "Fødselsnummer", "Mobil"},
		2: {"Kari", "Olsen", number{strings.TrimLeft(fnrZero, "0"), styleGeneral}, number{"4791234567", styleGeneral}},
		3: {"Ola", "Hansen", number{fnr("17.05.1990", false), styleGeneral}, number{"41234567", styleGeneral}},
	}))
}

package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/verve-union/verve/internal/model"
)

// synthFile is a file of any size without the memory: head, then tail
// repeated until size. It lets tests read 50 MB lines and million-row
// lists while checking that the reader does not hold them.
type synthFile struct {
	head, tail string
	size       int64
}

func (f synthFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= f.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off < f.size {
		var src string
		if off < int64(len(f.head)) {
			src = f.head[off:]
		} else {
			src = f.tail[(off-int64(len(f.head)))%int64(len(f.tail)):]
		}
		c := copy(p[n:], src[:min(int64(len(src)), f.size-off)])
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// drain reads every row, decoding it, and returns the number of good rows
// and the first file error.
func drain(r *Reader, m Mapping, each func()) (good int, err error) {
	for {
		row, err := r.Next()
		if err == io.EOF {
			return good, nil
		}
		if err != nil {
			return good, err
		}
		if _, errs := r.Decode(row, m); errs == nil {
			good++
		}
		if each != nil {
			each()
		}
	}
}

func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

func TestHugeLine(t *testing.T) {
	// One 50 MB line without a newline: must fail at about 1 MiB, naming
	// the line, without reading the rest into memory.
	f := synthFile{head: "Fornavn;Etternavn;Stilling\nOla;Hansen;Kokk\nKari;Olsen;", tail: "x", size: 50 << 20}
	before := totalAlloc()
	r, err := Open(f, f.size, Options{})
	if err != nil {
		t.Fatal(err)
	}
	good, err := drain(r, Guess(r.Header()), nil)
	if good != 1 || err == nil || !strings.Contains(model.ErrorMessage(err), "Linje 3 er over 1 MiB") {
		t.Fatalf("good %d, err %v", good, err)
	}
	checkUserError(t, err)
	if _, again := r.Next(); again != err {
		t.Errorf("error not sticky: %v", again)
	}
	if used := totalAlloc() - before; used > 16<<20 {
		t.Errorf("allocated %d MiB reading a 50 MB line", used>>20)
	}
	if done, total := r.Progress(); done > 4<<20 || total != f.size {
		t.Errorf("progress %d/%d: read far past the limit", done, total)
	}
}

func TestHugeLineInHeader(t *testing.T) {
	f := synthFile{head: "Fornavn;", tail: "y", size: 3 << 20}
	_, err := Open(f, f.size, Options{})
	if err == nil || !strings.Contains(model.ErrorMessage(err), "Linje 1 er over 1 MiB") {
		t.Fatalf("err %v", err)
	}
}

func TestUnclosedQuoteSwallowsFile(t *testing.T) {
	// A quote opened on line 3 and never closed turns every following line
	// into one field; the record limit stops it.
	f := synthFile{head: "Fornavn;Etternavn\nOla;Hansen\n\"Kari;Olsen\n", tail: "Per;Berg\n", size: 20 << 20}
	before := totalAlloc()
	r, err := Open(f, f.size, Options{})
	if err != nil {
		t.Fatal(err)
	}
	good, err := drain(r, Guess(r.Header()), nil)
	if good != 1 || err == nil || !strings.Contains(model.ErrorMessage(err), "Raden som starter på linje 3 er over 4 MiB") {
		t.Fatalf("good %d, err %v", good, err)
	}
	if used := totalAlloc() - before; used > 64<<20 {
		t.Errorf("allocated %d MiB", used>>20)
	}
}

func TestMillionRowsBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a million rows")
	}
	const rows = 1_000_000
	header := "Fornavn;Etternavn;Fødselsdato;E-post;Mobil;Startdato;Stilling;Avdeling\r\n"
	row := "Kari;Nordmann;17.05.1990;kari.nordmann@example.no;+47 912 34 567;01.03.2026;Sykepleier;Medisinsk avdeling\r\n"
	f := synthFile{head: header, tail: row, size: int64(len(header) + rows*len(row))}
	r, err := Open(f, f.size, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.now = testNow
	var peak uint64
	n := 0
	good, err := drain(r, Guess(r.Header()), func() {
		if n++; n%100_000 == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	})
	if err != nil || good != rows {
		t.Fatalf("good %d, err %v", good, err)
	}
	if peak > 16<<20 {
		t.Errorf("live heap reached %d MiB", peak>>20)
	}
	if done, total := r.Progress(); done != total || total != f.size {
		t.Errorf("progress %d/%d at the end", done, total)
	}
}

func TestHeaderSearch(t *testing.T) {
	titles := strings.Repeat("Liste over nyansatte;;\n", 29)
	data := titles + "Fornavn;Etternavn\nOla;Hansen\n"
	r, err := Open(strings.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Info().HeaderRow != 30 || r.Header()[0] != "Fornavn" {
		t.Errorf("header row %d: %q", r.Info().HeaderRow, r.Header())
	}
	// Past 30 non-empty rows the header is not looked for: the first row
	// is taken, the rows after it are data, and Check complains.
	data = titles + "Mer tekst;;\n" + "Fornavn;Etternavn\nOla;Hansen\n"
	r, err = Open(strings.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Info().HeaderRow != 1 || Guess(r.Header()).Check() == nil {
		t.Errorf("header row %d: %q", r.Info().HeaderRow, r.Header())
	}
	n := 0
	for {
		row, err := r.Next()
		if err != nil {
			break
		}
		n++
		if n == 1 && row.Line != 2 {
			t.Errorf("first data row is line %d", row.Line)
		}
	}
	if n != 31 {
		t.Errorf("%d rows after the header, want 31", n)
	}
}

func TestOpenOptionsAndFailures(t *testing.T) {
	data := "Fornavn;Etternavn\nOla;Hansen\n"
	if _, err := Open(strings.NewReader(data), int64(len(data)), Options{Encoding: "ebcdic"}); err == nil ||
		!strings.Contains(model.ErrorMessage(err), "Ukjent tegnsett") {
		t.Errorf("unknown encoding: %v", err)
	}
	if _, err := Open(strings.NewReader(data), int64(len(data)), Options{Delimiter: '"'}); err == nil {
		t.Error("quote accepted as delimiter")
	}
	if _, err := Open(failingReader{}, 100, Options{}); err == nil || !strings.Contains(model.ErrorMessage(err), "kunne ikke leses") {
		t.Errorf("failing reader: %v", err)
	}
	if _, err := Open(strings.NewReader(""), 0, Options{}); err == nil || model.ErrorMessage(err) != "Filen er tom." {
		t.Errorf("empty: %v", err)
	}
}

type failingReader struct{}

func (failingReader) ReadAt([]byte, int64) (int, error) { return 0, errors.New("disk on fire") }

func TestCSVProgress(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSample(&b, "csv", 5000, 1); err != nil {
		t.Fatal(err)
	}
	r, err := Open(bytes.NewReader(b.Bytes()), int64(b.Len()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var last int64
	good, err := drain(r, Guess(r.Header()), func() {
		done, total := r.Progress()
		if done < last || done > total || total != int64(b.Len()) {
			t.Fatalf("progress %d/%d after %d", done, total, last)
		}
		last = done
	})
	if err != nil || good != 5000 {
		t.Fatalf("good %d, err %v", good, err)
	}
	if done, total := r.Progress(); done != total {
		t.Errorf("progress %d/%d at the end", done, total)
	}
}

func TestXLSXLimits(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"Fornavn", "Etternavn"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"Ola", "Hansen"})
	f.SetCellValue("Sheet1", "WZ3", "langt ute") // column 624
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	r, err := Open(bytes.NewReader(b.Bytes()), int64(b.Len()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	good, err := drain(r, Guess(r.Header()), nil)
	if good != 1 || err == nil || !strings.Contains(model.ErrorMessage(err), "Filen har 624 kolonner") {
		t.Errorf("good %d, err %v", good, err)
	}
}

func TestXLSXLyingSizes(t *testing.T) {
	// A few bytes that claim to unpack to 300 MB: refused before excelize
	// allocates a buffer of the claimed size.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"xl/workbook.xml", "xl/styles.xml"} {
		content := []byte("<x/>")
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(content),
			CompressedSize64: uint64(len(content)), UncompressedSize64: 300 << 20})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	zw.Close()
	_, err := Open(bytes.NewReader(b.Bytes()), int64(b.Len()), Options{})
	if err == nil || !strings.Contains(model.ErrorMessage(err), "for stor") {
		t.Errorf("err %v", err)
	}
}

func TestWriteSample(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		var a, b bytes.Buffer
		if err := WriteSample(&a, format, 300, 42); err != nil {
			t.Fatal(err)
		}
		if err := WriteSample(&b, format, 300, 42); err != nil {
			t.Fatal(err)
		}
		if format == "csv" && !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Error("sample is not deterministic")
		}
		r, err := Open(bytes.NewReader(a.Bytes()), int64(a.Len()), Options{})
		if err != nil {
			t.Fatal(err)
		}
		r.now = testNow
		m := Guess(r.Header())
		if fmt.Sprint(m) != "[first_name last_name birth_date email mobile start_date position department]" {
			t.Errorf("%s mapping %v", format, m)
		}
		emails := map[string]bool{}
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			h, errs := r.Decode(row, m)
			if errs != nil {
				t.Fatalf("%s line %d: %+v", format, row.Line, errs)
			}
			if emails[h.Email] || h.BirthDate.IsZero() || h.StartDate.IsZero() || h.Mobile == "" {
				t.Fatalf("%s: %+v", format, h)
			}
			emails[h.Email] = true
		}
		if len(emails) != 300 {
			t.Errorf("%s: %d rows", format, len(emails))
		}
		r.Close()
	}
	if err := WriteSample(io.Discard, "ods", 1, 1); err == nil {
		t.Error("unknown format accepted")
	}
}

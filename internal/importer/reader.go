// Package importer reads employer lists of new hires (CSV in any of the
// encodings Norwegian offices produce, and XLSX), finds the header row,
// maps columns to fields and turns each row into a validated model.NewHire
// or a list of problems a person can fix.
//
// Everything is streamed: memory stays bounded however long the file is,
// and no single line, field or cell can make it grow without limit.
package importer

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/model"
)

// Options override what Open would otherwise detect.
type Options struct {
	Encoding  string // "" = detect; "utf-8", "windows-1252", "iso-8859-1"
	Sheet     string // XLSX sheet name; "" = first (visible) sheet
	Delimiter rune   // CSV; 0 = detect among ';' ',' '\t'
	// TempDir is where a large XLSX worksheet is unpacked, in plain text
	// until the reader is closed: a directory the server empties when it
	// starts. "" is the system's temporary directory.
	TempDir string
	// Today is the day dates are checked against (clock.Day form); zero is
	// today in Oslo by the system clock.
	Today time.Time
	// Column reports a header cell naming a column the caller reads, for
	// finding the header row below any title rows; nil = the new-hire
	// columns (Guess).
	Column func(cell string) bool
}

// Info describes what Open found.
type Info struct {
	Format    string   // "csv" or "xlsx"
	Encoding  string   // what was used (CSV)
	Delimiter rune     // CSV
	Sheets    []string // XLSX sheet names
	Sheet     string   // XLSX sheet read
	HeaderRow int      // 1-based row/line number of the header row
	Date1904  bool     // XLSX workbook date system
}

// Row is one non-empty data row as found in the file.
type Row struct {
	Line  int      // 1-based line (CSV record start line) or sheet row number
	Cells []string // raw cell values; XLSX numeric cells as their stored value (e.g. "45658")
	// Problem is set when the record itself could not be parsed (a stray
	// quote in a CSV line). Cells then holds what could be read; Decode
	// reports the problem and the row must not be used.
	Problem model.Text
}

// Limits that keep a hostile or broken file from using unbounded resources.
const (
	maxColumns  = 500
	MaxField    = 200 // runes, for mapped cells (longer ones are "import.why.toolong")
	headerScan  = 30  // non-empty rows searched for the header
	sniffSize   = 64 << 10
	binarySniff = 8 << 10
)

// source is a format-specific row reader.
type source interface {
	next() (Row, error) // io.EOF at the end
	progress() (done, total int64)
	close() error
}

// Reader reads the data rows of one file.
type Reader struct {
	info    Info
	src     source
	header  []string
	pending []Row // rows read while looking for the header
	err     error // sticky file error
	now     time.Time
	column  func(string) bool
}

var (
	magicZip      = []byte("PK\x03\x04")
	magicEmptyZip = []byte("PK\x05\x06")
	magicOLE      = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls, or an encrypted .xlsx
)

// fileError is a file that cannot be read at all: the catalogue key of
// the reason (with name–value arguments).
func fileError(key string, args ...any) error {
	return model.ErrorKey(model.EINVALID, key, args...)
}

// Open detects the format from the content (not the file name), reads up
// to the header row and returns a *model.Error with a Norwegian message
// for a file that cannot be read at all.
func Open(r io.ReaderAt, size int64, opt Options) (*Reader, error) {
	if size <= 0 {
		return nil, fileError("import.fileerr.empty")
	}
	head := make([]byte, min(size, sniffSize))
	n, err := r.ReadAt(head, 0)
	if n < len(head) && err != nil {
		return nil, fileError("import.fileerr.unreadable")
	}
	head = head[:n]

	rd := &Reader{now: opt.Today, column: knownColumn(opt)}
	if rd.now.IsZero() {
		rd.now = clock.Day(time.Now())
	}
	var src source
	switch {
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicEmptyZip):
		src, err = openXLSX(r, size, opt, &rd.info)
	case bytes.HasPrefix(head, magicOLE):
		err = fileError("import.fileerr.xls")
	default:
		src, err = openCSV(r, size, head, opt, &rd.info)
	}
	if err != nil {
		return nil, err
	}
	rd.src = src
	if err := rd.findHeader(); err != nil {
		src.close()
		return nil, err
	}
	return rd, nil
}

// findHeader takes the first row that names at least two known columns,
// skipping title rows above it. Without one, the first row is the header
// and Mapping.Check will say that names are missing.
func (r *Reader) findHeader() error {
	var seen []Row
	for len(seen) < headerScan {
		row, err := r.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if recognised(row.Cells, r.column) >= 2 {
			r.setHeader(row)
			return nil
		}
		seen = append(seen, row)
	}
	if len(seen) == 0 {
		return fileError("import.fileerr.empty")
	}
	r.setHeader(seen[0])
	r.pending = seen[1:]
	return nil
}

func (r *Reader) setHeader(row Row) {
	h := make([]string, len(row.Cells))
	for i, c := range row.Cells {
		h[i] = CollapseSpace(c)
	}
	for len(h) > 0 && h[len(h)-1] == "" {
		h = h[:len(h)-1]
	}
	r.header = h
	r.info.HeaderRow = row.Line
}

// read returns the next non-empty row from the source, enforcing the column
// limit.
func (r *Reader) read() (Row, error) {
	for {
		row, err := r.src.next()
		if err != nil {
			return Row{}, err
		}
		n := usedCells(row.Cells)
		if n > maxColumns {
			return Row{}, fileError("import.fileerr.columns", "columns", n, "max", maxColumns)
		}
		if n > 0 || row.Problem.Key != "" {
			return row, nil
		}
	}
}

// usedCells is the number of cells up to the last non-blank one.
func usedCells(cells []string) int {
	for i := len(cells) - 1; i >= 0; i-- {
		if strings.TrimSpace(cells[i]) != "" {
			return i + 1
		}
	}
	return 0
}

// Info describes the file.
func (r *Reader) Info() Info { return r.info }

// DateContext is what ParseDate needs to read this file's date cells.
func (r *Reader) DateContext() DateContext {
	return DateContext{Today: r.now, Serials: r.info.Format == "xlsx", Date1904: r.info.Date1904}
}

// Header returns the header cells, trimmed, without trailing empty cells.
func (r *Reader) Header() []string { return r.header }

// Next returns the next data row, skipping fully empty rows, and io.EOF at
// the end. Any other error is a *model.Error about the whole file; the
// rows already returned are still valid.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	if len(r.pending) > 0 {
		row := r.pending[0]
		r.pending = r.pending[1:]
		return row, nil
	}
	row, err := r.read()
	if err != nil {
		r.err = err
	}
	return row, err
}

// Progress reports how far reading has come: bytes for CSV, rows for XLSX
// (total from the sheet's declared size; 0 when unknown).
func (r *Reader) Progress() (done, total int64) { return r.src.progress() }

// Close releases temporary files (large XLSX sheets are unpacked to disk).
func (r *Reader) Close() error { return r.src.close() }

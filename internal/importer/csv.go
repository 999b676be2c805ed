package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/verve-union/verve/internal/model"
)

// Limits on one CSV line and one record (which may span lines inside
// quotes). encoding/csv buffers a whole record, so without them one 50 MB
// line, or a quote that is never closed, would be read into memory whole.
const (
	maxLine   = 1 << 20
	maxRecord = 4 << 20
)

type csvSource struct {
	cr      *csv.Reader
	lim     *limiter
	raw     *countingReader
	size    int64
	endLine int // last line of the previous record
}

func openCSV(r io.ReaderAt, size int64, head []byte, opt Options, info *Info) (source, error) {
	skip, dec, name, err := chooseEncoding(head, opt.Encoding)
	if err != nil {
		return nil, err
	}
	if name != "utf-16le" && name != "utf-16be" && looksBinary(head[skip:]) {
		return nil, fileError("import.fileerr.binary")
	}
	text, _, _ := transform.String(dec.NewDecoder(), string(head[skip:]))
	if looksMarkup(text) {
		return nil, fileError("import.fileerr.markup")
	}
	// "CSV (Macintosh)" from old Excel ends lines with CR alone, which
	// encoding/csv does not see as a line end.
	crOnly := !strings.Contains(text, "\n") && strings.Contains(text, "\r")
	if crOnly {
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	delim := opt.Delimiter
	if delim == 0 {
		delim = detectDelimiter(text, knownColumn(opt))
	} else if !validDelimiter(delim) {
		return nil, fileError("import.fileerr.delimiter", "delimiter", strconv.QuoteRune(delim))
	}

	raw := &countingReader{r: io.NewSectionReader(r, skip, size-skip)}
	decoded := dec.NewDecoder().Reader(raw)
	if crOnly {
		decoded = crToLF{decoded}
	}
	lim := &limiter{r: decoded}
	cr := csv.NewReader(lim)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false // rows are handed out and may be kept
	*info = Info{Format: "csv", Encoding: name, Delimiter: delim}
	return &csvSource{cr: cr, lim: lim, raw: raw, size: size}, nil
}

func (s *csvSource) next() (Row, error) {
	s.lim.recLine = s.endLine + 1
	rec, err := s.cr.Read()
	s.lim.recEnd = s.cr.InputOffset()
	var pe *csv.ParseError
	switch {
	case err == nil:
	case errors.As(err, &pe):
		s.endLine = pe.Line
		return Row{Line: pe.StartLine, Cells: rec, Problem: quoteProblem(pe)}, nil
	case errors.Is(err, io.EOF):
		return Row{}, io.EOF
	default:
		var me *model.Error
		if errors.As(err, &me) {
			return Row{}, err
		}
		return Row{}, fileError("import.fileerr.unreadable")
	}
	line, _ := s.cr.FieldPos(0)
	last, _ := s.cr.FieldPos(len(rec) - 1)
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	return Row{Line: line, Cells: rec}, nil
}

// quoteProblem explains a record encoding/csv could not parse. A quote
// that is never closed swallows the lines after it, so say which.
func quoteProblem(pe *csv.ParseError) model.Text {
	switch {
	case pe.Line > pe.StartLine:
		return model.Text{Key: "import.why.quote.open", Args: []any{"from", pe.StartLine, "to", pe.Line}}
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return model.Text{Key: "import.why.quote.bare"}
	}
	return model.Text{Key: "import.why.quote"}
}

func (s *csvSource) progress() (int64, int64) { return min(s.raw.n, s.size), s.size }
func (s *csvSource) close() error             { return nil }

// chooseEncoding returns the number of BOM bytes to skip, the decoding and
// its name. Without a BOM or an explicit choice, text that is (mostly)
// valid UTF-8 in the first 64 KiB is UTF-8, anything else Windows-1252
// (what Excel on Norwegian Windows writes for "CSV (semikolonseparert)").
// ISO-8859-1 is only used when asked for: it differs from Windows-1252
// only in control characters that never occur in a list of names.
func chooseEncoding(head []byte, want string) (int64, encoding.Encoding, string, error) {
	switch strings.ToLower(strings.TrimSpace(want)) {
	case "":
	case "utf-8", "utf8":
		return bomLen(head), utf8Fallback{}, "utf-8", nil
	case "windows-1252", "cp1252":
		return 0, charmap.Windows1252, "windows-1252", nil
	case "iso-8859-1", "latin1", "latin-1":
		return 0, charmap.ISO8859_1, "iso-8859-1", nil
	default:
		return 0, nil, "", fileError("import.fileerr.encoding", "encoding", strconv.Quote(want))
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return 2, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return 2, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", nil
	case mostlyUTF8(trimPartialRune(head)):
		return bomLen(head), utf8Fallback{}, "utf-8", nil
	}
	return 0, charmap.Windows1252, "windows-1252", nil
}

// mostlyUTF8 reports whether b is valid UTF-8, or has at least as many
// valid multi-byte sequences as invalid bytes: a UTF-8 list with a line
// pasted in from an old Windows system. Real Windows-1252 text with æøå
// almost never forms valid UTF-8 sequences, so it has no valid ones.
func mostlyUTF8(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	valid, invalid := 0, 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		b = b[size:]
	}
	return valid >= invalid
}

func bomLen(b []byte) int64 {
	if bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		return 3
	}
	return 0
}

// trimPartialRune drops an incomplete UTF-8 sequence cut off at the end of
// the sniffed bytes.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// looksBinary reports NUL bytes or many control characters in the first
// 8 KiB: an image, a PDF or a zip under another name.
func looksBinary(b []byte) bool {
	b = b[:min(len(b), binarySniff)]
	ctrl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return true
		case c == '\t' || c == '\n' || c == '\r' || c == '\f':
		case c < 0x20 || c == 0x7F:
			ctrl++
		}
	}
	return ctrl*10 > len(b)
}

// looksMarkup catches HTML tables saved as ".xls" by web-based HR systems,
// and SpreadsheetML 2003 XML.
func looksMarkup(text string) bool {
	t := strings.ToLower(strings.TrimSpace(text[:min(len(text), 1024)]))
	if !strings.HasPrefix(t, "<") {
		return false
	}
	for _, tag := range []string{"<html", "<table", "<?xml", "<!doctype html"} {
		if strings.Contains(t, tag) {
			return true
		}
	}
	return false
}

var delimiters = []rune{';', ',', '\t'}

func validDelimiter(r rune) bool {
	return r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && r > 0
}

// detectDelimiter tries each candidate on the sniffed text. The one under
// which a header row (two known column names) appears earliest wins; a
// title row above the header may contain other punctuation, so counting
// alone is not enough. Failing that, the delimiter that splits the first
// row into the most cells (counted outside quotes by csv itself) wins.
func detectDelimiter(text string, known func(string) bool) rune {
	best, bestHeader, bestCells := ';', headerScan, 1
	for _, d := range delimiters {
		recs := sniffRecords(text, d)
		for i, rec := range recs {
			if recognised(rec, known) >= 2 {
				if i < bestHeader || (i == bestHeader && len(rec) > bestCells) {
					best, bestHeader, bestCells = d, i, len(rec)
				}
				break
			}
		}
	}
	if bestHeader < headerScan {
		return best
	}
	for _, d := range delimiters {
		if recs := sniffRecords(text, d); len(recs) > 0 && len(recs[0]) > bestCells {
			best, bestCells = d, len(recs[0])
		}
	}
	return best
}

// sniffRecords parses up to headerScan non-empty records of the sniffed text.
func sniffRecords(text string, d rune) [][]string {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = d
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var recs [][]string
	for len(recs) < headerScan {
		rec, err := cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				continue
			}
			break
		}
		if usedCells(rec) > 0 {
			recs = append(recs, rec)
		}
	}
	return recs
}

// countingReader counts raw bytes for Progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// crToLF turns every CR into LF.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// limiter sits between the decoder and encoding/csv and fails the read
// when one line, or the record csv is currently reading, grows too long.
type limiter struct {
	r       io.Reader
	err     error
	lines   int   // newlines passed so far
	lineLen int   // bytes since the last newline
	fed     int64 // bytes handed to csv
	recEnd  int64 // csv's input offset after the last record
	recLine int   // first line the current record can start on
}

func (l *limiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for b := p[:n]; l.err == nil; {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.lineLen += len(b)
			if l.lineLen > maxLine {
				l.err = l.lineError()
			}
			break
		}
		if l.lineLen+i > maxLine {
			l.err = l.lineError()
			break
		}
		l.lines++
		l.lineLen = 0
		b = b[i+1:]
	}
	l.fed += int64(n)
	if l.err == nil && l.fed-l.recEnd > maxRecord {
		l.err = fileError("import.fileerr.record", "line", l.recLine)
	}
	if l.err != nil {
		return 0, l.err
	}
	return n, err
}

func (l *limiter) lineError() error {
	return fileError("import.fileerr.line", "line", l.lines+1)
}

// utf8Fallback decodes UTF-8 and reads any byte that is not part of a
// valid sequence as Windows-1252, so that one line pasted in from an old
// system still shows "Ødegård" rather than replacement characters.
type utf8Fallback struct{ transform.NopResetter }

func (utf8Fallback) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: utf8Fallback{}}
}

func (utf8Fallback) NewEncoder() *encoding.Encoder {
	return &encoding.Encoder{Transformer: encoding.UTF8Validator}
}

func (utf8Fallback) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		c := src[nSrc]
		if c < utf8.RuneSelf {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = c
			nDst++
			nSrc++
			continue
		}
		r, size := utf8.DecodeRune(src[nSrc:])
		if r == utf8.RuneError && size <= 1 {
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			r, size = charmap.Windows1252.DecodeByte(c), 1
		}
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc += size
	}
	return nDst, nSrc, nil
}

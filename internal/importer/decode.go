package importer

import (
	"errors"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// Reasons for rejected cells and rows.
const (
	reasonTooLong      = "import.why.toolong"
	reasonNoName       = "import.why.noname"
	reasonNoFirst      = "import.why.nofirst"
	reasonNoLast       = "import.why.nolast"
	reasonNameParts    = "import.why.nameparts"
	reasonNameDigits   = "import.why.namedigits"
	reasonNameChars    = "import.why.namechars"
	reasonEmail        = "import.why.email"
	reasonBirthFnr     = "import.why.birthfnr"
	reasonExtraCells   = "import.why.extracells"
	reasonRepeatHeader = "import.why.repeatheader"
)

var fnrReasons = map[error]string{
	norway.ErrFnrControl: "import.why.fnr.control",
	norway.ErrFnrLength:  "import.why.fnr.length",
	norway.ErrFnrDigits:  "import.why.fnr.digits",
	norway.ErrFnrDate:    "import.why.fnr.date",
}

// Decode turns one row into a NewHire. Each problem names the row, the
// column as the file names it, the value (shortened) and the reason in
// Norwegian. A row with any problem must not be used.
func (r *Reader) Decode(row Row, m Mapping) (model.NewHire, []model.RowError) {
	d := decoder{r: r, row: row, m: m, h: model.NewHire{Line: row.Line}}
	if e, bad := r.CheckRow(row, len(m)); bad {
		d.errs = append(d.errs, e)
	} else {
		d.fields()
	}
	if len(d.errs) > 0 {
		return model.NewHire{Line: row.Line}, d.errs
	}
	return d.h, nil
}

// CheckRow reports what makes a whole row unusable before its cells are
// read: a record that could not be parsed, a repeated header row, or (in
// CSV) more cells than the header and the mapping's width have columns.
func (r *Reader) CheckRow(row Row, width int) (model.RowError, bool) {
	var (
		key   string
		args  []any
		value string
	)
	switch {
	case row.Problem.Key != "":
		key, args = row.Problem.Key, row.Problem.Args
	case r.isHeader(row.Cells):
		key = reasonRepeatHeader
	case r.info.Format == "csv" && usedCells(row.Cells) > max(len(r.header), width):
		extra := row.Cells[max(len(r.header), width):]
		key, value = reasonExtraCells, extra[usedCells(extra)-1]
	default:
		return model.RowError{}, false
	}
	e := model.RowReason(row.Line, key, args...)
	e.Value = Shorten(value)
	return e, true
}

type decoder struct {
	r    *Reader
	row  Row
	m    Mapping
	h    model.NewHire
	errs []model.RowError
}

func (d *decoder) cell(i int) string {
	if i < 0 || i >= len(d.row.Cells) {
		return ""
	}
	return strings.TrimSpace(d.row.Cells[i])
}

func (d *decoder) fail(col int, value, key string, args ...any) {
	e := model.RowReason(d.row.Line, key, args...)
	e.Value = Shorten(value)
	if col >= 0 {
		e.Column = d.r.ColumnName(col)
	}
	d.errs = append(d.errs, e)
}

func (d *decoder) fields() {
	var (
		first, last, full string
		fnr               norway.Fnr
		nameFailed        bool
		birthCol          = -1
	)
	ctx := d.r.DateContext()
	for i, f := range d.m {
		v := d.cell(i)
		if f == Ignore || v == "" {
			continue
		}
		if utf8.RuneCountInString(v) > MaxField {
			d.fail(i, v, reasonTooLong)
			nameFailed = nameFailed || f == FirstName || f == LastName || f == FullName
			continue
		}
		var reason string
		switch f {
		case FirstName:
			first, reason = CleanName(v)
			nameFailed = nameFailed || reason != ""
		case LastName:
			last, reason = CleanName(v)
			nameFailed = nameFailed || reason != ""
		case FullName:
			full = v
		case BirthDate:
			d.h.BirthDate, reason = ParseDate(v, DateBirth, ctx)
			birthCol = i
		case StartDate:
			d.h.StartDate, reason = ParseDate(v, DateStart, ctx)
		case Fnr:
			fnr, reason = ParseFnr(v)
			d.h.Fnr = fnr.String()
		case Email:
			d.h.Email, reason = ParseEmail(v)
		case Mobile:
			d.h.Mobile, reason = ParseMobile(v)
		case Position:
			d.h.Position = CleanText(v)
		case Department:
			d.h.Department = CleanText(v)
		case Location:
			d.h.Location = CleanText(v)
		}
		if reason != "" {
			d.fail(i, v, reason)
		}
	}
	if !nameFailed {
		d.name(first, last, full)
	}
	if d.h.Fnr != "" {
		switch {
		case birthCol < 0 || d.cell(birthCol) == "":
			d.h.BirthDate = fnr.BirthDate()
		case !d.h.BirthDate.IsZero() && !d.h.BirthDate.Equal(fnr.BirthDate()):
			d.fail(birthCol, d.cell(birthCol), reasonBirthFnr)
		}
	}
}

// name settles first and last name from separate columns, falling back to
// a full-name column when either is empty.
func (d *decoder) name(first, last, full string) {
	firstCol, lastCol, fullCol := d.m.index(FirstName), d.m.index(LastName), d.m.index(FullName)
	if (first == "" || last == "") && full != "" {
		f, l, reason := splitFullName(full)
		if reason != "" {
			d.fail(fullCol, full, reason)
			return
		}
		first, last = f, l
	}
	switch {
	case first == "" && last == "":
		col := fullCol
		if col < 0 {
			col = firstCol
		}
		d.fail(col, "", reasonNoName)
	case first == "":
		d.fail(firstCol, "", reasonNoFirst)
	case last == "":
		d.fail(lastCol, "", reasonNoLast)
	}
	d.h.FirstName, d.h.LastName = first, last
}

// splitFullName reads "Etternavn, Fornavn Mellomnavn" (with a comma) or
// "Fornavn Mellomnavn Etternavn" (without).
func splitFullName(s string) (first, last, reason string) {
	if before, after, ok := strings.Cut(s, ","); ok {
		if last, reason = CleanName(before); reason != "" {
			return "", "", reason
		}
		if first, reason = CleanName(after); reason != "" {
			return "", "", reason
		}
	} else {
		name, reason := CleanName(s)
		if reason != "" {
			return "", "", reason
		}
		i := strings.LastIndexByte(name, ' ')
		if i < 0 {
			return "", "", reasonNameParts
		}
		first, last = name[:i], name[i+1:]
	}
	if first == "" || last == "" {
		return "", "", reasonNameParts
	}
	return first, last, ""
}

// CleanName trims and collapses spaces, and rejects what cannot be part of
// a name. Hyphens, apostrophes and periods ("Ole-Martin", "O'Brien",
// "Anne K. Berg") are fine.
func CleanName(s string) (string, string) {
	s = CollapseSpace(s)
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.Is(unicode.Mn, r), r == ' ':
		case unicode.IsDigit(r):
			return "", reasonNameDigits
		case strings.ContainsRune("-‐–'’ʼ`´.", r):
		default:
			return "", reasonNameChars
		}
	}
	return s, ""
}

// CleanText collapses white space (cells often carry line breaks) and drops
// other control characters.
func CleanText(s string) string {
	s = CollapseSpace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// ParseFnr accepts spaces, dots and a hyphen as people format the number,
// and restores the leading zero Excel drops when the column is numeric.
func ParseFnr(s string) (norway.Fnr, string) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
	if len(s) == 10 && isDigits(s) {
		if f, err := norway.ParseFnr("0" + s); err == nil {
			return f, ""
		}
	}
	f, err := norway.ParseFnr(s)
	if err != nil {
		if reason, ok := fnrReasons[err]; ok {
			return norway.Fnr{}, reason
		}
		return norway.Fnr{}, "import.why.fnr"
	}
	return f, ""
}

// ParseEmail lower-cases and checks an address; the second result is the
// catalogue key of the reason when it is not one.
func ParseEmail(s string) (string, string) {
	s = strings.ToLower(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", reasonEmail
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") || strings.ContainsAny(s, " \"[]") {
		return "", reasonEmail
	}
	return s, ""
}

// ParseMobile returns a Norwegian mobile number in E.164 form, or the
// catalogue key of the reason it is not one.
func ParseMobile(s string) (string, string) {
	n, err := norway.NormalizeMobile(s)
	if err != nil {
		if !errors.Is(err, norway.ErrMobile) {
			return "", "import.why.mobile"
		}
		return "", "import.why.mobile.norway"
	}
	return n, ""
}

// isHeader reports a repeat of the header row, as when two lists were
// pasted one under the other.
func (r *Reader) isHeader(cells []string) bool {
	if len(r.header) == 0 || usedCells(cells) != len(r.header) {
		return false
	}
	for i, h := range r.header {
		if CollapseSpace(cells[i]) != h {
			return false
		}
	}
	return true
}

// CollapseSpace trims s and turns every run of white space into one
// space, without allocating when there is nothing to do.
func CollapseSpace(s string) string {
	s = strings.TrimSpace(s)
	prevSpace := false
	for _, r := range s {
		if r == ' ' && prevSpace || r != ' ' && unicode.IsSpace(r) {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = r == ' '
	}
	return s
}

// ColumnName is the header text of column i, or its letter or number when
// the header cell is empty.
func (r *Reader) ColumnName(i int) string {
	if i < len(r.header) && r.header[i] != "" {
		return r.header[i]
	}
	if r.info.Format == "xlsx" {
		if name, err := excelize.ColumnNumberToName(i + 1); err == nil {
			return locale.T("nb", "import.column.unnamed", "column", name)
		}
	}
	return locale.T("nb", "import.column.unnamed", "column", i+1)
}

// Shorten makes a value fit in a report line: one line, at most 40 runes.
func Shorten(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	n := 0
	for i := range s {
		if n == 39 && utf8.RuneCountInString(s[i:]) > 1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

package register

import (
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// ReadOptions steer reading one export.
type ReadOptions struct {
	// Import overrides what the importer detects (encoding, sheet,
	// delimiter, temporary directory, today). Its Column is set by Open.
	Import importer.Options
	// Vocabulary is the union's own words for coded values (remembered in
	// storage), added on top of DefaultVocabulary().
	Vocabulary Vocabulary
	// Columns is a remembered mapping (Remember), by normalised header.
	Columns map[string]Field
	// Mapping, when set, is the mapping chosen column by column (a preview
	// form); it wins over Columns and the guess.
	Mapping []Field
}

// maxUnknown caps the distinct unknown values kept per field, so that a
// file with garbage in a coded column cannot grow the list without bound.
const maxUnknown = 200

// Reader reads a register export row by row. It is a Source.
type Reader struct {
	in      *importer.Reader
	mapping []Field
	col     map[Field]int // column of each mapped field
	has     map[Field]bool
	voc     Vocabulary
	dates   importer.DateContext
	seen    *seen
	unknown map[Field]map[string]*Unknown
	norms   map[string]string // Norm of the coded cells seen, which repeat on every row
	rows    int
}

// Open reads up to the header row of a CSV or XLSX register export and
// settles the mapping. A file that cannot be read, or a mapping without a
// member number, is a *model.Error.
func Open(r io.ReaderAt, size int64, opt ReadOptions) (*Reader, error) {
	iopt := opt.Import
	iopt.Column = Column
	in, err := importer.Open(r, size, iopt)
	if err != nil {
		return nil, err
	}
	m := opt.Mapping
	if m == nil {
		m = Apply(in.Header(), opt.Columns)
	}
	if err := CheckMapping(m); err != nil {
		in.Close()
		return nil, err
	}
	voc := DefaultVocabulary().With(opt.Vocabulary)
	rd := &Reader{
		in: in, mapping: m, voc: voc, dates: in.DateContext(),
		col: map[Field]int{}, has: map[Field]bool{}, seen: newSeen(),
		unknown: map[Field]map[string]*Unknown{}, norms: map[string]string{},
	}
	for i, f := range m {
		if f != Ignore {
			rd.col[f], rd.has[f] = i, true
		}
	}
	return rd, nil
}

// Header is the header row's cells.
func (r *Reader) Header() []string { return r.in.Header() }

// Mapping is the field of each header column (Ignore for columns not read).
func (r *Reader) Mapping() []Field { return r.mapping }

// Remember is the mapping keyed by normalised header, for storing.
func (r *Reader) Remember() map[string]Field { return Remember(r.in.Header(), r.mapping) }

// HeaderOf is the header of the column mapped to f, "" when none is.
func (r *Reader) HeaderOf(f Field) string {
	i, ok := r.col[f]
	if !ok {
		return ""
	}
	return r.in.ColumnName(i)
}

// Info describes the file (format, encoding, header row …).
func (r *Reader) Info() importer.Info { return r.in.Info() }

// Progress reports how far reading has come: bytes for CSV, rows for XLSX.
func (r *Reader) Progress() (done, total int64) { return r.in.Progress() }

// Rows is the number of data rows read so far.
func (r *Reader) Rows() int { return r.rows }

// Close releases the importer's temporary files.
func (r *Reader) Close() error { return r.in.Close() }

// Has reports the columns the file has: a missing column changes nothing.
// Every Record shares this map; it must not be changed.
func (r *Reader) Has() map[Field]bool { return r.has }

// Next returns the next row: a Record when it is valid, else the problems
// that keep it out (with Record.Line set). io.EOF after the last row; any
// other error is about the whole file.
func (r *Reader) Next() (Record, []model.RowError, error) {
	row, err := r.in.Next()
	if err != nil {
		return Record{}, nil, err
	}
	r.rows++
	if e, bad := r.in.CheckRow(row, len(r.mapping)); bad {
		return Record{Line: row.Line}, []model.RowError{e}, nil
	}
	d := rowDecoder{r: r, row: row, rec: Record{Line: row.Line, Has: r.has}}
	d.decode()
	if d.rec.MemberNo != "" {
		d.fileChecks()
	}
	if len(d.errs) > 0 {
		return Record{Line: row.Line}, d.errs, nil
	}
	return d.rec, nil, nil
}

// rowDecoder turns one row into a Record, collecting its problems.
type rowDecoder struct {
	r    *Reader
	row  importer.Row
	rec  Record
	errs []model.RowError
	fnr  norway.Fnr
	// statusWord is the status cell as written, for a leave reason when
	// the reason column is empty ("død", "ekskludert").
	statusWord string
}

// cell is the trimmed cell of field f, and whether the file has the column.
func (d *rowDecoder) cell(f Field) (string, bool) {
	i, ok := d.r.col[f]
	if !ok {
		return "", false
	}
	if i >= len(d.row.Cells) {
		return "", true
	}
	return strings.TrimSpace(d.row.Cells[i]), true
}

func (d *rowDecoder) fail(f Field, value, key string, args ...any) {
	e := model.RowReason(d.row.Line, key, args...)
	e.Value = importer.Shorten(value)
	e.Column = d.r.HeaderOf(f)
	d.errs = append(d.errs, e)
}

// text is a free-text field, cleaned; "" when too long (reported).
func (d *rowDecoder) text(f Field) string {
	v, _ := d.cell(f)
	if utf8.RuneCountInString(v) > importer.MaxField {
		d.fail(f, v, "import.why.toolong")
		return ""
	}
	return importer.CleanText(v)
}

// date reads a date field of kind; zero when empty or bad (reported).
func (d *rowDecoder) date(f Field, kind importer.DateKind) time.Time {
	v, _ := d.cell(f)
	if v == "" {
		return time.Time{}
	}
	t, reason := importer.ParseDate(v, kind, d.r.dates)
	if reason != "" {
		d.fail(f, v, reason)
	}
	return t
}

func (d *rowDecoder) decode() {
	rec := &d.rec
	rec.MemberNo = d.text(MemberNo)
	if v, _ := d.cell(MemberNo); v == "" {
		d.fail(MemberNo, "", "register.row.nomemberno")
	} else if rec.MemberNo != "" && !memberNoOK(rec.MemberNo) {
		d.fail(MemberNo, v, "register.row.memberno")
		rec.MemberNo = ""
	}
	d.person()
	d.address()
	d.employers()
	rec.Region = UnitRef{Code: d.text(RegionCode), Name: d.text(RegionName)}
	rec.Branch = UnitRef{Code: d.text(BranchCode), Name: d.text(BranchName)}
	rec.Club = UnitRef{Code: d.text(ClubCode), Name: d.text(ClubName)}
	d.membership()
	d.dues()
	d.roles()
}

// orgnr reads an organisasjonsnummer field; "" when empty or bad (reported).
func (d *rowDecoder) orgnr(f Field) string {
	v, _ := d.cell(f)
	if v == "" {
		return ""
	}
	n, err := norway.NormalizeOrgnr(v)
	if err != nil {
		d.fail(f, v, "register.row.orgnr")
		return ""
	}
	return n
}

// employers reads the first employer and the numbered further ones. A
// further employer named twice, or the first's again, counts once; when
// the first columns are empty, the first further employer is the primary.
func (d *rowDecoder) employers() {
	rec := &d.rec
	rec.Orgnr, rec.Employer = d.orgnr(EmployerOrgnr), d.text(EmployerName)
	for _, fs := range further {
		j := Job{Orgnr: d.orgnr(fs.Orgnr), Name: d.text(fs.Name)}
		switch {
		case j.Orgnr == "":
		case rec.Orgnr == "":
			rec.Orgnr, rec.Employer = j.Orgnr, j.Name
		case j.Orgnr != rec.Orgnr && !slices.ContainsFunc(rec.Jobs, func(x Job) bool { return x.Orgnr == j.Orgnr }):
			rec.Jobs = append(rec.Jobs, j)
		}
	}
}

// memberNoOK: a member number is one word of letters, digits and the
// separators registers use, at most 30 characters.
func memberNoOK(s string) bool {
	if len(s) > 30 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '/' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func (d *rowDecoder) person() {
	rec := &d.rec
	for _, n := range []struct {
		f       Field
		to      *string
		missing string
	}{{FirstName, &rec.First, "import.why.nofirst"}, {LastName, &rec.Last, "import.why.nolast"}} {
		v, ok := d.cell(n.f)
		switch {
		case !ok:
		case v == "":
			d.fail(n.f, "", n.missing) // a name cannot be cleared
		case utf8.RuneCountInString(v) > importer.MaxField:
			d.fail(n.f, v, "import.why.toolong")
		default:
			name, reason := importer.CleanName(v)
			if reason != "" {
				d.fail(n.f, v, reason)
			}
			*n.to = name
		}
	}
	rec.Birth = d.date(BirthDate, importer.DateBirth)
	if v, _ := d.cell(Fnr); v != "" {
		f, reason := importer.ParseFnr(v)
		if reason != "" {
			d.fail(Fnr, "", reason) // the value is not echoed: it may be a real number
		}
		d.fnr, rec.Fnr = f, f.String()
	}
	if rec.Fnr != "" {
		birth, _ := d.cell(BirthDate)
		switch {
		case birth == "":
			rec.Birth = d.fnr.BirthDate()
		case !rec.Birth.IsZero() && !rec.Birth.Equal(d.fnr.BirthDate()):
			d.fail(BirthDate, birth, "import.why.birthfnr")
		}
	}
	if v, _ := d.cell(Email); v != "" {
		var reason string
		if rec.Email, reason = importer.ParseEmail(v); reason != "" {
			d.fail(Email, v, reason)
		}
	}
	if v, _ := d.cell(Mobile); v != "" {
		var reason string
		if rec.Mobile, reason = importer.ParseMobile(v); reason != "" {
			d.fail(Mobile, v, reason)
		}
	}
}

func (d *rowDecoder) address() {
	rec := &d.rec
	rec.Address = d.text(Address)
	rec.Place = d.text(PostalPlace)
	if v, _ := d.cell(PostalCode); v != "" {
		p := strings.ReplaceAll(v, " ", "")
		if len(p) == 3 && isDigits(p) { // a numeric column drops the leading zero of 0150
			p = "0" + p
		}
		if len(p) != 4 || !isDigits(p) {
			d.fail(PostalCode, v, "register.row.postal")
		}
		rec.Postal = p
	}
	if v, _ := d.cell(Protected); v != "" {
		p, ok := protection(v)
		if !ok {
			d.fail(Protected, v, "register.row.protected")
		}
		rec.Protect = p
	}
}

// protection reads a protected-address cell: a yes/no flag, or the
// population register's grade (fortrolig, strengt fortrolig, kode 7/6).
func protection(v string) (model.AddressProtection, bool) {
	switch Norm(v) {
	case "", "nei", "n", "no", "0", "false", "usann", "ingen", "ugradert", "apen", "open", "none":
		return model.AddressOpen, true
	case "ja", "j", "yes", "y", "x", "1", "true", "sann", "fortrolig", "fortroligadresse", "kode7", "7",
		"confidential", "skjermet", "sperret", "protected":
		return model.AddressConfidential, true
	case "strengtfortrolig", "strengtfortroligadresse", "kode6", "6", "strictlyconfidential",
		"strengtfortroligutland", "kode19":
		return model.AddressStrictlyConfidential, true
	}
	return model.AddressOpen, false
}

func (d *rowDecoder) membership() {
	rec := &d.rec
	if v, _ := d.cell(MemberType); v != "" {
		rec.Type = coded(d, MemberType, v, d.r.voc.Types, "register.row.unknown.type")
	}
	if v, _ := d.cell(MemberStatus); v != "" {
		rec.Status = coded(d, MemberStatus, v, d.r.voc.Statuses, "register.row.unknown.status")
		d.statusWord = v
	}
	rec.Joined = d.date(Joined, importer.DateEvent)
	rec.Resigned = d.date(Resigned, importer.DateEvent)
	if !rec.Joined.IsZero() && !rec.Resigned.IsZero() && rec.Resigned.Before(rec.Joined) {
		v, _ := d.cell(Resigned)
		d.fail(Resigned, v, "register.row.resignedbefore", "joined", rec.Joined.Format("02.01.2006"))
	}
	rec.Reason = d.text(ResignReason)
	if rec.Reason != "" {
		rec.Leave = coded(d, ResignReason, rec.Reason, d.r.voc.Reasons, "register.row.unknown.reason")
	} else if rec.Status == model.StatusResigned {
		rec.Leave, _ = lookup(d.r.voc.Reasons, d.statusWord)
	}
	rec.Recruiter = d.text(RecruitedBy)
	if rec.Recruiter != "" && rec.Recruiter == rec.MemberNo {
		d.fail(RecruitedBy, rec.Recruiter, "register.row.selfrecruit")
	}
}

func (d *rowDecoder) dues() {
	rec := &d.rec
	if v, _ := d.cell(Dues); v != "" {
		rec.Dues = coded(d, Dues, v, d.r.voc.Dues, "register.row.unknown.dues")
	}
	if v, _ := d.cell(PaidUpTo); v != "" {
		t, ok := d.month(v)
		if !ok {
			d.fail(PaidUpTo, v, "register.row.month")
		}
		rec.PaidUpTo = t
	}
}

// month reads a paid-up-to cell: a month ("2026-03", "03.2026", "3/2026",
// "mars 2026") or a date in it, as the first day of that month.
func (d *rowDecoder) month(v string) (time.Time, bool) {
	s := strings.TrimSpace(v)
	for _, sep := range []string{"-", ".", "/", " "} {
		a, b, ok := strings.Cut(s, sep)
		if !ok || strings.Contains(b, sep) {
			continue
		}
		a, b = strings.TrimSpace(strings.TrimSuffix(a, ".")), strings.TrimSpace(b)
		if len(a) == 4 && isDigits(a) && isDigits(b) && len(b) <= 2 { // yyyy-mm
			return monthOf(atoi(a), atoi(b))
		}
		if isDigits(b) && len(b) == 4 {
			if isDigits(a) && len(a) <= 2 { // mm.yyyy
				return monthOf(atoi(b), atoi(a))
			}
			if t, reason := importer.ParseDate("1. "+a+" "+b, importer.DateEvent, d.r.dates); reason == "" {
				return t, true // "mars 2026"
			}
		}
	}
	t, reason := importer.ParseDate(s, importer.DateEvent, d.r.dates)
	if reason != "" {
		return time.Time{}, false
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), true
}

func monthOf(y, m int) (time.Time, bool) {
	if y < 1900 || y > 2100 || m < 1 || m > 12 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), true
}

// splitList splits a cell holding several values (the role columns) on
// ';', '|' or line breaks. Empty parts are kept, so that a date list can
// leave one role's date empty ("01.01.2020;"); a blank cell is no list.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var parts []string
	for {
		i := strings.IndexAny(s, ";|\n")
		if i < 0 {
			return append(parts, strings.TrimSpace(s))
		}
		parts = append(parts, strings.TrimSpace(s[:i]))
		s = s[i+1:]
	}
}

func (d *rowDecoder) roles() {
	v, _ := d.cell(Roles)
	var names []string
	for _, n := range splitList(v) {
		if n != "" {
			names = append(names, n)
		}
	}
	fromCell, _ := d.cell(RoleFrom)
	toCell, _ := d.cell(RoleTo)
	from, to := splitList(fromCell), splitList(toCell)
	if len(names) == 0 {
		if len(from) > 0 || len(to) > 0 {
			d.fail(Roles, "", "register.row.rolecount")
		}
		return
	}
	// One date may stand for every role; otherwise one per role.
	if len(from) > 1 && len(from) != len(names) {
		d.fail(RoleFrom, fromCell, "register.row.rolecount")
		return
	}
	if len(to) > 1 && len(to) != len(names) {
		d.fail(RoleTo, toCell, "register.row.rolecount")
		return
	}
	for i, name := range names {
		role := coded(d, Roles, name, d.r.voc.Roles, "register.row.unknown.role")
		t := RoleTerm{Role: role}
		t.From = d.listDate(RoleFrom, from, i)
		t.To = d.listDate(RoleTo, to, i)
		if !t.From.IsZero() && !t.To.IsZero() && t.To.Before(t.From) {
			d.fail(RoleTo, t.To.Format("02.01.2006"), "register.row.rolebefore", "from", t.From.Format("02.01.2006"))
		}
		if role != "" {
			d.rec.Roles = append(d.rec.Roles, t)
		}
	}
}

// listDate is the i-th date of a list cell (or its only one).
func (d *rowDecoder) listDate(f Field, list []string, i int) time.Time {
	if len(list) == 0 {
		return time.Time{}
	}
	v := list[min(i, len(list)-1)]
	if v == "" {
		return time.Time{}
	}
	t, reason := importer.ParseDate(v, importer.DateEvent, d.r.dates)
	if reason != "" {
		d.fail(f, v, reason)
	}
	return t
}

// coded maps a coded value through the vocabulary; a word it lacks fails
// the row and is counted for the admin to map.
func coded[V any](d *rowDecoder, f Field, v string, m map[string]V, key string) V {
	x, ok := m[d.r.norm(v)]
	if !ok {
		d.fail(f, v, key, "value", importer.Shorten(v))
		d.r.countUnknown(f, v)
	}
	return x
}

// norm is Norm, remembered for the few distinct words a coded column
// holds (up to a bound, so a column of free text cannot grow it).
func (r *Reader) norm(v string) string {
	if n, ok := r.norms[v]; ok {
		return n
	}
	n := Norm(v)
	if len(r.norms) < 4096 {
		r.norms[strings.Clone(v)] = n // not a slice of the row, which it would keep
	}
	return n
}

func (r *Reader) countUnknown(f Field, v string) {
	byValue := r.unknown[f]
	if byValue == nil {
		byValue = map[string]*Unknown{}
		r.unknown[f] = byValue
	}
	k := Norm(v)
	if u := byValue[k]; u != nil {
		u.Rows++
	} else if len(byValue) < maxUnknown {
		byValue[k] = &Unknown{Field: f, Value: importer.Shorten(importer.CleanText(v)), Rows: 1}
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

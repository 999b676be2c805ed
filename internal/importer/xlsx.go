package importer

import (
	"archive/zip"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Limits on what excelize unpacks. Worksheets and shared strings larger
// than xlsxXMLInMemory go to temporary files (in Options.TempDir); every other part is read into
// a buffer of its declared size, so the sum of those is capped before
// excelize sees the file (a zip bomb, or a few bytes claiming gigabytes).
const (
	xlsxUnzipLimit  = 1 << 30
	xlsxXMLInMemory = 16 << 20
	xlsxInMemory    = 256 << 20
)

type xlsxSource struct {
	f     *excelize.File
	rows  *excelize.Rows
	row   int
	total int
}

func errCorrupt() error { return fileError("import.fileerr.corrupt") }

func openXLSX(r io.ReaderAt, size int64, opt Options, info *Info) (src source, err error) {
	// excelize is large and parses whatever the file says; a panic in it
	// must not take the server down.
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, errCorrupt()
		}
	}()
	if err := checkZip(r, size); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    xlsxUnzipLimit,
		UnzipXMLSizeLimit: xlsxXMLInMemory,
		TmpDir:            opt.TempDir,
	})
	if err != nil {
		return nil, errCorrupt()
	}
	s := &xlsxSource{f: f}
	if err := s.open(opt, info); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// checkZip looks at the zip directory before excelize unpacks anything.
func checkZip(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return errCorrupt()
	}
	workbook, openDocument := false, false
	var total, inMemory uint64
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		workbook = workbook || name == "xl/workbook.xml"
		openDocument = openDocument || name == "mimetype" || name == "content.xml"
		total += f.UncompressedSize64
		toDisk := f.UncompressedSize64 > xlsxXMLInMemory &&
			(strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml")
		if !toDisk {
			inMemory += f.UncompressedSize64
		}
		if total > xlsxUnzipLimit || inMemory > xlsxInMemory {
			return fileError("import.fileerr.toolarge")
		}
	}
	switch {
	case !workbook && openDocument:
		return fileError("import.fileerr.ods")
	case !workbook:
		return fileError("import.fileerr.zip")
	}
	return nil
}

func (s *xlsxSource) open(opt Options, info *Info) error {
	sheets := s.f.GetSheetList()
	if len(sheets) == 0 {
		return fileError("import.fileerr.nosheets")
	}
	sheet, err := pickSheet(s.f, sheets, opt.Sheet)
	if err != nil {
		return err
	}
	props, err := s.f.GetWorkbookProps()
	if err != nil {
		return errCorrupt()
	}
	*info = Info{Format: "xlsx", Sheets: sheets, Sheet: sheet, Date1904: props.Date1904 != nil && *props.Date1904}
	if dim, err := s.f.GetSheetDimension(sheet); err == nil {
		if i := strings.LastIndexByte(dim, ':'); i >= 0 {
			if _, row, err := excelize.CellNameToCoordinates(dim[i+1:]); err == nil {
				s.total = row
			}
		}
	}
	if s.rows, err = s.f.Rows(sheet); err != nil {
		return errCorrupt()
	}
	return nil
}

// pickSheet returns the named sheet or, without a name, the first visible
// one: a hidden first sheet is typically a lookup list, not the data.
func pickSheet(f *excelize.File, sheets []string, want string) (string, error) {
	if want != "" {
		for _, s := range sheets {
			if s == want {
				return s, nil
			}
		}
		for _, s := range sheets {
			if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(want)) {
				return s, nil
			}
		}
		return "", fileError("import.fileerr.sheet", "sheet", want, "sheets", strings.Join(sheets, ", "))
	}
	for _, s := range sheets {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			return s, nil
		}
	}
	return sheets[0], nil
}

func (s *xlsxSource) next() (row Row, err error) {
	defer func() {
		if p := recover(); p != nil {
			row, err = Row{}, errCorrupt()
		}
	}()
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			if errors.Is(err, excelize.ErrMaxRows) {
				return Row{}, fileError("import.fileerr.rows")
			}
			return Row{}, errCorrupt()
		}
		return Row{}, io.EOF
	}
	s.row++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return Row{}, fileError("import.fileerr.corruptrow", "row", s.row)
	}
	for i, c := range cells {
		if !utf8.ValidString(c) {
			cells[i] = strings.ToValidUTF8(c, "\uFFFD")
		}
	}
	return Row{Line: s.row, Cells: cells}, nil
}

// progress counts rows against the sheet's declared dimension; a total of
// 0 means unknown (the dimension is optional and may be wrong).
func (s *xlsxSource) progress() (int64, int64) {
	if s.total < s.row {
		return int64(s.row), 0
	}
	return int64(s.row), int64(s.total)
}

func (s *xlsxSource) close() error {
	var err error
	if s.rows != nil {
		err = s.rows.Close()
	}
	return errors.Join(err, s.f.Close())
}

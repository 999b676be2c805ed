package ui

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage"
)

// registerChangeHeader names the columns of the export back to the member
// register, in bokmål whatever the interface language: the file goes to
// the central office. They are names a register export uses too
// (register.Guess reads them back), the further employers numbered as a
// register export numbers them.
var registerChangeHeader = []string{"Endring", "Medlemsnummer", "Fornavn", "Etternavn", "Fødselsdato", "E-post", "Mobil", "Adresse",
	"Postnummer", "Poststed", "Arbeidsgiver orgnr", "Arbeidsgiver 2 orgnr", "Arbeidsgiver 3 orgnr", "Medlemstype", "Innmeldt", "Utmeldt",
	"Vervet av", "Registrert i Verve"}

// registerChangeValues is one exported change: texts, and dates as
// time.Time (nil for none).
func registerChangeValues(c storage.RegisterChange) []any {
	day := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t
	}
	typ := ""
	if c.Type != "" {
		typ = nbText("type." + string(c.Type))
	}
	v := []any{nbText("reg.kind." + c.Kind), c.MemberNo, c.FirstName, c.LastName, day(c.BirthDate), c.Email, c.Mobile, c.Address,
		c.PostalCode, c.PostalPlace, c.Orgnr}
	for i := range register.MaxEmployers - 1 { // the earliest further employers, as many as the register takes
		j := ""
		if i < len(c.Jobs) {
			j = c.Jobs[i]
		}
		v = append(v, j)
	}
	return append(v, typ, day(c.Start), day(c.End), c.RecruiterNo, day(c.At))
}

// nbText is a text of an exported file, in bokmål.
func nbText(key string) string { return locale.T("nb", key) }

// exportRegisterChanges sends the changes made in Verve since a day as CSV
// or XLSX for the central member register. The file is built before
// anything is sent; storage audits the export and each person in it.
func (h *Handler) exportRegisterChanges(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	since, err := parseDay(q.Get("since"))
	if err != nil {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "err.reg.since"))
		return
	}
	format := q.Get("format")
	if format != "xlsx" {
		format = "csv"
	}
	changes, err := h.Store.RegisterChanges(r.Context(), access.FromContext(r.Context()), since)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	rows := make([][]any, len(changes))
	for i, c := range changes {
		rows[i] = registerChangeValues(c)
	}
	var buf bytes.Buffer
	contentType := "text/csv; charset=utf-8"
	if format == "xlsx" {
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = writeTableXLSX(&buf, "Endringer", registerChangeHeader, rows)
	} else {
		err = writeTableCSV(&buf, registerChangeHeader, rows)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	name := "endringer-til-medlemsregisteret-" + since.Format(time.DateOnly) + "." + format
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	hd.Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}

// parseDay reads a day as a date field sends it (åååå-mm-dd) or as it is
// written in Norway (dd.mm.åååå).
func parseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	var err error
	for _, layout := range []string{time.DateOnly, "02.01.2006"} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// writeTableCSV writes rows the way Excel in Norway opens them: a UTF-8
// byte order mark, ';' between fields, dd.mm.åååå dates, and texts kept
// from being taken for formulas.
func writeTableCSV(w io.Writer, header []string, rows [][]any) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, vals := range rows {
		for i, v := range vals {
			switch v := v.(type) {
			case string:
				rec[i] = csvText(v)
			case int:
				rec[i] = strconv.Itoa(v)
			case time.Time:
				rec[i] = v.Format("02.01.2006")
			default:
				rec[i] = ""
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeTableXLSX writes rows with excelize's StreamWriter: a bold header
// row that stays in view, texts as text (a member number keeps its
// leading zeros) and dates as date cells.
func writeTableXLSX(w io.Writer, sheet string, header []string, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFmt := "dd.mm.yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(header), 16); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, s := range header {
		cells[i] = s
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{StyleID: bold}); err != nil {
		return err
	}
	for n, vals := range rows {
		cells := make([]any, len(vals))
		for i, v := range vals {
			if t, ok := v.(time.Time); ok {
				cells[i] = excelize.Cell{StyleID: dateStyle, Value: t}
			} else {
				cells[i] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

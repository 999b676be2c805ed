package ui

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// recruitmentPeriods are the periods the coordinator can choose, in days.
var recruitmentPeriods = storage.RecruitmentPeriods

const defaultRecruitmentDays = 90

// recruitmentShown is how many workplaces the page lists.
const recruitmentShown = 200

// recruitmentColumn is a column of the table and of the exports' sort
// order: its sort key, its label and whether it holds a number.
type recruitmentColumn struct {
	Key   string
	Label string // locale key
	Num   bool
}

var recruitmentColumns = []recruitmentColumn{
	{"workplace", "col.workplace", false},
	{"lists", "rec.lists", true},
	{"last", "rec.lastlist", false},
	{"newhires", "rec.newhires", true},
	{"asked", "rec.asked", true},
	{"median", "rec.median", true},
	{"joined", "rec.joined", true},
	{"joinrate", "rec.joinrate", true},
}

// recruitmentQuery is the period and order asked for; anything unknown
// falls back to the defaults rather than failing.
type recruitmentQuery struct {
	Days int
	Sort string
	Desc bool
}

func parseRecruitmentQuery(r *http.Request) recruitmentQuery {
	v := r.URL.Query()
	q := recruitmentQuery{Days: defaultRecruitmentDays, Sort: "workplace"}
	if d, err := strconv.Atoi(v.Get("since")); err == nil && slices.Contains(recruitmentPeriods, d) {
		q.Days = d
	}
	if s := v.Get("sort"); storage.RecruitmentSortable(s) {
		q.Sort = s
	}
	q.Desc = v.Get("desc") == "1"
	return q
}

// url returns path with the query's parameters.
func (q recruitmentQuery) url(path string) string {
	v := url.Values{"since": {strconv.Itoa(q.Days)}, "sort": {q.Sort}}
	if q.Desc {
		v.Set("desc", "1")
	}
	return path + "?" + v.Encode()
}

// since is the first moment of the period: midnight in Oslo, days before
// today.
func (q recruitmentQuery) since(today time.Time) time.Time {
	return storage.RecruitmentSince(today, q.Days)
}

// loadRecruitment reads the figures for the period in the user's scope,
// in the order asked: the first limit rows (0 for all), how many there
// are, and the totals. The order is the storage's: by the chosen column,
// workplaces without a median last in either direction, ties by name in
// Norwegian order (æ, ø, å after z, as the workplace lists elsewhere).
func (h *Handler) loadRecruitment(r *http.Request, q recruitmentQuery, limit int) ([]storage.RecruitmentRow, int, storage.RecruitmentRow, error) {
	return h.Store.RecruitmentPage(r.Context(), access.FromContext(r.Context()),
		storage.RecruitmentQuery{Since: q.since(h.Store.Today()), Sort: q.Sort, Desc: q.Desc, Limit: limit})
}

// recruitmentLine is a row as the page shows it.
type recruitmentLine struct {
	storage.RecruitmentRow
	LastDay time.Time // the day the latest list came, in Oslo
	Median  string    // one decimal, "–" when nobody was asked
}

func newRecruitmentLine(r storage.RecruitmentRow, lang string) recruitmentLine {
	l := recruitmentLine{RecruitmentRow: r, Median: "–"}
	if !r.LastList.IsZero() {
		l.LastDay = r.LastList.In(clock.Oslo)
	}
	if r.MedianDays >= 0 {
		l.Median = decimal1(r.MedianDays, lang != "en")
	}
	return l
}

// decimal1 formats f with one decimal, with a decimal comma for bokmål.
func decimal1(f float64, comma bool) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if comma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

type recruitmentHeader struct {
	recruitmentColumn
	Href  string
	Aria  string // aria-sort on the column sorted by
	Arrow string
}

type recruitmentPeriod struct {
	Days    int
	Href    string
	Current bool
}

type funnelStep struct {
	Label string // locale key
	N     int
	Share float64 // of the new hires
}

type recruitmentData struct {
	Query     recruitmentQuery
	Periods   []recruitmentPeriod
	Columns   []recruitmentHeader
	Rows      []recruitmentLine
	All       int // workplaces in the figures, shown or not
	Total     recruitmentLine
	Funnel    []funnelStep
	CSV, XLSX string
}

func (h *Handler) showRecruitmentPage(w http.ResponseWriter, r *http.Request) {
	q := parseRecruitmentQuery(r)
	// A union's workplaces are tens of thousands: the page shows the
	// first in the order chosen, the exports all of them.
	rows, all, total, err := h.loadRecruitment(r, q, recruitmentShown)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	lang := h.lang(r)
	d := recruitmentData{Query: q, Total: newRecruitmentLine(total, lang), CSV: q.url("/recruitment.csv"), XLSX: q.url("/recruitment.xlsx")}
	for _, days := range recruitmentPeriods {
		p := q
		p.Days = days
		d.Periods = append(d.Periods, recruitmentPeriod{Days: days, Href: p.url("/recruitment"), Current: days == q.Days})
	}
	for _, c := range recruitmentColumns {
		// A new column starts with the largest numbers (or A–Å for the
		// name); the current one flips.
		next := recruitmentQuery{Days: q.Days, Sort: c.Key, Desc: c.Num}
		hd := recruitmentHeader{recruitmentColumn: c}
		if c.Key == q.Sort {
			next.Desc = !q.Desc
			hd.Aria, hd.Arrow = "ascending", "▲"
			if q.Desc {
				hd.Aria, hd.Arrow = "descending", "▼"
			}
		}
		hd.Href = next.url("/recruitment")
		d.Columns = append(d.Columns, hd)
	}
	d.All = all
	for _, row := range rows {
		d.Rows = append(d.Rows, newRecruitmentLine(row, lang))
	}
	if total.NewHires > 0 {
		d.Funnel = []funnelStep{
			{"rec.newhires", total.NewHires, 1},
			{"rec.asked", total.Asked, total.AskedShare()},
			{"rec.joined", total.Joined, total.JoinRate()},
		}
	}
	h.render(w, r, http.StatusOK, "recruitment", page{Title: locale.T(lang, "rec.title"), Data: d})
}

// recruitmentExportHeader names the exported columns, in bokmål whatever
// the interface language: the files go to Norwegian spreadsheets.
var recruitmentExportHeader = []string{"Arbeidsplass", "Lister mottatt", "Siste liste", "Nyansatte", "Spurt", "Andel spurt (%)",
	"Median dager til første kontakt", "Innmeldt", "Innmeldingsrate (%)"}

// exportValues is one exported row: whole numbers as int, shares in
// percent and the median as float64 rounded to one decimal, the date as a
// time.Time (date only), and nil for no value.
func exportValues(r storage.RecruitmentRow) []any {
	var last, median any
	if !r.LastList.IsZero() {
		last = clock.Day(r.LastList)
	}
	if r.MedianDays >= 0 {
		median = round1(r.MedianDays)
	}
	return []any{r.Workplace, r.Lists, last, r.NewHires, r.Asked, round1(r.AskedShare() * 100), median, r.Joined, round1(r.JoinRate() * 100)}
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func (h *Handler) exportRecruitmentCSV(w http.ResponseWriter, r *http.Request) {
	h.exportRecruitment(w, r, "csv")
}

func (h *Handler) exportRecruitmentXLSX(w http.ResponseWriter, r *http.Request) {
	h.exportRecruitment(w, r, "xlsx")
}

// exportRecruitment sends the table as a file: the rows in the page's
// order, then the totals. The file is built in memory before anything is
// sent, so a failure gives an error page rather than half a file, and the
// export is in the audit log before the first byte leaves.
func (h *Handler) exportRecruitment(w http.ResponseWriter, r *http.Request, format string) {
	// The route asks for export:run; the figures need statistics:read too.
	if !access.FromContext(r.Context()).Can(access.StatisticsRead) {
		h.serveError(w, r, model.ErrorKey(model.EFORBIDDEN, "err.recruitment.forbidden"))
		return
	}
	q := parseRecruitmentQuery(r)
	rows, _, total, err := h.loadRecruitment(r, q, 0)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	var buf bytes.Buffer
	contentType := "text/csv; charset=utf-8"
	if format == "xlsx" {
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = writeRecruitmentXLSX(&buf, rows, total)
	} else {
		err = writeRecruitmentCSV(&buf, rows, total)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	detail := fmt.Sprintf("%s, %d dager, %d rader", format, q.Days, len(rows))
	if err := h.Store.Audit(r.Context(), access.FromContext(r.Context()), "export", "recruitment", 0, detail); err != nil {
		h.serveError(w, r, err)
		return
	}
	name := "rekruttering-" + h.Store.Today().Format("2006-01-02") + "." + format
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	hd.Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}

// writeRecruitmentCSV writes what Excel in Norway opens as it should: a
// UTF-8 byte order mark, ';' between fields, decimal commas and dd.mm.åååå
// dates.
func writeRecruitmentCSV(w io.Writer, rows []storage.RecruitmentRow, total storage.RecruitmentRow) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(recruitmentExportHeader); err != nil {
		return err
	}
	for _, r := range append(slices.Clip(rows), total) {
		vals := exportValues(r)
		rec := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case string:
				rec[i] = csvText(v)
			case int:
				rec[i] = strconv.Itoa(v)
			case float64:
				rec[i] = decimal1(v, true)
			case time.Time:
				rec[i] = v.Format("02.01.2006")
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvText keeps a spreadsheet from taking a text for a formula.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeRecruitmentXLSX writes the table with excelize's StreamWriter:
// numbers as numbers, the date as a date cell, a bold header row that stays
// in view, and the totals in bold.
func writeRecruitmentXLSX(w io.Writer, rows []storage.RecruitmentRow, total storage.RecruitmentRow) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Rekruttering"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	// A style per kind of cell ("" text and whole numbers, date, decimal),
	// plain and bold.
	type cellStyle struct {
		kind string
		bold bool
	}
	numFmt := map[string]string{"date": "dd.mm.yyyy", "decimal": "0.0"}
	id := map[cellStyle]int{}
	for _, kind := range []string{"", "date", "decimal"} {
		for _, bold := range []bool{false, true} {
			st := &excelize.Style{Font: &excelize.Font{Bold: bold}}
			if nf, ok := numFmt[kind]; ok {
				st.CustomNumFmt = &nf
			}
			if id[cellStyle{kind, bold}], err = f.NewStyle(st); err != nil {
				return err
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 40); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, len(recruitmentExportHeader), 16); err != nil {
		return err
	}
	header := make([]any, len(recruitmentExportHeader))
	for i, s := range recruitmentExportHeader {
		header[i] = s
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: id[cellStyle{"", true}]}); err != nil {
		return err
	}
	write := func(n int, r storage.RecruitmentRow, bold bool) error {
		vals := exportValues(r)
		for i, v := range vals {
			kind := ""
			switch v.(type) {
			case time.Time:
				kind = "date"
			case float64:
				kind = "decimal"
			}
			if kind != "" || bold {
				vals[i] = excelize.Cell{StyleID: id[cellStyle{kind, bold}], Value: v}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, vals)
	}
	for i, r := range rows {
		if err := write(i+2, r, false); err != nil {
			return err
		}
	}
	if err := write(len(rows)+2, total, true); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

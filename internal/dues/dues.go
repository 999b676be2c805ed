// Package dues reads the invoicing system's dues file and decides what
// each row means: which membership (by id or member e-mail), which month,
// how much. Recording the rows, all or none, is storage's.
package dues

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

// Row is one data row of a dues file.
type Row struct {
	Line         int // in the file, 1-based
	MembershipID int64
	Email        string // the member's, when MembershipID is 0
	Month        time.Time
	Amount       model.Money
	// Problem says why the row cannot be used; no key when it can.
	Problem model.Text
}

// Outcome is what became of one row when it was recorded: the membership
// it went to, or the error that kept it out.
type Outcome struct {
	MembershipID int64
	Err          error
}

// Line is one line of the report shown after an import.
type Line struct {
	Line    int
	OK      bool
	Message string
}

// The columns of a dues file.
const (
	colID     = "id"
	colEmail  = "email"
	colMonth  = "month"
	colAmount = "amount"
)

var headers = map[string]string{
	"medlemskap": colID, "membership": colID, "membership_id": colID, "medlemskap_id": colID,
	"e-post": colEmail, "epost": colEmail, "email": colEmail, "e-mail": colEmail,
	"måned": colMonth, "maned": colMonth, "month": colMonth,
	"beløp": colAmount, "belop": colAmount, "amount": colAmount, "kontingent": colAmount,
}

func column(cell string) string { return headers[strings.ToLower(strings.TrimSpace(cell))] }

// Read reads a dues file (CSV in any encoding and delimiter the importer
// knows, or XLSX) with a header row naming the membership or the member's
// e-mail, the month and the amount. A file that cannot be used at all is
// a *model.Error; a row that cannot be used carries its Problem.
func Read(r io.ReaderAt, size int64) ([]Row, error) {
	rd, err := importer.Open(r, size, importer.Options{Column: func(c string) bool { return column(c) != "" }})
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	col := map[string]int{}
	for i, h := range rd.Header() {
		if k := column(h); k != "" {
			if _, seen := col[k]; !seen {
				col[k] = i
			}
		}
	}
	_, hasID := col[colID]
	_, hasEmail := col[colEmail]
	_, hasMonth := col[colMonth]
	_, hasAmount := col[colAmount]
	if !(hasID || hasEmail) || !hasMonth || !hasAmount {
		return nil, model.ErrorKey(model.EINVALID, "dues.file.headers")
	}
	var rows []Row
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, decode(rec, col))
	}
	if len(rows) == 0 {
		return nil, model.ErrorKey(model.EINVALID, "dues.file.norows")
	}
	return rows, nil
}

// decode turns one data row into a Row.
func decode(rec importer.Row, col map[string]int) Row {
	cell := func(k string) string {
		if i, ok := col[k]; ok && i < len(rec.Cells) {
			return strings.TrimSpace(rec.Cells[i])
		}
		return ""
	}
	row := Row{Line: rec.Line, Email: cell(colEmail)}
	row.MembershipID, _ = strconv.ParseInt(cell(colID), 10, 64)
	month, merr := model.ParseMonth(cell(colMonth))
	amount, aerr := model.ParseAmount(cell(colAmount))
	row.Month, row.Amount = month, amount
	switch {
	case rec.Problem.Key != "":
		row.Problem = rec.Problem
	case merr != nil:
		row.Problem = model.ErrorText(merr)
	case aerr != nil:
		row.Problem = model.ErrorText(aerr)
	case row.MembershipID == 0 && row.Email == "":
		row.Problem = model.Text{Key: "dues.row.nomember"}
	}
	return row
}

// Report has a line per row: its problem, why it was not recorded, or
// what was recorded, in lang. ok is true when every row went in.
func Report(rows []Row, outs []Outcome, lang string) (report []Line, ok bool) {
	ok = true
	for i, row := range rows {
		line := Line{Line: row.Line}
		var out Outcome
		if i < len(outs) {
			out = outs[i]
		}
		switch {
		case row.Problem.Key != "":
			line.Message = row.Problem.In(lang)
		case row.MembershipID == 0 && model.ErrorCode(out.Err) == model.ENOTFOUND:
			line.Message = locale.T(lang, "dues.row.noactive", "email", row.Email)
		case out.Err != nil:
			line.Message = model.ErrorMessageIn(out.Err, lang)
		default:
			line.OK = true
			line.Message = locale.T(lang, "dues.row.recorded", "id", out.MembershipID, "month", row.Month.Format("01.2006"), "amount", row.Amount.Kroner())
		}
		ok = ok && line.OK
		report = append(report, line)
	}
	return report, ok
}

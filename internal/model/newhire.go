package model

import "time"

// NewHire is one row of an employer's list of new (or current) employees,
// decoded and validated by the importer. Fnr, when present, is used only to
// match an existing person; it is never stored for a non-member.
type NewHire struct {
	Line       int // row number in the file, 1-based, for reports
	FirstName  string
	LastName   string
	BirthDate  time.Time // zero when unknown
	Fnr        string    // 11 valid digits, or ""
	Email      string    // lower-case, or ""
	Mobile     string    // E.164 (+47…), or ""
	StartDate  time.Time // zero when the list has none
	Position   string
	Department string // used to route rows of a multi-site employer
	Location   string // likewise
}

// Name is the display name.
func (h *NewHire) Name() string { return h.FirstName + " " + h.LastName }

// RowError is one problem with one cell or row of an imported file, in a
// form a person can act on: row number, column as the file names it, and the
// reason, a catalogue text translated where the report is shown (ReasonIn).
type RowError struct {
	Line   int
	Column string // header text of the offending column; "" for the whole row
	Value  string // the offending value, shortened
	Reason string // in bokmål, for the command line, logs and tests
	Why    Text   // Reason's key and arguments; zero for a reason not in the catalogue
}

// RowReason is the RowError for line with the catalogue's reason key (and
// name–value arguments); the caller fills in Column and Value.
func RowReason(line int, key string, args ...any) RowError {
	t := Text{Key: key, Args: args}
	return RowError{Line: line, Reason: t.In("nb"), Why: t}
}

// ReasonIn is the reason in lang.
func (e RowError) ReasonIn(lang string) string {
	if e.Why.Key == "" {
		return e.Reason
	}
	return e.Why.In(lang)
}

package register

import (
	"encoding/csv"
	"io"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/model"
)

// The register's words for Verve's values, as a Norwegian register writes
// them (DefaultVocabulary reads each back to the same value).
var (
	typeWords   = map[model.MembershipType]string{model.TypeOrdinary: "Ordinær", model.TypeStudent: "Student", model.TypeRetired: "Pensjonist", model.TypeTrainee: "Lærling"}
	statusWords = map[model.MembershipStatus]string{model.StatusActive: "Aktiv", model.StatusArrears: "Restanse", model.StatusResigned: "Utmeldt"}
	duesWords   = map[model.DuesStatus]string{model.DuesPaid: "Betalt", model.DuesArrears: "Restanse", model.DuesDeductionStopped: "Trekk stoppet"}
	roleWords   = map[model.RoleName]string{model.RoleShopSteward: "Tillitsvalgt", model.RoleChiefShopSteward: "Hovedtillitsvalgt",
		model.RoleClubLeader: "Klubbleder", model.RoleStudyLeader: "Studieleder", model.RoleSafetyRep: "Verneombud",
		model.RoleBoardMember: "Styremedlem", model.RoleCoordinator: "Vervekoordinator", model.RoleAdvisor: "Rådgiver"}
	protectWords = map[model.AddressProtection]string{model.AddressConfidential: "Fortrolig", model.AddressStrictlyConfidential: "Strengt fortrolig"}
)

// allColumns is the Has of a Record written by a Writer: its file has
// every column.
var allColumns = func() map[Field]bool {
	m := map[Field]bool{}
	for _, f := range Fields {
		m[f] = true
	}
	return m
}()

// AllColumns is the Has of a file with every column, as a Writer writes:
// a Record made to be written gets it, so that it hashes as it will read
// back. Shared; it must not be changed.
func AllColumns() map[Field]bool { return allColumns }

// Writer writes Records as a register export (UTF-8, ';'-separated, the
// generator's Norwegian header), every column present: what a union's
// register would export of them. A written Record reads back (Reader) as
// the same Record.
type Writer struct {
	w       *csv.Writer
	started bool
}

// NewWriter returns a Writer to w; Close flushes it.
func NewWriter(w io.Writer) *Writer { return &Writer{w: newGenWriter(w)} }

// Write writes one member's row (the header first).
func (w *Writer) Write(r *Record) error {
	if err := w.header(); err != nil {
		return err
	}
	return w.w.Write(cells(r))
}

func (w *Writer) header() error {
	if w.started {
		return nil
	}
	w.started = true
	return w.w.Write(writeHeader)
}

// Close writes the header of an export without rows, and flushes.
func (w *Writer) Close() error {
	if err := w.header(); err != nil {
		return err
	}
	w.w.Flush()
	return w.w.Error()
}

// writeHeader is the generator's header with the further employers'
// columns: a Writer writes every column.
var writeHeader = append(append([]string{}, genHeader...), "Arbeidsgiver 2 orgnr", "Arbeidsgiver 2", "Arbeidsgiver 3 orgnr", "Arbeidsgiver 3")

// cells is a Record's row in writeHeader's order.
func cells(r *Record) []string {
	var paid string
	if !r.PaidUpTo.IsZero() {
		paid = r.PaidUpTo.Format("2006-01")
	}
	var roles, from, to []string
	ended := false
	for _, t := range r.Roles {
		roles, from, to = append(roles, roleWords[t.Role]), append(from, optDay(t.From)), append(to, optDay(t.To))
		ended = ended || !t.To.IsZero()
	}
	toCell := ""
	if ended {
		toCell = strings.Join(to, ";")
	}
	jobs := make([]string, 2*(MaxEmployers-1))
	for i, j := range r.Jobs {
		jobs[2*i], jobs[2*i+1] = j.Orgnr, j.Name
	}
	return append([]string{r.MemberNo, r.Fnr, r.First, r.Last, optDay(r.Birth), r.Email, r.Mobile, r.Address, r.Postal, r.Place,
		protectWords[r.Protect], r.Orgnr, r.Employer, r.Region.Code, r.Region.Name, r.Branch.Code, r.Branch.Name,
		r.Club.Code, r.Club.Name, typeWords[r.Type], statusWords[r.Status], optDay(r.Joined), optDay(r.Resigned),
		r.Reason, r.Recruiter, duesWords[r.Dues], paid, strings.Join(roles, ";"), strings.Join(from, ";"), toCell}, jobs...)
}

func optDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return genDay(t)
}

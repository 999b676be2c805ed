// Package register reads a union's member register export (CSV or XLSX from
// the central office's system) into Records, and holds the rules that turn
// the difference between two loads into consequences: who gets a welcome,
// a winback call or a dues call. Storage applies them; this package decides.
//
// A register export has one row per member number. Any subset of the
// columns may be present: a column that is missing changes nothing, an
// empty cell in a present column clears that field.
package register

import (
	"time"

	"github.com/verve-union/verve/internal/model"
)

// Field is the canonical meaning of a register column.
type Field string

// The register's columns. Ignore is a column that is not read.
const (
	Ignore        Field = ""
	MemberNo      Field = "member_no"
	Fnr           Field = "fnr" // fødselsnummer or D-number
	FirstName     Field = "first_name"
	LastName      Field = "last_name"
	BirthDate     Field = "birth_date"
	Email         Field = "email"
	Mobile        Field = "mobile"
	Address       Field = "address"
	PostalCode    Field = "postal_code"
	PostalPlace   Field = "postal_place"
	Protected     Field = "protected" // fortrolig / strengt fortrolig adresse
	EmployerOrgnr Field = "employer_orgnr"
	EmployerName  Field = "employer_name"
	// A member's further employers, in numbered columns as flat exports
	// repeat a group ("Arbeidsgiver 2 orgnr", "Arbeidsgiver 2"; "Employer
	// 2 orgnr", "Employer 2 name"), up to MaxEmployers in all. Each is an
	// employment besides the first (the primary: the member's workplace).
	EmployerOrgnr2 Field = "employer_orgnr_2"
	EmployerName2  Field = "employer_name_2"
	EmployerOrgnr3 Field = "employer_orgnr_3"
	EmployerName3  Field = "employer_name_3"
	RegionCode     Field = "region_code"
	RegionName     Field = "region_name"
	BranchCode     Field = "branch_code"
	BranchName     Field = "branch_name"
	ClubCode       Field = "club_code"
	ClubName       Field = "club_name"
	MemberType     Field = "member_type"
	MemberStatus   Field = "member_status"
	Joined         Field = "joined"
	Resigned       Field = "resigned"
	ResignReason   Field = "resign_reason"
	RecruitedBy    Field = "recruited_by" // a member number
	Dues           Field = "dues"         // paid / arrears / deduction stopped
	PaidUpTo       Field = "paid_up_to"   // a month
	Roles          Field = "roles"        // several roles separated by ';'
	RoleFrom       Field = "role_from"    // dates separated by ';', one per role
	RoleTo         Field = "role_to"      // likewise; empty = open-ended
)

// Fields lists every column meaning in the order a mapping form shows them.
var Fields = []Field{MemberNo, Fnr, FirstName, LastName, BirthDate, Email, Mobile, Address, PostalCode,
	PostalPlace, Protected, EmployerOrgnr, EmployerName, EmployerOrgnr2, EmployerName2, EmployerOrgnr3, EmployerName3, RegionCode, RegionName, BranchCode, BranchName,
	ClubCode, ClubName, MemberType, MemberStatus, Joined, Resigned, ResignReason, RecruitedBy, Dues,
	PaidUpTo, Roles, RoleFrom, RoleTo}

// LabelKey is the catalogue key of the field's name in a mapping form.
func (f Field) LabelKey() string {
	if f == Ignore {
		return "register.field.ignore"
	}
	return "register.field." + string(f)
}

// MaxEmployers is how many employers a row can name: the first and the
// numbered further ones.
const MaxEmployers = 3

// further are the numbered columns of the further employers, in order.
var further = []struct{ Orgnr, Name Field }{{EmployerOrgnr2, EmployerName2}, {EmployerOrgnr3, EmployerName3}}

// Job is one of a member's further employers.
type Job struct {
	Orgnr string // 9 digits
	Name  string
}

// UnitRef names an org unit by the register's code where the export has
// codes, else by name within its parent.
type UnitRef struct {
	Code string
	Name string
}

// IsZero reports whether the export names no unit here.
func (u UnitRef) IsZero() bool { return u.Code == "" && u.Name == "" }

// RoleTerm is one role a member holds, on the member's club (or, without a
// club, branch), from From to To (zero To: open-ended).
type RoleTerm struct {
	Role model.RoleName // after mapping
	From time.Time
	To   time.Time
}

// Record is one valid row of a register export, decoded and mapped: every
// coded value is a model value. Has tells which columns the file has, so a
// missing column changes nothing while an empty cell clears the field.
type Record struct {
	Line      int
	MemberNo  string
	Fnr       string // 11 valid digits (fødselsnummer or D-number), or ""
	First     string
	Last      string
	Birth     time.Time
	Email     string
	Mobile    string // E.164
	Address   string
	Postal    string
	Place     string
	Protect   model.AddressProtection
	Orgnr     string // employer's organisasjonsnummer (9 digits)
	Employer  string
	Jobs      []Job // further employers, each once and none the primary's
	Region    UnitRef
	Branch    UnitRef
	Club      UnitRef
	Type      model.MembershipType
	Status    model.MembershipStatus // active, arrears, resigned …
	Joined    time.Time
	Resigned  time.Time
	Reason    string            // the register's own resignation reason text, as given
	Leave     model.LeaveReason // what Reason means (mapped)
	Recruiter string            // recruiter's member number
	Dues      model.DuesStatus
	PaidUpTo  time.Time // first day of the month paid up to
	Roles     []RoleTerm
	Has       map[Field]bool
}

// Source yields a file's records in order: each row is either a Record or
// the problems that keep it out (reported by row and column, and skipped).
// Next returns io.EOF after the last row. *Reader is the Source of a file.
type Source interface {
	Next() (Record, []model.RowError, error)
}

// ColumnOf names field f's column as src's file does, for a message
// about a row: the file's own header where it has the column, else the
// field's name in bokmål (Label) for a Source that is no file.
func ColumnOf(src Source, f Field) string {
	if h, ok := src.(interface{ HeaderOf(Field) string }); ok {
		if name := h.HeaderOf(f); name != "" {
			return name
		}
	}
	return f.Label()
}

// UnknownOf lists the coded values src's vocabulary lacks, with the rows
// each kept out, when src counts them (a *Reader does, once read to the
// end): what Report.Unknown shows an admin to map.
func UnknownOf(src Source) []Unknown {
	if u, ok := src.(interface{ Unknown() []Unknown }); ok {
		return u.Unknown()
	}
	return nil
}

// Vocabulary maps the words a union's register uses for coded values to
// Verve's values. Keys are normalised (Norm). DefaultVocabulary holds the
// common Norwegian and English words; a union's own words are remembered
// in storage and added on top.
type Vocabulary struct {
	Types    map[string]model.MembershipType
	Statuses map[string]model.MembershipStatus
	Roles    map[string]model.RoleName
	Reasons  map[string]model.LeaveReason
	Dues     map[string]model.DuesStatus
}

// Unknown is a coded value the vocabulary does not map yet: its rows fail
// until an admin maps it.
type Unknown struct {
	Field Field
	Value string
	Rows  int
}

// Options steer a sync.
type Options struct {
	DryRun bool // work out the report, commit nothing
	// Complete: the export is the whole register. Members missing from it
	// are listed for an admin to confirm as resigned, never resigned here.
	Complete bool
	// MaxFailShare: when more than this share of the rows fail, nothing is
	// committed (0 = DefaultMaxFailShare).
	MaxFailShare float64
	// Progress, when set, is told how many rows have been handled.
	Progress func(rows int)
}

// DefaultMaxFailShare is the share of failing rows above which a load
// commits nothing, so a broken export can never resign half the union.
const DefaultMaxFailShare = 0.05

// Missing is a member the register has no longer, in a complete load.
type Missing struct {
	PersonID int64
	MemberNo string
	Name     string
}

// Report says what a load did (or, dry, would do).
type Report struct {
	First        bool // the first load: the org tree and everyone created, no tasks
	Rows         int  // data rows read
	Failed       int  // rows skipped for their problems
	Errors       []model.RowError
	Refused      bool // too many rows failed: nothing committed
	Committed    bool
	Created      int // new members (persons and memberships)
	Updated      int // members with at least one changed field
	Unchanged    int
	Units        int // org units created
	Workplaces   int // workplaces created
	Resigned     int // resignations applied
	Winbacks     int // winback tasks opened
	Welcomes     int // welcome and member-started tasks opened
	JobChanges   int
	DuesCalls    int
	RolesStarted int
	RolesEnded   int
	Matches      int // possible matches queued for a decision
	Missing      []Missing
	Unknown      []Unknown
}

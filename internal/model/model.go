package model

import "time"

// Org unit kinds, from the top of the tree down.
const (
	UnitUnion  = "union"
	UnitRegion = "region"
	UnitBranch = "branch"
	UnitClub   = "club"
)

// OrgUnit is a node in the union's organisation tree. Path is the
// materialised path of ids ("/1/4/17/") so that "everything below X" is one
// indexed range query.
type OrgUnit struct {
	ID       int64
	ParentID int64 // 0 for the union itself
	Kind     string
	Name     string
	Path     string
	County   string
}

// Workplace is an employer's site, identified by its organisasjonsnummer.
// Every workplace is owned by one org unit (its club, or a branch).
type Workplace struct {
	ID             int64
	UnitID         int64
	UnitPath       string
	Name           string
	Orgnr          string
	Municipality   string
	MunicipalityNo string
	PostalCode     string
	Employees      int
	Sector         string
	// From Enhetsregisteret (verve import enheter): the beliggenhetsadresse,
	// the primary NACE code and its text, the hovedenhet's orgnr, the day
	// the register closed the unit (zero while open) and the day a load
	// last updated the workplace (zero if none has).
	Address      string
	PostalPlace  string
	NACE         string
	NACEText     string
	ParentOrgnr  string
	Closed       time.Time
	RegisterDate time.Time
}

// Membership statuses. A person's current status is kept on the person too
// (MemberStatus) so that counts over a region stay one index scan.
const (
	StatusProspect = "prospect"
	StatusActive   = "active"
	StatusArrears  = "arrears"
	StatusResigned = "resigned"
	StatusRemoved  = "removed"
	StatusPending  = "pending"  // applied on the join page, awaiting the union's decision
	StatusRejected = "rejected" // an application the union turned down
	StatusMerged   = "merged"   // folded into another membership when two records of one person were merged
)

// Membership types.
const (
	TypeOrdinary = "ordinary"
	TypeStudent  = "student"
	TypeRetired  = "retired"
	TypeTrainee  = "trainee"
)

// MembershipTypes and MembershipStatuses list the valid values in display order.
var (
	MembershipTypes    = []string{TypeOrdinary, TypeStudent, TypeRetired, TypeTrainee}
	MembershipStatuses = []string{StatusProspect, StatusActive, StatusArrears, StatusResigned, StatusRemoved, StatusPending, StatusRejected, StatusMerged}
)

// Person is anyone Verve knows: member, prospect or colleague at a workplace.
type Person struct {
	ID           int64
	FirstName    string
	LastName     string
	BirthDate    time.Time // zero when unknown
	Fnr          string    // optional; never kept for non-members
	Email        string
	Mobile       string // E.164, +47…
	Address      string
	PostalCode   string
	PostalPlace  string
	UnitID       int64
	UnitPath     string
	WorkplaceID  int64 // current workplace, 0 if none
	MemberStatus string
	OtherUnion   string // member of another union, when known
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Name is the display name.
func (p *Person) Name() string { return p.FirstName + " " + p.LastName }

// Membership is one period of membership.
type Membership struct {
	ID                 int64
	PersonID           int64
	Type               string
	Status             string
	StartDate          time.Time
	EndDate            time.Time
	Source             Source
	RecruitedBy        int64
	Institution        string
	Programme          string
	ExpectedGraduation time.Time
}

// Employment links a person to a workplace for a period.
type Employment struct {
	ID            int64
	PersonID      int64
	WorkplaceID   int64
	WorkplaceName string
	StartDate     time.Time
	EndDate       time.Time
	Position      string
	Department    string
}

// Roles a person can hold on an org unit.
const (
	RoleShopSteward      = "shop_steward"
	RoleChiefShopSteward = "chief_shop_steward"
	RoleClubLeader       = "club_leader"
	RoleStudyLeader      = "study_leader"
	RoleCoordinator      = "recruitment_coordinator"
	RoleAdvisor          = "advisor"
	RoleBoardMember      = "board_member"
	RoleUnionAdmin       = "union_admin"
	RoleSafetyRep        = "safety_rep" // verneombud: elected under the Working Environment Act, no access of its own
)

// Roles lists every role in display order.
var Roles = []string{RoleShopSteward, RoleChiefShopSteward, RoleClubLeader, RoleStudyLeader,
	RoleCoordinator, RoleAdvisor, RoleBoardMember, RoleUnionAdmin, RoleSafetyRep}

// Role is a position of trust held by a person on an org unit.
type Role struct {
	ID        int64
	PersonID  int64
	Person    string
	Role      string
	UnitID    int64
	UnitName  string
	UnitPath  string
	StartDate time.Time
	EndDate   time.Time
}

// Contact is one entry in a person's contact history.
type Contact struct {
	ID       int64
	PersonID int64
	ByID     int64
	ByName   string
	Kind     ContactKind
	At       time.Time
	Note     string
}

// Task statuses.
const (
	TaskOpen      = "open"
	TaskDone      = "done"
	TaskCancelled = "cancelled"
)

// Task is something a user must do, usually about a person.
type Task struct {
	ID          int64
	Kind        string
	Title       string
	PersonID    int64
	PersonName  string
	WorkplaceID int64
	UnitPath    string
	OwnerID     int64
	Due         time.Time
	Status      string
	CreatedAt   time.Time
	DoneAt      time.Time
}

// User is someone who can sign in. Users are persons with roles.
type User struct {
	ID           int64
	PersonID     int64
	Username     string
	PasswordHash string
	Locale       string
	Disabled     bool
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID         int64
	At         time.Time
	UserID     int64
	Username   string
	Action     string
	Entity     string
	EntityID   int64
	Fields     string
	PersonID   int64 // the person the entry concerns; erasing them erases Detail
	Detail     string
	RemoteAddr string
}

// IsMember reports whether a membership status counts as a member today.
func IsMember(status string) bool { return status == StatusActive || status == StatusArrears }

// Task kinds of the recruitment pipeline.
const (
	TaskWelcome  = "welcome"   // meet a new colleague around their start date
	TaskAsk      = "ask"       // ask an unorganised colleague to join
	TaskFollowUp = "follow_up" // ask again a few days after the first talk
	TaskConvert  = "convert"   // a student member now working: move to ordinary membership
	TaskWinback  = "winback"
	// Register sync (issue 12).
	TaskDuesCall      = "dues_call"      // the register reports arrears or a stopped deduction: call the member
	TaskMemberStarted = "member_started" // a member has started at this workplace: welcome them
)

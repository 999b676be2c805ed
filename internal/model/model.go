package model

import "time"

// UnitKind is the level of an org unit, as stored in org_units.kind.
type UnitKind string

// Org unit kinds, from the top of the tree down.
const (
	UnitUnion  UnitKind = "union"
	UnitRegion UnitKind = "region"
	UnitBranch UnitKind = "branch"
	UnitClub   UnitKind = "club"
)

// UnitKinds lists the kinds from the top of the tree down.
var UnitKinds = List[UnitKind]{UnitUnion, UnitRegion, UnitBranch, UnitClub}

// Valid reports whether k is one of UnitKinds.
func (k UnitKind) Valid() bool { return UnitKinds.Valid(k) }

// OrgUnit is a node in the union's organisation tree. Path is the
// materialised path of ids ("/1/4/17/") so that "everything below X" is one
// indexed range query.
type OrgUnit struct {
	ID       int64
	ParentID int64 // 0 for the union itself
	Kind     UnitKind
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

// MembershipStatus is the state of a membership (memberships.status). A
// person's current status is kept on the person too (MemberStatus) so that
// counts over a region stay one index scan; there StatusNone is a person
// who never had a membership.
type MembershipStatus string

// Membership statuses.
const (
	StatusNone     MembershipStatus = "" // persons.member_status only: never a member
	StatusProspect MembershipStatus = "prospect"
	StatusActive   MembershipStatus = "active"
	StatusArrears  MembershipStatus = "arrears"
	StatusResigned MembershipStatus = "resigned"
	StatusRemoved  MembershipStatus = "removed"
	StatusPending  MembershipStatus = "pending"  // applied on the join page, awaiting the union's decision
	StatusRejected MembershipStatus = "rejected" // an application the union turned down
	StatusMerged   MembershipStatus = "merged"   // folded into another membership when two records of one person were merged
	// StatusConverted ends a student membership that went over to a working
	// (ordinary) membership; the student period is kept as history.
	StatusConverted MembershipStatus = "converted"
)

// MembershipType is the kind of a membership (memberships.type).
type MembershipType string

// Membership types.
const (
	TypeOrdinary MembershipType = "ordinary"
	TypeStudent  MembershipType = "student"
	TypeRetired  MembershipType = "retired"
	TypeTrainee  MembershipType = "trainee"
)

// MembershipTypes and MembershipStatuses list the valid values in display
// order; the schema checks new rows against them (migration 00014).
var (
	MembershipTypes    = List[MembershipType]{TypeOrdinary, TypeStudent, TypeRetired, TypeTrainee}
	MembershipStatuses = List[MembershipStatus]{StatusProspect, StatusActive, StatusArrears, StatusResigned, StatusRemoved, StatusPending, StatusRejected, StatusMerged, StatusConverted}
)

// Valid reports whether t is one of MembershipTypes.
func (t MembershipType) Valid() bool { return MembershipTypes.Valid(t) }

// Valid reports whether st is one of MembershipStatuses (StatusNone is
// not: a membership always has a status).
func (st MembershipStatus) Valid() bool { return MembershipStatuses.Valid(st) }

// ValidMemberStatus reports whether st may stand on a person: a
// membership status, or StatusNone.
func (st MembershipStatus) ValidMemberStatus() bool { return st == StatusNone || st.Valid() }

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
	MemberStatus MembershipStatus
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
	Type               MembershipType
	Status             MembershipStatus
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

// RoleName is a role a person can hold on an org unit (roles.role).
type RoleName string

// Roles a person can hold on an org unit.
const (
	RoleShopSteward      RoleName = "shop_steward"
	RoleChiefShopSteward RoleName = "chief_shop_steward"
	RoleClubLeader       RoleName = "club_leader"
	RoleStudyLeader      RoleName = "study_leader"
	RoleCoordinator      RoleName = "recruitment_coordinator"
	RoleAdvisor          RoleName = "advisor"
	RoleBoardMember      RoleName = "board_member"
	RoleUnionAdmin       RoleName = "union_admin"
	RoleSafetyRep        RoleName = "safety_rep" // verneombud: elected under the Working Environment Act, no access of its own
)

// Roles lists every role in display order; the schema checks new rows
// against it (migration 00014).
var Roles = List[RoleName]{RoleShopSteward, RoleChiefShopSteward, RoleClubLeader, RoleStudyLeader,
	RoleCoordinator, RoleAdvisor, RoleBoardMember, RoleUnionAdmin, RoleSafetyRep}

// Valid reports whether r is one of Roles.
func (r RoleName) Valid() bool { return Roles.Valid(r) }

// Role is a position of trust held by a person on an org unit.
type Role struct {
	ID       int64
	PersonID int64
	Person   string
	Role     RoleName
	UnitID   int64
	UnitName string
	UnitPath string
	// WorkplaceID, when not 0, is the one workplace of the unit the role
	// is held on: its holder acts on that workplace only.
	WorkplaceID   int64
	WorkplaceName string
	// Department is the department at the workplace the role covers
	// (pipeline.Share gives its new hires to this steward); may be empty.
	Department string
	StartDate  time.Time
	EndDate    time.Time
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

// TaskStatus is the state of a task (tasks.status).
type TaskStatus string

// Task statuses.
const (
	TaskOpen      TaskStatus = "open"
	TaskDone      TaskStatus = "done"
	TaskCancelled TaskStatus = "cancelled"
)

// TaskStatuses lists the statuses; the schema checks new rows against it.
var TaskStatuses = List[TaskStatus]{TaskOpen, TaskDone, TaskCancelled}

// Valid reports whether st is one of TaskStatuses.
func (st TaskStatus) Valid() bool { return TaskStatuses.Valid(st) }

// Task is something a user must do, usually about a person.
type Task struct {
	ID          int64
	Kind        TaskKind
	Title       string
	PersonID    int64
	PersonName  string
	WorkplaceID int64
	UnitPath    string
	OwnerID     int64
	Due         time.Time
	Status      TaskStatus
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
func IsMember(status MembershipStatus) bool { return status == StatusActive || status == StatusArrears }

// TaskKind is what a task asks for (tasks.kind).
type TaskKind string

// Task kinds of the recruitment pipeline.
const (
	TaskWelcome  TaskKind = "welcome"   // meet a new colleague around their start date
	TaskAsk      TaskKind = "ask"       // ask an unorganised colleague to join
	TaskFollowUp TaskKind = "follow_up" // ask again a few days after the first talk
	TaskConvert  TaskKind = "convert"   // a student member now working: move to ordinary membership
	TaskWinback  TaskKind = "winback"
	// Register sync (issue 12).
	TaskDuesCall      TaskKind = "dues_call"      // the register reports arrears or a stopped deduction: call the member
	TaskMemberStarted TaskKind = "member_started" // a member has started at this workplace: welcome them
)

// TaskKinds lists every kind; the schema checks new rows against it
// (migration 00014).
var TaskKinds = List[TaskKind]{TaskWelcome, TaskAsk, TaskFollowUp, TaskConvert, TaskWinback, TaskDuesCall, TaskMemberStarted}

// Valid reports whether k is one of TaskKinds.
func (k TaskKind) Valid() bool { return TaskKinds.Valid(k) }

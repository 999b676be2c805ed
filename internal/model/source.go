package model

// Source is how a membership came about, as stored in memberships.source.
// The values are English identifiers; the pages show them through the
// locale keys "source.<value>". The empty Source is "not known" (members
// loaded from the register, and rows from before sources were recorded).
type Source string

const (
	SourceUnknown            Source = ""
	SourceJoinPage           Source = "join_page"           // applied on Verve's public join page
	SourceWorkplace          Source = "workplace"           // joined when a shop steward logged the outcome of a talk
	SourceRecruited          Source = "recruited"           // a member asked them; recruited_by names who
	SourceWebsite            Source = "website"             // joined on the union's own website, before Verve
	SourceShopSteward        Source = "shop_steward"        // signed up by a shop steward, before Verve
	SourceCampaign           Source = "campaign"            // a recruitment campaign
	SourceStudentRecruitment Source = "student_recruitment" // recruited as a student (campus, placement)
	SourceStudentTransfer    Source = "student_transfer"    // an ordinary membership continuing a student membership
	SourceTransfer           Source = "transfer"            // moved over from another membership (retired, another union)
)

// Sources are the valid values of Source, the unknown one included; the
// schema checks new rows against the same list (migration 00013).
var Sources = List[Source]{SourceUnknown, SourceJoinPage, SourceWorkplace, SourceRecruited, SourceWebsite, SourceShopSteward,
	SourceCampaign, SourceStudentRecruitment, SourceStudentTransfer, SourceTransfer}

// Valid reports whether s is one of Sources.
func (s Source) Valid() bool { return Sources.Valid(s) }

// ContactKind is the form of one contact with a person, as stored in
// contacts.kind.
type ContactKind string

const (
	ContactVisit   ContactKind = "visit"
	ContactPhone   ContactKind = "phone"
	ContactSMS     ContactKind = "sms"
	ContactEmail   ContactKind = "email"
	ContactMeeting ContactKind = "meeting"
)

// ContactKinds are the valid values of ContactKind, in the order a form
// offers them.
var ContactKinds = List[ContactKind]{ContactVisit, ContactPhone, ContactSMS, ContactEmail, ContactMeeting}

// Valid reports whether k is one of ContactKinds.
func (k ContactKind) Valid() bool { return ContactKinds.Valid(k) }

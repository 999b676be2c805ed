// Package pipeline decides what a talk with a new hire or an unorganised
// colleague leads to: the outcome a steward logs, the contact-log text,
// whether the task is retried, closed or followed up and when, and whether
// the person joins. Storage applies the decision in one transaction.
package pipeline

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/model"
)

// Result is the outcome of a welcome, ask or follow-up talk. The ones
// that close a pipeline entry (Closing) are stored in pipeline.outcome,
// where Open (the empty word) is an entry still open.
type Result string

// Outcomes of a welcome, ask or follow-up talk.
const (
	Open              Result = ""            // pipeline.outcome of an open entry; never logged
	OutcomeMet        Result = "met"         // talked; no answer yet
	OutcomeMaterial   Result = "material"    // talked and handed over material
	OutcomeGift       Result = "gift"        // talked and handed over the welcome gift
	OutcomeNotReached Result = "not_reached" // try again
	OutcomeDeclined   Result = "declined"    // said no
	OutcomeJoined     Result = "joined"      // became a member
	OutcomeLeft       Result = "left"        // no longer works here
)

// Outcomes lists them in the order the buttons show.
var Outcomes = model.List[Result]{OutcomeMet, OutcomeMaterial, OutcomeGift, OutcomeNotReached, OutcomeDeclined, OutcomeJoined, OutcomeLeft}

// Closing lists the outcomes that close the entry, the values
// pipeline.outcome may hold besides Open (the schema checks it, migration
// 00014).
var Closing = model.List[Result]{OutcomeDeclined, OutcomeJoined, OutcomeLeft}

// Valid reports whether r is one of Outcomes.
func (r Result) Valid() bool { return Outcomes.Valid(r) }

// TaskKinds are the task kinds whose outcome moves the pipeline.
var TaskKinds = model.List[model.TaskKind]{model.TaskWelcome, model.TaskAsk, model.TaskFollowUp}

// JoinFulfils are the task kinds a person's joining (again) fulfils: the
// call to win a former member back is done once they are back.
var JoinFulfils = model.List[model.TaskKind]{model.TaskWinback}

// Titles of the tasks the pipeline makes.
const (
	TitleAsk      = "Spør om medlemskap"
	TitleFollowUp = "Følg opp: spør om medlemskap"
	// TitleWelcomeNew is the welcome task for a new hire on a list;
	// TitleWelcomeJoined for one who joined on the public page;
	// TitleWelcomeMember for a new hire found to be a member already.
	TitleWelcomeNew    = "Velkomstsamtale med ny kollega"
	TitleWelcomeJoined = "Ønsk velkommen: meldte seg inn på nettsiden"
	TitleWelcomeMember = "Et medlem har begynt her: ønsk velkommen"
	// TitleConfirmJoin follows up an invitation to join that is not yet
	// confirmed; the membership closes it.
	TitleConfirmJoin = "Følg opp: bekreftet innmeldingen?"
)

// Timing of the pipeline's tasks, in days.
const (
	AskDays   = 7 // from being put into the pipeline to the ask
	RetryDays = 2 // from not reaching someone to trying again
)

// Entry is the kind of a pipeline entry (pipeline.kind).
type Entry string

// Kinds of pipeline entry.
const (
	EntryNewHire     Entry = "newhire"
	EntryUnorganised Entry = "unorganised"
)

// Entries lists the kinds of pipeline entry.
var Entries = model.List[Entry]{EntryNewHire, EntryUnorganised}

// Valid reports whether e is one of Entries.
func (e Entry) Valid() bool { return Entries.Valid(e) }

// EntryKind is the kind of pipeline entry a task belongs to.
func EntryKind(taskKind model.TaskKind) Entry {
	if taskKind == model.TaskAsk {
		return EntryUnorganised
	}
	return EntryNewHire
}

// HasOutcomes reports a task whose outcome can be logged: a pipeline task
// about a person at a workplace.
func HasOutcomes(t model.Task) bool {
	return slices.Contains(TaskKinds, t.Kind) && t.PersonID != 0 && t.WorkplaceID != 0
}

// Outcome is what a steward logs after a talk.
type Outcome struct {
	TaskID         int64
	Result         Result
	Note           string
	Reason         string               // why they said no
	MembershipType model.MembershipType // when they joined; ordinary by default
	RecruiterID    int64                // who recruited them; the user by default
	// ConfirmURL is the join page's confirmation address up to the token,
	// for the invitation a joined outcome sends.
	ConfirmURL string
}

// Check trims the texts, fills in the membership type and reports what is
// wrong, field by field.
func (o *Outcome) Check() error {
	var v model.Validation
	o.Note, o.Reason = strings.TrimSpace(o.Note), strings.TrimSpace(o.Reason)
	v.Check(o.Result.Valid(), "result", "outcome.check.result")
	v.Check(utf8.RuneCountInString(o.Note) <= 2000 && utf8.ValidString(o.Note), "note", "outcome.check.note")
	v.Check(utf8.RuneCountInString(o.Reason) <= 200 && utf8.ValidString(o.Reason), "reason", "outcome.check.reason")
	if o.MembershipType == "" {
		o.MembershipType = model.TypeOrdinary
	}
	v.Check(o.MembershipType.Valid(), "membership_type", "outcome.check.type")
	return v.Err()
}

// notes are the contact-log texts for each outcome.
var notes = map[Result]string{
	OutcomeMet:        "Samtale",
	OutcomeMaterial:   "Samtale, materiell levert",
	OutcomeGift:       "Samtale, velkomstgave levert",
	OutcomeNotReached: "Ikke truffet",
	OutcomeDeclined:   "Ønsker ikke å bli medlem",
	OutcomeJoined:     "Meldte seg inn",
	OutcomeLeft:       "Har sluttet på arbeidsplassen",
}

// Plan is what an outcome does.
type Plan struct {
	Note         string            // the contact-log text
	ContactKind  model.ContactKind // how the contact was made
	FirstContact bool              // it counts as the first contact, if none yet
	// Retry, when not zero, keeps the task open, due again then (and no
	// longer escalated); nothing else below applies.
	Retry         time.Time
	TaskStatus    model.TaskStatus // what the task becomes
	FollowUp      *model.Task      // a task to schedule (ID and CreatedAt not set)
	EndEmployment bool             // they left: their employment there ends today
	Close         bool             // the pipeline entry ends with the outcome and Reason
	Reason        string           // why they said no, kept on the closed entry
	Keep          bool             // the entry loses its erase date: members are kept
	// Invite sends them the join page, prefilled, to confirm with consent:
	// the membership (of MembershipType, credited to Recruiter) comes with
	// the confirmation, and closes the entry then.
	Invite    bool
	Recruiter int64 // credited with the membership
}

// Decide says what outcome o of open pipeline task t means, logged by the
// person user on day today, with the union's follow-up delay.
func Decide(t model.Task, o Outcome, user int64, today time.Time, followUpDays int) Plan {
	p := Plan{Note: notes[o.Result], ContactKind: model.ContactVisit, TaskStatus: model.TaskDone}
	if o.Reason != "" {
		p.Note += ": " + o.Reason
	}
	if o.Note != "" {
		p.Note += ". " + o.Note
	}
	p.FirstContact = o.Result != OutcomeNotReached && o.Result != OutcomeLeft
	switch o.Result {
	case OutcomeNotReached:
		p.ContactKind = model.ContactPhone
		p.Retry = today.AddDate(0, 0, RetryDays)
		p.TaskStatus = model.TaskOpen
	case OutcomeMet, OutcomeMaterial, OutcomeGift:
		if t.Kind != model.TaskFollowUp {
			p.FollowUp = &model.Task{Kind: model.TaskFollowUp, Title: TitleFollowUp, PersonID: t.PersonID, WorkplaceID: t.WorkplaceID,
				UnitPath: t.UnitPath, OwnerID: owner(t, user), Due: today.AddDate(0, 0, followUpDays), Status: model.TaskOpen}
		}
	case OutcomeDeclined:
		p.Close, p.Reason = true, o.Reason
	case OutcomeLeft:
		p.Close, p.Reason = true, o.Reason
		p.TaskStatus, p.EndEmployment = model.TaskCancelled, true
	case OutcomeJoined:
		p.Invite = true
		p.FollowUp = &model.Task{Kind: model.TaskFollowUp, Title: TitleConfirmJoin, PersonID: t.PersonID, WorkplaceID: t.WorkplaceID,
			UnitPath: t.UnitPath, OwnerID: owner(t, user), Due: today.AddDate(0, 0, followUpDays), Status: model.TaskOpen}
		p.Recruiter = o.RecruiterID
		if p.Recruiter == 0 {
			p.Recruiter = user
		}
	}
	return p
}

// Owners: a workplace's pipeline tasks go to the first person (by id) in
// office holding one of StewardRoles at the workplace's unit, else to one
// holding CoordinatorRole in its region, else to nobody: the unit's to take.
var StewardRoles = model.List[model.RoleName]{model.RoleShopSteward, model.RoleChiefShopSteward}

// CoordinatorRole: see StewardRoles.
const CoordinatorRole = model.RoleCoordinator

// EscalateBefore is the due date before which an open pipeline task (one
// of TaskKinds) is escalated to the region's coordinator on day today:
// overdue by more than the union's limit of days.
func EscalateBefore(today time.Time, days int) time.Time { return today.AddDate(0, 0, -days) }

// owner is who follows task t up: its owner, else the user who logged it.
func owner(t model.Task, user int64) int64 {
	if t.OwnerID != 0 {
		return t.OwnerID
	}
	return user
}

// Ask is the task that puts an unorganised colleague's question to them.
func Ask(personID, workplaceID int64, unitPath string, owner int64, today time.Time) model.Task {
	return model.Task{Kind: model.TaskAsk, Title: TitleAsk, PersonID: personID, WorkplaceID: workplaceID, UnitPath: unitPath,
		OwnerID: owner, Due: today.AddDate(0, 0, AskDays), Status: model.TaskOpen}
}

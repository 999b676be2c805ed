// Package retention decides how long Verve keeps people who are not
// members, and what erasing one does.
//
// Every record that keeps a non-member in the database carries an erase
// date, and the hourly worker erases a person once every such record has
// passed its date:
//
//   - A pipeline entry: the union's retention period (RetentionDays) from
//     the last contact with the person, else from the entry's creation,
//     whatever the entry's state (open, closed with "done", said no,
//     left); see EraseAfter. An entry that became a membership has none:
//     members are kept.
//   - A rejected application: RetentionDays from the decision
//     (RejectedBefore).
//   - An unconfirmed application: when its link expires.
//   - Sent or failed mail: MailKeepDays after it was sent (MailBefore).
//
// Who is erased, and what keeps them, are the Kinds below: a prospect
// (Prospects) is kept while a pipeline entry has not passed its date, or
// while they are a member or have any membership, a user account or a
// role; a refused applicant (Refused) while they have a member status or
// another membership, recruited someone, own a task, have an open pipeline
// entry or a user account. Erasing a person does to each row that refers
// to them what its Rule says.
//
// Storage computes nothing of this: it takes the dates and conditions from
// here, translates each Cond into SQL and applies them set-wise, in its
// transactions (storage/retention.go).
package retention

import (
	"slices"
	"time"

	"github.com/verve-union/verve/internal/locale"
)

// Cond is something that may hold for a person when erasure is
// considered. Moment is the kind's: the day for Prospects, the cutoff
// (RejectedBefore) for Refused.
type Cond string

const (
	AllEntriesPassed Cond = "all_entries_passed" // they have pipeline entries, and every one has passed its erase date by Moment
	Rejected         Cond = "rejected"           // an application of theirs was rejected
	Member           Cond = "member"             // they are a member (active or in arrears)
	HasStatus        Cond = "has_status"         // they have any member status: prospect, applicant, member, former member
	AnyMembership    Cond = "any_membership"     // they have a membership of any status
	OtherMembership  Cond = "other_membership"   // they have a membership other than a rejection decided before Moment
	Recruiter        Cond = "recruiter"          // they recruited someone
	OpenEntry        Cond = "open_entry"         // they have an open pipeline entry
	User             Cond = "user"               // they have a user account
	Role             Cond = "role"               // they hold a role
	TaskOwner        Cond = "task_owner"         // they own a task
)

// Kind is a kind of person the worker erases: those for whom Erase holds
// and none of Keep.
type Kind struct {
	Name  string
	Erase Cond
	Keep  []Cond
	audit string // the catalogue key of the audit log's reason
}

var (
	// Prospects: people in the pipeline whose every entry has passed its
	// erase date, who said no, left, were never reached or whose task was
	// closed without an answer (EraseExpired). Anyone with a membership
	// (a member, an applicant, a former member), a user account or a role
	// is kept.
	Prospects = Kind{"prospects", AllEntriesPassed, []Cond{Member, AnyMembership, User, Role}, "audit.retention.expired"}
	// Refused: applicants whose every application was rejected more than
	// the retention period ago (EraseRejected): trade-union membership is
	// special-category data, and a refused applicant is not kept. Kept is
	// one with a member status, another membership, someone they
	// recruited, an open pipeline entry, a user account, a role (as for
	// prospects: a role holder is on the union's record) or a task.
	Refused = Kind{"refused", Rejected, []Cond{HasStatus, OtherMembership, Recruiter, OpenEntry, User, Role, TaskOwner}, "audit.application.rejected"}
)

// Kinds lists every kind the worker erases.
var Kinds = []Kind{Prospects, Refused}

// Erasable reports whether a person for whom exactly the conditions holds
// hold is erased as one of kind k.
func (k Kind) Erasable(holds ...Cond) bool {
	return slices.Contains(holds, k.Erase) && !slices.ContainsFunc(k.Keep, func(c Cond) bool { return slices.Contains(holds, c) })
}

// Reason is the audit log's reason for erasing a person of kind k, in
// bokmål as the log keeps it.
func (k Kind) Reason() string { return locale.T("nb", k.audit) }

// ExpiredApplicationsDetail is the audit log's line on deleting n
// unconfirmed applications whose link expired.
func ExpiredApplicationsDetail(n int64) string {
	return locale.T("nb", "audit.applications.expired", "count", n)
}

// MailPurgedDetail is the audit log's line on purging n mails older than
// days (MailBefore).
func MailPurgedDetail(n int64, days int) string {
	return locale.T("nb", "audit.mail.purged", "count", n, "days", days)
}

// StampedDetail is the audit log's line on dating n pipeline entries.
func StampedDetail(n int) string { return locale.T("nb", "audit.retention.stamped", "count", n) }

// EraseAfter is the erase date of a pipeline entry created at created:
// days after the last contact with the person if there was one since
// (lastContact; zero if none), else days after created. Storage keeps its
// date (UTC).
func EraseAfter(created, lastContact time.Time, days int) time.Time {
	from := created
	if lastContact.After(from) {
		from = lastContact
	}
	return from.UTC().AddDate(0, 0, days)
}

// RejectedBefore is the moment before which an application must have been
// rejected for the applicant to be erased at now: days (RetentionDays)
// earlier.
func RejectedBefore(now time.Time, days int) time.Time { return now.UTC().AddDate(0, 0, -days) }

// MailBefore is the moment before which sent or failed mail must have gone
// out to be purged at now: days (MailKeepDays) earlier. A mail holds names,
// addresses and the reasons of rejections, and has served its purpose once
// delivered.
func MailBefore(now time.Time, days int) time.Time { return now.UTC().AddDate(0, 0, -days) }

// Rule is what erasing a person does to a row that refers to them.
type Rule int

const (
	// Delete: the row is the person's (their membership, contact, task …);
	// it goes with them.
	Delete Rule = iota
	// Clear: the row is someone else's and only names the person (as
	// recruiter, owner of a task, author of a contact); it stays without
	// the reference.
	Clear
	// Blank: the row must stay and keeps what was done, not to whom: the
	// audit log, whose personal values are blanked.
	Blank
)

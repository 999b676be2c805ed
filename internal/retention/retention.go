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
// Nobody is erased who is a member or has any membership, a user account
// or a role, or a record whose date has not passed; a refused applicant
// is also kept while they recruited someone, own a task or have an open
// pipeline entry. Erasing a person does to each row that refers to them
// what its Rule says.
//
// Storage computes nothing of this: it takes the dates from here and
// applies them set-wise, in SQL, in its transactions (storage/retention.go).
package retention

import "time"

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

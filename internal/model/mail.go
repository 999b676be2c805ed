package model

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Mail statuses. A message is queued until it is sent or has failed for
// good; a failed attempt that will be retried leaves it queued.
const (
	MailQueued = "queued"
	MailSent   = "sent"
	MailFailed = "failed"
)

// MailStatuses lists the statuses in display order.
var MailStatuses = []string{MailQueued, MailSent, MailFailed}

// Mail kinds: what a message is for, so the outbox can be read and
// filtered without opening every message.
const (
	MailJoinConfirmation = "join_confirmation"
	// MailJoinLink carries the link that confirms a join application's
	// e-mail address; its body is blanked once it has left (the token is
	// kept only as a hash).
	MailJoinLink        = "join_link"
	MailRecruiterThanks = "recruiter_thanks"
	// MailSigninLink carries a sign-in link; blanked once it has left,
	// like MailJoinLink.
	MailSigninLink = "signin_link"
)

// MaxMailAttempts is how many times a message is tried before it is marked
// failed for good.
const MaxMailAttempts = 8

// Mail is one outgoing e-mail in the outbox. The queue is in the database so
// that a message commits with the change that caused it (a join application
// and its confirmation) and survives restarts.
type Mail struct {
	ID            int64
	CreatedAt     time.Time
	ToAddr        string // bare address, ola@example.no
	ToName        string // display name, may be empty
	Subject       string
	TextBody      string // always present
	HTMLBody      string // optional alternative
	Kind          string // MailJoinConfirmation, …
	PersonID      int64  // the person it concerns, 0 if none
	Status        string // MailQueued, MailSent or MailFailed
	Attempts      int    // failed attempts so far
	NextAttemptAt time.Time
	LastError     string
	SentAt        time.Time // zero until sent
	MessageID     string    // the Message-ID the sender gave it, "log" for the log sender
}

// Length limits, so that a template bug cannot queue megabytes per person.
const (
	maxMailSubject = 250
	maxMailBody    = 256 << 10
)

// Validate trims and checks a message before it is queued. Header fields
// must not hold line breaks (header injection) and bodies must be UTF-8.
func (m *Mail) Validate() error {
	var v Validation
	m.ToAddr = strings.TrimSpace(m.ToAddr)
	m.ToName = strings.TrimSpace(m.ToName)
	m.Subject = strings.TrimSpace(m.Subject)
	m.Kind = strings.TrimSpace(m.Kind)
	a, err := mail.ParseAddress(m.ToAddr)
	v.Check(err == nil && a.Address == m.ToAddr && strings.Contains(m.ToAddr[strings.LastIndex(m.ToAddr, "@"):], "."),
		"to_addr", "valid.email")
	v.Check(m.Subject != "", "subject", "valid.subject.required")
	v.Check(utf8.RuneCountInString(m.Subject) <= maxMailSubject, "subject", "valid.subject.toolong", "n", maxMailSubject)
	v.Check(m.TextBody != "", "text_body", "valid.body.required")
	v.Check(m.Kind != "", "kind", "valid.kind.required")
	for field, s := range map[string]string{"to_addr": m.ToAddr, "to_name": m.ToName, "subject": m.Subject, "kind": m.Kind} {
		v.Check(utf8.ValidString(s) && !strings.ContainsAny(s, "\x00\r\n"), field, "valid.badchars")
	}
	v.Check(utf8.RuneCountInString(m.ToName) <= maxText, "to_name", "valid.toolong", "n", maxText)
	for field, s := range map[string]string{"text_body": m.TextBody, "html_body": m.HTMLBody} {
		v.Check(utf8.ValidString(s) && !strings.Contains(s, "\x00"), field, "valid.badchars")
		v.Check(len(s) <= maxMailBody, field, "valid.body.toolong")
	}
	return v.Err()
}

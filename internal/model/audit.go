package model

import "github.com/verve-union/verve/internal/locale"

// Details the audit log keeps are in bokmål, the union's language: the log
// keeps what was written.

// AuditBefore is the audit log's record of a person's contact details as
// they were before a change: the log is where they can be found again,
// and erasing the person blanks it.
func (p *Person) AuditBefore() string {
	return locale.T("nb", "audit.person.before", "old", p.Email+" "+p.Mobile+" "+p.Address+" "+p.PostalCode)
}

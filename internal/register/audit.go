package register

import "github.com/verve-union/verve/internal/locale"

// The audit log's lines on the register, in bokmål as the log keeps them.

// LoadDetail is the line on a load as rep says, with tasks the tasks it
// opened.
func (rep *Report) LoadDetail(tasks int) string {
	return locale.T("nb", "audit.register.load", "rows", rep.Rows, "failed", rep.Failed, "created", rep.Created,
		"updated", rep.Updated, "resigned", rep.Resigned, "tasks", tasks)
}

// MissingDetail is the line on a member missing from the register whose
// resignation was confirmed.
func MissingDetail() string { return locale.T("nb", "audit.register.missing") }

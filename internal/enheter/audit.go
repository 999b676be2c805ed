package enheter

import "github.com/verve-union/verve/internal/locale"

// AuditDetail is the audit log's line on a load of file, in bokmål as the
// log keeps it: how many units were read, workplaces updated (of them
// closed), added, and missing from the file.
func AuditDetail(file string, units, updated, closed, added, missing int) string {
	return locale.T("nb", "audit.enheter", "file", file, "units", units, "updated", updated, "closed", closed,
		"added", added, "missing", missing)
}

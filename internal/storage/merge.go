package storage

import (
	"context"
	"database/sql"

	"github.com/verve-union/verve/internal/model"
)

// mergeTx merges person dropID (the newcomer) into keepID (the person known
// before) inside tx: everything that hangs on dropID moves to keepID, and
// dropID is deleted. why says in the audit log on what ground. Callers
// check scope.
//
// (Being written: the one merge for import, join and register.)
func (s *Storage) mergeTx(ctx context.Context, tx *sql.Tx, a model.Actor, keepID, dropID int64, why string) error {
	return model.Errorf(model.EINTERNAL, "sammenslåing er ikke ferdig")
}

package storage

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/retention"
)

// MailLease is how long a claimed message is hidden from other claimers.
// A deliverer that dies while sending leaves its messages to be claimed
// again when the lease runs out, so a message is sent at least once; a
// batch must be sent well within the lease.
const MailLease = 15 * time.Minute

const mailCols = `id, created_at, to_addr, to_name, subject, text_body, html_body, kind, COALESCE(person_id, 0),
	status, attempts, next_attempt_at, last_error, sent_at, message_id`

type rowScanner interface{ Scan(dest ...any) error }

func scanMail(r rowScanner) (model.Mail, error) {
	var m model.Mail
	var sent sql.NullTime
	err := r.Scan(&m.ID, &m.CreatedAt, &m.ToAddr, &m.ToName, &m.Subject, &m.TextBody, &m.HTMLBody, &m.Kind, &m.PersonID,
		&m.Status, &m.Attempts, &m.NextAttemptAt, &m.LastError, &sent, &m.MessageID)
	m.CreatedAt, m.NextAttemptAt, m.SentAt = m.CreatedAt.UTC(), m.NextAttemptAt.UTC(), timeOf(sent)
	return m, err
}

// QueueMail validates m and puts it in the outbox, due at once unless
// m.NextAttemptAt is later. It returns the new message's id.
func (s *Storage) QueueMail(ctx context.Context, m model.Mail) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.queueMail(ctx, tx, m)
		return err
	})
	return id, err
}

// queueMail queues m inside tx, so that a message commits or rolls back
// with the change that caused it.
func (s *Storage) queueMail(ctx context.Context, tx *sql.Tx, m model.Mail) (int64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	now := s.now().UTC()
	due := now
	if m.NextAttemptAt.After(now) {
		due = m.NextAttemptAt.UTC()
	}
	var id int64
	q, err := s.prepared(ctx, tx, qQueueMail)
	if err != nil {
		return 0, err
	}
	err = q.QueryRowContext(ctx, now, m.ToAddr, m.ToName, m.Subject, m.TextBody, m.HTMLBody, m.Kind, nullID(m.PersonID), due).Scan(&id)
	return id, err
}

// qQueueMail queues one message; prepared once where warmed (stmtcache.go).
const qQueueMail = `INSERT INTO outbox (created_at, to_addr, to_name, subject, text_body, html_body, kind, person_id,
		status, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9) RETURNING id`

// ClaimMail returns up to limit queued messages that are due, oldest due
// first, and leases them for MailLease so that no other deliverer takes
// them meanwhile. Each must then be marked sent or failed (or released).
func (s *Storage) ClaimMail(ctx context.Context, limit int) ([]model.Mail, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []model.Mail
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC()
		// PostgreSQL lets concurrent claimers pass over each other's rows;
		// SQLite has one writer, so its transactions never overlap.
		lock := ""
		if s.dialect == Postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.QueryContext(ctx, `UPDATE outbox SET next_attempt_at = $1
			WHERE id IN (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $2
				ORDER BY next_attempt_at, id LIMIT $3`+lock+`)
			RETURNING id`, now.Add(MailLease), now, limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		in, args := idList(ids, 1)
		rows, err = tx.QueryContext(ctx, `SELECT `+mailCols+` FROM outbox WHERE id IN (`+in+`) ORDER BY id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMail(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// idList returns "$n, $n+1, …" for ids and the ids as arguments.
func idList(ids []int64, first int) (string, []any) {
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = "$" + strconv.Itoa(first+i)
		args[i] = id
	}
	return strings.Join(ph, ", "), args
}

// MarkSent records that a claimed message was handed to the mail server.
func (s *Storage) MarkSent(ctx context.Context, id int64, messageID string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1, message_id = $2
		WHERE id = $3 AND status = 'queued'`, s.now().UTC(), messageID, id)
	if err != nil {
		return err
	}
	return oneRow(res)
}

// MarkFailed records a failed attempt to send a claimed message. The
// message is tried again at retryAt, unless the failure is permanent (the
// server refused the recipient) or this was attempt MaxMailAttempts: then
// it is failed for good.
func (s *Storage) MarkFailed(ctx context.Context, id int64, sendErr error, retryAt time.Time, permanent bool) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var attempts int
		if err := tx.QueryRowContext(ctx, `SELECT attempts FROM outbox WHERE id = $1 AND status = 'queued'`, id).Scan(&attempts); err != nil {
			return notFound(err, "err.outbox.notfound")
		}
		attempts++
		status := model.MailQueued
		if permanent || attempts >= model.MaxMailAttempts {
			status = model.MailFailed
		}
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $5`,
			status, attempts, retryAt.UTC(), errorText(sendErr), id)
		return err
	})
}

// ReleaseMail makes claimed messages due again at once without counting an
// attempt, for a deliverer that stops before it has tried them.
func (s *Storage) ReleaseMail(ctx context.Context, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := idList(ids, 2)
	_, err := s.w.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $1 WHERE status = 'queued' AND id IN (`+in+`)`,
		append([]any{s.now().UTC()}, args...)...)
	return err
}

// Mail returns one message of the outbox. It checks no permission: it is
// for the deliverer and for callers that have checked access themselves.
func (s *Storage) Mail(ctx context.Context, id int64) (model.Mail, error) {
	m, err := scanMail(s.r.QueryRowContext(ctx, `SELECT `+mailCols+` FROM outbox WHERE id = $1`, id))
	if err != nil {
		return model.Mail{}, notFound(err, "err.mail.notfound")
	}
	return m, nil
}

// Outbox lists up to limit messages, newest first, of one status or of
// all when status is "". Messages hold personal data from every part of
// the union, so only those who may read the whole audit log (granted on
// the root unit) may list them.
func (s *Storage) Outbox(ctx context.Context, u *access.Principal, status string, limit int) ([]model.Mail, error) {
	if !u.UnionWide(access.AuditRead) {
		return nil, model.ErrorKey(model.EFORBIDDEN, "err.outbox.forbidden")
	}
	if status != "" && !slices.Contains(model.MailStatuses, status) {
		return nil, model.ErrorKey(model.EINVALID, "err.outbox.status", "status", status)
	}
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+mailCols+` FROM outbox WHERE $1 = '' OR status = $1 ORDER BY id DESC LIMIT $2`, status, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Mail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// PurgeMail deletes sent and failed mail older than the union's
// MailKeepDays (retention.MailBefore). The hourly worker runs it.
func (s *Storage) PurgeMail(ctx context.Context, u *access.Principal) (int, error) {
	if err := needPrincipal(u); err != nil {
		return 0, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// A failed message's next_attempt_at is its last attempt.
		r, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE status IN ('sent', 'failed') AND COALESCE(sent_at, next_attempt_at) < $1`,
			retention.MailBefore(s.now(), st.MailKeepDays))
		if err != nil {
			return err
		}
		if n, err = r.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return s.audit(ctx, tx, u, "delete", "outbox", 0, nil, 0, retention.MailPurgedDetail(n, st.MailKeepDays))
	})
	return int(n), err
}

// oneRow turns an update that touched no row into ENOTFOUND.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return model.ErrorKey(model.ENOTFOUND, "err.outbox.notfound")
	}
	return nil
}

// maxErrorText bounds the stored error of a failed attempt.
const maxErrorText = 1000

// errorText makes an error storable: valid UTF-8 without NUL (PostgreSQL
// refuses both) and at most maxErrorText bytes.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	t := strings.ReplaceAll(strings.ToValidUTF8(err.Error(), "?"), "\x00", "")
	if len(t) > maxErrorText {
		t = t[:maxErrorText]
		for !utf8.ValidString(t) {
			t = t[:len(t)-1]
		}
	}
	return t
}

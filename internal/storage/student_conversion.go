package storage

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/students"
)

// The move of graduating student members to a working (ordinary)
// membership: a transfer task for each (the worker's job), and the
// one-click conversion that closes it.

// openConvertTasks maps each of the persons to the earliest due date of
// their open transfer tasks.
func (s *Storage) openConvertTasks(ctx context.Context, persons []any) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	for chunk := range slices.Chunk(persons, 500) {
		rows, err := s.r.QueryContext(ctx, `SELECT person_id, due FROM tasks WHERE kind = 'convert' AND status = 'open' AND person_id IN `+placeholders(1, len(chunk)), chunk...)
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var id int64
			var due time.Time
			if err := rows.Scan(&id, &due); err != nil {
				return err
			}
			if d, ok := out[id]; !ok || due.Before(d) {
				out[id] = due.UTC()
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Conversion is what converting a student membership did.
type Conversion struct {
	StudentMembershipID int64
	MembershipID        int64 // the new ordinary membership
	PersonID            int64
	Name                string
	Date                time.Time
	TasksClosed         int
}

// ConvertStudent converts a student membership in the user's scope in one
// step, as students.Convertible and students.Convert say. Converting the
// same membership twice is a conflict.
func (s *Storage) ConvertStudent(ctx context.Context, u *access.Principal, membershipID int64) (*Conversion, error) {
	if !u.Can(access.StudentWrite) {
		return nil, model.ErrorKey(model.EFORBIDDEN, "err.student.convert.forbidden")
	}
	c := &Conversion{StudentMembershipID: membershipID}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		args := access.Args{membershipID}
		var typ model.MembershipType
		var status model.MembershipStatus
		var end sql.NullTime
		var recruiter sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT m.person_id, p.first_name || ' ' || p.last_name, m.type, m.status, m.end_date, m.recruited_by
			FROM memberships m JOIN persons p ON p.id = m.person_id WHERE m.id = $1 AND `+u.Scope(access.StudentWrite).FilterAt("p.unit_path", "p.workplace_id", &args), args...).
			Scan(&c.PersonID, &c.Name, &typ, &status, &end, &recruiter)
		if errors.Is(err, sql.ErrNoRows) {
			return model.ErrorKey(model.ENOTFOUND, "err.student.notfound")
		} else if err != nil {
			return err
		}
		if err := students.Convertible(c.Name, typ, status, timeOf(end)); err != nil {
			return err
		}
		next := students.Convert(status)
		now, today := s.now().UTC(), s.today()
		c.Date = today
		// The status condition makes a second, concurrent conversion
		// change nothing.
		r, err := tx.ExecContext(ctx, `UPDATE memberships SET status = $1, end_date = $2 WHERE id = $3 AND status IN `+currentStatuses+` AND end_date IS NULL`,
			students.Ended, date(today), membershipID)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			if err == nil {
				err = model.ErrorKey(model.ECONFLICT, "err.student.converted.now", "name", c.Name)
			}
			return err
		}
		detail := students.ConvertedNote()
		if err := s.audit(ctx, tx, u, "update", "membership", membershipID, []string{"status", "end_date"}, c.PersonID, detail); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.PersonID, next.Type, next.Status, date(today), string(next.Source), recruiter).
			Scan(&c.MembershipID); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, u, "create", "membership", c.MembershipID, []string{"type", "status", "start_date", "source", "recruited_by"}, c.PersonID, detail); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET updated_at = $1 WHERE id = $2`, now, c.PersonID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
			SELECT $1, $2, $3, 'update', 'task', id, 'status,done_at', person_id, '', $4 FROM tasks WHERE person_id = $5 AND kind = 'convert' AND status = 'open'`,
			now, nullID(u.UserID), u.Username, u.RemoteAddr, c.PersonID); err != nil {
			return err
		}
		r, err = tx.ExecContext(ctx, `UPDATE tasks SET status = 'done', done_at = $1 WHERE person_id = $2 AND kind = 'convert' AND status = 'open'`, now, c.PersonID)
		if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		c.TasksClosed = int(n)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ownerPaths are the units of kind students.OwnerUnit whose holders of
// students.OwnerRole own transfer tasks, each with the first holder by
// person id.
type ownerPaths map[string]int64

// taskOwners reads the ownerPaths: a few regions' coordinators, read once
// rather than for every student (at a million members, looking them up
// per student took the job 10 of its 17 s inside the writer's
// transaction).
func taskOwners(ctx context.Context, q queryer) (ownerPaths, error) {
	rows, err := q.QueryContext(ctx, `SELECT ru.path, MIN(r.person_id) FROM roles r JOIN org_units ru ON ru.id = r.unit_id
		WHERE r.role = `+sqlWord(students.OwnerRole)+` AND r.end_date IS NULL AND ru.kind = `+sqlWord(students.OwnerUnit)+` GROUP BY ru.path`)
	if err != nil {
		return nil, err
	}
	owners := ownerPaths{}
	err = eachRow(rows, func() error {
		var path string
		var person int64
		err := rows.Scan(&path, &person)
		owners[path] = person
		return err
	})
	return owners, err
}

// of is the owner of a transfer task for a member in the unit at path:
// the first by person id of the holders in the units above it or it.
func (o ownerPaths) of(path string) sql.NullInt64 {
	var owner sql.NullInt64
	for p, person := range o {
		if strings.HasPrefix(path, p) && (!owner.Valid || person < owner.Int64) {
			owner = sql.NullInt64{Int64: person, Valid: true}
		}
	}
	return owner
}

// convertTasksLock is the PostgreSQL advisory lock key of CreateConvertTasks.
const convertTasksLock = 0x5645525645 // "VERVE"

// CreateConvertTasks gives each current student member graduating by
// students.TaskHorizon a transfer task, unless they have one in
// students.TaskBlockers: owned as students.OwnerRole says, due at
// students.TaskDue. Only student members in u's scope get one; the worker
// runs it as System. It returns how many it made.
func (s *Storage) CreateConvertTasks(ctx context.Context, u *access.Principal) (int, error) {
	type cand struct {
		person   int64
		path     string
		owner    sql.NullInt64
		graduate time.Time
	}
	var made int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// One run at a time, also across server processes: SQLite's writer
		// is one already; PostgreSQL takes a lock held until commit.
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, convertTasksLock); err != nil {
				return err
			}
		}
		now, today, title := s.now().UTC(), s.today(), students.TaskTitle()
		args := access.Args{date(students.TaskHorizon(today))}
		owners, err := taskOwners(ctx, tx)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT m.person_id, p.unit_path, m.expected_graduation
			FROM memberships m JOIN persons p ON p.id = m.person_id
			WHERE m.type = `+sqlWord(model.TypeStudent)+` AND m.status IN `+currentStatuses+` AND m.end_date IS NULL AND m.expected_graduation <= $1
			AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.person_id = m.person_id AND t.kind = `+sqlWord(model.TaskConvert)+` AND t.status IN `+sqlSet(students.TaskBlockers...)+`)
			AND `+u.Scope(access.TaskWrite).FilterAt("p.unit_path", "p.workplace_id", &args)+`
			ORDER BY m.person_id, m.expected_graduation`, args...)
		if err != nil {
			return err
		}
		var cands []cand
		err = eachRow(rows, func() error {
			var c cand
			if err := rows.Scan(&c.person, &c.path, &c.graduate); err != nil {
				return err
			}
			c.owner = owners.of(c.path)
			// One task a person, for the earliest of their student memberships.
			if n := len(cands); n == 0 || cands[n-1].person != c.person {
				cands = append(cands, c)
			}
			return nil
		})
		if err != nil || len(cands) == 0 {
			return err
		}
		var before int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM tasks`).Scan(&before); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO tasks (kind, title, person_id, unit_path, owner_person_id, due, status, created_at)
			VALUES ('convert', $1, $2, $3, $4, $5, 'open', $6)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cands {
			if _, err := stmt.ExecContext(ctx, title, c.person, c.path, c.owner, date(students.TaskDue(c.graduate, today)), now); err != nil {
				return err
			}
		}
		made = len(cands)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, fields, person_id, detail, remote_addr)
			SELECT $1, $2, $3, 'create', 'task', id, 'kind,due,owner', person_id, '', '' FROM tasks WHERE id > $4 AND kind = 'convert' AND title = $5`,
			now, nullID(u.UserID), u.Username, before, title)
		return err
	})
	return made, err
}

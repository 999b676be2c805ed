package storage

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
)

// DayTask is a task on "Min dag" with what it takes to act on it at once.
type DayTask struct {
	model.Task
	Mobile        string
	Email         string
	WorkplaceName string
	StartDate     time.Time
	Escalated     bool
	// Colleagues (who else may be credited when they join) and Holders
	// (fellow stewards the task may be handed to) are read for one task
	// (DayTask), not for Min dag's list of them.
	Colleagues []Colleague
	Holders    []Colleague
}

// Colleague is a member at a workplace, to credit for a recruit.
type Colleague struct {
	PersonID int64
	Name     string
}

// NewColleague is someone who started at a workplace in the user's scope
// lately, with how far the pipeline has come.
type NewColleague struct {
	PersonID      int64
	Name          string
	WorkplaceName string
	StartDate     time.Time
	Contacted     bool
	Outcome       pipeline.Result
}

// Day is a shop steward's "Min dag".
type Day struct {
	Overdue       []DayTask
	Today         []DayTask
	Upcoming      []DayTask // the next seven days
	Escalated     []DayTask // others' overdue tasks, for coordinators
	Fellows       []DayTask // fellow stewards' overdue tasks, to take over (for the others)
	NewColleagues []NewColleague
	// More tells which of the sections above has more tasks than shown.
	More struct{ Overdue, Today, Upcoming, Escalated bool }
}

// DayCards is how many tasks each section of Min dag shows, the first by
// when they are due; DayAll how many when all are asked for. A phone page
// of 200 cards served nobody, and cost a million-member union's busiest
// stewards 6 ms of CPU a page (docs/scale.md).
const (
	DayCards = 25
	DayAll   = 200
)

// dayTaskSelect reads what a task's card shows of the tasks t that
// follow it, joined by dayTaskJoins; its times as textTime reads them.
var dayTaskSelect = map[Dialect]string{SQLite: dayTaskColumns(SQLite), Postgres: dayTaskColumns(Postgres)}

func dayTaskColumns(d Dialect) string {
	tt := textTime[d]
	return `SELECT t.id, t.kind, t.title, COALESCE(t.person_id, 0), COALESCE(p.first_name || ' ' || p.last_name, ''),
	COALESCE(t.workplace_id, 0), t.unit_path, COALESCE(t.owner_person_id, 0), ` + tt("t.due", "due") + `, t.status, ` + tt("t.created_at", "created_at") + `,
	COALESCE(p.mobile, ''), COALESCE(p.email, ''), COALESCE(w.name, ''),
	` + tt("pl.start_date", "start_date") + `, ` + tt("t.escalated_at", "escalated_at") + `
	FROM `
}

// dayTaskJoins join the person, workplace and pipeline entry of a task t.
const dayTaskJoins = ` t` + taskPerson + ` LEFT JOIN workplaces w ON w.id = t.workplace_id
	LEFT JOIN pipeline pl ON pl.person_id = t.person_id AND pl.workplace_id = t.workplace_id WHERE `

// MyDay gathers the user's own open tasks due by pipeline.DayHorizon,
// grouped by pipeline.ByDay, the tasks escalated to them as coordinator,
// and the new colleagues in their scope who start within
// pipeline.NewColleaguesWindow: the first DayCards of each section.
func (s *Storage) MyDay(ctx context.Context, u *access.Principal) (*Day, error) {
	return s.MyDayUpTo(ctx, u, DayCards)
}

// MyDayUpTo is MyDay with the first n tasks of each section.
func (s *Storage) MyDayUpTo(ctx context.Context, u *access.Principal, n int) (*Day, error) {
	// The steward's own reads, by their owner's or their scope's index,
	// planned once (s.once) and sent together (batch); a coordinator's
	// escalated tasks and a union-wide reader's new colleagues, whose
	// plans turn on their values (an admin's Min dag took 390 ms by a plan
	// made once for any), as any other page's.
	var d Day
	var tasks []DayTask
	own := s.myTaskReads(u, n, &tasks, &d)
	if !u.UnionWide(access.PersonRead) {
		own = append(own, s.newColleaguesRead(u, &d))
	}
	if err := s.once.batch(ctx, own); err != nil {
		return nil, err
	}
	today := s.today()
	d.Overdue, d.Today, d.Upcoming = pipeline.ByDay(tasks, func(t DayTask) time.Time { return t.Due }, today)
	d.Overdue, d.More.Overdue = firstOf(d.Overdue, n)
	d.Today, d.More.Today = firstOf(d.Today, n)
	d.Upcoming, d.More.Upcoming = firstOf(d.Upcoming, n)
	var err error
	if u.HasRole(pipeline.CoordinatorRole) {
		a := access.Args{u.PersonID, n + 1}
		d.Escalated, err = s.dayTasks(ctx, `t.status = 'open' AND t.escalated_at IS NOT NULL AND (t.owner_person_id IS NULL OR t.owner_person_id <> $1) AND `+
			taskScope(u, access.TaskWrite, &a)+` ORDER BY t.due, t.id LIMIT $2`, a...)
		if err != nil {
			return nil, err
		}
		d.Escalated, d.More.Escalated = firstOf(d.Escalated, n)
	}
	if u.UnionWide(access.PersonRead) {
		err = s.rd.batch(ctx, []read{s.newColleaguesRead(u, &d)})
	}
	return &d, err
}

// myTaskReads read the user's own open tasks due by the horizon into
// tasks, the first n+1 of each section, and, for a steward who is no
// coordinator, their fellows' overdue ones into d.
func (s *Storage) myTaskReads(u *access.Principal, n int, tasks *[]DayTask, d *Day) []read {
	today := s.today()
	a := access.Args{u.PersonID, date(today), date(pipeline.DayHorizon(today))}
	// Each section's first n+1 (one more tells there are more), each read
	// in order from the owner's index and joined only for those: a
	// million-member union's busiest stewards have 500 open tasks. (One
	// pass numbering them all took 0.4 ms of such a page.)
	scope, limit := taskScope(u, access.TaskRead, &a), a.Add(n+1)
	section := func(name, due string) string {
		return `SELECT * FROM (` + dayTaskSelect[s.dialect] + `tasks` + dayTaskJoins + `t.owner_person_id = $1 AND t.status = 'open' AND ` + due +
			` AND ` + scope + ` ORDER BY t.due, t.id LIMIT ` + limit + `) ` + name
	}
	reads := []read{{query: section("overdue", `t.due < $2`) + ` UNION ALL ` + section("today", `t.due = $2`) +
		` UNION ALL ` + section("upcoming", `t.due > $2 AND t.due <= $3`) + ` ORDER BY due, id`, args: a, row: dayTaskRow(tasks)}}
	if !u.HasRole(pipeline.CoordinatorRole) {
		if q, a := s.fellowsOverdue(u); q != "" {
			reads = append(reads, read{query: q, args: a, row: dayTaskRow(&d.Fellows)})
		}
	}
	return reads
}

// newColleaguesRead reads the new colleagues in u's scope into d.
func (s *Storage) newColleaguesRead(u *access.Principal, d *Day) read {
	query, a := newColleaguesQuery(s.dialect, u, s.today())
	return read{query: query, args: a, row: func(scan func(...any) error) error {
		var c NewColleague
		var start scanTime
		if err := scan(&c.PersonID, &c.Name, &c.WorkplaceName, &start, &c.Contacted, &c.Outcome); err != nil {
			return err
		}
		c.StartDate = start.UTC()
		d.NewColleagues = append(d.NewColleagues, c)
		return nil
	}}
}

// firstOf is the first n of ts, and whether there were more.
func firstOf(ts []DayTask, n int) ([]DayTask, bool) {
	if len(ts) > n {
		return ts[:n], true
	}
	return ts, false
}

// newColleaguesQuery is MyDay's query of the new hires in u's scope who
// start within pipeline.NewColleaguesWindow of today, the first 50.
func newColleaguesQuery(d Dialect, u *access.Principal, today time.Time) (string, access.Args) {
	from, to := pipeline.NewColleaguesWindow(today)
	a := access.Args{date(from), date(to)}
	// A union-wide reader's scope is all of pipeline: read by the start
	// dates' index (pipeline_start, migration 00038), newest first, rather
	// than by the scope's index and a lookup per row (SQLite, which keeps
	// no statistics: half the page's CPU at 1M members); the condition
	// stays. Anyone else's is read by the scope's index: by the start
	// dates', which SQLite would choose, its time would tell of new hires
	// outside the scope.
	path, kind := "pl.unit_path", "(pl.kind || '')"
	if u.UnionWide(access.PersonRead) {
		path, kind = "(pl.unit_path || '')", "pl.kind"
	}
	return `SELECT p.id, p.first_name || ' ' || p.last_name, w.name, ` + textTime[d]("pl.start_date", "start_date") + `, pl.first_contact_at IS NOT NULL, pl.outcome
		FROM pipeline pl JOIN persons p ON p.id = pl.person_id JOIN workplaces w ON w.id = pl.workplace_id
		WHERE ` + kind + ` = 'newhire' AND pl.start_date >= $1 AND pl.start_date <= $2 AND ` + u.Scope(access.PersonRead).FilterAt(path, "pl.workplace_id", &a) + `
		AND ` + personScope(u, &a) + `
		ORDER BY pl.start_date DESC, p.sort_key LIMIT 50`, a
}

func (s *Storage) dayTasks(ctx context.Context, cond string, args ...any) ([]DayTask, error) {
	return s.dayTasksWith(ctx, s.rd, cond, args...)
}

// dayTasksWith is dayTasks read by q.
func (s *Storage) dayTasksWith(ctx context.Context, q queryer, cond string, args ...any) ([]DayTask, error) {
	return s.scanDayTasks(ctx, q, 0, dayTaskSelect[s.dialect]+`tasks`+dayTaskJoins+cond, args...)
}

// scanDayTasks runs a query of dayTaskSelect's columns, of at most size
// rows when size is not 0.
func (s *Storage) scanDayTasks(ctx context.Context, q queryer, size int, query string, args ...any) ([]DayTask, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []DayTask
	if size > 0 {
		out = make([]DayTask, 0, size)
	}
	err = eachRow(rows, func() error { return dayTaskRow(&out)(rows.Scan) })
	return out, err
}

// dayTaskRow reads a row of dayTaskSelect's columns into a task added
// to out.
func dayTaskRow(out *[]DayTask) func(scan func(...any) error) error {
	return func(scan func(...any) error) error {
		var t DayTask
		var due, created, start, esc scanTime
		if err := scan(&t.ID, &t.Kind, &t.Title, &t.PersonID, &t.PersonName, &t.WorkplaceID, &t.UnitPath, &t.OwnerID,
			&due, &t.Status, &created, &t.Mobile, &t.Email, &t.WorkplaceName, &start, &esc); err != nil {
			return err
		}
		t.Due, t.CreatedAt, t.StartDate, t.Escalated = due.UTC(), created.Time, start.UTC(), esc.Valid
		*out = append(*out, t)
		return nil
	}
}

// DayTask returns one task in the user's scope as "Min dag" shows it,
// with whom a recruit may be credited to (for a pipeline task at a
// workplace) and whom the task may be handed to.
func (s *Storage) DayTask(ctx context.Context, u *access.Principal, id int64) (*DayTask, error) {
	a := access.Args{id}
	ts, err := s.dayTasks(ctx, `t.id = $1 AND `+taskScope(u, access.TaskRead, &a), a...)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, model.ErrorKey(model.ENOTFOUND, "err.task.notfound")
	}
	t := &ts[0]
	if slices.Contains(pipeline.TaskKinds, t.Kind) && t.WorkplaceID != 0 {
		if t.Colleagues, err = colleagues(ctx, s.rd, u, t.WorkplaceID); err != nil {
			return nil, err
		}
	}
	t.Holders, err = s.taskHolders(ctx, s.rd, u, t.UnitPath, t.WorkplaceID)
	return t, err
}

// Colleagues lists the members at a workplace (there first, or with an
// open employment there besides, as PersonsAtWorkplace) whom the user may
// see, but not the user, by name: those a recruit may be credited to
// besides the user (checkRecruiter). At most 100, so that the choice stays
// usable on a phone.
func (s *Storage) Colleagues(ctx context.Context, u *access.Principal, workplaceID int64) ([]Colleague, error) {
	return colleagues(ctx, s.rd, u, workplaceID)
}

func colleagues(ctx context.Context, q queryer, u *access.Principal, workplaceID int64) ([]Colleague, error) {
	a := access.Args{workplaceID, u.PersonID}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.first_name || ' ' || p.last_name FROM persons p
		WHERE p.id IN (SELECT id FROM persons WHERE workplace_id = $1 UNION SELECT person_id FROM employments WHERE workplace_id = $1 AND end_date IS NULL)
		AND p.id <> $2 AND p.member_status IN `+currentStatuses+` AND `+personScope(u, &a)+`
		ORDER BY p.sort_key, p.id LIMIT 100`, a...)
	return scanColleagues(rows, err)
}

// scanColleagues reads the rows of a query for (person id, name), as
// QueryContext returned them.
func scanColleagues(rows *sql.Rows, err error) ([]Colleague, error) {
	if err != nil {
		return nil, err
	}
	var out []Colleague
	err = eachRow(rows, func() error {
		var c Colleague
		err := rows.Scan(&c.PersonID, &c.Name)
		out = append(out, c)
		return err
	})
	return out, err
}

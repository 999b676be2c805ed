package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/pipeline"
)

// RecruitmentRow is one workplace's pipeline figures on the coordinator's
// view: lists received, new hires, how many were asked, how soon, and how
// many joined.
type RecruitmentRow struct {
	WorkplaceID int64
	Workplace   string
	Lists       int
	LastList    time.Time
	NewHires    int
	Asked       int
	MedianDays  float64 // from start date to first contact; -1 when nobody was asked
	Joined      int
}

// AskedShare is the share of new hires who were asked, 0..1.
func (r RecruitmentRow) AskedShare() float64 { return ratio(r.Asked, r.NewHires) }

// JoinRate is the share of new hires who joined, 0..1.
func (r RecruitmentRow) JoinRate() float64 { return ratio(r.Joined, r.NewHires) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// RecruitmentQuery asks for the pipeline figures of the new hires who
// entered the pipeline since Since: the first Limit workplaces (0 for all)
// in the order of Sort (a column RecruitmentSortable accepts, "workplace"
// otherwise), Desc for descending.
type RecruitmentQuery struct {
	Since time.Time
	Sort  string
	Desc  bool
	Limit int
}

// recruitmentSort is one order of the figures: how Go compares two rows,
// and the SQL terms recruitmentUnion orders by (over the columns of
// recruitment_union_counts c).
type recruitmentSort struct {
	cmp func(a, b RecruitmentRow) int
	sql []string
}

// share is a/b as a double, 0 when b is 0: as ratio computes it, so that
// both engines order as Go does.
func share(a, b string) string {
	return `CASE WHEN ` + b + ` = 0 THEN 0 ELSE CAST(` + a + ` AS DOUBLE PRECISION) / ` + b + ` END`
}

// recruitmentSorts are the orders besides by workplace; ties fall back to
// the workplace's Norwegian sort key, then its id.
var recruitmentSorts = map[string]recruitmentSort{
	"lists":    {func(a, b RecruitmentRow) int { return cmp.Compare(a.Lists, b.Lists) }, []string{"c.lists"}},
	"last":     {func(a, b RecruitmentRow) int { return a.LastList.Compare(b.LastList) }, []string{"c.last_list"}},
	"newhires": {func(a, b RecruitmentRow) int { return cmp.Compare(a.NewHires, b.NewHires) }, []string{"c.new_hires"}},
	// By share asked, the figure that shows where asking lags; then by count.
	"asked": {func(a, b RecruitmentRow) int {
		return cmp.Or(cmp.Compare(a.AskedShare(), b.AskedShare()), cmp.Compare(a.Asked, b.Asked))
	}, []string{share("c.asked", "c.new_hires"), "c.asked"}},
	// Workplaces without a median come last in either direction
	// (RecruitmentPage).
	"median":   {func(a, b RecruitmentRow) int { return cmp.Compare(a.MedianDays, b.MedianDays) }, []string{"c.lo + c.hi"}},
	"joined":   {func(a, b RecruitmentRow) int { return cmp.Compare(a.Joined, b.Joined) }, []string{"c.joined"}},
	"joinrate": {func(a, b RecruitmentRow) int { return cmp.Compare(a.JoinRate(), b.JoinRate()) }, []string{share("c.joined", "c.new_hires")}},
}

// RecruitmentSortable reports whether the figures can be ordered by key.
func RecruitmentSortable(key string) bool {
	_, ok := recruitmentSorts[key]
	return ok || key == "workplace"
}

// Recruitment computes the pipeline figures per workplace for new hires who
// entered the pipeline since the given day, in the user's statistics scope,
// ordered by workplace, plus the totals over all of them (WorkplaceID 0).
func (s *Storage) Recruitment(ctx context.Context, u *access.Principal, since time.Time) ([]RecruitmentRow, RecruitmentRow, error) {
	rows, _, total, err := s.RecruitmentPage(ctx, u, RecruitmentQuery{Since: since})
	return rows, total, err
}

// RecruitmentPage is Recruitment in the order asked, cut to q.Limit rows;
// all is how many workplaces the figures hold, shown or not, and the totals
// are over all of them.
func (s *Storage) RecruitmentPage(ctx context.Context, u *access.Principal, q RecruitmentQuery) (rows []RecruitmentRow, all int, total RecruitmentRow, err error) {
	total = RecruitmentRow{Workplace: "Totalt", MedianDays: -1}
	if !u.Can(access.StatisticsRead) {
		return nil, 0, total, model.ErrorKey(model.EFORBIDDEN, "err.recruitment.forbidden")
	}
	if !RecruitmentSortable(q.Sort) {
		q.Sort = "workplace"
	}
	// The daily counts hold whole UTC hours; the page's periods start at
	// midnight in Oslo, which is one.
	counted := false
	if q.Since.Unix()%3600 == 0 {
		if counted, err = s.dailyCountsCurrent(ctx); err != nil {
			return nil, 0, total, err
		}
	}
	if counted {
		// One of today's periods (00033): a union-wide reader, whose
		// scope is every row, reads the union's sums in order.
		var days int
		if days, err = s.recruitmentPeriod(ctx, q.Since); err != nil {
			return nil, 0, total, err
		}
		if days > 0 && u.UnionWide(access.StatisticsRead) {
			return s.recruitmentUnion(ctx, q, total, days)
		}
		rows, err = s.recruitmentScoped(ctx, u, q.Since, days, &total)
	} else {
		rows, err = s.recruitmentOnRequest(ctx, u, q.Since, &total)
	}
	if err != nil {
		return nil, 0, total, err
	}
	for _, row := range rows {
		if row.LastList.After(total.LastList) {
			total.LastList = row.LastList
		}
	}
	sortRecruitment(rows, q)
	if q.Limit > 0 && len(rows) > q.Limit {
		return rows[:q.Limit], len(rows), total, nil
	}
	return rows, len(rows), total, nil
}

// RecruitmentPeriods are the periods the page offers, in days back from
// today: the daily job keeps their figures summed (migration 00033).
var RecruitmentPeriods = []int{30, 90, 365}

// RecruitmentSince is the first moment of a period of days: midnight in
// Oslo, days before today.
func RecruitmentSince(today time.Time, days int) time.Time {
	return clock.Start(today.AddDate(0, 0, -days))
}

// recruitmentPeriod returns which of today's periods (00033) starts at
// since, in days; 0 for none.
func (s *Storage) recruitmentPeriod(ctx context.Context, since time.Time) (int, error) {
	var days int
	err := s.r.QueryRowContext(ctx, `SELECT days FROM recruitment_periods WHERE since_hour = $1`, since.Unix()/3600).Scan(&days)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return days, err
}

// recruitmentScoped reads a scope's figures from the daily counts: a
// period's sums (00033) when days names one, else the hourly counts
// (00024) from since on, a row per unit path and workplace, summed per
// workplace; the median from the histogram of waits in whole minutes. A
// scope's rows are as many as its workplaces, so they are ordered in Go.
func (s *Storage) recruitmentScoped(ctx context.Context, u *access.Principal, since time.Time, days int, total *RecruitmentRow) ([]RecruitmentRow, error) {
	sc := u.Scope(access.StatisticsRead)
	counts, waits, cond, arg := "recruitment_counts", "recruitment_waits", "c.hour >= $1", any(since.Unix()/3600)
	if days > 0 {
		counts, waits, cond, arg = "recruitment_period_counts", "recruitment_period_waits", "c.days = $1", days
	}
	a := access.Args{arg}
	rows, err := s.r.QueryContext(ctx, `SELECT c.workplace_id, w.name, SUM(c.lists), MAX(c.last_list), SUM(c.new_hires), SUM(c.asked), SUM(c.joined)
		FROM `+counts+` c JOIN workplaces w ON w.id = c.workplace_id
		WHERE `+cond+` AND `+sc.FilterAt("c.unit_path", "c.workplace_id", &a)+`
		GROUP BY c.workplace_id, w.name HAVING SUM(c.lists) > 0 OR SUM(c.new_hires) > 0`, a...)
	if err != nil {
		return nil, err
	}
	var out []RecruitmentRow
	err = eachRow(rows, func() error {
		r := RecruitmentRow{MedianDays: -1}
		var last int64
		if err := rows.Scan(&r.WorkplaceID, &r.Workplace, &r.Lists, &last, &r.NewHires, &r.Asked, &r.Joined); err != nil {
			return err
		}
		if last > 0 {
			r.LastList = time.Unix(last, 0).UTC()
		}
		total.Lists += r.Lists
		total.NewHires += r.NewHires
		total.Asked += r.Asked
		total.Joined += r.Joined
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	a = access.Args{arg}
	rows, err = s.r.QueryContext(ctx, `SELECT c.workplace_id, c.minutes, SUM(c.entries) FROM `+waits+` c
		WHERE `+cond+` AND `+sc.FilterAt("c.unit_path", "c.workplace_id", &a)+`
		GROUP BY c.workplace_id, c.minutes HAVING SUM(c.entries) > 0`, a...)
	if err != nil {
		return nil, err
	}
	hist := map[int64]map[int64]int{}
	err = eachRow(rows, func() error {
		var id, minutes int64
		var n int
		if err := rows.Scan(&id, &minutes, &n); err != nil {
			return err
		}
		for _, k := range []int64{id, 0} {
			if hist[k] == nil {
				hist[k] = map[int64]int{}
			}
			hist[k][minutes] += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].MedianDays = medianMinutes(hist[out[i].WorkplaceID])
	}
	total.MedianDays = medianMinutes(hist[0])
	return out, nil
}

// recruitmentOnRequest counts the figures from the lists and the pipeline
// themselves, for any moment and before the daily counts are current.
func (s *Storage) recruitmentOnRequest(ctx context.Context, u *access.Principal, since time.Time, total *RecruitmentRow) ([]RecruitmentRow, error) {
	byID := map[int64]*RecruitmentRow{}
	row := func(id int64, name string) *RecruitmentRow {
		r := byID[id]
		if r == nil {
			r = &RecruitmentRow{WorkplaceID: id, Workplace: name, MedianDays: -1}
			byID[id] = r
		}
		return r
	}
	a := access.Args{since.UTC()}
	rows, err := s.r.QueryContext(ctx, `SELECT w.id, w.name, i.created_at FROM imports i JOIN workplaces w ON w.id = i.workplace_id
		WHERE i.created_at >= $1 AND `+u.Scope(access.StatisticsRead).FilterAt("i.unit_path", "i.workplace_id", &a), a...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var id int64
		var name string
		var at time.Time
		if err := rows.Scan(&id, &name, &at); err != nil {
			return err
		}
		r := row(id, name)
		r.Lists++
		if at.After(r.LastList) {
			r.LastList = at
		}
		total.Lists++
		return nil
	})
	if err != nil {
		return nil, err
	}
	days := map[int64][]float64{}
	a = access.Args{since.UTC()}
	rows, err = s.r.QueryContext(ctx, `SELECT w.id, w.name, pl.start_date, pl.created_at, pl.first_contact_at, pl.outcome
		FROM pipeline pl JOIN workplaces w ON w.id = pl.workplace_id
		WHERE pl.kind = 'newhire' AND pl.created_at >= $1 AND `+u.Scope(access.StatisticsRead).FilterAt("pl.unit_path", "pl.workplace_id", &a), a...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var id int64
		var name string
		var outcome pipeline.Result
		var start, first sql.NullTime
		var created time.Time
		if err := rows.Scan(&id, &name, &start, &created, &first, &outcome); err != nil {
			return err
		}
		r := row(id, name)
		r.NewHires++
		total.NewHires++
		if outcome == pipeline.OutcomeJoined {
			r.Joined++
			total.Joined++
		}
		if first.Valid {
			r.Asked++
			total.Asked++
			from := created
			if start.Valid {
				from = start.Time
			}
			// Asking before the first day counts as zero days.
			d := max(0, first.Time.Sub(from).Hours()/24)
			days[id] = append(days[id], d)
			days[0] = append(days[0], d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]RecruitmentRow, 0, len(byID))
	for id, r := range byID {
		r.MedianDays = median(days[id])
		out = append(out, *r)
	}
	total.MedianDays = median(days[0])
	return out, nil
}

// sortRecruitment orders rows in Go as recruitmentUnion does in SQL: by
// the chosen column, workplaces without a median last in either direction,
// ties by name in Norwegian order (æ, ø, å after z), then by id.
func sortRecruitment(rows []RecruitmentRow, q RecruitmentQuery) {
	keys := make(map[int64]string, len(rows))
	for _, r := range rows {
		keys[r.WorkplaceID] = norway.SortKey(r.Workplace)
	}
	byName := func(a, b RecruitmentRow) int {
		return cmp.Or(strings.Compare(keys[a.WorkplaceID], keys[b.WorkplaceID]), cmp.Compare(a.WorkplaceID, b.WorkplaceID))
	}
	by := byName
	if o, ok := recruitmentSorts[q.Sort]; ok {
		by = o.cmp
	}
	slices.SortStableFunc(rows, func(a, b RecruitmentRow) int {
		if q.Sort == "median" && (a.MedianDays < 0) != (b.MedianDays < 0) {
			if a.MedianDays < 0 {
				return 1
			}
			return -1
		}
		c := by(a, b)
		if q.Desc {
			c = -c
		}
		return cmp.Or(c, byName(a, b))
	})
}

// medianOf reads histograms of waits into their medians: from yields the
// columns by (a histogram's key), minutes and n; the result by, lo and
// hi, the minutes of the lower and upper middle entry (the same for an
// odd count), the entry at 0-based position i being the first whose
// running count exceeds i. Migration 00033's trigger computes the same.
func medianOf(by, from string) string {
	return `SELECT ` + by + `, MIN(CASE WHEN cum > (tot - 1) / 2 THEN minutes END) AS lo, MIN(CASE WHEN cum > tot / 2 THEN minutes END) AS hi
		FROM (SELECT ` + by + `, minutes, CAST(SUM(n) OVER (PARTITION BY ` + by + ` ORDER BY minutes) AS BIGINT) AS cum,
			CAST(SUM(n) OVER (PARTITION BY ` + by + `) AS BIGINT) AS tot FROM (` + from + `) h) r GROUP BY ` + by
}

// medianDays is the median from medianOf's lo and hi minutes, in days; -1
// for none. It is computed as the request-time path (median) computes it
// from days, to the last bit for waits of whole minutes.
func medianDays(lo, hi sql.NullInt64) float64 {
	if !lo.Valid || !hi.Valid {
		return -1
	}
	const day = 24 * 60
	return (float64(lo.Int64)/day + float64(hi.Int64)/day) / 2
}

// recruitmentUnion is RecruitmentPage for a union-wide reader from a
// period's union sums (00033): a row per workplace with its median, so
// the rows are ordered and cut short in SQL (by name from an index) and
// only those shown reach Go; the totals, the count and the median are
// workplace 0's (its median from its histogram).
func (s *Storage) recruitmentUnion(ctx context.Context, q RecruitmentQuery, total RecruitmentRow, days int) ([]RecruitmentRow, int, RecruitmentRow, error) {
	var all int
	var last int64
	var lo, hi sql.NullInt64
	err := s.r.QueryRowContext(ctx, `WITH m AS (`+medianOf("workplace_id",
		`SELECT workplace_id, minutes, entries AS n FROM recruitment_union_waits WHERE days = $1 AND workplace_id = 0 AND entries > 0`)+`)
		SELECT c.workplaces, c.lists, c.last_list, c.new_hires, c.asked, c.joined, (SELECT lo FROM m), (SELECT hi FROM m)
		FROM recruitment_union_counts c WHERE c.days = $1 AND c.workplace_id = 0`, days).Scan(&all, &total.Lists, &last, &total.NewHires, &total.Asked, &total.Joined, &lo, &hi)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, total, nil
	}
	if err != nil {
		return nil, 0, total, err
	}
	if last > 0 {
		total.LastList = time.Unix(last, 0).UTC()
	}
	total.MedianDays = medianDays(lo, hi)

	// The rows shown, in order, then their names.
	dir := ""
	if q.Desc {
		dir = " DESC"
	}
	var order []string
	if o, ok := recruitmentSorts[q.Sort]; ok {
		if q.Sort == "median" {
			order = append(order, "CASE WHEN c.lo IS NULL THEN 1 ELSE 0 END")
		}
		for _, t := range o.sql {
			order = append(order, t+dir)
		}
		order = append(order, "c.sort_key", "c.workplace_id")
	} else {
		order = []string{"c.sort_key" + dir, "c.workplace_id" + dir}
	}
	orderBy := " ORDER BY " + strings.Join(order, ", ")
	limit := ""
	if q.Limit > 0 {
		limit = " LIMIT " + strconv.Itoa(q.Limit)
	}
	query := `SELECT c.workplace_id, w.name, c.lists, c.last_list, c.new_hires, c.asked, c.joined, c.lo, c.hi
		FROM (SELECT * FROM recruitment_union_counts c WHERE c.days = $1 AND c.workplace_id <> 0 AND (c.lists > 0 OR c.new_hires > 0)` + orderBy + limit + `) c
		JOIN workplaces w ON w.id = c.workplace_id` + orderBy
	rows, err := s.r.QueryContext(ctx, query, days)
	if err != nil {
		return nil, 0, total, err
	}
	out := make([]RecruitmentRow, 0, min(all, max(q.Limit, 0)))
	err = eachRow(rows, func() error {
		var r RecruitmentRow
		if err := rows.Scan(&r.WorkplaceID, &r.Workplace, &r.Lists, &last, &r.NewHires, &r.Asked, &r.Joined, &lo, &hi); err != nil {
			return err
		}
		if last > 0 {
			r.LastList = time.Unix(last, 0).UTC()
		}
		r.MedianDays = medianDays(lo, hi)
		out = append(out, r)
		return nil
	})
	return out, all, total, err
}

// medianMinutes is the median of a histogram of waits in minutes, in
// days; -1 for none.
func medianMinutes(h map[int64]int) float64 {
	n := 0
	for _, c := range h {
		n += c
	}
	if n == 0 {
		return -1
	}
	keys := slices.Sorted(maps.Keys(h))
	// at is the i-th smallest wait (from 0).
	at := func(i int) int64 {
		for _, k := range keys {
			if i < h[k] {
				return k
			}
			i -= h[k]
		}
		return -1
	}
	return medianDays(sql.NullInt64{Int64: at((n - 1) / 2), Valid: true}, sql.NullInt64{Int64: at(n / 2), Valid: true})
}

// median of the values, -1 for none.
func median(v []float64) float64 {
	if len(v) == 0 {
		return -1
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// Imports lists the lists received for a workplace the user may read,
// newest first.
func (s *Storage) Imports(ctx context.Context, u *access.Principal, workplaceID int64) ([]Import, error) {
	a := access.Args{workplaceID}
	rows, err := s.r.QueryContext(ctx, `SELECT i.id, i.kind, i.filename, i.source, i.lawful_basis, i.rows_read, i.rows_created, i.rows_matched, i.rows_error,
		COALESCE(us.username, ''), i.created_at FROM imports i LEFT JOIN users us ON us.id = i.created_by
		WHERE i.workplace_id = $1 AND `+u.Scope(access.WorkplaceRead).FilterAt("i.unit_path", "i.workplace_id", &a)+` ORDER BY i.created_at DESC LIMIT 50`, a...)
	if err != nil {
		return nil, err
	}
	var out []Import
	err = eachRow(rows, func() error {
		var i Import
		if err := rows.Scan(&i.ID, &i.Kind, &i.Filename, &i.Source, &i.LawfulBasis, &i.Read, &i.Created, &i.Matched, &i.Errors, &i.By, &i.At); err != nil {
			return err
		}
		out = append(out, i)
		return nil
	})
	return out, err
}

// Import is the record of one list received.
type Import struct {
	ID          int64
	Kind        ImportKind
	Filename    string
	Source      string
	LawfulBasis string
	Read        int
	Created     int
	Matched     int
	Errors      int
	By          string
	At          time.Time
}

package storage

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
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

// Recruitment computes the pipeline figures per workplace for new hires who
// entered the pipeline since the given day, in the user's statistics scope,
// plus the totals over all of them (WorkplaceID 0).
func (s *Storage) Recruitment(ctx context.Context, u *access.Principal, since time.Time) ([]RecruitmentRow, RecruitmentRow, error) {
	total := RecruitmentRow{Workplace: "Totalt", MedianDays: -1}
	if !u.Can(access.StatisticsRead) {
		return nil, total, model.ErrorKey(model.EFORBIDDEN, "err.recruitment.forbidden")
	}
	// The daily counts hold whole UTC hours; the page's periods start at
	// midnight in Oslo, which is one.
	if since.Unix()%3600 == 0 {
		current, err := s.dailyCountsCurrent(ctx)
		if err != nil {
			return nil, total, err
		}
		if current {
			return s.recruitmentCounted(ctx, u, since, total)
		}
	}
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
		return nil, total, err
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
		return nil, total, err
	}
	days := map[int64][]float64{}
	a = access.Args{since.UTC()}
	rows, err = s.r.QueryContext(ctx, `SELECT w.id, w.name, pl.start_date, pl.created_at, pl.first_contact_at, pl.outcome
		FROM pipeline pl JOIN workplaces w ON w.id = pl.workplace_id
		WHERE pl.kind = 'newhire' AND pl.created_at >= $1 AND `+u.Scope(access.StatisticsRead).FilterAt("pl.unit_path", "pl.workplace_id", &a), a...)
	if err != nil {
		return nil, total, err
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
		return nil, total, err
	}
	out := make([]RecruitmentRow, 0, len(byID))
	for id, r := range byID {
		r.MedianDays = median(days[id])
		out = append(out, *r)
	}
	total.MedianDays = median(days[0])
	sortByWorkplace(out)
	return out, total, nil
}

// recruitmentCounted is Recruitment from the daily counts (aggregates.go):
// a row per workplace and hour rather than per new hire, and the median
// from the histogram of waits in whole minutes.
func (s *Storage) recruitmentCounted(ctx context.Context, u *access.Principal, since time.Time, total RecruitmentRow) ([]RecruitmentRow, RecruitmentRow, error) {
	sc := u.Scope(access.StatisticsRead)
	a := access.Args{since.Unix() / 3600}
	rows, err := s.r.QueryContext(ctx, `SELECT c.workplace_id, w.name, SUM(c.lists), MAX(c.last_list), SUM(c.new_hires), SUM(c.asked), SUM(c.joined)
		FROM recruitment_counts c JOIN workplaces w ON w.id = c.workplace_id
		WHERE c.hour >= $1 AND `+sc.FilterAt("c.unit_path", "c.workplace_id", &a)+`
		GROUP BY c.workplace_id, w.name HAVING SUM(c.lists) > 0 OR SUM(c.new_hires) > 0`, a...)
	if err != nil {
		return nil, total, err
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
		return nil, total, err
	}
	a = access.Args{since.Unix() / 3600}
	rows, err = s.r.QueryContext(ctx, `SELECT c.workplace_id, c.minutes, SUM(c.entries) FROM recruitment_waits c
		WHERE c.hour >= $1 AND `+sc.FilterAt("c.unit_path", "c.workplace_id", &a)+`
		GROUP BY c.workplace_id, c.minutes HAVING SUM(c.entries) > 0`, a...)
	if err != nil {
		return nil, total, err
	}
	waits := map[int64]map[int64]int{}
	err = eachRow(rows, func() error {
		var id, minutes int64
		var n int
		if err := rows.Scan(&id, &minutes, &n); err != nil {
			return err
		}
		for _, k := range []int64{id, 0} {
			if waits[k] == nil {
				waits[k] = map[int64]int{}
			}
			waits[k][minutes] += n
		}
		return nil
	})
	if err != nil {
		return nil, total, err
	}
	for i := range out {
		out[i].MedianDays = medianMinutes(waits[out[i].WorkplaceID])
	}
	total.MedianDays = medianMinutes(waits[0])
	sortByWorkplace(out)
	return out, total, nil
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
	at := func(i int) float64 {
		for _, k := range keys {
			if i < h[k] {
				return float64(k) / (24 * 60)
			}
			i -= h[k]
		}
		return -1
	}
	if n%2 == 1 {
		return at(n / 2)
	}
	return (at(n/2-1) + at(n/2)) / 2
}

// sortByWorkplace orders rows by workplace name, then id.
func sortByWorkplace(out []RecruitmentRow) {
	slices.SortFunc(out, func(a, b RecruitmentRow) int {
		if a.Workplace != b.Workplace {
			if a.Workplace < b.Workplace {
				return -1
			}
			return 1
		}
		return int(a.WorkplaceID - b.WorkplaceID)
	})
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

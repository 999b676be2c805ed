package students

import (
	"slices"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestWeekOfAcrossYearBoundaries(t *testing.T) {
	for _, c := range []struct {
		day        time.Time
		year, week int
		monday     time.Time
	}{
		{day(2026, 12, 31), 2026, 53, day(2026, 12, 28)},
		{day(2027, 1, 1), 2026, 53, day(2026, 12, 28)},
		{day(2027, 1, 3), 2026, 53, day(2026, 12, 28)},
		{day(2027, 1, 4), 2027, 1, day(2027, 1, 4)},
		{day(2021, 1, 3), 2020, 53, day(2020, 12, 28)},
		{day(2021, 1, 4), 2021, 1, day(2021, 1, 4)},
		{day(2024, 12, 30), 2025, 1, day(2024, 12, 30)}, // a December day in next year's week 1
		{day(2026, 8, 1), 2026, 31, day(2026, 7, 27)},
		{time.Date(2026, 3, 29, 23, 30, 0, 0, time.UTC), 2026, 13, day(2026, 3, 23)}, // Sunday late, summer time begins
	} {
		got := WeekOf(c.day)
		if got != (Week{Year: c.year, Week: c.week, Monday: c.monday}) {
			t.Errorf("WeekOf(%s) = %d-W%d (%s), want %d-W%d (%s)", c.day.Format(time.DateOnly), got.Year, got.Week,
				got.Monday.Format(time.DateOnly), c.year, c.week, c.monday.Format(time.DateOnly))
		}
	}
}

func TestWeeks(t *testing.T) {
	for _, c := range []struct {
		name         string
		since, today time.Time
		wantSince    time.Time
		n            int
		first, last  Week
	}{
		{"one week", day(2026, 12, 29), day(2027, 1, 2), day(2026, 12, 29), 1,
			Week{2026, 53, day(2026, 12, 28)}, Week{2026, 53, day(2026, 12, 28)}},
		{"over new year", day(2026, 12, 20), day(2027, 1, 6), day(2026, 12, 20), 4,
			Week{2026, 51, day(2026, 12, 14)}, Week{2027, 1, day(2027, 1, 4)}},
		{"since after today", day(2027, 3, 1), day(2027, 1, 6), day(2027, 1, 6), 1,
			Week{2027, 1, day(2027, 1, 4)}, Week{2027, 1, day(2027, 1, 4)}},
		{"at most a year", day(2020, 1, 1), day(2026, 11, 25), day(2025, 11, 24), MaxWeeks,
			Week{2025, 48, day(2025, 11, 24)}, Week{2026, 48, day(2026, 11, 23)}},
	} {
		since, ws := Weeks(c.since, c.today)
		if !since.Equal(c.wantSince) || len(ws) != c.n || ws[0] != c.first || ws[len(ws)-1] != c.last {
			t.Errorf("%s: since %s, %d weeks %v … %v", c.name, since.Format(time.DateOnly), len(ws), ws[0], ws[len(ws)-1])
		}
	}
}

func TestCohortAtTermEdges(t *testing.T) {
	for _, c := range []struct {
		day  time.Time
		want Cohort
	}{
		{day(2026, 1, 1), Cohort{2026, 1}},
		{day(2026, 6, 30), Cohort{2026, 1}},
		{time.Date(2026, 6, 30, 23, 59, 0, 0, time.UTC), Cohort{2026, 1}},
		{day(2026, 7, 1), Cohort{2026, 2}},
		{day(2026, 12, 31), Cohort{2026, 2}},
		{day(2027, 1, 1), Cohort{2027, 1}},
	} {
		if got := CohortOf(c.day); got != c.want {
			t.Errorf("CohortOf(%s) = %v, want %v", c.day.Format(time.DateOnly), got, c.want)
		}
	}
}

func TestOutcome(t *testing.T) {
	grad := day(2026, 6, 20)
	for _, c := range []struct {
		name                        string
		status                      model.MembershipStatus
		end                         time.Time
		counted, converted, student bool
	}{
		{"converted", model.StatusConverted, day(2026, 7, 1), true, true, false},
		{"still a student", model.StatusActive, time.Time{}, true, false, true},
		{"still a student in arrears", model.StatusArrears, time.Time{}, true, false, true},
		{"left after graduating", model.StatusResigned, day(2026, 8, 1), true, false, false},
		{"left half a year before", model.StatusResigned, day(2025, 12, 20), true, false, false},
		{"left during the studies", model.StatusResigned, day(2025, 12, 19), false, false, false},
		{"never began", model.StatusPending, time.Time{}, false, false, false},
	} {
		counted, converted, student := Graduate{Graduation: grad, Status: c.status, End: c.end}.Outcome()
		if counted != c.counted || converted != c.converted || student != c.student {
			t.Errorf("%s: %v %v %v", c.name, counted, converted, student)
		}
	}
}

func TestConversionRates(t *testing.T) {
	gs := []Graduate{
		{"UiB", day(2026, 6, 30), model.StatusConverted, day(2026, 7, 1)},
		{"NTNU", day(2026, 1, 10), model.StatusActive, time.Time{}},
		{"NTNU", day(2026, 3, 10), model.StatusConverted, day(2026, 3, 1)},
		{"Ås", day(2026, 5, 1), model.StatusResigned, day(2026, 5, 2)},
		{"NTNU", day(2025, 7, 1), model.StatusConverted, day(2025, 8, 1)},
		{"NTNU", day(2025, 7, 1), model.StatusPending, time.Time{}},
	}
	rows, total := ConversionRates(gs)
	want := []ConversionRow{
		{Year: 2026, Term: 1, Graduated: 4, Converted: 2, Student: 1},
		{Year: 2026, Term: 1, Institution: "NTNU", Graduated: 2, Converted: 1, Student: 1},
		{Year: 2026, Term: 1, Institution: "UiB", Graduated: 1, Converted: 1},
		{Year: 2026, Term: 1, Institution: "Ås", Graduated: 1},
		{Year: 2025, Term: 2, Graduated: 1, Converted: 1},
		{Year: 2025, Term: 2, Institution: "NTNU", Graduated: 1, Converted: 1},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("rows\n%v\nwant\n%v", rows, want)
	}
	if total != (ConversionRow{Graduated: 5, Converted: 3, Student: 1}) || total.Rate() != 0.6 || rows[0].Cohort() != "2026-1" {
		t.Errorf("total %+v", total)
	}
	if (ConversionRow{}).Rate() != 0 {
		t.Error("rate of nothing")
	}
}

func TestCountStudyStartOverNewYear(t *testing.T) {
	starts := []Start{
		{RegionID: 2, Region: "Region Vestland", Institution: "UiB", Start: day(2026, 12, 31), Status: model.StatusActive},
		{RegionID: 2, Region: "Region Vestland", Institution: "UiB", Start: day(2027, 1, 1), Status: model.StatusActive},
		{RegionID: 2, Region: "Region Vestland", Institution: "UiB", Start: day(2027, 1, 4), Status: model.StatusResigned, Ended: true},
		{RegionID: 1, Region: "Region Trøndelag", Institution: "NTNU", Start: day(2026, 12, 1), Status: model.StatusActive}, // before since: counted now, not as a join
		{Institution: "Nettstudier", Start: day(2027, 1, 5), Status: model.StatusArrears},
	}
	st := CountStudyStart(day(2026, 12, 28), day(2027, 1, 6), starts)
	if len(st.Weeks) != 2 || st.Weeks[0].Week != 53 || st.Weeks[1] != (Week{2027, 1, day(2027, 1, 4)}) {
		t.Fatalf("weeks %v", st.Weeks)
	}
	if !slices.Equal(st.Totals, []int{2, 2}) || st.Joins != 4 || st.Members != 4 {
		t.Errorf("totals %v, joins %d, members %d", st.Totals, st.Joins, st.Members)
	}
	var order []string
	for _, r := range st.Rows {
		order = append(order, r.Institution)
	}
	if !slices.Equal(order, []string{"NTNU", "UiB", "Nettstudier"}) {
		t.Errorf("order %v", order)
	}
	if uib := st.Rows[1]; !slices.Equal(uib.Joins, []int{2, 1}) || uib.Total != 3 || uib.Members != 2 {
		t.Errorf("UiB %+v", uib)
	}
}

func TestHorizonAndTaskDue(t *testing.T) {
	today := day(2026, 11, 25)
	for months, want := range map[int]time.Time{0: day(2027, 5, 25), 1: day(2026, 12, 25), 24: day(2028, 11, 25)} {
		if got, err := Horizon(today, months); err != nil || !got.Equal(want) {
			t.Errorf("Horizon(%d) = %v, %v", months, got, err)
		}
	}
	for _, m := range []int{-1, 25} {
		if _, err := Horizon(today, m); model.ErrorCode(err) != model.EINVALID {
			t.Errorf("Horizon(%d): %v", m, err)
		}
	}
	for grad, want := range map[time.Time]time.Time{
		day(2027, 3, 15):  day(2027, 2, 15),
		day(2026, 12, 25): today, // a month before is 25 November: today
		day(2026, 12, 20): today,
		day(2026, 6, 1):   today, // already past
	} {
		if got := TaskDue(grad, today); !got.Equal(want) {
			t.Errorf("TaskDue(%s) = %s", grad.Format(time.DateOnly), got.Format(time.DateOnly))
		}
	}
}

func TestConvertible(t *testing.T) {
	ended := day(2026, 6, 30)
	for _, tc := range []struct {
		name   string
		typ    model.MembershipType
		status model.MembershipStatus
		end    time.Time
		key    string
	}{
		{"a current student member", model.TypeStudent, model.StatusActive, time.Time{}, ""},
		{"in arrears too", model.TypeStudent, model.StatusArrears, time.Time{}, ""},
		{"not a student membership", model.TypeOrdinary, model.StatusActive, time.Time{}, "err.student.notstudent"},
		{"converted already", model.TypeStudent, model.StatusConverted, ended, "err.student.converted"},
		{"ended", model.TypeStudent, model.StatusActive, ended, "err.student.ended"},
		{"resigned", model.TypeStudent, model.StatusResigned, ended, "err.student.ended"},
		{"pending", model.TypeStudent, model.StatusPending, time.Time{}, "err.student.ended"},
	} {
		err := Convertible("Kari", tc.typ, tc.status, tc.end)
		var key string
		if e, ok := err.(*model.Error); ok {
			key = e.Key
		} else if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if key != tc.key {
			t.Errorf("%s: %q, want %q", tc.name, key, tc.key)
		}
	}
}

func TestConvertAndTaskHorizon(t *testing.T) {
	for _, st := range []model.MembershipStatus{model.StatusActive, model.StatusArrears} {
		if got := Convert(st); got != (Successor{model.TypeOrdinary, st, model.SourceStudentTransfer}) {
			t.Errorf("Convert(%s) = %+v", st, got)
		}
	}
	if got := TaskHorizon(day(2026, 11, 25)); !got.Equal(day(2027, 5, 25)) {
		t.Errorf("TaskHorizon = %s", got.Format(time.DateOnly))
	}
}

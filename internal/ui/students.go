package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/students"
)

// The student page has three views: who graduates soon (with the one-tap
// transfer), conversion per cohort and institution, and study start.
var studentViews = []string{"graduating", "rates", "studystart"}

// graduationPeriods are the look-ahead choices, in months.
var graduationPeriods = []int{3, 6, 12}

type studentTab struct {
	View, Label, Href string
	Current           bool
}

type studentPeriod struct {
	Months  int
	Href    string
	Current bool
}

// studentsShown is how many graduating students the page lists.
const studentsShown = 300

// studentRegion is a region's students as listed, and how many it has.
type studentRegion struct {
	Region   string
	Students []students.Graduating
	All      int
}

type studentsData struct {
	View    string
	Tabs    []studentTab
	Months  int
	Periods []studentPeriod
	Today   time.Time
	Regions []studentRegion
	Count   int
	Shown   int // students listed: the first studentsShown

	Rates []students.ConversionRow
	Total students.ConversionRow

	Study     *students.StudyStart
	Since     string // the chosen day, åååå-mm-dd, for the date input
	SinceErr  string
	WeekBars  []weekBar
	MaxJoins  int
	WeekCount int
	Cols      int // columns of the study-start table
	Groups    []studyGroup
}

// studyGroup is one region's rows of the study-start table.
type studyGroup struct {
	Region string
	Rows   []students.StudyStartRow
}

type weekBar struct {
	Week  students.Week
	N     int
	Share float64 // of the busiest week
}

// defaultStudyStart is the start of the current term: 1 August, or
// 1 January in the spring.
func defaultStudyStart(today time.Time) time.Time {
	if today.Month() >= time.August {
		return time.Date(today.Year(), time.August, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(today.Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
}

func (h *Handler) showStudentsPage(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	lang := h.lang(r)
	q := r.URL.Query()
	d := studentsData{View: q.Get("view"), Months: students.DefaultMonths}
	if !slices.Contains(studentViews, d.View) {
		d.View = "graduating"
	}
	for _, v := range studentViews {
		d.Tabs = append(d.Tabs, studentTab{View: v, Label: "stu.tab." + v, Href: "/students?view=" + v, Current: v == d.View})
	}
	d.Today = h.Store.Today()
	var err error
	switch d.View {
	case "graduating":
		if m, err := strconv.Atoi(q.Get("months")); err == nil && slices.Contains(graduationPeriods, m) {
			d.Months = m
		}
		for _, m := range graduationPeriods {
			d.Periods = append(d.Periods, studentPeriod{Months: m, Href: "/students?" + url.Values{"view": {"graduating"}, "months": {strconv.Itoa(m)}}.Encode(), Current: m == d.Months})
		}
		var regions []students.Region
		// A union's thousands would cost more to render than to find:
		// the page lists the first, each region with its count.
		regions, err = h.Store.GraduatingStudents(r.Context(), u, d.Months, studentsShown)
		for _, reg := range regions {
			d.Count += reg.Count
			d.Shown += len(reg.Students)
			d.Regions = append(d.Regions, studentRegion{Region: reg.Region, Students: reg.Students, All: reg.Count})
		}
	case "rates":
		d.Rates, d.Total, err = h.Store.ConversionRates(r.Context(), u)
	case "studystart":
		since := defaultStudyStart(d.Today)
		if v := q.Get("since"); v != "" {
			if s, perr := time.Parse(time.DateOnly, v); perr == nil && s.Year() >= 2000 {
				since = s
			} else {
				d.SinceErr = locale.T(lang, "stu.since.invalid")
			}
		}
		d.Since = since.Format(time.DateOnly)
		d.Study, err = h.Store.StudyStart(r.Context(), u, since)
		if err == nil {
			d.Since = d.Study.Since.Format(time.DateOnly)
			for _, n := range d.Study.Totals {
				d.MaxJoins = max(d.MaxJoins, n)
			}
			for i, wk := range d.Study.Weeks {
				d.WeekBars = append(d.WeekBars, weekBar{Week: wk, N: d.Study.Totals[i], Share: shareOf(d.Study.Totals[i], d.MaxJoins)})
			}
			d.WeekCount = len(d.Study.Weeks)
			d.Cols = d.WeekCount + 3
			for i, row := range d.Study.Rows {
				if i == 0 || row.RegionID != d.Study.Rows[i-1].RegionID {
					d.Groups = append(d.Groups, studyGroup{Region: row.Region})
				}
				g := &d.Groups[len(d.Groups)-1]
				g.Rows = append(g.Rows, row)
			}
		}
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "students", page{Title: locale.T(lang, "stu.title"), Data: d})
}

func shareOf(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

type convertedData struct {
	Conversion *storage.Conversion
	Error      string
	ID         int64
}

// convertStudent moves a student member to an ordinary membership. With
// htmx it answers with the row as a confirmation (or the reason it could
// not); without, it returns to the list.
func (h *Handler) convertStudent(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	c, err := h.Store.ConvertStudent(r.Context(), access.FromContext(r.Context()), id)
	if r.Header.Get("HX-Request") != "true" {
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		http.Redirect(w, r, "/students?view=graduating", http.StatusSeeOther)
		return
	}
	if err != nil {
		// Only what the user may know: a conflict or a refusal shows in the
		// row; anything else is the usual error.
		if code := model.ErrorCode(err); code != model.ECONFLICT && code != model.EINVALID {
			h.serveError(w, r, err)
			return
		}
		h.fragment(w, r, "students", "converted", page{Data: convertedData{Error: model.ErrorMessageIn(err, h.lang(r)), ID: id}})
		return
	}
	h.fragment(w, r, "students", "converted", page{Data: convertedData{Conversion: c, ID: id}})
}

package ui

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
	"github.com/verve-union/verve/internal/storage"
)

type dayData struct {
	Day      *storage.Day
	Outcomes []pipeline.Result
	Notice   string
	// Opts are the tasks' choices of recruiter and holder, rendered
	// once per list; nil renders them per task.
	Opts *dayOptions
}

// dayOptions are the rendered person-options of each task's colleagues
// and holders, by task ID. Tasks at one workplace share one list of
// colleagues (and at one place one of holders), up to 100 names each:
// rendered per task, they were most of a page's cost.
type dayOptions struct {
	Recruiters, Holders map[int64]template.HTML
}

// dayOptionsFor renders the lists of d's tasks with the page's templates,
// each distinct list once.
func (h *Handler) dayOptionsFor(d *storage.Day) (*dayOptions, error) {
	o := &dayOptions{Recruiters: map[int64]template.HTML{}, Holders: map[int64]template.HTML{}}
	done := map[*storage.Colleague]template.HTML{}
	var buf bytes.Buffer
	render := func(list []storage.Colleague) (template.HTML, error) {
		if len(list) == 0 {
			return "", nil
		}
		if html, ok := done[&list[0]]; ok {
			return html, nil
		}
		buf.Reset()
		if err := h.pages["myday"].ExecuteTemplate(&buf, "person-options", list); err != nil {
			return "", err
		}
		html := template.HTML(buf.String())
		done[&list[0]] = html
		return html, nil
	}
	for _, ts := range [][]storage.DayTask{d.Overdue, d.Today, d.Upcoming, d.Escalated} {
		for _, t := range ts {
			var err error
			if o.Recruiters[t.ID], err = render(t.Colleagues); err != nil {
				return nil, err
			}
			if o.Holders[t.ID], err = render(t.Holders); err != nil {
				return nil, err
			}
		}
	}
	return o, nil
}

// showMyDayPage is the shop steward's phone page: what to do today, one
// tap to call, text or mail, one tap to log how it went.
func (h *Handler) showMyDayPage(w http.ResponseWriter, r *http.Request) {
	d, err := h.Store.MyDay(r.Context(), access.FromContext(r.Context()))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	st, err := h.Store.Settings(r.Context())
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	opts, err := h.dayOptionsFor(d)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "myday", page{Title: locale.T(h.lang(r), "day.title"),
		Data: dayData{Day: d, Outcomes: pipeline.Outcomes, Notice: st.PrivacyNotice, Opts: opts}})
}

type outcomeData struct {
	Task     *storage.DayTask
	Result   *storage.OutcomeResult
	Outcome  pipeline.Result
	Error    string
	Outcomes []pipeline.Result
	Notice   string
}

// logOutcome records how a talk went. With htmx it answers with the task's
// card as it is now; without, it returns to Min dag.
func (h *Handler) logOutcome(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	// Someone else's task is not found, whatever the form says.
	if _, err := h.Store.DayTask(r.Context(), u, id); err != nil {
		h.serveError(w, r, err)
		return
	}
	recruiter, _ := strconv.ParseInt(r.PostFormValue("recruiter"), 10, 64)
	o := pipeline.Outcome{TaskID: id, Result: pipeline.Result(r.PostFormValue("result")), Note: r.PostFormValue("note"),
		Reason: r.PostFormValue("reason"), MembershipType: model.MembershipType(r.PostFormValue("membership_type")), RecruiterID: recruiter,
		ConfirmURL: h.publicURL(r) + joinNorwegian.Confirm}
	res, err := h.Store.LogOutcome(r.Context(), u, o)
	if err == nil && res.Mailed && h.MailWake != nil {
		h.MailWake()
	}
	if r.Header.Get("HX-Request") != "true" {
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		http.Redirect(w, r, "/day", http.StatusSeeOther)
		return
	}
	t, terr := h.Store.DayTask(r.Context(), u, id)
	if terr != nil {
		h.serveError(w, r, terr)
		return
	}
	d := outcomeData{Task: t, Result: res, Outcome: o.Result, Outcomes: pipeline.Outcomes}
	if err != nil {
		d.Error = errorText(err)
		st, _ := h.Store.Settings(r.Context())
		d.Notice = st.PrivacyNotice
	}
	h.fragment(w, r, "myday", "outcome", page{Data: d})
}

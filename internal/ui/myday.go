package ui

import (
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
	Day *storage.Day
	// Sections are the page's sections of task cards, NewColleagues
	// the items of its list of them: views that dayCardsFor releases.
	Sections, NewColleagues template.HTML
	// Notice is the page's privacy notice, which its welcome and ask
	// cards open.
	Notice string
}

// showMyDayPage is the shop steward's phone page: what to do today, one
// tap to call, text or mail, one tap to log how it went. It shows the
// first storage.DayCards tasks of each section, and all (up to
// storage.DayAll) with ?alle=1.
func (h *Handler) showMyDayPage(w http.ResponseWriter, r *http.Request) {
	n := storage.DayCards
	if r.URL.Query().Get("alle") == "1" {
		n = storage.DayAll
	}
	d, err := h.Store.MyDayUpTo(r.Context(), access.FromContext(r.Context()), n)
	notice, err := h.withNotice(r, err)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	lang := h.lang(r)
	sections, colleagues, release := h.dayCardsFor(lang, d)
	defer release()
	h.render(w, r, http.StatusOK, "myday", page{Title: locale.T(lang, "day.title"),
		Data: dayData{Day: d, Sections: sections, Notice: notice, NewColleagues: colleagues}})
}

// showTask is one task's card with its lists: whom a recruit may be
// credited to and whom the task may be handed to. htmx swaps it in for
// the task's card on Min dag; without, it is a page of its own. A task
// outside the user's scope is not found, as one that does not exist.
func (h *Handler) showTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	t, err := h.Store.DayTask(r.Context(), access.FromContext(r.Context()), id)
	notice, err := h.withNotice(r, err)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	p := page{Title: t.Title, Data: outcomeData{Task: t, Card: h.dayCardHTML(h.lang(r), dayCard{Task: t}), Notice: notice}}
	if r.Header.Get("HX-Request") == "true" {
		h.fragment(w, r, "myday", "outcome", p)
		return
	}
	h.render(w, r, http.StatusOK, "task", p)
}

// withNotice is the privacy notice a page of task cards shows, once what
// came before it (err) went well.
func (h *Handler) withNotice(r *http.Request, err error) (string, error) {
	if err != nil {
		return "", err
	}
	st, err := h.Store.Settings(r.Context())
	return st.PrivacyNotice, err
}

type outcomeData struct {
	Task    *storage.DayTask
	Result  *storage.OutcomeResult
	Outcome pipeline.Result
	// Card is the task's card when it is still open or the outcome was
	// refused; otherwise the fragment says what was logged.
	Card template.HTML
	// Notice is the privacy notice, on the task's own page.
	Notice string
}

// logOutcome records how a talk went. With htmx it answers with the task's
// card as it is now (the error, or when to try again, on it) or with what
// was logged; without, it returns to Min dag.
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
	d := outcomeData{Task: t, Result: res, Outcome: o.Result}
	if err != nil || t.Status == model.TaskOpen {
		lang := h.lang(r)
		c := dayCard{Task: t}
		if err != nil {
			c.Error = errorText(err)
		} else {
			c.Message = locale.T(lang, "day.retry") + " " + string(appendDate(nil, t.Due))
		}
		d.Card = h.dayCardHTML(lang, c)
	}
	h.fragment(w, r, "myday", "outcome", page{Data: d})
}

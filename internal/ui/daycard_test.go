package ui

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/pipeline"
	"github.com/verve-union/verve/internal/storage"
)

// referenceCards parses the former template of the task card
// (testdata/daycard_reference.html) with the page templates' functions,
// its "overdue" counting from today.
func referenceCards(t testing.TB, today func() time.Time) *template.Template {
	t.Helper()
	tmpl, err := template.New("reference").Funcs(funcs).
		Funcs(template.FuncMap{"overdue": func(due time.Time) bool { return due.Before(today()) }}).
		ParseFiles("testdata/daycard_reference.html")
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// referenceCard is c's card as the former template wrote it.
func referenceCard(t testing.TB, tmpl *template.Template, lang string, c dayCard) string {
	t.Helper()
	var buf bytes.Buffer
	data := map[string]any{"L": lang, "T": c.Task, "Message": c.Message, "Error": c.Error, "Lists": c.Lists}
	if err := tmpl.ExecuteTemplate(&buf, "daytask", data); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// sameHTML fails t where got and want first differ.
func sameHTML(t testing.TB, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	i := 0
	for i < min(len(got), len(want)) && got[i] == want[i] {
		i++
	}
	t.Errorf("%s differs from the template at byte %d:\n got %q\nwant %q", what, i,
		got[max(i-60, 0):min(i+80, len(got))], want[max(i-60, 0):min(i+80, len(want))])
}

// TestDayCardMatchesTemplate: the card written in Go (appendDayCard) is
// byte for byte the card the former template wrote, for every task kind
// and language, overdue or not, with and without a start date, phone,
// e-mail, colleagues, holders (shown or linked to), a message or an
// error, and with values
// that need escaping in text and in URLs (quotes, markup, '+', '%',
// spaces, non-ASCII, NUL, invalid UTF-8, Unicode non-characters).
func TestDayCardMatchesTemplate(t *testing.T) {
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	tmpl := referenceCards(t, func() time.Time { return today })
	nasty := "Å'se \"Øy\" <b>&amp; +47</b>\x00\xff\ufdd0 æ"
	people := []storage.Colleague{{PersonID: 11, Name: "Kari Nordmann"}, {PersonID: 12, Name: nasty}}
	variants := []struct {
		name string
		task storage.DayTask
		card dayCard
	}{
		{"plain", storage.DayTask{Task: model.Task{ID: 1, PersonID: 2, PersonName: "Ola Nordmann", Title: "Velkommen", Due: today.AddDate(0, 0, -3)},
			WorkplaceName: "Verkstedet", Mobile: "+4791234567", Email: "ola@eksempel.no", Colleagues: people[:1], Holders: people[:1]},
			dayCard{}},
		{"escaping", storage.DayTask{Task: model.Task{ID: 1234567890123, PersonID: 98765, PersonName: nasty, Title: "Spør <igjen> & + 'nå'", Due: today},
			WorkplaceName: "Bøler \"&\" <Co>", StartDate: today.AddDate(0, 0, 5), Mobile: "+47 912 34 567'\"<>",
			Email: "o+la\"x'(y)<z>@ek sempel.no?a=1&b=%41%4g%%zz#ø\x00\xff", Colleagues: people, Holders: people},
			dayCard{Message: "Ikke truffet. Nytt forsøk <i>+</i> & \"'", Error: nasty}},
		{"bare", storage.DayTask{Task: model.Task{ID: 7, PersonID: 8, Title: "", Due: today.AddDate(0, 0, 1)}},
			dayCard{Message: "Ikke truffet. Nytt forsøk 03.03.2026"}},
		{"error", storage.DayTask{Task: model.Task{ID: 9, PersonID: 10, PersonName: "Per", Title: "Spør", Due: today.AddDate(0, 0, -1)},
			StartDate: today.AddDate(0, 0, -1), Email: "%", Holders: people[1:]},
			dayCard{Error: "Den som vervet, må være medlem."}},
		{"no date", storage.DayTask{Task: model.Task{ID: 13, PersonID: 14, PersonName: "Liv"}, Mobile: "%4%41%", Colleagues: people[1:]},
			dayCard{}},
	}
	n := 0
	for _, lang := range locale.AllLanguages {
		tx := dayCardTextsIn(lang)
		for _, kind := range model.TaskKinds {
			for _, v := range variants {
				for _, lists := range []bool{true, false} {
					task := v.task
					task.Kind = kind
					c := v.card
					c.Task, c.Lists = &task, lists
					want := referenceCard(t, tmpl, lang, c)
					c.Overdue = task.Due.Before(today)
					if lists {
						c.Recruiters = string(appendPersonOptions(nil, task.Colleagues))
						c.Holders = string(appendPersonOptions(nil, task.Holders))
					}
					sameHTML(t, fmt.Sprintf("%s %s %s lists %v", lang, kind, v.name, lists), string(appendDayCard(nil, tx, &c)), want)
					n++
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d cards compared", n)
	}
	if dayCardTextsIn("xx") != dayCardTextsIn("nb") {
		t.Error("a language the catalogue lacks is not shown in bokmål")
	}
}

// referenceNewColleagues is the list's items as the former template wrote
// them.
func referenceNewColleagues(t testing.TB, tmpl *template.Template, lang string, cs []storage.NewColleague) string {
	t.Helper()
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "newcolleagues", map[string]any{"L": lang, "C": cs}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestNewColleaguesMatchTemplate: Min dag's list of new colleagues written
// in Go is byte for byte what the former template wrote, in every
// language, for every outcome, one the catalogue lacks, contacted or
// waiting, with values that need escaping and without a start date.
func TestNewColleaguesMatchTemplate(t *testing.T) {
	tmpl := referenceCards(t, time.Now)
	nasty := "Å'se \"Øy\" <b>&amp; +47</b>\x00\xff\ufdd0 æ"
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	cs := []storage.NewColleague{
		{PersonID: 1, Name: "Kari Nordmann", WorkplaceName: "Verkstedet", StartDate: start},
		{PersonID: 2, Name: nasty, WorkplaceName: nasty, StartDate: start, Contacted: true},
		{PersonID: 3, Name: "Uten dato", Contacted: true, Outcome: "<ukjent \"&\">"},
	}
	for _, o := range pipeline.Outcomes {
		cs = append(cs, storage.NewColleague{PersonID: 10, Name: string(o), WorkplaceName: "Bøler", StartDate: start, Contacted: true, Outcome: o})
	}
	for _, lang := range locale.AllLanguages {
		sameHTML(t, "new colleagues in "+lang, string(appendNewColleagues(nil, lang, cs)), referenceNewColleagues(t, tmpl, lang, cs))
	}
	if got := appendNewColleagues(nil, "nb", nil); len(got) != 0 {
		t.Errorf("no new colleagues wrote %q", got)
	}
}

// TestDaySectionMatchesTemplate: a section of Min dag written in Go
// (appendDaySection) is byte for byte what the former template wrote, in
// every language, for each section, with and without more tasks than
// shown, and nothing without tasks.
func TestDaySectionMatchesTemplate(t *testing.T) {
	tmpl := referenceCards(t, time.Now)
	cards := `<article class="daytask" id="task-1">Å'se &amp; "Øy"</article>`
	tasks := make([]storage.DayTask, 3)
	for _, lang := range locale.AllLanguages {
		for _, s := range cardSections(&storage.Day{}) {
			for _, more := range []bool{false, true} {
				s.tasks, s.more = tasks, more
				var want bytes.Buffer
				if err := tmpl.ExecuteTemplate(&want, "daysection", map[string]any{"Title": locale.T(lang, s.title), "Tasks": s.tasks,
					"ID": s.id, "Cards": template.HTML(cards), "More": more, "L": lang}); err != nil {
					t.Fatal(err)
				}
				got := appendDaySection(nil, lang, s, func(b []byte) []byte { return append(b, cards...) })
				sameHTML(t, fmt.Sprintf("section %s in %s, more %v", s.id, lang, more), string(got), want.String())
			}
			s.tasks = nil
			if got := appendDaySection(nil, lang, s, func(b []byte) []byte { return append(b, cards...) }); len(got) != 0 {
				t.Errorf("the empty section %s wrote %q", s.id, got)
			}
		}
	}
}

// TestMyDayCardsMatchTemplate: the steward's Min dag over HTTP holds, in
// each section, exactly the cards the former template writes for the
// section's tasks (without their lists, which the demo's tasks have), and
// logging a talk with htmx answers with the task's card as the former
// template wrote it, with its lists, when to try again or the error and
// the privacy notice's button; the notice is on the page once.
func TestMyDayCardsMatchTemplate(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := context.Background()
	steward := e.principal(t, "tillitsvalgt")
	d, err := e.Store.MyDay(ctx, steward)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.Store.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := referenceCards(t, e.Store.Today)
	c := e.login(t, "tillitsvalgt")
	_, body := get(t, c, e.URL+"/day")
	colleagues, holders := 0, 0
	var ask *storage.DayTask
	for _, s := range []struct {
		id    string
		tasks []storage.DayTask
	}{{"day-overdue", d.Overdue}, {"day-today", d.Today}, {"day-upcoming", d.Upcoming}, {"day-escalated", d.Escalated}} {
		if len(s.tasks) == 0 {
			if strings.Contains(body, `id="`+s.id+`"`) {
				t.Errorf("the empty section %s is shown", s.id)
			}
			continue
		}
		var want strings.Builder
		for i := range s.tasks {
			task := &s.tasks[i]
			want.WriteString(referenceCard(t, tmpl, "nb", dayCard{Task: task}))
			full, err := e.Store.DayTask(ctx, steward, task.ID)
			if err != nil {
				t.Fatal(err)
			}
			colleagues += min(len(full.Colleagues), 1)
			holders += min(len(full.Holders), 1)
			if ask == nil && (task.Kind == model.TaskAsk || task.Kind == model.TaskWelcome) && task.OwnerID == steward.PersonID {
				ask = task
			}
		}
		_, section, _ := strings.Cut(body, `<div class="daytasks" id="`+s.id+"\">\n")
		section, _, _ = strings.Cut(section, "\n</div>\n")
		sameHTML(t, "section "+s.id, section, want.String())
	}
	if len(d.NewColleagues) == 0 {
		t.Fatal("the steward's Min dag lists no new colleagues")
	}
	_, list, _ := strings.Cut(body, `<ul class="results" id="new-colleagues">`+"\n")
	list, _, _ = strings.Cut(list, "</ul>")
	sameHTML(t, "new colleagues", list, referenceNewColleagues(t, tmpl, "nb", d.NewColleagues))
	// The privacy notice once, on the page, for the cards' buttons.
	notice := `<div popover id="privacy-notice" class="privacy-notice">`
	if strings.Count(body, notice) != 1 || strings.Count(body, template.HTMLEscapeString(st.PrivacyNotice)) != 1 ||
		!strings.Contains(body, `popovertarget="privacy-notice"`) {
		t.Errorf("Min dag does not show the privacy notice once for its cards")
	}
	// The sections are views of a pooled buffer: another page written in
	// the meantime (in English) leaves them as they were until release.
	sections, list2, release := e.h.dayCardsFor("nb", d)
	before := fmt.Sprint(sections, list2)
	_, _, release2 := e.h.dayCardsFor("en", d)
	release2()
	if after := fmt.Sprint(sections, list2); after != before || !strings.Contains(body, string(sections)) || !strings.Contains(body, string(list2)) {
		t.Errorf("Min dag's sections changed before their release, or differ from the page's")
	}
	release()
	if colleagues == 0 || holders == 0 || ask == nil {
		t.Fatalf("the steward's Min dag lacks a task with colleagues (%d), with holders (%d) or to welcome or ask", colleagues, holders)
	}

	outcome := func(form url.Values) string {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/tasks/%d/outcome", e.URL, ask.ID), strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		resp, body := send(t, c, req)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("outcome %v: status %d", form, resp.StatusCode)
		}
		return body
	}
	now := func() *storage.DayTask {
		task, err := e.Store.DayTask(ctx, steward, ask.ID)
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
	body = outcome(url.Values{"result": {"not_reached"}})
	task := now()
	want := referenceCard(t, tmpl, "nb", dayCard{Task: task, Lists: true,
		Message: locale.T("nb", "day.retry") + " " + task.Due.Format("02.01.2006")})
	sameHTML(t, "the card after not reached", strings.TrimSpace(body), strings.TrimSpace(want))
	if !strings.Contains(body, "Nytt forsøk") || !strings.Contains(body, `popovertarget="privacy-notice"`) {
		t.Error("the card after not reached lacks the retry or the privacy notice's button")
	}

	body = outcome(url.Values{"result": {"bogus"}})
	_, errText, ok := strings.Cut(body, `<p class="error" role="alert">`)
	errText, _, _ = strings.Cut(errText, "</p>")
	if !ok || !strings.Contains(errText, locale.T("nb", "outcome.check.result")) {
		t.Fatalf("a refused outcome shows no error: %.300s", body)
	}
	want = referenceCard(t, tmpl, "nb", dayCard{Task: now(), Lists: true, Error: html.UnescapeString(errText)})
	sameHTML(t, "the card after a refused outcome", strings.TrimSpace(body), strings.TrimSpace(want))
}

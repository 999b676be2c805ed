package ui

import (
	"html/template"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// Min dag's task card is written here in Go rather than by html/template:
// a page holds up to 200 cards, and the template spent about 80 reflective
// calls on each (texts, dates, escapers), most of the page's CPU. The card
// is the HTML the template wrote, byte for byte: its texts are from the
// catalogue, escaped once per language (dayCardTexts), and every value is
// escaped as html/template escapes it in the same place (appendHTML,
// appendURLPart). The golden test (daycard_test.go) renders cards of every
// kind and state through the former template (testdata/
// daycard_reference.html) and through appendDayCard and wants the same
// bytes; a change to the card is made in both.

// dayCard is one task's card and what it shows besides the task.
type dayCard struct {
	Task    *storage.DayTask
	Overdue bool
	// Message and Error are what logging an outcome came to.
	Message, Error string
	// Lists: the card offers its recruiters and holders, the task's
	// colleagues and fellow stewards as <option>s (appendPersonOptions).
	// Min dag's cards go without and link to the card that has them
	// (GET /tasks/{id}): reading them for every card was most of a full
	// page's queries and bytes.
	Lists               bool
	Recruiters, Holders string
}

// dayCardTexts are a card's texts in one language, HTML-escaped, and its
// longer static parts with them.
type dayCardTexts struct {
	starts, due, call, sms, email, notice, toTransfer string
	// outcomes runs from the outcome form's start tag to the end of its
	// buttons, recruiter from there to the recruiter select's first
	// option, recruiterEnd to the select's label's end, more to the form's.
	outcomes, recruiter, recruiterEnd, more string
	// choices and handOn are the link to the card with its lists, to log
	// a talk or hand it on, and to hand it on; noHolders says, on the
	// card with its lists, that no one can take it.
	choices, handOn, noHolders string
	// handover runs to the hand-over form's action, handoverTo from it to
	// the owner select's options, handoverButton from their end to the
	// button's id; handoverEnd is the rest.
	handover, handoverTo, handoverButton, handoverEnd string
}

// dayCardLangs are the card's texts by language, made on first use.
var dayCardLangs = sync.OnceValue(func() map[string]*dayCardTexts {
	m := map[string]*dayCardTexts{}
	for _, l := range locale.AllLanguages {
		m[l] = newDayCardTexts(l)
	}
	return m
})

// dayCardTextsIn are the card's texts in lang (bokmål for a language the
// catalogue lacks, as locale.T falls back).
func dayCardTextsIn(lang string) *dayCardTexts {
	if tx := dayCardLangs()[lang]; tx != nil {
		return tx
	}
	return dayCardLangs()["nb"]
}

func newDayCardTexts(lang string) *dayCardTexts {
	// t is a text of the catalogue, escaped.
	t := func(s string) string { return string(appendHTML(nil, s)) }
	result := func(indent, r, text string) string {
		return "\n" + indent + "<button name=\"result\" value=\"" + r + "\">" + t(text) + "</button>"
	}
	const in6, in8 = "      ", "        "
	return &dayCardTexts{
		starts:     t(locale.T(lang, "day.starts")),
		due:        t(locale.T(lang, "day.due")),
		call:       t(locale.T(lang, "day.call")),
		sms:        t(locale.T(lang, "day.sms")),
		email:      t(locale.T(lang, "day.email")),
		notice:     "<button type=\"button\" class=\"privacy\" popovertarget=\"privacy-notice\">" + t(locale.T(lang, "day.notice")) + "</button>",
		toTransfer: t(locale.T(lang, "stu.totransfer")),
		outcomes: "\" hx-swap=\"outerHTML\">\n    <div class=\"buttons\">" +
			result(in6, "met", locale.T(lang, "outcome.met")) + result(in6, "material", locale.T(lang, "outcome.material")) +
			result(in6, "gift", locale.T(lang, "outcome.gift")) + result(in6, "not_reached", locale.T(lang, "outcome.not_reached")) +
			"\n      <button name=\"result\" value=\"joined\" class=\"primary\">" + t(locale.T(lang, "outcome.joined")) + "</button>" +
			"\n    </div>\n    ",
		recruiter: "<label class=\"recruiter\">" + t(locale.T(lang, "day.recruiter")) +
			"\n      <select name=\"recruiter\"><option value=\"\">" + t(locale.T(lang, "day.me")) + "</option>",
		recruiterEnd: "</select>\n    </label>\n    ",
		choices:      t(locale.T(lang, "day.choices")),
		handOn:       t(locale.T(lang, "day.handover")),
		noHolders:    t(locale.T(lang, "day.handover.none")),
		more: "<details><summary>" + t(locale.T(lang, "day.more")) + "</summary>" +
			"\n      <label>" + t(locale.T(lang, "day.note")) + " <input name=\"note\" maxlength=\"2000\"></label>" +
			"\n      <label>" + t(locale.T(lang, "day.reason")) + " <input name=\"reason\" maxlength=\"200\"></label>" +
			"\n      <div class=\"buttons\">" + result(in8, "declined", locale.T(lang, "outcome.declined")) + result(in8, "left", locale.T(lang, "outcome.left")) +
			"\n      </div>\n    </details>\n  </form>",
		handover:       "<details class=\"handover\"><summary>" + t(locale.T(lang, "day.handover")) + "</summary>\n    <form method=\"post\" action=\"/tasks/",
		handoverTo:     "/owner\">\n      <label>" + t(locale.T(lang, "day.handover.to")) + " <select name=\"owner\">",
		handoverButton: "</select></label>\n      <button id=\"handover-",
		handoverEnd:    "\">" + t(locale.T(lang, "day.handover.button")) + "</button>\n    </form>\n  </details>",
	}
}

// appendDayCard appends c's card, in the language of tx, to b.
func appendDayCard(b []byte, tx *dayCardTexts, c *dayCard) []byte {
	t := c.Task
	var idBuf [20]byte
	id := strconv.AppendInt(idBuf[:0], t.ID, 10)

	b = append(b, "\n<article class=\"daytask"...)
	if c.Overdue {
		b = append(b, " overdue"...)
	}
	b = append(b, "\" id=\"task-"...)
	b = append(b, id...)
	b = append(b, "\">\n  <header>\n    <strong>"...)
	b = appendPersonLink(b, t.PersonID, t.PersonName)
	b = append(b, "</strong>\n    <span class=\"muted\">"...)
	b = appendHTML(b, t.Title)
	b = append(b, " · "...)
	b = appendHTML(b, t.WorkplaceName)
	if !t.StartDate.IsZero() {
		b = append(b, " · "...)
		b = append(b, tx.starts...)
		b = append(b, ' ')
		b = appendDate(b, t.StartDate)
	}
	b = append(b, " · "...)
	b = append(b, tx.due...)
	b = append(b, ' ')
	b = appendDate(b, t.Due)
	b = append(b, "</span>\n  </header>\n  "...)
	if c.Message != "" {
		b = append(b, "<p class=\"ok\" role=\"status\">"...)
		b = appendHTML(b, c.Message)
		b = append(b, "</p>"...)
	}
	b = append(b, "\n  "...)
	if c.Error != "" {
		b = append(b, "<p class=\"error\" role=\"alert\">"...)
		b = appendHTML(b, c.Error)
		b = append(b, "</p>"...)
	}
	b = append(b, "\n  <div class=\"reach\">\n    "...)
	if t.Mobile != "" {
		b = append(b, "<a class=\"button\" href=\"tel:"...)
		b = appendURLPart(b, t.Mobile)
		b = append(b, "\">"...)
		b = append(b, tx.call...)
		b = append(b, "</a><a class=\"button\" href=\"sms:"...)
		b = appendURLPart(b, t.Mobile)
		b = append(b, "\">"...)
		b = append(b, tx.sms...)
		b = append(b, "</a>"...)
	}
	b = append(b, "\n    "...)
	if t.Email != "" {
		b = append(b, "<a class=\"button\" href=\"mailto:"...)
		b = appendURLPart(b, t.Email)
		b = append(b, "\">"...)
		b = append(b, tx.email...)
		b = append(b, "</a>"...)
	}
	b = append(b, "\n  </div>\n  "...)
	if t.Kind == model.TaskWelcome || t.Kind == model.TaskAsk {
		// The notice itself is on the page once (the "privacynotice"
		// template): in every card it was a tenth of Min dag's bytes
		// with the default text, and an admin may write 4,000 characters.
		b = append(b, tx.notice...)
	}
	b = append(b, "\n  "...)
	if t.Kind == model.TaskConvert {
		b = append(b, "<div class=\"buttons\"><a class=\"button\" href=\"/students?view=graduating\">"...)
		b = append(b, tx.toTransfer...)
		b = append(b, "</a></div>"...)
	} else {
		b = append(b, "\n  <form class=\"outcomes\" method=\"post\" action=\"/tasks/"...)
		b = append(b, id...)
		b = append(b, "/outcome\" hx-post=\"/tasks/"...)
		b = append(b, id...)
		b = append(b, "/outcome\" hx-target=\"#task-"...)
		b = append(b, id...)
		b = append(b, tx.outcomes...)
		if c.Lists {
			b = append(b, tx.recruiter...)
			b = append(b, c.Recruiters...)
			b = append(b, tx.recruiterEnd...)
		}
		b = append(b, tx.more...)
	}
	b = append(b, "\n  "...)
	if !c.Lists {
		b = append(b, "<p class=\"choices\"><a href=\"/tasks/"...)
		b = append(b, id...)
		b = append(b, "\" hx-get=\"/tasks/"...)
		b = append(b, id...)
		b = append(b, "\" hx-target=\"#task-"...)
		b = append(b, id...)
		b = append(b, "\" hx-swap=\"outerHTML\">"...)
		if t.Kind == model.TaskConvert {
			b = append(b, tx.handOn...)
		} else {
			b = append(b, tx.choices...)
		}
		b = append(b, "</a></p>"...)
	} else if len(t.Holders) > 0 {
		b = append(b, tx.handover...)
		b = append(b, id...)
		b = append(b, tx.handoverTo...)
		b = append(b, c.Holders...)
		b = append(b, tx.handoverButton...)
		b = append(b, id...)
		b = append(b, tx.handoverEnd...)
	} else {
		b = append(b, "<p class=\"muted\">"...)
		b = append(b, tx.noHolders...)
		b = append(b, "</p>"...)
	}
	return append(b, "\n</article>\n"...)
}

// appendPersonLink appends a link to a person's page, their name its text.
func appendPersonLink(b []byte, id int64, name string) []byte {
	b = append(b, "<a href=\"/persons/"...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, "\">"...)
	b = appendHTML(b, name)
	return append(b, "</a>"...)
}

// appendPersonOptions appends an <option> of each of list (the choices of
// a select of persons) to b.
func appendPersonOptions(b []byte, list []storage.Colleague) []byte {
	for _, p := range list {
		b = append(b, "<option value=\""...)
		b = strconv.AppendInt(b, p.PersonID, 10)
		b = append(b, "\">"...)
		b = appendHTML(b, p.Name)
		b = append(b, "</option>"...)
	}
	return b
}

// cardSections are Min dag's sections of cards: the catalogue's key of
// each title, the id of its element, its tasks and whether it has more.
func cardSections(d *storage.Day) [4]cardSection {
	return [4]cardSection{
		{"day.overdue", "day-overdue", d.Overdue, d.More.Overdue},
		{"day.today", "day-today", d.Today, d.More.Today},
		{"day.upcoming", "day-upcoming", d.Upcoming, d.More.Upcoming},
		{"day.escalated", "day-escalated", d.Escalated, d.More.Escalated},
	}
}

type cardSection struct {
	title, id string
	tasks     []storage.DayTask
	more      bool
}

// dayCardsFor renders Min dag's sections of cards (the cards without
// their lists, dayCard.Lists) and the items of its list of new
// colleagues in lang. It writes them into a pooled buffer and returns
// views of it rather than copies (50 KB on a busy steward's page, a fifth
// of what the page allocated): they hold until release, which the caller
// runs once the page is written, and must not be kept past it.
func (h *Handler) dayCardsFor(lang string, d *storage.Day) (sections, colleagues template.HTML, release func()) {
	tx := dayCardTextsIn(lang)
	today := h.Store.Today()
	bp := cardBuffers.Get().(*[]byte)
	b := (*bp)[:0]
	for _, s := range cardSections(d) {
		b = appendDaySection(b, lang, s, func(b []byte) []byte {
			for i := range s.tasks {
				t := &s.tasks[i]
				b = appendDayCard(b, tx, &dayCard{Task: t, Overdue: t.Due.Before(today)})
			}
			return b
		})
	}
	split := len(b)
	b = appendNewColleagues(b, lang, d.NewColleagues)
	// Views are taken once b has stopped growing.
	view := func(from, to int) template.HTML {
		if from == to {
			return ""
		}
		return template.HTML(unsafe.String(&b[from], to-from))
	}
	return view(0, split), view(split, len(b)), func() {
		if cap(b) <= 1<<20 {
			*bp = b
			cardBuffers.Put(bp)
		}
	}
}

// appendDaySection appends a section of Min dag under its title, its
// cards written by cards, and a link to all of its tasks when it has
// more, as the former template wrote it (testdata/
// daycard_reference.html): nothing when it has no tasks. (Its four calls
// with their maps of arguments were a fifth of what the page's template
// cost.)
func appendDaySection(b []byte, lang string, s cardSection, cards func([]byte) []byte) []byte {
	if len(s.tasks) == 0 {
		return b
	}
	title := locale.T(lang, s.title)
	b = append(b, "\n<h2>"...)
	b = appendHTML(b, title)
	b = append(b, " ("...)
	b = strconv.AppendInt(b, int64(len(s.tasks)), 10)
	if s.more {
		b = append(b, '+')
	}
	b = append(b, ")</h2>\n<div class=\"daytasks\" id=\""...)
	b = appendHTML(b, s.id)
	b = append(b, "\">\n"...)
	b = cards(b)
	b = append(b, "\n</div>\n"...)
	if s.more {
		b = append(b, "<p class=\"more\"><a href=\"/day?alle=1#"...)
		b = appendURLPart(b, s.id)
		b = append(b, "\">"...)
		b = appendHTML(b, locale.T(lang, "day.all"))
		b = append(b, ": "...)
		b = appendHTML(b, title)
		b = append(b, "</a></p>"...)
	}
	return append(b, '\n')
}

// outcomeKeys begins the catalogue's key of each pipeline outcome.
const outcomeKeys = "outcome."

// appendNewColleagues appends the items of Min dag's list of new
// colleagues (up to 50) in lang to b, as the former template wrote them
// (testdata/daycard_reference.html): with four texts and a date each, the
// list was most of what the page's template still cost.
func appendNewColleagues(b []byte, lang string, cs []storage.NewColleague) []byte {
	for _, c := range cs {
		b = append(b, "<li>"...)
		b = appendPersonLink(b, c.PersonID, c.Name)
		b = append(b, " <span class=\"muted\">"...)
		b = appendHTML(b, c.WorkplaceName)
		b = append(b, " · "...)
		b = appendHTML(b, locale.T(lang, "day.started"))
		b = append(b, ' ')
		b = appendDate(b, c.StartDate)
		b = append(b, "</span>\n  <span class=\"badge "...)
		var text string
		switch {
		case c.Outcome != "":
			b = appendHTML(b, string(c.Outcome))
			text = locale.T(lang, outcomeKeys+string(c.Outcome))
		case c.Contacted:
			b = append(b, "contacted"...)
			text = locale.T(lang, "day.contacted")
		default:
			b = append(b, "waiting"...)
			text = locale.T(lang, "day.notcontacted")
		}
		b = append(b, "\">"...)
		b = appendHTML(b, text)
		b = append(b, "</span></li>\n"...)
	}
	return b
}

// dayCardHTML is one task's card in lang with its lists, as its own page
// and the outcome fragment after a talk was logged show it.
func (h *Handler) dayCardHTML(lang string, c dayCard) template.HTML {
	c.Overdue = c.Task.Due.Before(h.Store.Today())
	c.Lists = true
	c.Recruiters = string(appendPersonOptions(nil, c.Task.Colleagues))
	c.Holders = string(appendPersonOptions(nil, c.Task.Holders))
	return template.HTML(appendDayCard(nil, dayCardTextsIn(lang), &c))
}

// cardBuffers are the scratch buffers Min dag's cards are written into.
var cardBuffers = sync.Pool{New: func() any { return new([]byte) }}

// appendDate appends a date the Norwegian way (the templates' date).
func appendDate(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return t.AppendFormat(b, "02.01.2006")
}

// appendHTML appends s escaped for a text node or a quoted attribute
// value, as html/template escapes a string there (its htmlEscaper and
// attrEscaper): besides the specials of template.HTMLEscapeString it
// escapes '+'. Every byte it replaces is ASCII, so it works by bytes.
func appendHTML(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var r string
		switch s[i] {
		case 0:
			r = "\uFFFD"
		case '"':
			r = "&#34;"
		case '&':
			r = "&amp;"
		case '\'':
			r = "&#39;"
		case '+':
			r = "&#43;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, r...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// appendURLPart appends s as html/template writes a string in a quoted URL
// attribute after a fixed scheme (href="tel:{{.}}"): normalised (bytes
// other than unreserved and reserved ones percent-encoded, a valid escape
// kept) and then escaped for the attribute, which of a normalised URL
// touches only '&' and '+'.
func appendURLPart(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '&':
			b = append(b, "&amp;"...)
		case c == '+':
			b = append(b, "&#43;"...)
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$*,/:;=?@[]-._~", c) >= 0,
			c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]):
			b = append(b, c)
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

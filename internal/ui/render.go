package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/clock"
	"github.com/verve-union/verve/internal/httperr"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/newhires"
	"github.com/verve-union/verve/internal/norway"
)

// page is what every template gets: the language, the user and the page's
// own data.
type page struct {
	L     string
	User  *access.Principal
	Title string
	Data  any
	// Error and Fields carry a form's validation messages; Form its input.
	Error  string
	Fields map[string]string
	Form   map[string]string
	// err is the error Error and Fields come from (formPage): they are
	// translated into the page's language when it is rendered.
	err error
}

var funcs = template.FuncMap{
	"t": locale.T,
	// tn is a counted text (locale.N): the count follows the key.
	"tn": locale.N,
	// date shows a date the Norwegian way, dd.mm.åååå.
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("02.01.2006")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(clock.Oslo).Format("02.01.2006 15:04")
	},
	"pct": func(f float64) string {
		return strconv.FormatFloat(f*100, 'f', 0, 64) + " %"
	},
	"num": func(n int) string {
		// Norwegian thousands separator is a (narrow) space.
		s := strconv.Itoa(n)
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "\u00a0" + s[i:]
		}
		return s
	},
	"mobile": norway.FormatMobile,
	// dict builds a map for passing several values to a sub-template.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				k = fmt.Sprint(kv[i])
			}
			m[k] = kv[i+1]
		}
		return m
	},
	"indent": func(depth int) string { return strconv.Itoa(depth) },
	"list":   func(s ...string) []string { return s },
	// routeFor is the workplace a routing value goes to, for a select.
	"routeFor": func(routes map[string]int64, v string) int64 { return routes[newhires.RouteKey(v)] },
	"width": func(f float64) string {
		// A density bar width in whole percent, clamped for the CSS class.
		p := int(f*100 + 0.5)
		return strconv.Itoa(min(max(p, 0), 100))
	},
}

func (h *Handler) parseTemplates() error {
	h.pages = map[string]*template.Template{}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).Funcs(h.clockFuncs()).Funcs(template.FuncMap{"menu": h.menu}).ParseFS(templateFiles, "templates/layout.html", n)
		if err != nil {
			return fmt.Errorf("template %s: %w", n, err)
		}
		h.pages[base] = t
	}
	return nil
}

// lang is the interface language: the session's choice, else bokmål.
func (h *Handler) lang(r *http.Request) string {
	if l := h.Sessions.GetString(r.Context(), "lang"); locale.Supported(l) {
		return l
	}
	return "nb"
}

// render writes a page for the signed-in user in the session's language.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.L = h.lang(r)
	p.User = access.FromContext(r.Context())
	h.renderBlock(w, status, name, "layout", p)
}

// renderLang renders a public page in the given language, without a user.
func (h *Handler) renderLang(w http.ResponseWriter, status int, name, lang string, p page) {
	p.L = lang
	h.renderBlock(w, status, name, "layout", p)
}

// fragment writes one named block of a page's templates, for htmx to swap
// in, with the same page data (language, user, form and errors) a full
// render gets. htmx swaps only a 200, so a form's error comes back in one.
func (h *Handler) fragment(w http.ResponseWriter, r *http.Request, name, block string, p page) {
	p.L = h.lang(r)
	p.User = access.FromContext(r.Context())
	h.renderBlock(w, http.StatusOK, name, block, p)
}

// renderBlock executes one block of a page's templates into a buffer and
// only then writes it with status, so that a template error becomes a clean
// 500 rather than half a page. Every page and fragment is written here.
func (h *Handler) renderBlock(w http.ResponseWriter, status int, name, block string, p page) {
	t := h.pages[name]
	if t == nil {
		h.Log.Error("no such template", "name", name)
		http.Error(w, locale.T(p.L, "error.internal"), http.StatusInternalServerError)
		return
	}
	if p.err != nil {
		p.Error, p.Fields = model.ErrorMessageIn(p.err, p.L), model.FieldErrorsIn(p.err, p.L)
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := t.ExecuteTemplate(buf, block, p); err != nil {
		h.Log.Error("render", "template", name+"/"+block, "err", err)
		http.Error(w, locale.T(p.L, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderBuffers are the buffers pages are rendered into, reused: a page
// grows one to its size once rather than on every request.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putRenderBuffer returns buf to the pool, unless a rare huge page made
// it too large to keep.
func putRenderBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	renderBuffers.Put(buf)
}

// formPage is the page a form comes back on after err: the message, each
// field's own message (model.FieldErrors) in the page's language, and the
// input to show again.
func formPage(err error, form map[string]string) page {
	return page{Error: model.ErrorMessage(err), Fields: model.FieldErrors(err), Form: form, err: err}
}

// formValues is the posted value of each key, the input a form shows again
// after an error.
func formValues(r *http.Request, keys ...string) map[string]string {
	form := make(map[string]string, len(keys))
	for _, k := range keys {
		form[k] = r.PostFormValue(k)
	}
	return form
}

// Route is r's route for the log: the pattern that matched, else the path
// with long segments (the tokens of confirmation and import links) cut, so
// that no log line carries a working link.
func Route(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	parts := strings.Split(r.URL.Path, "/")
	for i, p := range parts {
		if len(p) > 16 {
			parts[i] = "…"
		}
	}
	return strings.Join(parts, "/")
}

// serveError answers with err: its status (httperr.Status, the same as
// the API's) and the error page, or the API's JSON body for an /api/v1/
// address. An internal error is logged and shown without detail.
func (h *Handler) serveError(w http.ResponseWriter, r *http.Request, err error) {
	status := httperr.Status(err)
	if status == http.StatusInternalServerError {
		h.Log.Error("request failed", "method", r.Method, "route", Route(r), "err", err)
	}
	if isAPI(r) {
		httperr.WriteJSON(w, r, err)
		return
	}
	if lang, public := publicLang(r); public {
		h.renderLang(w, status, "error", lang, page{Title: locale.T(lang, "error.title"), err: err})
		return
	}
	h.render(w, r, status, "error", page{Title: locale.T(h.lang(r), "error.title"), err: err})
}

// publicLang is the language of a public page (the join page and the
// pages after it: ?lang= or the form's), and whether r is for one.
func publicLang(r *http.Request) (string, bool) {
	for _, p := range []string{joinNorwegian.Page, joinEnglish.Page} {
		if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
			return joinLang(r), true
		}
	}
	return "", false
}

// pathID reads a positive integer path value, or reports not found.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, model.ErrorKey(model.ENOTFOUND, "error.notfound")
	}
	return id, nil
}

// errorText is an error as one line for a form, in bokmål (see
// errorTextIn).
func errorText(err error) string { return errorTextIn(err, "nb") }

// errorTextIn is an error as one line for a form in lang: the message and
// each field's own message.
func errorTextIn(err error, lang string) string {
	parts := []string{model.ErrorMessageIn(err, lang)}
	fields := model.FieldErrorsIn(err, lang)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		parts = append(parts, fields[k])
	}
	return strings.Join(parts, " ")
}

package ui

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

type searchData struct {
	Q        string
	Results  []*model.Person
	TooShort bool
}

func (h *Handler) showSearchPage(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 100 {
		q = string([]rune(q)[:100])
	}
	d := searchData{Q: q}
	if q != "" && utf8.RuneCountInString(q) < 2 {
		d.TooShort = true
	} else if q != "" {
		var err error
		d.Results, err = h.Store.SearchPersons(r.Context(), access.FromContext(r.Context()), q, 50)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusOK, "search", page{Title: locale.T(h.lang(r), "search.title"), Data: d})
}

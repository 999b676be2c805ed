package ui

import (
	"net/http"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// matchesShown is how many open possible matches the page lists at once;
// deciding some brings the next.
const matchesShown = 100

type matchesData struct {
	Matches []storage.PossibleMatch
	Done    bool
}

// showMatchesPage lists the possible matches the user may decide, the
// newcomer and the known person side by side.
func (h *Handler) showMatchesPage(w http.ResponseWriter, r *http.Request) {
	ms, err := h.Store.PossibleMatches(r.Context(), access.FromContext(r.Context()), matchesShown)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := matchesData{Matches: ms, Done: r.URL.Query().Get("done") == "1"}
	h.render(w, r, http.StatusOK, "matches", page{Title: locale.T(h.lang(r), "mc.title"), Data: d})
}

type decidedData struct {
	ID    int64
	Error string
}

// decideMatch settles one possible match: decision=merge or distinct.
func (h *Handler) decideMatch(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	id, err := pathID(r, "id")
	if err == nil {
		err = h.Store.DecideMatch(r.Context(), access.FromContext(r.Context()), id, model.MatchDecision(r.PostFormValue("decision")))
	}
	if r.Header.Get("HX-Request") != "true" {
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		http.Redirect(w, r, "/matches?done=1", http.StatusSeeOther)
		return
	}
	if err != nil {
		// Decided already, or no longer the user's to decide (one of the
		// two has left their area, which answers as a pair that does not
		// exist): say so in the pair's place. Anything else is the usual
		// error.
		if code := model.ErrorCode(err); code != model.ECONFLICT && code != model.ENOTFOUND && code != model.EINVALID {
			h.serveError(w, r, err)
			return
		}
		h.fragment(w, r, "matches", "decided", page{Data: decidedData{ID: id, Error: model.ErrorMessage(err)}})
		return
	}
	h.fragment(w, r, "matches", "decided", page{Data: decidedData{ID: id}})
}

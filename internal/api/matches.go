package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// matchSideJSON is one person of a possible match.
type matchSideJSON struct {
	PersonID     int64  `json:"person_id"`
	Name         string `json:"name"`
	BirthDate    string `json:"birth_date,omitempty"`
	Email        string `json:"email,omitempty"`
	Mobile       string `json:"mobile,omitempty"`
	MemberStatus string `json:"member_status"`
	Workplace    string `json:"workplace,omitempty"`
	Unit         string `json:"unit"`
}

func sideJSON(s storage.MatchSide) matchSideJSON {
	j := matchSideJSON{PersonID: s.PersonID, Name: s.Name, Email: s.Email, Mobile: s.Mobile, MemberStatus: string(s.MemberStatus), Workplace: s.Workplace, Unit: s.Unit}
	if !s.BirthDate.IsZero() {
		j.BirthDate = s.BirthDate.Format(time.DateOnly)
	}
	return j
}

// getMatches lists the open possible matches the user may decide, as the
// page /matches does.
func (a *API) getMatches(w http.ResponseWriter, r *http.Request) {
	ms, err := a.Store.PossibleMatches(r.Context(), access.FromContext(r.Context()), 500)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(ms))
	for _, m := range ms {
		out = append(out, map[string]any{"id": m.ID, "source": m.Source, "match": m.Match, "created_at": m.CreatedAt,
			"new": sideJSON(m.New), "known": sideJSON(m.Known)})
	}
	writeJSON(w, http.StatusOK, out)
}

// postMatchDecision settles one: POST /api/v1/matches/{id} {"decision": "merge"|"distinct"}.
func (a *API) postMatchDecision(w http.ResponseWriter, r *http.Request) {
	mid, err := id(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in struct {
		Decision model.MatchDecision `json:"decision"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		a.fail(w, r, model.ErrorKey(model.EINVALID, "api.json.either", "a", `{"decision": "merge"}`, "b", `{"decision": "distinct"}`))
		return
	}
	if err := a.Store.DecideMatch(r.Context(), access.FromContext(r.Context()), mid, in.Decision); err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": mid, "decision": in.Decision})
}

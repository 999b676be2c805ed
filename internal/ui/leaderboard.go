package ui

import (
	"net/http"
	"strconv"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type leaderboardData struct {
	Units   []storage.UnitChoice
	UnitID  int64
	Mine    int64 // storage.LeaderboardMine, offered to those with a role
	Year    int
	Years   []int
	Leaders []storage.Leader
}

// showLeaderboard is /referral/leaderboard: recruiters who opted in, ranked by
// recruits that counted in a year, for the union, a region, branch or club.
func (h *Handler) showLeaderboard(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	now := h.Store.Today().Year()
	d := &leaderboardData{Year: now}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2000 && y <= now+1 {
		d.Year = y
	}
	for y := now; y >= now-4; y-- {
		d.Years = append(d.Years, y)
	}
	d.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	u := access.FromContext(r.Context())
	if len(u.Grants) > 0 {
		d.Mine = storage.LeaderboardMine
	} else if d.UnitID == storage.LeaderboardMine {
		d.UnitID = 0
	}
	var err error
	if d.Units, err = h.Store.LeaderboardChoices(r.Context(), u, d.UnitID); err != nil {
		h.serveError(w, r, err)
		return
	}
	if d.Leaders, err = h.Store.Leaderboard(r.Context(), u, d.UnitID, d.Year, 50); err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "leaderboard", page{Title: locale.T(h.lang(r), "lb.title"), Data: d})
}

type rewardsData struct {
	Levels []storage.RewardLevel
	Awards []storage.Award
	Units  []storage.UnitChoice
}

func (h *Handler) rewardsPage(w http.ResponseWriter, r *http.Request, status int, p page) {
	d := &rewardsData{}
	var err error
	if d.Levels, err = h.Store.RewardLevels(r.Context()); err == nil {
		if d.Awards, err = h.Store.Awards(r.Context(), access.FromContext(r.Context())); err == nil {
			d.Units, err = h.Store.LeaderboardUnits(r.Context())
		}
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	p.Title, p.Data = locale.T(h.lang(r), "rw.title"), d
	h.render(w, r, status, "rewards", p)
}

// showRewards lists reward levels and who reached them.
func (h *Handler) showRewards(w http.ResponseWriter, r *http.Request) {
	h.rewardsPage(w, r, http.StatusOK, page{})
}

// addRewardLevel adds a level; the form is kept on an error.
func (h *Handler) addRewardLevel(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	form := formValues(r, "unit", "recruits", "prize")
	unit, _ := strconv.ParseInt(form["unit"], 10, 64)
	n, _ := strconv.Atoi(form["recruits"])
	err := h.Store.SaveRewardLevel(r.Context(), access.FromContext(r.Context()), &storage.RewardLevel{UnitID: unit, Recruits: n, Prize: form["prize"]})
	if c := model.ErrorCode(err); c == model.EINVALID || c == model.EFORBIDDEN {
		h.rewardsPage(w, r, http.StatusBadRequest, formPage(err, form))
		return
	} else if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referral/rewards", http.StatusSeeOther)
}

// toggleHandout marks a prize as handed out, or not.
func (h *Handler) toggleHandout(w http.ResponseWriter, r *http.Request) {
	level, err := pathID(r, "level")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	person, err := pathID(r, "person")
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if err := h.Store.SetHandedOut(r.Context(), access.FromContext(r.Context()), level, person, r.PostFormValue("handed") == "1"); err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referral/rewards", http.StatusSeeOther)
}

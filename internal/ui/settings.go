package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage"
)

// settingsFields are the form's fields, as storage names them in its
// validation messages.
const (
	fieldFollowUp = "follow_up_days"
	fieldRetain   = "retention_days"
	fieldEscalate = "escalate_after_days"
	fieldMailKeep = "mail_keep_days"
	fieldPrivacy  = "privacy_notice"
	// The register settings (register.Settings.Validate's names).
	fieldWinback = "register_winback_days"
	fieldMaxFail = "register_max_fail_percent"
)

type settingsData struct {
	Saved bool
	Jobs  []storage.JobRun
}

func settingsForm(st model.Settings, reg register.Settings) map[string]string {
	return map[string]string{
		fieldWinback:  strconv.Itoa(reg.WinbackDays),
		fieldMaxFail:  strconv.Itoa(reg.MaxFailPercent),
		fieldFollowUp: strconv.Itoa(st.FollowUpDays),
		fieldRetain:   strconv.Itoa(st.RetentionDays),
		fieldEscalate: strconv.Itoa(st.EscalateAfterDays),
		fieldMailKeep: strconv.Itoa(st.MailKeepDays),
		fieldPrivacy:  st.PrivacyNotice,
	}
}

func (h *Handler) showSettingsPage(w http.ResponseWriter, r *http.Request) {
	st, err := h.Store.Settings(r.Context())
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	reg, err := h.Store.RegisterSettings(r.Context())
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	jobs, err := h.Store.JobRuns(r.Context(), access.FromContext(r.Context()))
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "settings", page{Title: locale.T(h.lang(r), "settings.title"), Form: settingsForm(st, reg),
		Data: settingsData{Saved: r.URL.Query().Get("saved") == "1", Jobs: jobs}})
}

// saveSettings stores the union's settings. On a validation error the form
// is shown again with what the user typed and the message by each field.
func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "error.unreadable"))
		return
	}
	form := formValues(r, fieldFollowUp, fieldRetain, fieldEscalate, fieldMailKeep, fieldPrivacy, fieldWinback, fieldMaxFail)
	// Whole numbers first; the ranges are storage's to check.
	var v model.Validation
	whole := func(k, key string) int {
		n, err := strconv.Atoi(strings.TrimSpace(form[k]))
		v.Check(err == nil, k, key)
		return n
	}
	days := func(k string) int { return whole(k, "form.days") }
	st := model.Settings{
		FollowUpDays:      days(fieldFollowUp),
		RetentionDays:     days(fieldRetain),
		EscalateAfterDays: days(fieldEscalate),
		MailKeepDays:      days(fieldMailKeep),
		PrivacyNotice:     form[fieldPrivacy],
	}
	reg := register.Settings{WinbackDays: days(fieldWinback), MaxFailPercent: whole(fieldMaxFail, "form.integer")}
	err := v.Err()
	if err == nil {
		err = h.Store.SaveSettingsPage(r.Context(), access.FromContext(r.Context()), st, reg)
	}
	if model.ErrorCode(err) == model.EINVALID {
		p := formPage(err, form)
		p.Title, p.Data = locale.T(h.lang(r), "settings.title"), settingsData{}
		h.render(w, r, http.StatusBadRequest, "settings", p)
		return
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?saved=1", http.StatusSeeOther)
}

package model

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/locale"
)

// Settings are the union's own choices for the recruitment pipeline.
type Settings struct {
	FollowUpDays      int    // days from a welcome talk to the follow-up
	RetentionDays     int    // how long a prospect who said no is kept
	EscalateAfterDays int    // days overdue before a task goes to the coordinator
	MailKeepDays      int    // how long sent and failed mail is kept
	PrivacyNotice     string // the GDPR art. 14 information given at first contact
}

// DefaultSettings apply until the union saves its own.
var DefaultSettings = Settings{
	FollowUpDays:      5,
	RetentionDays:     180,
	EscalateAfterDays: 7,
	MailKeepDays:      90,
	PrivacyNotice:     locale.T("nb", "settings.default.privacy"),
}

// Validate trims the notice and reports each setting out of its range.
func (st *Settings) Validate() error {
	var v Validation
	st.PrivacyNotice = strings.TrimSpace(st.PrivacyNotice)
	v.Check(st.FollowUpDays >= 1 && st.FollowUpDays <= 60, "follow_up_days", "settings.valid.days", "min", 1, "max", 60)
	v.Check(st.RetentionDays >= 1 && st.RetentionDays <= 730, "retention_days", "settings.valid.days", "min", 1, "max", 730)
	v.Check(st.EscalateAfterDays >= 1 && st.EscalateAfterDays <= 60, "escalate_after_days", "settings.valid.days", "min", 1, "max", 60)
	v.Check(st.MailKeepDays >= 1 && st.MailKeepDays <= 730, "mail_keep_days", "settings.valid.days", "min", 1, "max", 730)
	v.Check(st.PrivacyNotice != "", "privacy_notice", "settings.valid.privacy")
	v.Check(utf8.RuneCountInString(st.PrivacyNotice) <= 4000, "privacy_notice", "settings.valid.toolong", "max", 4000)
	return v.Err()
}

// The settings are stored as key–value text, one key a field; the keys
// double as the form's field names in Validate's errors.

// Stored is the settings as they are stored.
func (st Settings) Stored() map[string]string {
	return map[string]string{
		"follow_up_days":      strconv.Itoa(st.FollowUpDays),
		"retention_days":      strconv.Itoa(st.RetentionDays),
		"escalate_after_days": strconv.Itoa(st.EscalateAfterDays),
		"mail_keep_days":      strconv.Itoa(st.MailKeepDays),
		"privacy_notice":      st.PrivacyNotice,
	}
}

// Load sets the field stored under key k to v; other keys are not the
// settings'.
func (st *Settings) Load(k, v string) {
	n, _ := strconv.Atoi(v)
	switch k {
	case "follow_up_days":
		st.FollowUpDays = n
	case "retention_days":
		st.RetentionDays = n
	case "escalate_after_days":
		st.EscalateAfterDays = n
	case "mail_keep_days":
		st.MailKeepDays = n
	case "privacy_notice":
		st.PrivacyNotice = v
	}
}

// JoinSettings are the union's choices for the public join page and for
// recruiter credit.
type JoinSettings struct {
	AutoApprove  bool   // applications become active memberships at once
	CreditMonths int    // months active and paid before a recruit counts
	Intro        string // shown at the top of the join page
	Consent      string // the consent text the applicant ticks
}

// DefaultJoinSettings apply until the union saves its own.
var DefaultJoinSettings = JoinSettings{
	CreditMonths: 3,
	Intro:        locale.T("nb", "settings.default.joinintro"),
	Consent:      locale.T("nb", "settings.default.joinconsent"),
}

// Validate trims the texts and reports what is out of range or missing.
func (st *JoinSettings) Validate() error {
	var v Validation
	st.Intro, st.Consent = strings.TrimSpace(st.Intro), strings.TrimSpace(st.Consent)
	v.Check(st.CreditMonths >= 1 && st.CreditMonths <= 24, "credit_months", "settings.valid.months", "min", 1, "max", 24)
	v.Check(st.Consent != "", "join_consent", "settings.valid.consent")
	for k, t := range map[string]string{"join_intro": st.Intro, "join_consent": st.Consent} {
		v.Check(utf8.RuneCountInString(t) <= 4000 && utf8.ValidString(t), k, "settings.valid.toolong", "max", 4000)
	}
	return v.Err()
}

// Stored is the join settings as they are stored.
func (st JoinSettings) Stored() map[string]string {
	auto := "0"
	if st.AutoApprove {
		auto = "1"
	}
	return map[string]string{"join_auto_approve": auto, "credit_months": strconv.Itoa(st.CreditMonths),
		"join_intro": st.Intro, "join_consent": st.Consent}
}

// Load sets the field stored under key k to v; other keys are not the
// join settings'. A credit_months that is no number leaves the default.
func (st *JoinSettings) Load(k, v string) {
	switch k {
	case "join_auto_approve":
		st.AutoApprove = v == "1"
	case "credit_months":
		if n, err := strconv.Atoi(v); err == nil {
			st.CreditMonths = n
		}
	case "join_intro":
		st.Intro = v
	case "join_consent":
		st.Consent = v
	}
}

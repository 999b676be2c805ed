package model

import (
	"strings"
	"testing"
)

func TestSettingsValidate(t *testing.T) {
	st := DefaultSettings
	st.PrivacyNotice = "  Hei  "
	if err := st.Validate(); err != nil || st.PrivacyNotice != "Hei" {
		t.Fatalf("defaults: %v %q", err, st.PrivacyNotice)
	}
	for field, change := range map[string]func(*Settings){
		"follow_up_days":      func(s *Settings) { s.FollowUpDays = 61 },
		"retention_days":      func(s *Settings) { s.RetentionDays = 0 },
		"escalate_after_days": func(s *Settings) { s.EscalateAfterDays = 0 },
		"mail_keep_days":      func(s *Settings) { s.MailKeepDays = 731 },
		"privacy_notice":      func(s *Settings) { s.PrivacyNotice = strings.Repeat("x", 4001) },
	} {
		st := DefaultSettings
		change(&st)
		if err := st.Validate(); FieldErrors(err)[field] == "" {
			t.Errorf("%s: %v", field, err)
		}
	}
	js := DefaultJoinSettings
	if err := js.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, change := range map[string]func(*JoinSettings){
		"credit_months": func(s *JoinSettings) { s.CreditMonths = 25 },
		"join_consent":  func(s *JoinSettings) { s.Consent = "  " },
		"join_intro":    func(s *JoinSettings) { s.Intro = strings.Repeat("x", 4001) },
	} {
		js := DefaultJoinSettings
		change(&js)
		if err := js.Validate(); FieldErrors(err)[field] == "" {
			t.Errorf("%s: %v", field, err)
		}
	}
}

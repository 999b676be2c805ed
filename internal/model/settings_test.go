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

// TestSettingsStoredAndLoaded: what Stored writes, Load reads back, key
// for key, and a key of the other settings changes nothing.
func TestSettingsStoredAndLoaded(t *testing.T) {
	st := Settings{FollowUpDays: 3, RetentionDays: 30, EscalateAfterDays: 9, MailKeepDays: 14, PrivacyNotice: "Varsel"}
	var got Settings
	for k, v := range st.Stored() {
		got.Load(k, v)
	}
	got.Load("join_intro", "x")
	if got != st {
		t.Errorf("settings: %+v, want %+v", got, st)
	}
	js := JoinSettings{AutoApprove: true, CreditMonths: 6, Intro: "Velkommen", Consent: "Ja"}
	var gotJ JoinSettings
	for k, v := range js.Stored() {
		gotJ.Load(k, v)
	}
	gotJ.Load("privacy_notice", "x")
	if gotJ != js {
		t.Errorf("join settings: %+v, want %+v", gotJ, js)
	}
	gotJ.Load("credit_months", "mange")
	gotJ.Load("join_auto_approve", "0")
	if gotJ.CreditMonths != 6 || gotJ.AutoApprove {
		t.Errorf("bad values: %+v", gotJ)
	}
}

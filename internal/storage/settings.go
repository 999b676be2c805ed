package storage

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
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
	PrivacyNotice: "Vi har fått navnet ditt fra arbeidsgiveren din, som gir tillitsvalgte oversikt over nyansatte " +
		"etter hovedavtalen. Vi bruker det bare til å ta kontakt om medlemskap og sletter det hvis du ikke ønsker å bli medlem. " +
		"Du kan be om innsyn eller sletting ved å kontakte forbundet.",
}

// Settings returns the union's settings, defaults filled in.
func (s *Storage) Settings(ctx context.Context) (Settings, error) {
	return s.settings(ctx, s.r)
}

func (s *Storage) settings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (Settings, error) {
	st := DefaultSettings
	err := readSettings(ctx, q, func(k, v string) {
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
	})
	return st, err
}

// readSettings calls set with every stored setting.
func readSettings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, set func(k, v string)) error {
	rows, err := q.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return err
	}
	return eachRow(rows, func() error {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		set(k, v)
		return nil
	})
}

// storeSettings saves the values and audits which keys were set, in tx.
func (s *Storage) storeSettings(ctx context.Context, tx *sql.Tx, u *access.Principal, values map[string]string) error {
	keys := slices.Sorted(maps.Keys(values))
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, values[k]); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, u, "update", "settings", 0, keys, 0, "")
}

// SaveSettings validates and stores the settings; union admins only.
func (s *Storage) SaveSettings(ctx context.Context, u *access.Principal, st Settings) error {
	if !u.UnionWide(access.UserAdmin) {
		return model.Errorf(model.EFORBIDDEN, "Bare forbundets administratorer kan endre innstillingene.")
	}
	var v model.Validation
	st.PrivacyNotice = strings.TrimSpace(st.PrivacyNotice)
	v.Check(st.FollowUpDays >= 1 && st.FollowUpDays <= 60, "follow_up_days", "Velg mellom 1 og 60 dager.")
	v.Check(st.RetentionDays >= 1 && st.RetentionDays <= 730, "retention_days", "Velg mellom 1 og 730 dager.")
	v.Check(st.EscalateAfterDays >= 1 && st.EscalateAfterDays <= 60, "escalate_after_days", "Velg mellom 1 og 60 dager.")
	v.Check(st.MailKeepDays >= 1 && st.MailKeepDays <= 730, "mail_keep_days", "Velg mellom 1 og 730 dager.")
	v.Check(st.PrivacyNotice != "", "privacy_notice", "Personverninformasjonen må fylles ut.")
	v.Check(utf8.RuneCountInString(st.PrivacyNotice) <= 4000, "privacy_notice", "Teksten kan ha høyst 4000 tegn.")
	if err := v.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.storeSettings(ctx, tx, u, map[string]string{
			"follow_up_days":      strconv.Itoa(st.FollowUpDays),
			"retention_days":      strconv.Itoa(st.RetentionDays),
			"escalate_after_days": strconv.Itoa(st.EscalateAfterDays),
			"mail_keep_days":      strconv.Itoa(st.MailKeepDays),
			"privacy_notice":      st.PrivacyNotice,
		})
	})
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
	Intro:        "Bli medlem i forbundet: du får hjelp når du trenger det, forsikringer og rabatter, og en tillitsvalgt på arbeidsplassen.",
	Consent: "Jeg samtykker i at forbundet registrerer opplysningene over og medlemskapet mitt, og bruker dem til å administrere " +
		"medlemskapet, kreve inn kontingent og gi meg informasjon. Medlemskap i fagforening er en særlig kategori personopplysninger; " +
		"du kan be om innsyn og sletting.",
}

// joinSettingsTTL is how long a process keeps the join settings before
// reading them again; a change made in another process shows within it.
const joinSettingsTTL = 5 * time.Second

type cachedJoinSettings struct {
	st JoinSettings
	at time.Time
}

// JoinSettings returns the join page settings, defaults filled in. They
// are read on every join submission, so they are kept for a few seconds.
func (s *Storage) JoinSettings(ctx context.Context) (JoinSettings, error) {
	if c := s.joinCache.Load(); c != nil && time.Since(c.at) < joinSettingsTTL {
		return c.st, nil
	}
	st, err := s.joinSettings(ctx, s.r)
	if err == nil {
		s.joinCache.Store(&cachedJoinSettings{st: st, at: time.Now()})
	}
	return st, err
}

func (s *Storage) joinSettings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) (JoinSettings, error) {
	st := DefaultJoinSettings
	err := readSettings(ctx, q, func(k, v string) {
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
	})
	return st, err
}

// SaveJoinSettings validates and stores the join settings; union admins only.
func (s *Storage) SaveJoinSettings(ctx context.Context, u *access.Principal, st JoinSettings) error {
	if !u.UnionWide(access.UserAdmin) {
		return model.Errorf(model.EFORBIDDEN, "Bare forbundets administratorer kan endre innstillingene.")
	}
	var v model.Validation
	st.Intro, st.Consent = strings.TrimSpace(st.Intro), strings.TrimSpace(st.Consent)
	v.Check(st.CreditMonths >= 1 && st.CreditMonths <= 24, "credit_months", "Velg mellom 1 og 24 måneder.")
	v.Check(st.Consent != "", "join_consent", "Samtykketeksten må fylles ut.")
	for k, t := range map[string]string{"join_intro": st.Intro, "join_consent": st.Consent} {
		v.Check(utf8.RuneCountInString(t) <= 4000 && utf8.ValidString(t), k, "Teksten kan ha høyst 4000 tegn.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	auto := "0"
	if st.AutoApprove {
		auto = "1"
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		s.joinCache.Store(nil)
		return s.storeSettings(ctx, tx, u, map[string]string{"join_auto_approve": auto, "credit_months": strconv.Itoa(st.CreditMonths),
			"join_intro": st.Intro, "join_consent": st.Consent})
	})
	s.joinCache.Store(nil) // also after the commit, so no reader caches the old values
	return err
}

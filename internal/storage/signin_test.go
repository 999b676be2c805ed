package storage

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/model"
)

var signinLinkRE = regexp.MustCompile(`https://verve\.example/login/link/([A-Za-z0-9_-]{43})`)

// askLink asks for a sign-in link to addr and returns the token mailed,
// or "" when no mail was queued.
func askLink(t *testing.T, s *Storage, addr string) string {
	t.Helper()
	ctx := context.Background()
	var before int
	if err := s.r.QueryRow(`SELECT count(*) FROM outbox`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	err := s.RequestSigninLink(ctx, access.Visitor("192.0.2.1"), addr, func(token string, to SigninRecipient) model.Mail {
		return model.Mail{ToAddr: to.Email, Subject: "Lenke", TextBody: "https://verve.example/login/link/" + token}
	})
	if err != nil {
		t.Fatal(err)
	}
	var after int
	var body, kind string
	if err := s.r.QueryRow(`SELECT count(*) FROM outbox`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after == before {
		return ""
	}
	if err := s.r.QueryRow(`SELECT text_body, kind FROM outbox ORDER BY id DESC LIMIT 1`).Scan(&body, &kind); err != nil {
		t.Fatal(err)
	}
	m := signinLinkRE.FindStringSubmatch(body)
	if m == nil || kind != model.MailSigninLink {
		t.Fatalf("mail %q of kind %s", body, kind)
	}
	return m[1]
}

func TestSigninLinks(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, tv := pipelineFixture(t, s)
		now := day0
		s.SetClock(func() time.Time { return now })
		visitor := access.Visitor("192.0.2.1")
		member := f.person(t, "Mona", "Medlem", f.wA)

		// An unknown address, a prospect's and a shared one get no mail and
		// no error: the caller learns nothing.
		prospect := &model.Person{FirstName: "Per", LastName: "Prospekt", WorkplaceID: f.wA.ID, MemberStatus: model.StatusProspect, Email: "per@example.no"}
		shared1 := &model.Person{FirstName: "Delt", LastName: "En", WorkplaceID: f.wA.ID, MemberStatus: model.StatusActive, Email: "delt@example.no"}
		shared2 := &model.Person{FirstName: "Delt", LastName: "To", WorkplaceID: f.wB.ID, MemberStatus: model.StatusActive, Email: "delt@example.no"}
		for _, p := range []*model.Person{prospect, shared1, shared2} {
			if err := s.CreatePerson(ctx, f.admin, p); err != nil {
				t.Fatal(err)
			}
		}
		for _, addr := range []string{"ukjent@example.no", "per@example.no", "delt@example.no", "", "DELT@example.no"} {
			if tok := askLink(t, s, addr); tok != "" {
				t.Errorf("%q got a link", addr)
			}
		}

		// A member's link, in any case of the address: checked without
		// being used, then used once, creating the member's user.
		tok := askLink(t, s, "Mona@Example.no")
		if tok == "" {
			t.Fatal("member got no link")
		}
		if err := s.CheckSigninLink(ctx, tok); err != nil {
			t.Fatal(err)
		}
		uid, err := s.UseSigninLink(ctx, visitor, tok)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Principal(ctx, uid)
		if err != nil || p.PersonID != member.ID || len(p.Grants) != 0 || p.Username != "mona@example.no" || p.NeedsTwoFactor() {
			t.Fatalf("member's principal %+v: %v", p, err)
		}
		if _, err := s.UseSigninLink(ctx, visitor, tok); !errors.Is(err, ErrSigninLinkUsed) {
			t.Fatalf("used twice: %v", err)
		}
		if err := s.CheckSigninLink(ctx, tok); !errors.Is(err, ErrSigninLinkUsed) {
			t.Fatalf("check of a used link: %v", err)
		}
		// The next link signs in the same user.
		tok = askLink(t, s, "mona@example.no")
		if again, err := s.UseSigninLink(ctx, visitor, tok); err != nil || again != uid {
			t.Fatalf("second sign-in: user %d, want %d: %v", again, uid, err)
		}

		// A sign-in an identity provider vouched for finds the same user;
		// a shared or a prospect's address finds none.
		if byAddr, err := s.SigninByAddress(ctx, visitor, "MONA@example.no"); err != nil || byAddr != uid {
			t.Fatalf("by address: user %d, want %d: %v", byAddr, uid, err)
		}
		for _, addr := range []string{"delt@example.no", "per@example.no", "ukjent@example.no", ""} {
			if _, err := s.SigninByAddress(ctx, visitor, addr); !errors.Is(err, ErrSigninNobody) {
				t.Errorf("by address %q: %v", addr, err)
			}
		}

		// A forged token, and an expired one.
		if _, err := s.UseSigninLink(ctx, visitor, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); !errors.Is(err, ErrSigninLinkUnknown) {
			t.Fatalf("forged: %v", err)
		}
		tok = askLink(t, s, tv.Email)
		now = now.Add(SigninLinkTTL)
		if _, err := s.UseSigninLink(ctx, visitor, tok); !errors.Is(err, ErrSigninLinkExpired) {
			t.Fatalf("expired: %v", err)
		}

		// An address that came to be shared after the link was sent.
		tok = askLink(t, s, tv.Email)
		if tok == "" {
			t.Fatal("steward got no link")
		}
		twin := &model.Person{FirstName: "Tvilling", LastName: "T", WorkplaceID: f.wB.ID, MemberStatus: model.StatusActive, Email: tv.Email}
		if err := s.CreatePerson(ctx, f.admin, twin); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UseSigninLink(ctx, visitor, tok); !errors.Is(err, ErrSigninLinkUnknown) {
			t.Fatalf("shared since: %v", err)
		}

		// The hourly job deletes expired links and blanks sent link mails.
		if _, err := s.w.Exec(`UPDATE outbox SET status = 'sent'`); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if n, err := s.DeleteExpiredSigninLinks(ctx, access.System("test")); err != nil || n == 0 {
			t.Fatalf("deleted %d: %v", n, err)
		}
		var left int
		if err := s.r.QueryRow(`SELECT count(*) FROM outbox WHERE kind = $1 AND text_body <> ''`, model.MailSigninLink).Scan(&left); err != nil || left != 0 {
			t.Fatalf("%d link mails keep their body: %v", left, err)
		}
	})
}

func TestTOTPAndRecoveryCodes(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _ := pipelineFixture(t, s)
		u := &model.User{Username: "radgiver", PasswordHash: "x"}
		if err := s.CreateUser(ctx, f.admin, u); err != nil {
			t.Fatal(err)
		}
		if sec, ok, err := s.TOTPSecret(ctx, u.ID); err != nil || sec != "" || ok {
			t.Fatalf("before enrolment: %q %v %v", sec, ok, err)
		}
		if err := s.AcceptTOTPStep(ctx, f.admin, u.ID, 5); err == nil {
			t.Fatal("a step accepted without a secret")
		}
		secret := auth.NewTOTPSecret()
		for range 2 { // a new start replaces an unconfirmed secret
			if err := s.StartTOTP(ctx, f.admin, u.ID, secret); err != nil {
				t.Fatal(err)
			}
		}
		var sealed string
		if err := s.r.QueryRow(`SELECT secret_sealed FROM user_totp WHERE user_id = $1`, u.ID).Scan(&sealed); err != nil || sealed == secret {
			t.Fatalf("secret stored as %q: %v", sealed, err)
		}
		if sec, ok, err := s.TOTPSecret(ctx, u.ID); err != nil || sec != secret || ok {
			t.Fatalf("enrolling: %q %v %v", sec, ok, err)
		}
		if err := s.AcceptTOTPStep(ctx, f.admin, u.ID, 1000); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.TOTPSecret(ctx, u.ID); !ok {
			t.Fatal("not confirmed by a right code")
		}
		for _, step := range []int64{1000, 999} {
			if err := s.AcceptTOTPStep(ctx, f.admin, u.ID, step); !errors.Is(err, ErrTOTPReplayed) {
				t.Fatalf("step %d replayed: %v", step, err)
			}
		}
		if err := s.AcceptTOTPStep(ctx, f.admin, u.ID, 1001); err != nil {
			t.Fatal(err)
		}
		if err := s.StartTOTP(ctx, f.admin, u.ID, auth.NewTOTPSecret()); err == nil {
			t.Fatal("a confirmed secret was replaced")
		}

		codes := []string{"aaaaabbbbb", "cccccddddd"}
		if err := s.SetRecoveryCodes(ctx, f.admin, u.ID, codes); err != nil {
			t.Fatal(err)
		}
		if err := s.UseRecoveryCode(ctx, f.admin, u.ID, codes[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.UseRecoveryCode(ctx, f.admin, u.ID, codes[0]); !errors.Is(err, ErrRecoveryUsed) {
			t.Fatalf("used twice: %v", err)
		}
		if err := s.UseRecoveryCode(ctx, f.admin, u.ID, "zzzzzzzzzz"); !errors.Is(err, ErrRecoveryWrong) {
			t.Fatalf("wrong code: %v", err)
		}
		if err := s.UseRecoveryCode(ctx, f.admin, u.ID, codes[1]); err != nil {
			t.Fatal(err)
		}

		// Lost phone and codes: an operator resets, and the user enrols anew.
		if had, err := s.ResetTwoFactor(ctx, access.System("test"), u.ID); err != nil || !had {
			t.Fatalf("reset: %v %v", had, err)
		}
		if sec, ok, err := s.TOTPSecret(ctx, u.ID); err != nil || sec != "" || ok {
			t.Fatalf("after reset: %q %v %v", sec, ok, err)
		}
		if err := s.StartTOTP(ctx, f.admin, u.ID, auth.NewTOTPSecret()); err != nil {
			t.Fatal(err)
		}
	})
}

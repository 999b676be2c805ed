package storage

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// joinFixture is pipelineFixture plus a recruiter with a referral code.
func joinFixture(t *testing.T, s *Storage) (*fixture, *model.Person, *model.Person, string) {
	t.Helper()
	f, tv := pipelineFixture(t, s)
	rec := &model.Person{FirstName: "Rita", LastName: "Rekrutterer", WorkplaceID: f.wA.ID, MemberStatus: model.StatusActive,
		Email: "rita@example.no", Mobile: "41111111"}
	if err := s.CreatePerson(context.Background(), f.admin, model.Actor{}, rec); err != nil {
		t.Fatal(err)
	}
	code, err := s.ReferralCode(context.Background(), f.admin, model.Actor{}, rec.ID)
	if err != nil || len(code) != 10 {
		t.Fatalf("referral code %q: %v", code, err)
	}
	return f, tv, rec, code
}

func application(first, email, mobile string, typ string, w *model.Workplace, ref string) *model.Application {
	a := &model.Application{Person: model.Person{FirstName: first, LastName: "Søker", Email: email, Mobile: mobile, PostalCode: "7010"},
		Type: typ, ReferralCode: ref, Consent: true, Lang: "nb"}
	if w != nil {
		a.WorkplaceID = w.ID
	}
	if typ == model.TypeStudent {
		a.Institution, a.Programme, a.ExpectedGraduation = "NTNU", "Bygg", day0.AddDate(2, 0, 0)
	}
	return a
}

func fieldsOf(err error) map[string]string {
	if e, ok := err.(*model.Error); ok {
		return e.Fields
	}
	return nil
}

func TestSubmitApplicationMatchesAndWelcomes(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, tv, rec, code := joinFixture(t, s)
		persons := count(t, s, `SELECT count(*) FROM persons`)

		// Bad input: every field named.
		bad := &model.Application{Person: model.Person{FirstName: "", Email: "nei", Mobile: "22334455", PostalCode: "99x"}, Type: "x"}
		_, err := s.SubmitApplication(ctx, model.Actor{}, bad)
		for _, k := range []string{"first_name", "last_name", "email", "mobile", "postal_code", "type", "consent"} {
			if fieldsOf(err)[k] == "" {
				t.Errorf("no message for %s: %v", k, err)
			}
		}
		_, err = s.SubmitApplication(ctx, model.Actor{}, application("Ola", "ola@example.no", "98765432", model.TypeOrdinary, f.wA, "FEILKODE"))
		if fieldsOf(err)["ref"] == "" {
			t.Errorf("unknown code: %v", err)
		}

		res, err := s.SubmitApplication(ctx, model.Actor{}, application("Siri", "siri@example.no", "98765432", model.TypeStudent, f.wA, strings.ToLower(code)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Matched || res.Status != model.StatusPending || res.RecruiterID != rec.ID || res.MembershipID == 0 {
			t.Fatalf("result %+v", res)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1 AND kind = 'welcome' AND owner_person_id = $2`, res.PersonID, tv.ID); n != 1 {
			t.Errorf("%d welcome tasks for the steward", n)
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE person_id = $1 AND kind = 'join_confirmation' AND to_addr = 'siri@example.no'`, res.PersonID); n != 1 {
			t.Errorf("%d confirmations", n)
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE entity = 'membership' AND entity_id = $1`, res.MembershipID); n != 1 {
			t.Errorf("membership audited %d times", n)
		}
		// The same person again, by mobile: matched, no second person or membership.
		again, err := s.SubmitApplication(ctx, model.Actor{}, application("Siri", "annen@example.no", "987 65 432", model.TypeOrdinary, nil, ""))
		if err != nil {
			t.Fatal(err)
		}
		if !again.Matched || again.PersonID != res.PersonID || again.MembershipID != 0 {
			t.Errorf("second application %+v", again)
		}
		if n := count(t, s, `SELECT count(*) FROM persons`); n != persons+1 {
			t.Errorf("%d persons, want %d", n, persons+1)
		}

		// Pending list and decisions.
		apps, err := s.Applications(ctx, f.admin, "", 10)
		if err != nil || len(apps) != 1 || apps[0].Recruiter != "Rita Rekrutterer" || apps[0].Institution != "NTNU" {
			t.Fatalf("applications %+v %v", apps, err)
		}
		if apps, _ := s.Applications(ctx, f.steward, "", 10); len(apps) != 0 {
			t.Errorf("a steward sees applications: %+v", apps)
		}
		if err := s.DecideApplication(ctx, f.admin, model.Actor{}, res.MembershipID, false, ""); fieldsOf(err)["reason"] == "" {
			t.Errorf("rejection without reason: %v", err)
		}
		if err := s.DecideApplication(ctx, f.steward, model.Actor{}, res.MembershipID, true, ""); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("steward approves: %v", err)
		}
		if err := s.DecideApplication(ctx, f.admin, model.Actor{}, res.MembershipID, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideApplication(ctx, f.admin, model.Actor{}, res.MembershipID, true, ""); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("approved twice: %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1 AND member_status = 'active'`, res.PersonID); n != 1 {
			t.Error("approved person not active")
		}

		// Rejection mails the reason.
		r2, err := s.SubmitApplication(ctx, model.Actor{}, application("Tor", "tor@example.no", "41234567", model.TypeOrdinary, nil, ""))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DecideApplication(ctx, f.admin, model.Actor{}, r2.MembershipID, false, "Jobber ikke i vår bransje"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE person_id = $1 AND text_body LIKE '%vår bransje%'`, r2.PersonID); n != 1 {
			t.Error("no rejection mail with the reason")
		}

		// The rejected applicant is erased once the retention period is
		// over, with the personal values in the audit log.
		if n, err := s.EraseRejected(ctx, access.System("test"), model.Actor{}); err != nil || n != 0 {
			t.Fatalf("erased at once: %d %v", n, err)
		}
		later := day0.AddDate(0, 0, DefaultSettings.RetentionDays+1)
		s.SetClock(func() time.Time { return later })
		if n, err := s.EraseRejected(ctx, access.System("test"), model.Actor{}); err != nil || n != 1 {
			t.Fatalf("erased %d: %v", n, err)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1`, r2.PersonID); n != 0 {
			t.Error("rejected applicant kept")
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE person_id = $1 AND detail <> ''`, r2.PersonID); n != 0 {
			t.Error("audit detail kept")
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1`, res.PersonID); n != 1 {
			t.Error("the approved member was erased")
		}
		s.SetClock(func() time.Time { return day0 })

		// Auto-approve.
		st := DefaultJoinSettings
		st.AutoApprove = true
		if err := s.SaveJoinSettings(ctx, f.steward, model.Actor{}, st); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward saves settings: %v", err)
		}
		st.CreditMonths = 0
		if err := s.SaveJoinSettings(ctx, f.admin, model.Actor{}, st); fieldsOf(err)["credit_months"] == "" {
			t.Errorf("0 credit months: %v", err)
		}
		st.CreditMonths = 2
		if err := s.SaveJoinSettings(ctx, f.admin, model.Actor{}, st); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.JoinSettings(ctx); !got.AutoApprove || got.CreditMonths != 2 {
			t.Errorf("settings %+v", got)
		}
		r3, err := s.SubmitApplication(ctx, model.Actor{}, application("Una", "una@example.no", "41234568", model.TypeOrdinary, f.wB, ""))
		if err != nil || r3.Status != model.StatusActive {
			t.Fatalf("auto-approved %+v %v", r3, err)
		}
	})
}

func TestReferralAndOptIn(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _, rec, code := joinFixture(t, s)
		if again, _ := s.ReferralCode(ctx, f.admin, model.Actor{}, rec.ID); again != code {
			t.Errorf("second code %q, first %q", again, code)
		}
		r, ok, err := s.ReferrerByCode(ctx, " "+strings.ToLower(code))
		if err != nil || !ok || r.Name != "Rita R." || r.Workplace != f.wA.Name {
			t.Errorf("referrer %+v %v %v", r, ok, err)
		}
		if _, ok, _ := s.ReferrerByCode(ctx, "NOPE"); ok {
			t.Error("unknown code found")
		}
		prospect := &model.Person{FirstName: "P", LastName: "Q", WorkplaceID: f.wA.ID}
		if err := s.CreatePerson(ctx, f.admin, model.Actor{}, prospect); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReferralCode(ctx, f.admin, model.Actor{}, prospect.ID); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("prospect got a code: %v", err)
		}
		// The opt-in is the member's own choice: no role needed, no one else's.
		self := &access.Principal{PersonID: rec.ID}
		if err := s.SetLeaderboardOptIn(ctx, self, model.Actor{}, true); err != nil {
			t.Fatal(err)
		}
		if on, _ := s.LeaderboardOptIn(ctx, self); !on {
			t.Error("not opted in")
		}
		if err := s.SetLeaderboardOptIn(ctx, f.admin, model.Actor{}, true); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("user without a person: %v", err)
		}
		if err := s.SetLeaderboardOptIn(ctx, &access.Principal{PersonID: 999999}, model.Actor{}, true); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("unknown person: %v", err)
		}
	})
}

func TestDuesCreditLeaderboardAndRewards(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		now := day0
		s.SetClock(func() time.Time { return now })
		f, _, rec, code := joinFixture(t, s)
		s.SetClock(func() time.Time { return now })
		student, err := s.SubmitApplication(ctx, model.Actor{}, application("Stine", "stine@example.no", "41000001", model.TypeStudent, f.wA, code))
		if err != nil {
			t.Fatal(err)
		}
		worker, err := s.SubmitApplication(ctx, model.Actor{}, application("Ove", "ove@example.no", "41000002", model.TypeOrdinary, f.wA, code))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []int64{student.MembershipID, worker.MembershipID} {
			if err := s.DecideApplication(ctx, f.admin, model.Actor{}, m, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		// Dues by hand: scope, conflict.
		march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		if err := s.RecordPayment(ctx, f.steward, model.Actor{}, Payment{MembershipID: worker.MembershipID, Month: march, AmountOre: 35000}); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("steward records dues: %v", err)
		}
		if err := s.RecordPayment(ctx, f.admin, model.Actor{}, Payment{MembershipID: worker.MembershipID, Month: march.AddDate(0, 0, 14), AmountOre: 35000, Source: "manual"}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordPayment(ctx, f.admin, model.Actor{}, Payment{MembershipID: worker.MembershipID, Month: march, AmountOre: 35000}); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("same month twice: %v", err)
		}
		// CSV import is all or nothing.
		bad := "e-post;måned;beløp\nove@example.no;2026-04;350,00\nukjent@example.no;2026-04;350\nove@example.no;13.2026;350\n"
		report, ok, err := s.ImportPayments(ctx, f.admin, model.Actor{}, strings.NewReader(bad))
		if err != nil || ok || len(report) != 3 || !report[0].OK || report[1].OK || report[2].OK {
			t.Fatalf("bad import: %+v %v %v", report, ok, err)
		}
		if n := count(t, s, `SELECT count(*) FROM dues_payments`); n != 1 {
			t.Fatalf("a rejected import wrote: %d payments", n)
		}
		good := "\ufeffmedlemskap,month,amount\n" + itoa(worker.MembershipID) + ",2026-04,350\n"
		if report, ok, err := s.ImportPayments(ctx, f.admin, model.Actor{}, strings.NewReader(good)); err != nil || !ok || len(report) != 1 {
			t.Fatalf("good import: %+v %v %v", report, ok, err)
		}
		if ps, _ := s.Payments(ctx, f.admin, worker.MembershipID); len(ps) != 2 || ps[0].AmountOre != 35000 {
			t.Errorf("payments %+v", ps)
		}

		// Two months on: too early. Three: the student counts (no dues),
		// the worker lacks May.
		now = day0.AddDate(0, 2, 0)
		if n, err := s.EarnCredits(ctx, access.System("test"), model.Actor{}); err != nil || n != 0 {
			t.Fatalf("early credits %d %v", n, err)
		}
		now = day0.AddDate(0, 3, 0)
		if n, err := s.EarnCredits(ctx, access.System("test"), model.Actor{}); err != nil || n != 1 {
			t.Fatalf("credits %d %v", n, err)
		}
		if err := s.RecordPayment(ctx, f.admin, model.Actor{}, Payment{MembershipID: worker.MembershipID, Month: march.AddDate(0, 2, 0), AmountOre: 35000}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.EarnCredits(ctx, access.System("test"), model.Actor{}); err != nil || n != 1 {
			t.Fatalf("credits after May %d %v", n, err)
		}
		if n, _ := s.EarnCredits(ctx, access.System("test"), model.Actor{}); n != 0 {
			t.Errorf("credited twice: %d", n)
		}
		// A later membership of the same recruit (a student's transfer)
		// earns nothing more.
		if _, err := s.w.Exec(`INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by) VALUES ($1, 'student', 'active', $2, 'convert', $3)`,
			student.PersonID, day0, rec.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.EarnCredits(ctx, access.System("test"), model.Actor{}); n != 0 {
			t.Errorf("a second membership of the same recruit earned credit: %d", n)
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind = 'recruiter_thanks' AND to_addr = 'rita@example.no'`); n != 2 {
			t.Errorf("%d thank-you mails", n)
		}
		if cs, _ := s.CreditsOf(ctx, f.admin, rec.ID); len(cs.Named) != 2 || cs.Others != 0 {
			t.Errorf("credits %+v", cs)
		}

		// Leaderboard: only after opting in.
		if l, _ := s.Leaderboard(ctx, 0, 2026, 10); len(l) != 0 {
			t.Errorf("not opted in, yet shown: %+v", l)
		}
		s.SetLeaderboardOptIn(ctx, &access.Principal{PersonID: rec.ID}, model.Actor{}, true)
		if l, err := s.Leaderboard(ctx, f.clubA.ID, 2026, 10); err != nil || len(l) != 1 || l[0].Recruits != 2 {
			t.Errorf("club board %+v %v", l, err)
		}
		if l, _ := s.Leaderboard(ctx, f.clubB.ID, 2026, 10); len(l) != 0 {
			t.Errorf("other club's board %+v", l)
		}
		if l, _ := s.Leaderboard(ctx, 0, 2025, 10); len(l) != 0 {
			t.Errorf("last year's board %+v", l)
		}

		// Reward levels and handouts.
		if err := s.SaveRewardLevel(ctx, f.steward, model.Actor{}, &RewardLevel{Recruits: 1, Prize: "Kinobillett"}); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward makes union level: %v", err)
		}
		one := &RewardLevel{Recruits: 1, Prize: "Kinobillett"}
		five := &RewardLevel{Recruits: 5, Prize: "Helgetur", UnitID: f.clubA.ID}
		for _, l := range []*RewardLevel{one, five} {
			if err := s.SaveRewardLevel(ctx, f.admin, model.Actor{}, l); err != nil {
				t.Fatal(err)
			}
		}
		aw, err := s.Awards(ctx, f.admin)
		if err != nil || len(aw) != 1 || aw[0].Level.ID != one.ID || aw[0].HandedOut {
			t.Fatalf("awards %+v %v", aw, err)
		}
		if err := s.SetHandedOut(ctx, f.admin, model.Actor{}, one.ID, rec.ID, true); err != nil {
			t.Fatal(err)
		}
		if aw, _ := s.Awards(ctx, f.admin); !aw[0].HandedOut {
			t.Error("not handed out")
		}
		if err := s.SetHandedOut(ctx, f.admin, model.Actor{}, one.ID, rec.ID, false); err != nil {
			t.Fatal(err)
		}
		if aw, _ := s.Awards(ctx, f.admin); aw[0].HandedOut {
			t.Error("still handed out")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestBenefitsAndWorkplaceSearch(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f := newFixture(t, s)
		b := &Benefit{Title: "Innboforsikring", Body: "Rimelig", Link: "javascript:alert(1)"}
		if err := s.SaveBenefit(ctx, f.admin, model.Actor{}, b); fieldsOf(err)["link"] == "" {
			t.Errorf("javascript: link accepted: %v", err)
		}
		b.Link = "https://example.no/forsikring"
		if err := s.SaveBenefit(ctx, f.steward, model.Actor{}, b); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward edits benefits: %v", err)
		}
		if err := s.SaveBenefit(ctx, f.admin, model.Actor{}, b); err != nil {
			t.Fatal(err)
		}
		stud := &Benefit{Title: "Studentrabatt", Types: []string{model.TypeStudent}, Position: 2}
		if err := s.SaveBenefit(ctx, f.admin, model.Actor{}, stud); err != nil {
			t.Fatal(err)
		}
		b.Title = "Innbo"
		if err := s.SaveBenefit(ctx, f.admin, model.Actor{}, b); err != nil {
			t.Fatal(err)
		}
		bs, err := s.Benefits(ctx)
		if err != nil || len(bs) != 2 || bs[0].Title != "Innbo" || !bs[1].AppliesTo(model.TypeStudent) || bs[1].AppliesTo(model.TypeOrdinary) {
			t.Fatalf("benefits %+v %v", bs, err)
		}
		if err := s.DeleteBenefit(ctx, f.admin, model.Actor{}, stud.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteBenefit(ctx, f.admin, model.Actor{}, stud.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("deleted twice: %v", err)
		}
		if m, err := s.FindWorkplaces(ctx, "trondheim KOM", 10); err != nil || len(m) != 1 || m[0].ID != f.wA.ID {
			t.Errorf("by name %+v %v", m, err)
		}
		if m, _ := s.FindWorkplaces(ctx, "923 609 016", 10); len(m) != 1 || m[0].ID != f.wB.ID {
			t.Errorf("by orgnr %+v", m)
		}
		if m, _ := s.FindWorkplaces(ctx, "%", 10); len(m) != 0 {
			t.Errorf("%% matched %+v", m)
		}
	})
}

func TestDuesParsingAndUnits(t *testing.T) {
	for in, want := range map[string]string{"2026-11": "2026-11-01", "11.2026": "2026-11-01", "3/2027": "2027-03-01", "2026-11-25": "2026-11-01"} {
		if m, err := ParseMonth(in); err != nil || m.Format("2006-01-02") != want {
			t.Errorf("ParseMonth(%q) = %v, %v", in, m, err)
		}
	}
	for _, bad := range []string{"", "13.2026", "nov", "2026-13"} {
		if _, err := ParseMonth(bad); err == nil {
			t.Errorf("ParseMonth(%q) accepted", bad)
		}
	}
	for in, want := range map[string]int64{"350": 35000, "350,50": 35050, "1 234.5": 123450, "0": 0} {
		if n, err := ParseAmount(in); err != nil || n != want {
			t.Errorf("ParseAmount(%q) = %d, %v", in, n, err)
		}
	}
	for _, bad := range []string{"", "-1", "abc", "NaN", "1e9"} {
		if _, err := ParseAmount(bad); err == nil {
			t.Errorf("ParseAmount(%q) accepted", bad)
		}
	}
	if k := (Payment{AmountOre: 35050}).Kroner(); k != "350,50" {
		t.Errorf("Kroner = %q", k)
	}
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		us, err := s.LeaderboardUnits(context.Background())
		if err != nil || len(us) != 3 || us[0].Kind != model.UnitRegion || us[1].ID != f.clubA.ID {
			t.Errorf("units %+v %v", us, err)
		}
	})
}

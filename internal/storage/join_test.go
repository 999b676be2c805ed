package storage

import (
	"context"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/dues"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// joinFixture is pipelineFixture plus a recruiter with a referral code.
func joinFixture(t *testing.T, s *Storage) (*fixture, *model.Person, *model.Person, string) {
	t.Helper()
	f, tv := pipelineFixture(t, s)
	rec := &model.Person{FirstName: "Rita", LastName: "Rekrutterer", WorkplaceID: f.wA.ID, MemberStatus: model.StatusActive,
		Email: "rita@example.no", Mobile: "41111111"}
	if err := s.CreatePerson(context.Background(), f.admin, rec); err != nil {
		t.Fatal(err)
	}
	code, err := s.ReferralCode(context.Background(), f.admin, rec.ID)
	if err != nil || len(code) != 10 {
		t.Fatalf("referral code %q: %v", code, err)
	}
	return f, tv, rec, code
}

func application(first, email, mobile string, typ model.MembershipType, w *model.Workplace, ref string) *model.Application {
	a := &model.Application{Person: model.Person{FirstName: first, LastName: "Søker", Email: email, Mobile: mobile, PostalCode: "7010"},
		Type: typ, ReferralCode: ref, Consent: true, Lang: "nb", ConfirmURL: "https://verve.example/bli-medlem/bekreft/"}
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

var linkRE = regexp.MustCompile(`https://verve\.example/bli-medlem/bekreft/([A-Za-z0-9_-]+)\?lang=[a-z]+`)

// confirmMail returns the latest confirmation-link e-mail to addr: its
// subject, its text with the link replaced by LINK, and the link's token.
func confirmMail(t *testing.T, s *Storage, addr string) (subject, text, token string) {
	t.Helper()
	if err := s.r.QueryRow(`SELECT subject, text_body FROM outbox WHERE kind = $1 AND to_addr = $2 ORDER BY id DESC LIMIT 1`,
		model.MailJoinLink, addr).Scan(&subject, &text); err != nil {
		t.Fatalf("no confirmation e-mail to %s: %v", addr, err)
	}
	m := linkRE.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link in %q", text)
	}
	return subject, linkRE.ReplaceAllString(text, "LINK"), m[1]
}

// join submits app and confirms it by the link in its e-mail.
func join(t *testing.T, s *Storage, app *model.Application) *model.ApplicationResult {
	t.Helper()
	if err := s.SubmitApplication(context.Background(), access.Visitor(""), app); err != nil {
		t.Fatal(err)
	}
	_, _, token := confirmMail(t, s, app.Person.Email)
	res, err := s.ConfirmApplication(context.Background(), access.Visitor(""), token)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// snapshot dumps what an application must not change before it is
// confirmed: every person, membership, task and possible match.
func snapshot(t *testing.T, s *Storage) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT id, first_name, last_name, email, mobile, postal_code, COALESCE(fnr_hash, ''), COALESCE(workplace_id, 0), member_status, unit_path, updated_at FROM persons ORDER BY id`,
		`SELECT id, person_id, type, status, COALESCE(recruited_by, 0) FROM memberships ORDER BY id`,
		`SELECT id, person_id, kind, title, status, COALESCE(owner_person_id, 0) FROM tasks ORDER BY id`,
		`SELECT id, person_id, candidate_id, decision FROM match_candidates ORDER BY id`,
	} {
		b.WriteString(dumpRows(t, s, q))
	}
	return b.String()
}

func dumpRows(t *testing.T, s *Storage, q string, args ...any) string {
	t.Helper()
	return storagetest.Dump(t, s.r, q, args...)
}

// TestApplicationChangesNobodyUntilConfirmed: a member's fødselsnummer or
// e-mail typed by someone else gets the same e-mail text as a stranger's,
// and nothing but the unconfirmed application is stored.
func TestApplicationChangesNobodyUntilConfirmed(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _, rec, _ := joinFixture(t, s)
		member := &model.Person{FirstName: "Mona", LastName: "Medlem", WorkplaceID: f.wB.ID, MemberStatus: model.StatusActive,
			Email: "mona@example.no", Mobile: "41222222", Fnr: "01019012480"}
		if err := s.CreatePerson(ctx, f.admin, member); err != nil {
			t.Fatal(err)
		}
		prospect := &model.Person{FirstName: "Per", LastName: "Prospekt", WorkplaceID: f.wA.ID, Email: "per@example.no", Mobile: "41333333"}
		if err := s.CreatePerson(ctx, f.admin, prospect); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, s)

		// Bad input: every field named, nothing stored.
		bad := &model.Application{Person: model.Person{FirstName: "", Email: "nei", Mobile: "22334455", PostalCode: "99x"}, Type: "x"}
		err := s.SubmitApplication(ctx, access.Visitor(""), bad)
		for _, k := range []string{"first_name", "last_name", "email", "mobile", "postal_code", "type", "consent"} {
			if fieldsOf(err)[k] == "" {
				t.Errorf("no message for %s: %v", k, err)
			}
		}
		if err := s.SubmitApplication(ctx, access.Visitor(""), application("Ola", "ola@example.no", "98765432", model.TypeOrdinary, f.wA, "FEILKODE")); fieldsOf(err)["ref"] == "" {
			t.Errorf("unknown code: %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM applications`); n != 0 {
			t.Fatalf("%d applications stored from bad input", n)
		}

		// The member's number with a stranger's address, the member's and
		// the prospect's addresses, and a stranger: the same e-mail.
		withFnr := application("Ola", "ola@example.no", "98765432", model.TypeOrdinary, f.wA, "")
		withFnr.Person.Fnr = member.Fnr
		stranger := application("Ola", "ola2@example.no", "98765433", model.TypeOrdinary, f.wA, "")
		stranger.Person.Fnr = norway.GenerateFnr(time.Date(1990, 3, 4, 0, 0, 0, 0, time.UTC), true, rand.New(rand.NewPCG(1, 2)))
		apps := []*model.Application{withFnr, stranger, application("Ola", member.Email, "98765434", model.TypeOrdinary, f.wA, ""),
			application("Ola", prospect.Email, prospect.Mobile, model.TypeOrdinary, f.wA, ""), application("Ola", rec.Email, "98765435", model.TypeOrdinary, nil, "")}
		var first string
		for i, app := range apps {
			if err := s.SubmitApplication(ctx, access.Visitor(""), app); err != nil {
				t.Fatal(err)
			}
			subj, text, _ := confirmMail(t, s, app.Person.Email)
			if i == 0 {
				first = subj + "\n" + text
				if subj != "Bekreft innmeldingen din" || !strings.Contains(text, "Hei Ola,") || !strings.Contains(text, "LINK") {
					t.Errorf("confirmation e-mail %q\n%s", subj, text)
				}
			} else if subj+"\n"+text != first {
				t.Errorf("e-mail %d differs:\n%s\n---\n%s", i, subj+"\n"+text, first)
			}
		}
		// Twice: the same again.
		if err := s.SubmitApplication(ctx, access.Visitor(""), withFnr); err != nil {
			t.Fatal(err)
		}
		if subj, text, _ := confirmMail(t, s, withFnr.Person.Email); subj+"\n"+text != first {
			t.Errorf("second application's e-mail differs: %s", text)
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("an unconfirmed application changed persons, memberships, tasks or matches:\n%s\n---\n%s", before, after)
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind <> $1`, model.MailJoinLink); n != 0 {
			t.Errorf("%d other e-mails queued", n)
		}
		// The number is kept as its hash and sealed, never in clear.
		var hash, sealed string
		if err := s.r.QueryRow(`SELECT fnr_hash, fnr_sealed FROM applications WHERE email = 'ola2@example.no'`).Scan(&hash, &sealed); err != nil {
			t.Fatal(err)
		}
		if hash != s.FnrHash(stranger.Person.Fnr) || strings.Contains(sealed, stranger.Person.Fnr) {
			t.Errorf("hash %q sealed %q", hash, sealed)
		}
		if opened, err := s.key.Open(sealed); err != nil || opened != stranger.Person.Fnr {
			t.Errorf("sealed number opens to %q, %v", opened, err)
		}
	})
}

// TestConfirmApplication: forged, expired and replayed links change
// nothing; a confirmation makes one new person, membership and task, leaves
// the known person as they were and records the possible match.
func TestConfirmApplication(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		now := day0
		f, tv, rec, code := joinFixture(t, s)
		s.SetClock(func() time.Time { return now })
		member := &model.Person{FirstName: "Mona", LastName: "Medlem", WorkplaceID: f.wB.ID, MemberStatus: model.StatusActive,
			Email: "mona@example.no", Mobile: "41222222", Fnr: "01019012480"}
		if err := s.CreatePerson(ctx, f.admin, member); err != nil {
			t.Fatal(err)
		}
		memberRow := func() string {
			return dumpRows(t, s, `SELECT * FROM persons WHERE id = $1`, member.ID) + dumpRows(t, s, `SELECT * FROM memberships WHERE person_id = $1`, member.ID)
		}
		known := memberRow()
		before := snapshot(t, s)
		refused := func(token string, want error) {
			t.Helper()
			if err := s.CheckApplicationLink(ctx, token); err != want {
				t.Errorf("check %q: %v, want %v", token, err, want)
			}
			if _, err := s.ConfirmApplication(ctx, access.Visitor(""), token); err != want {
				t.Errorf("confirm %q: %v, want %v", token, err, want)
			}
		}
		refused("forged", ErrLinkUnknown)
		refused("", ErrLinkUnknown)

		// Expired: refused, then deleted by the worker's job.
		late := application("Lene", "lene@example.no", "98700001", model.TypeOrdinary, f.wA, "")
		if err := s.SubmitApplication(ctx, access.Visitor(""), late); err != nil {
			t.Fatal(err)
		}
		_, _, lateToken := confirmMail(t, s, late.Person.Email)
		now = day0.Add(confirmLinkTTL - time.Minute)
		if err := s.CheckApplicationLink(ctx, lateToken); err != nil {
			t.Errorf("link refused before it expired: %v", err)
		}
		if n, err := s.DeleteExpiredApplications(ctx, access.System("test")); err != nil || n != 0 {
			t.Errorf("deleted early: %d %v", n, err)
		}
		now = day0.Add(confirmLinkTTL)
		refused(lateToken, ErrLinkExpired)
		if n, err := s.DeleteExpiredApplications(ctx, access.System("test")); err != nil || n != 1 {
			t.Errorf("deleted %d expired: %v", n, err)
		}
		refused(lateToken, ErrLinkUnknown)
		if after := snapshot(t, s); after != before {
			t.Errorf("refused links changed something:\n%s\n---\n%s", before, after)
		}
		now = day0

		// The member's number and e-mail typed by an applicant, confirmed.
		app := application("Ola", member.Email, "98700002", model.TypeStudent, f.wA, strings.ToLower(code))
		app.Person.Fnr = member.Fnr
		if err := s.SubmitApplication(ctx, access.Visitor(""), app); err != nil {
			t.Fatal(err)
		}
		_, _, token := confirmMail(t, s, app.Person.Email)
		persons := count(t, s, `SELECT count(*) FROM persons`)
		res, err := s.ConfirmApplication(ctx, access.Visitor(""), token)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != model.StatusPending || res.RecruiterID != rec.ID || res.PersonID == member.ID || res.Candidates != 1 {
			t.Fatalf("result %+v", res)
		}
		if n := count(t, s, `SELECT count(*) FROM persons`); n != persons+1 {
			t.Errorf("%d persons, want %d", n, persons+1)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1 AND first_name = 'Ola' AND email = $2 AND fnr_hash IS NULL AND member_status = 'pending'`,
			res.PersonID, member.Email); n != 1 {
			t.Error("the new person is not what the applicant typed")
		}
		if n := count(t, s, `SELECT count(*) FROM memberships WHERE person_id = $1 AND status = 'pending' AND recruited_by = $2 AND institution = 'NTNU'`, res.PersonID, rec.ID); n != 1 {
			t.Errorf("%d memberships", n)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks WHERE person_id = $1 AND kind = 'welcome' AND owner_person_id = $2`, res.PersonID, tv.ID); n != 1 {
			t.Errorf("%d welcome tasks for the steward", n)
		}
		if n := count(t, s, `SELECT count(*) FROM tasks`); n != 1 {
			t.Errorf("%d tasks in all", n)
		}
		if n := count(t, s, `SELECT count(*) FROM match_candidates WHERE person_id = $1 AND candidate_id = $2 AND source = 'join' AND match = 'fnr'`, res.PersonID, member.ID); n != 1 {
			t.Error("possible match not recorded")
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE person_id = $1 AND kind = 'join_confirmation' AND subject = 'Vi har mottatt innmeldingen din'`, res.PersonID); n != 1 {
			t.Errorf("%d confirmations", n)
		}
		if memberRow() != known {
			t.Error("the known person was changed")
		}
		if n := count(t, s, `SELECT count(*) FROM applications WHERE person_id = $1 AND first_name = '' AND email = '' AND fnr_sealed IS NOT NULL`, res.PersonID); n != 1 {
			t.Error("the typed copy was not blanked, or the sealed number is gone")
		}
		// Replayed: refused, nothing more.
		after := snapshot(t, s)
		refused(token, ErrLinkUsed)
		if snapshot(t, s) != after {
			t.Error("a replayed link changed something")
		}

		// The approver sees the possible match where their scope covers
		// the known person; an advisor of club A alone sees the
		// application, not the member of club B.
		apps, err := s.Applications(ctx, f.admin, "", 10)
		if err != nil || len(apps) != 1 || len(apps[0].Matches) != 1 || apps[0].Matches[0].KnownID != member.ID || apps[0].Recruiter != "Rita Rekrutterer" {
			t.Fatalf("applications %+v %v", apps, err)
		}
		advisor := &access.Principal{Username: "r", Grants: []access.Grant{{Role: model.RoleAdvisor, UnitPath: f.clubA.Path}}}
		if apps, err := s.Applications(ctx, advisor, "", 10); err != nil || len(apps) != 1 || len(apps[0].Matches) != 0 {
			t.Errorf("advisor of club A: %+v %v", apps, err)
		}
		if err := s.DecideMatch(ctx, advisor, apps[0].Matches[0].ID, model.MatchDistinct); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("advisor of club A decides: %v", err)
		}
		if err := s.DecideMatch(ctx, f.admin, apps[0].Matches[0].ID, model.MatchDistinct); err != nil {
			t.Fatal(err)
		}
		if apps, _ := s.Applications(ctx, f.admin, "", 10); len(apps[0].Matches) != 0 {
			t.Error("a decided match still shown")
		}

		// Auto-approval approves at once even with a possible match; the
		// e-mail is the same as for a stranger.
		st := DefaultJoinSettings
		st.AutoApprove = true
		if err := s.SaveJoinSettings(ctx, f.admin, st); err != nil {
			t.Fatal(err)
		}
		twin := join(t, s, application("Mona", "mona.ny@example.no", member.Mobile, model.TypeOrdinary, f.wB, ""))
		fresh := join(t, s, application("Mona", "mona.annen@example.no", "98700003", model.TypeOrdinary, f.wB, ""))
		if twin.Status != model.StatusActive || twin.Candidates != 1 || fresh.Status != model.StatusActive || fresh.Candidates != 0 {
			t.Errorf("auto-approved %+v %+v", twin, fresh)
		}
		mails := dumpRows(t, s, `SELECT subject, text_body FROM outbox WHERE person_id = $1`, twin.PersonID)
		if mails == "" || mails != dumpRows(t, s, `SELECT subject, text_body FROM outbox WHERE person_id = $1`, fresh.PersonID) {
			t.Errorf("e-mails differ with a possible match:\n%s", mails)
		}
		if memberRow() != known {
			t.Error("the known person was changed")
		}
		// Decided as the same person: the application follows the merge.
		apps, _ = s.Applications(ctx, f.admin, model.StatusActive, 10)
		var matchID int64
		for _, a := range apps {
			if a.PersonID == twin.PersonID && len(a.Matches) == 1 {
				matchID = a.Matches[0].ID
			}
		}
		if err := s.DecideMatch(ctx, f.admin, matchID, model.MatchMerge); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM applications WHERE membership_id = $1 AND person_id = $2`, twin.MembershipID, member.ID); n != 1 {
			t.Error("the application did not follow the merge")
		}
	})
}

// TestDecideAndEraseApplications: approval and rejection with a reason, in
// scope; a rejected applicant is erased after the retention period.
func TestDecideAndEraseApplications(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _, _, _ := joinFixture(t, s)
		res := join(t, s, application("Siri", "siri@example.no", "98765432", model.TypeStudent, f.wA, ""))
		if apps, _ := s.Applications(ctx, f.steward, "", 10); len(apps) != 0 {
			t.Errorf("a steward sees applications: %+v", apps)
		}
		if err := s.DecideApplication(ctx, f.admin, res.MembershipID, false, ""); fieldsOf(err)["reason"] == "" {
			t.Errorf("rejection without reason: %v", err)
		}
		if err := s.DecideApplication(ctx, f.steward, res.MembershipID, true, ""); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("steward approves: %v", err)
		}
		if err := s.DecideApplication(ctx, f.admin, res.MembershipID, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideApplication(ctx, f.admin, res.MembershipID, true, ""); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("approved twice: %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1 AND member_status = 'active'`, res.PersonID); n != 1 {
			t.Error("approved person not active")
		}

		// Rejection mails the reason and drops the sealed number.
		app := application("Tor", "tor@example.no", "41234567", model.TypeOrdinary, nil, "")
		app.Person.Fnr = "01019012480"
		r2 := join(t, s, app)
		if err := s.DecideApplication(ctx, f.admin, r2.MembershipID, false, "Jobber ikke i vår bransje"); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE person_id = $1 AND text_body LIKE '%vår bransje%'`, r2.PersonID); n != 1 {
			t.Error("no rejection mail with the reason")
		}
		if n := count(t, s, `SELECT count(*) FROM applications WHERE person_id = $1 AND fnr_sealed IS NULL`, r2.PersonID); n != 1 {
			t.Error("a rejected applicant's sealed number kept")
		}
		// A refused applicant who holds a role (say, appointed verneombud
		// before applying) is on the union's record and is kept.
		app3 := application("Siv", "siv@example.no", "41234568", model.TypeOrdinary, nil, "")
		r3 := join(t, s, app3)
		if err := s.DecideApplication(ctx, f.admin, r3.MembershipID, false, "Jobber ikke i vår bransje"); err != nil {
			t.Fatal(err)
		}
		exec(t, s, `INSERT INTO roles (person_id, role, unit_id, start_date) VALUES ($1, 'safety_rep', $2, $3)`, r3.PersonID, f.clubA.ID, day0.Format(time.DateOnly))
		// The rejected applicant is erased once the retention period is
		// over, with the personal values in the audit log.
		if n, err := s.EraseRejected(ctx, access.System("test")); err != nil || n != 0 {
			t.Fatalf("erased at once: %d %v", n, err)
		}
		later := day0.AddDate(0, 0, DefaultSettings.RetentionDays+1)
		s.SetClock(func() time.Time { return later })
		if n, err := s.EraseRejected(ctx, access.System("test")); err != nil || n != 1 {
			t.Fatalf("erased %d: %v", n, err)
		}
		for q, want := range map[string]int{
			`SELECT count(*) FROM persons WHERE id = $1`:                           0,
			`SELECT count(*) FROM applications WHERE person_id = $1`:               0,
			`SELECT count(*) FROM audit_log WHERE person_id = $1 AND detail <> ''`: 0,
		} {
			if n := count(t, s, q, r2.PersonID); n != want {
				t.Errorf("%s: %d", q, n)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1`, res.PersonID); n != 1 {
			t.Error("the approved member was erased")
		}
		if n := count(t, s, `SELECT count(*) FROM persons WHERE id = $1`, r3.PersonID); n != 1 {
			t.Error("a refused applicant holding a role was erased")
		}
		s.SetClock(func() time.Time { return day0 })

		st := DefaultJoinSettings
		st.AutoApprove = true
		if err := s.SaveJoinSettings(ctx, f.steward, st); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward saves settings: %v", err)
		}
		st.CreditMonths = 0
		if err := s.SaveJoinSettings(ctx, f.admin, st); fieldsOf(err)["credit_months"] == "" {
			t.Errorf("0 credit months: %v", err)
		}
		st.CreditMonths = 2
		if err := s.SaveJoinSettings(ctx, f.admin, st); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.JoinSettings(ctx); !got.AutoApprove || got.CreditMonths != 2 {
			t.Errorf("settings %+v", got)
		}
	})
}

// TestExportApplications: the export to the member register gives the
// approved applications in scope with their numbers, once, and leaves only
// the keyed hash: no fødselsnummer in clear anywhere in the database.
func TestExportApplications(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _, _, _ := joinFixture(t, s)
		fnr := norway.GenerateFnr(time.Date(1992, 7, 8, 0, 0, 0, 0, time.UTC), false, rand.New(rand.NewPCG(3, 4)))
		app := application("Eva", "eva@example.no", "98711111", model.TypeOrdinary, f.wA, "")
		app.Person.Fnr = fnr
		res := join(t, s, app)
		other := join(t, s, application("Bo", "bo@example.no", "98711112", model.TypeOrdinary, f.wB, ""))
		pending := join(t, s, application("Pia", "pia@example.no", "98711113", model.TypeOrdinary, f.wA, ""))
		for _, r := range []*model.ApplicationResult{res, other} {
			if err := s.DecideApplication(ctx, f.admin, r.MembershipID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		advisorB := &access.Principal{Username: "rb", Grants: []access.Grant{{Role: model.RoleAdvisor, UnitPath: f.clubB.Path}}}
		if n, err := s.RegisterPending(ctx, f.admin); err != nil || n != 2 {
			t.Errorf("admin: %d waiting, %v", n, err)
		}
		if _, err := s.ExportApplications(ctx, f.steward); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward exports: %v", err)
		}
		rows, err := s.ExportApplications(ctx, advisorB)
		if err != nil || len(rows) != 1 || rows[0].FirstName != "Bo" || rows[0].Orgnr != "923609016" && rows[0].Orgnr != f.wB.Orgnr {
			t.Fatalf("advisor of club B: %+v %v", rows, err)
		}
		rows, err = s.ExportApplications(ctx, f.admin)
		if err != nil || len(rows) != 1 {
			t.Fatalf("admin: %+v %v", rows, err)
		}
		r := rows[0]
		if r.Fnr != fnr || r.FirstName != "Eva" || r.Email != "eva@example.no" || r.Mobile != "+4798711111" || r.Type != model.TypeOrdinary ||
			r.BirthDate.Format("2006-01-02") != "1992-07-08" || r.AppliedAt.IsZero() || r.Orgnr != f.wA.Orgnr {
			t.Errorf("row %+v", r)
		}
		if rows, _ := s.ExportApplications(ctx, f.admin); len(rows) != 0 {
			t.Errorf("exported twice: %+v", rows)
		}
		if n := count(t, s, `SELECT count(*) FROM applications WHERE person_id = $1 AND fnr_sealed IS NULL AND fnr_hash = $2 AND exported_at IS NOT NULL`,
			res.PersonID, s.FnrHash(fnr)); n != 1 {
			t.Error("the exported application keeps more than the hash")
		}
		if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'application' AND person_id = $1`, res.PersonID); n != 1 {
			t.Error("export not audited")
		}
		if n := count(t, s, `SELECT count(*) FROM applications WHERE person_id = $1 AND exported_at IS NULL`, pending.PersonID); n != 1 {
			t.Error("a pending application was exported")
		}
		if where := findInDatabase(t, s, fnr); where != "" {
			t.Errorf("the fødselsnummer is in clear in %s", where)
		}
	})
}

// TestRegisterPendingFromApplications: the approved applications waiting
// for export are counted in each reader's scope, and on SQLite read from
// applications with their persons looked up, not from the scope's persons
// (a union's million at 1M members: 200 ms of CPU a page).
func TestRegisterPendingFromApplications(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _, _, _ := joinFixture(t, s)
		a := join(t, s, application("Eva", "eva@example.no", "98711111", model.TypeOrdinary, f.wA, ""))
		b := join(t, s, application("Bo", "bo@example.no", "98711112", model.TypeOrdinary, f.wB, ""))
		join(t, s, application("Pia", "pia@example.no", "98711113", model.TypeOrdinary, f.wA, ""))
		for _, r := range []*model.ApplicationResult{a, b} {
			if err := s.DecideApplication(ctx, f.admin, r.MembershipID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		advisorB := &access.Principal{Username: "rb", Grants: []access.Grant{{Role: model.RoleAdvisor, UnitPath: f.clubB.Path}}}
		portfolioA := &access.Principal{Username: "pa", Grants: []access.Grant{{Role: model.RoleAdvisor, UnitPath: f.clubB.Path, Workplaces: []int64{f.wA.ID}}}}
		for _, c := range []struct {
			u    *access.Principal
			want int
		}{{f.admin, 2}, {advisorB, 1}, {portfolioA, 2}, {f.steward, 0}} {
			if n, err := s.RegisterPending(ctx, c.u); err != nil || n != c.want {
				t.Errorf("%s: %d waiting, want %d (%v)", c.u.Username, n, c.want, err)
			}
		}
		if s.dialect != SQLite {
			return
		}
		var args access.Args
		plan := planner(t, s)(registerPendingQuery(f.admin, &args), args...)
		if len(plan) == 0 || len(strings.Fields(plan[0])) < 2 || strings.Fields(plan[0])[1] != "ap" {
			t.Errorf("not read from applications first:\n%s", strings.Join(plan, "\n"))
		}
	})
}

// findInDatabase returns the first table whose any column holds needle.
func findInDatabase(t *testing.T, s *Storage, needle string) string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if s.dialect == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	var tables []string
	rows, err := s.r.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only %d tables found", len(tables))
	}
	for _, tb := range tables {
		if strings.Contains(dumpRows(t, s, `SELECT * FROM `+tb), needle) {
			return tb
		}
	}
	return ""
}

func TestReferralAndOptIn(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		f, _, rec, code := joinFixture(t, s)
		if again, _ := s.ReferralCode(ctx, f.admin, rec.ID); again != code {
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
		if err := s.CreatePerson(ctx, f.admin, prospect); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReferralCode(ctx, f.admin, prospect.ID); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("prospect got a code: %v", err)
		}
		// The opt-in is the member's own choice: no role needed, no one else's.
		self := &access.Principal{PersonID: rec.ID}
		if err := s.SetLeaderboardOptIn(ctx, self, true); err != nil {
			t.Fatal(err)
		}
		if on, _ := s.LeaderboardOptIn(ctx, self); !on {
			t.Error("not opted in")
		}
		if err := s.SetLeaderboardOptIn(ctx, f.admin, true); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("user without a person: %v", err)
		}
		if err := s.SetLeaderboardOptIn(ctx, &access.Principal{PersonID: 999999}, true); model.ErrorCode(err) != model.ENOTFOUND {
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
		student := join(t, s, application("Stine", "stine@example.no", "41000001", model.TypeStudent, f.wA, code))
		worker := join(t, s, application("Ove", "ove@example.no", "41000002", model.TypeOrdinary, f.wA, code))
		for _, m := range []int64{student.MembershipID, worker.MembershipID} {
			if err := s.DecideApplication(ctx, f.admin, m, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		// Dues by hand: scope, conflict.
		march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		if err := s.RecordPayment(ctx, f.steward, Payment{MembershipID: worker.MembershipID, Month: march, AmountOre: 35000}); model.ErrorCode(err) != model.ENOTFOUND {
			t.Errorf("steward records dues: %v", err)
		}
		if err := s.RecordPayment(ctx, f.admin, Payment{MembershipID: worker.MembershipID, Month: march.AddDate(0, 0, 14), AmountOre: 35000, Source: "manual"}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordPayment(ctx, f.admin, Payment{MembershipID: worker.MembershipID, Month: march, AmountOre: 35000}); model.ErrorCode(err) != model.ECONFLICT {
			t.Errorf("same month twice: %v", err)
		}
		// CSV import is all or nothing.
		bad := "e-post;måned;beløp\nove@example.no;2026-04;350,00\nukjent@example.no;2026-04;350\nove@example.no;13.2026;350\n"
		report, ok, err := importDues(ctx, s, f.admin, bad)
		if err != nil || ok || len(report) != 3 || !report[0].OK || report[1].OK || report[2].OK {
			t.Fatalf("bad import: %+v %v %v", report, ok, err)
		}
		if n := count(t, s, `SELECT count(*) FROM dues_payments`); n != 1 {
			t.Fatalf("a rejected import wrote: %d payments", n)
		}
		good := "\ufeffmedlemskap,month,amount\n" + itoa(worker.MembershipID) + ",2026-04,350\n"
		if report, ok, err := importDues(ctx, s, f.admin, good); err != nil || !ok || len(report) != 1 {
			t.Fatalf("good import: %+v %v %v", report, ok, err)
		}
		if ps, _ := s.Payments(ctx, f.admin, worker.MembershipID); len(ps) != 2 || ps[0].AmountOre != 35000 {
			t.Errorf("payments %+v", ps)
		}

		// Two months on: too early. Three: the student counts (no dues),
		// the worker lacks May.
		now = day0.AddDate(0, 2, 0)
		if n, err := s.EarnCredits(ctx, access.System("test")); err != nil || n != 0 {
			t.Fatalf("early credits %d %v", n, err)
		}
		now = day0.AddDate(0, 3, 0)
		if n, err := s.EarnCredits(ctx, access.System("test")); err != nil || n != 1 {
			t.Fatalf("credits %d %v", n, err)
		}
		if err := s.RecordPayment(ctx, f.admin, Payment{MembershipID: worker.MembershipID, Month: march.AddDate(0, 2, 0), AmountOre: 35000}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.EarnCredits(ctx, access.System("test")); err != nil || n != 1 {
			t.Fatalf("credits after May %d %v", n, err)
		}
		if n, _ := s.EarnCredits(ctx, access.System("test")); n != 0 {
			t.Errorf("credited twice: %d", n)
		}
		// A later membership of the same recruit (a student's transfer)
		// earns nothing more.
		if _, err := s.w.Exec(`INSERT INTO memberships (person_id, type, status, start_date, source, recruited_by) VALUES ($1, 'student', 'active', $2, 'student_transfer', $3)`,
			student.PersonID, day0, rec.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.EarnCredits(ctx, access.System("test")); n != 0 {
			t.Errorf("a second membership of the same recruit earned credit: %d", n)
		}
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind = 'recruiter_thanks' AND to_addr = 'rita@example.no'`); n != 2 {
			t.Errorf("%d thank-you mails", n)
		}
		if cs, _ := s.CreditsOf(ctx, f.admin, rec.ID); len(cs.Named) != 2 || cs.Others != 0 {
			t.Errorf("credits %+v", cs)
		}

		// Leaderboard: only after opting in.
		if l, _ := s.Leaderboard(ctx, f.admin, 0, 2026, 10); len(l) != 0 {
			t.Errorf("not opted in, yet shown: %+v", l)
		}
		s.SetLeaderboardOptIn(ctx, &access.Principal{PersonID: rec.ID}, true)
		if l, err := s.Leaderboard(ctx, f.admin, f.clubA.ID, 2026, 10); err != nil || len(l) != 1 || l[0].Recruits != 2 {
			t.Errorf("club board %+v %v", l, err)
		}
		if l, _ := s.Leaderboard(ctx, f.admin, f.clubB.ID, 2026, 10); len(l) != 0 {
			t.Errorf("other club's board %+v", l)
		}
		if l, _ := s.Leaderboard(ctx, f.admin, 0, 2025, 10); len(l) != 0 {
			t.Errorf("last year's board %+v", l)
		}
		if _, err := s.Leaderboard(ctx, nil, 0, 2026, 10); model.ErrorCode(err) != model.EUNAUTH {
			t.Errorf("the leaderboard for nobody: %v", err)
		}

		// Reward levels and handouts.
		if err := s.SaveRewardLevel(ctx, f.steward, &RewardLevel{Recruits: 1, Prize: "Kinobillett"}); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward makes union level: %v", err)
		}
		one := &RewardLevel{Recruits: 1, Prize: "Kinobillett"}
		five := &RewardLevel{Recruits: 5, Prize: "Helgetur", UnitID: f.clubA.ID}
		for _, l := range []*RewardLevel{one, five} {
			if err := s.SaveRewardLevel(ctx, f.admin, l); err != nil {
				t.Fatal(err)
			}
		}
		aw, err := s.Awards(ctx, f.admin)
		if err != nil || len(aw) != 1 || aw[0].Level.ID != one.ID || aw[0].HandedOut {
			t.Fatalf("awards %+v %v", aw, err)
		}
		if err := s.SetHandedOut(ctx, f.admin, one.ID, rec.ID, true); err != nil {
			t.Fatal(err)
		}
		if aw, _ := s.Awards(ctx, f.admin); !aw[0].HandedOut {
			t.Error("not handed out")
		}
		if err := s.SetHandedOut(ctx, f.admin, one.ID, rec.ID, false); err != nil {
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
		if err := s.SaveBenefit(ctx, f.admin, b); fieldsOf(err)["link"] == "" {
			t.Errorf("javascript: link accepted: %v", err)
		}
		b.Link = "https://example.no/forsikring"
		if err := s.SaveBenefit(ctx, f.steward, b); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Errorf("steward edits benefits: %v", err)
		}
		if err := s.SaveBenefit(ctx, f.admin, b); err != nil {
			t.Fatal(err)
		}
		stud := &Benefit{Title: "Studentrabatt", Types: []string{string(model.TypeStudent)}, Position: 2}
		if err := s.SaveBenefit(ctx, f.admin, stud); err != nil {
			t.Fatal(err)
		}
		b.Title = "Innbo"
		if err := s.SaveBenefit(ctx, f.admin, b); err != nil {
			t.Fatal(err)
		}
		bs, err := s.Benefits(ctx)
		if err != nil || len(bs) != 2 || bs[0].Title != "Innbo" || !bs[1].AppliesTo(string(model.TypeStudent)) || bs[1].AppliesTo(string(model.TypeOrdinary)) {
			t.Fatalf("benefits %+v %v", bs, err)
		}
		if err := s.DeleteBenefit(ctx, f.admin, stud.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteBenefit(ctx, f.admin, stud.ID); model.ErrorCode(err) != model.ENOTFOUND {
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

func TestLeaderboardUnits(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		us, err := s.LeaderboardUnits(context.Background())
		if err != nil || len(us) != 3 || us[0].Kind != model.UnitRegion || us[1].ID != f.clubA.ID {
			t.Errorf("units %+v %v", us, err)
		}
	})
}

// importDues reads a dues file as the page does and records it.
func importDues(ctx context.Context, s *Storage, u *access.Principal, file string) ([]dues.Line, bool, error) {
	rows, err := dues.Read(strings.NewReader(file), int64(len(file)))
	if err != nil {
		return nil, false, err
	}
	outs, err := s.ImportPayments(ctx, u, rows)
	if err != nil {
		return nil, false, err
	}
	report, ok := dues.Report(rows, outs, "nb")
	return report, ok, nil
}

// Credits are earned batch by batch: every batch counts, not only the
// first.
func TestCreditsEarnedAcrossBatches(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		now := day0
		f, _, _, code := joinFixture(t, s)
		s.SetClock(func() time.Time { return now })
		for i, name := range []string{"Stine", "Siri", "Sofie"} {
			a := join(t, s, application(name, strings.ToLower(name)+"@example.no", "4100001"+strconv.Itoa(i), model.TypeStudent, f.wA, code))
			if err := s.DecideApplication(ctx, f.admin, a.MembershipID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		now = day0.AddDate(0, 3, 0)
		if n, err := s.earnCreditsBy(ctx, access.System("test"), 1); err != nil || n != 3 {
			t.Fatalf("credits %d %v, want 3", n, err)
		}
		if n := count(t, s, `SELECT count(*) FROM credits`); n != 3 {
			t.Errorf("%d credits recorded, want 3", n)
		}
	})
}

package ui

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/pipeline"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// addNewHires imports one new hire per outcome at w, as the admin, and
// logs each non-empty outcome on the new hire's welcome task.
func addNewHires(t *testing.T, e *testEnv, admin *access.Principal, w *storage.WorkplaceSummary, tag string, outcomes ...pipeline.Result) {
	t.Helper()
	ctx := context.Background()
	today := e.Store.Today()
	var rows []storage.ImportRow
	for i := range outcomes {
		rows = append(rows, storage.ImportRow{WorkplaceID: w.ID, NewHire: model.NewHire{Line: i + 2, FirstName: fmt.Sprintf("%s%d", tag, i),
			LastName: "Rekruttsen", StartDate: today.AddDate(0, 0, -3), BirthDate: time.Date(1990+i, 3, 4, 0, 0, 0, 0, time.UTC)}})
	}
	seq := func(yield func(storage.ImportRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
	res, err := e.Store.Import(ctx, admin, storage.ImportRequest{Kind: storage.ImportNewhires, WorkplaceID: w.ID,
		Filename: "nyansatte.csv", Source: "HR", LawfulBasis: "Hovedavtalen", Commit: true}, seq)
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[storage.ClassNew] != len(outcomes) {
		t.Fatalf("import at %s: %v, want %d new", w.Name, res.Counts, len(outcomes))
	}
	persons, err := e.Store.PersonsAtWorkplace(ctx, admin, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, outcome := range outcomes {
		if outcome == "" {
			continue
		}
		var task int64
		for _, p := range persons {
			if p.FirstName != fmt.Sprintf("%s%d", tag, i) || p.LastName != "Rekruttsen" {
				continue
			}
			hist, err := e.Store.History(ctx, admin, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range hist.Tasks {
				if tk.Kind == model.TaskWelcome && tk.Status == model.TaskOpen {
					task = tk.ID
				}
			}
		}
		if task == 0 {
			t.Fatalf("no welcome task for %s%d", tag, i)
		}
		res, err := e.Store.LogOutcome(ctx, admin, pipeline.Outcome{TaskID: task, Result: outcome, ConfirmURL: testConfirmURL})
		if err != nil {
			t.Fatal(err)
		}
		if outcome == pipeline.OutcomeJoined {
			confirmInvitation(t, e, res.Invitation)
		}
	}
}

var recruitmentRowRe = regexp.MustCompile(`<tr><td><a href="/workplaces/(\d+)">`)

// pageRows returns the workplace ids of the table's rows, in order.
func pageRows(t *testing.T, body string) []int64 {
	t.Helper()
	var ids []int64
	for _, m := range recruitmentRowRe.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	return ids
}

// download fetches an export and returns its status, headers and body.
func download(t *testing.T, c *http.Client, url string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := send(t, c, req)
	return resp.StatusCode, resp.Header, []byte(body)
}

func exportAudits(t *testing.T, e *testEnv, admin *access.Principal) []model.AuditEntry {
	t.Helper()
	all, err := e.Store.AuditLog(context.Background(), admin, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []model.AuditEntry
	for _, a := range all {
		if a.Action == "export" && a.Entity == "recruitment" {
			out = append(out, a)
		}
	}
	return out
}

func TestRecruitmentPageAndExports(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			admin := e.principal(t, "admin")
			coord := e.principal(t, "vervekoordinator")
			scope := coord.Scope(access.StatisticsRead)
			if scope.Empty() {
				t.Fatal("the coordinator has no statistics scope")
			}

			// Pipeline figures of our own, at workplaces of our own so that
			// the demo's lists don't mix in: two in the coordinator's region
			// and one outside it with the most joined of all.
			tree, err := e.Store.UnitTree(ctx, admin)
			if err != nil {
				t.Fatal(err)
			}
			var inUnit, outUnit int64
			for _, u := range tree {
				switch {
				case u.Kind == model.UnitUnion || u.Kind == model.UnitRegion:
				case scope.Contains(u.Path) && inUnit == 0:
					inUnit = u.ID
				case !scope.Contains(u.Path) && outUnit == 0:
					outUnit = u.ID
				}
			}
			seq := rand.New(rand.NewPCG(1, 2))
			workplace := func(unit int64, name string) *storage.WorkplaceSummary {
				t.Helper()
				w := &model.Workplace{UnitID: unit, Name: name, Orgnr: norway.GenerateOrgnr(seq), Employees: 40}
				if err := e.Store.CreateWorkplace(ctx, admin, w); err != nil {
					t.Fatal(err)
				}
				return &storage.WorkplaceSummary{Workplace: *w}
			}
			in := []*storage.WorkplaceSummary{workplace(inUnit, "Johansen & Sønner AS"), workplace(inUnit, "Verkstedet på Brakerøya")}
			out := workplace(outUnit, "Utenfor regionen AS")
			j, g := pipeline.OutcomeJoined, pipeline.OutcomeGift
			addNewHires(t, e, admin, in[0], "Ina", j, j, j, g)
			addNewHires(t, e, admin, in[1], "Ivo", j, "")
			addNewHires(t, e, admin, out, "Ola", j, j, j, j, j, j)

			since := recruitmentQuery{Days: 90}.since(e.Store.Today())
			want, _, err := e.Store.Recruitment(ctx, coord, since)
			if err != nil {
				t.Fatal(err)
			}
			all, _, err := e.Store.Recruitment(ctx, admin, since)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[int64]storage.RecruitmentRow{}
			for _, r := range all {
				byID[r.WorkplaceID] = r
			}
			var wantIDs []int64
			for _, r := range want {
				wantIDs = append(wantIDs, r.WorkplaceID)
			}
			slices.Sort(wantIDs)

			c := e.login(t, "vervekoordinator")
			st, body := get(t, c, e.URL+"/recruitment")
			if st != http.StatusOK {
				t.Fatalf("GET /recruitment: %d", st)
			}
			ids := pageRows(t, body)
			sorted := slices.Sorted(slices.Values(ids))
			if !slices.Equal(sorted, wantIDs) {
				t.Fatalf("page rows %v, storage says %v", sorted, wantIDs)
			}
			for _, w := range in {
				if !slices.Contains(ids, w.ID) {
					t.Fatalf("workplace %s in the region is missing", w.Name)
				}
			}
			// Nothing outside the region, though the admin sees it.
			if _, ok := byID[out.ID]; !ok {
				t.Fatal("the admin does not see the workplace outside the region")
			}
			for id, r := range byID {
				if !slices.Contains(wantIDs, id) && (strings.Contains(body, fmt.Sprintf(`/workplaces/%d"`, id)) || strings.Contains(body, html.EscapeString(r.Workplace))) {
					t.Fatalf("workplace %d (%s) outside the region is on the page", id, r.Workplace)
				}
			}
			for _, s := range []string{"Lister mottatt", "Siste liste", "Nyansatte", "Spurt", "Median dager til første kontakt", "Innmeldt", "Innmeldingsrate",
				`<tfoot>`, `class="scroll"`, `href="/recruitment.csv?`, `href="/recruitment"`} {
				if !strings.Contains(body, html.EscapeString(s)) && !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			if strings.Contains(body, "style=") || strings.Contains(body, "<script>") {
				t.Error("inline style or script on the page (the CSP forbids them)")
			}

			// Sorted by joined, largest first.
			_, body = get(t, c, e.URL+"/recruitment?since=90&sort=joined&desc=1")
			ids = pageRows(t, body)
			if len(ids) != len(wantIDs) {
				t.Fatalf("sorted page has %d rows, want %d", len(ids), len(wantIDs))
			}
			for i := 1; i < len(ids); i++ {
				if byID[ids[i-1]].Joined < byID[ids[i]].Joined {
					t.Fatalf("sort=joined&desc=1: row %d has %d joined after %d", i, byID[ids[i]].Joined, byID[ids[i-1]].Joined)
				}
			}
			if byID[ids[0]].Joined < 3 {
				t.Fatalf("first row has %d joined; %s has 3", byID[ids[0]].Joined, in[0].Name)
			}
			if !strings.Contains(body, `aria-sort="descending"`) {
				t.Error("the sorted column is not marked")
			}
			// Unknown parameters fall back to the defaults.
			if st, body := get(t, c, e.URL+"/recruitment?since=7&sort=drop+table&desc=x"); st != http.StatusOK || len(pageRows(t, body)) != len(wantIDs) {
				t.Fatalf("bad parameters: %d", st)
			}

			before := len(exportAudits(t, e, admin))
			today := e.Store.Today().Format("2006-01-02")

			// CSV: BOM, ';', Norwegian headers, decimal commas; the page's order.
			st, hd, b := download(t, c, e.URL+"/recruitment.csv?since=90&sort=joined&desc=1")
			if st != http.StatusOK || !strings.HasPrefix(hd.Get("Content-Type"), "text/csv") {
				t.Fatalf("csv: %d %s", st, hd.Get("Content-Type"))
			}
			if cd := hd.Get("Content-Disposition"); cd != `attachment; filename="rekruttering-`+today+`.csv"` {
				t.Errorf("csv Content-Disposition %q", cd)
			}
			if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
				t.Fatal("csv has no UTF-8 BOM")
			}
			r := csv.NewReader(bytes.NewReader(b[3:]))
			r.Comma = ';'
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(ids)+2 {
				t.Fatalf("csv has %d records, want header + %d rows + total", len(recs), len(ids))
			}
			if !slices.Equal(recs[0], recruitmentExportHeader) || recs[0][0] != "Arbeidsplass" || recs[0][8] != "Innmeldingsrate (%)" {
				t.Fatalf("csv header %q", recs[0])
			}
			for i, id := range ids {
				if recs[i+1][0] != byID[id].Workplace {
					t.Fatalf("csv row %d is %q, page has %q", i+1, recs[i+1][0], byID[id].Workplace)
				}
				if id == in[0].ID {
					got := recs[i+1]
					if got[3] != "4" || got[4] != "4" || got[5] != "100,0" || got[7] != "3" || got[8] != "75,0" || got[2] != e.Store.Today().Format("02.01.2006") {
						t.Errorf("csv row for %s = %q", in[0].Name, got)
					}
					if m, err := strconv.ParseFloat(strings.Replace(got[6], ",", ".", 1), 64); err != nil || m < 2 || m > 4 || !strings.Contains(got[6], ",") {
						t.Errorf("csv median %q, want about 3 days with a decimal comma", got[6])
					}
				}
			}
			if last := recs[len(recs)-1]; last[0] != "Totalt" || last[2] != e.Store.Today().Format("02.01.2006") {
				t.Errorf("csv last row %q, want the totals", recs[len(recs)-1])
			}

			// XLSX: the same rows; numbers as numbers, the date a date cell,
			// the header bold.
			st, hd, b = download(t, c, e.URL+"/recruitment.xlsx?since=90&sort=joined&desc=1")
			if st != http.StatusOK || hd.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Fatalf("xlsx: %d %s", st, hd.Get("Content-Type"))
			}
			if cd := hd.Get("Content-Disposition"); cd != `attachment; filename="rekruttering-`+today+`.xlsx"` {
				t.Errorf("xlsx Content-Disposition %q", cd)
			}
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows("Rekruttering")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(recs) || !slices.Equal(rows[0], recruitmentExportHeader) {
				t.Fatalf("xlsx has %d rows (csv %d), header %q", len(rows), len(recs), rows[0])
			}
			for i := range rows {
				if rows[i][0] != recs[i][0] {
					t.Fatalf("xlsx row %d is %q, csv %q", i, rows[i][0], recs[i][0])
				}
			}
			head, _ := f.GetCellStyle("Rekruttering", "A1")
			if s, err := f.GetStyle(head); err != nil || s.Font == nil || !s.Font.Bold {
				t.Error("xlsx header is not bold")
			}
			row := slices.Index(ids, in[0].ID) + 2
			cell := func(col string) string {
				v, err := f.GetCellValue("Rekruttering", fmt.Sprintf("%s%d", col, row), excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			if cell("D") != "4" || cell("H") != "3" || cell("I") != "75" {
				t.Errorf("xlsx numbers for %s: %s, %s, %s", in[0].Name, cell("D"), cell("H"), cell("I"))
			}
			if typ, _ := f.GetCellType("Rekruttering", fmt.Sprintf("D%d", row)); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Error("xlsx count stored as text")
			}
			serial, err := strconv.ParseFloat(cell("C"), 64)
			if err != nil {
				t.Fatalf("xlsx date cell %q is not a serial", cell("C"))
			}
			if day, _ := excelize.ExcelDateToTime(serial, false); day.Format("2006-01-02") != today {
				t.Errorf("xlsx date %v, want %s", day, today)
			}
			if v, _ := f.GetCellValue("Rekruttering", fmt.Sprintf("C%d", row)); v != e.Store.Today().Format("02.01.2006") {
				t.Errorf("xlsx date shows as %q", v)
			}

			// Each export is in the audit log.
			audits := exportAudits(t, e, admin)
			if len(audits) != before+2 {
				t.Fatalf("%d export audit entries, want %d", len(audits), before+2)
			}
			details := []string{audits[0].Detail, audits[1].Detail}
			for _, d := range []string{fmt.Sprintf("csv, 90 dager, %d rader", len(ids)), fmt.Sprintf("xlsx, 90 dager, %d rader", len(ids))} {
				if !slices.Contains(details, d) {
					t.Errorf("audit details %q lack %q", details, d)
				}
			}
			if audits[0].Username != "vervekoordinator" {
				t.Errorf("export audited as %q", audits[0].Username)
			}

			// A shop steward gets none of it, and nothing is audited.
			sc := e.login(t, "tillitsvalgt")
			for _, p := range []string{"/recruitment", "/recruitment.csv", "/recruitment.xlsx"} {
				if st, body := get(t, sc, e.URL+p); st != http.StatusForbidden || strings.Contains(body, html.EscapeString(in[0].Name)) {
					t.Errorf("steward GET %s: %d, want 403", p, st)
				}
			}
			if _, body := get(t, sc, e.URL+"/"); strings.Contains(body, `href="/recruitment"`) || strings.Contains(body, `href="/settings"`) {
				t.Error("the steward's menu links to recruitment or settings")
			}
			// An advisor reads the figures but may not export them.
			ac := e.login(t, "radgiver")
			if st, body := get(t, ac, e.URL+"/recruitment"); st != http.StatusOK || strings.Contains(body, "/recruitment.csv") {
				t.Errorf("advisor page: %d, or offered an export", st)
			}
			if st, _ := get(t, ac, e.URL+"/recruitment.csv"); st != http.StatusForbidden {
				t.Errorf("advisor export: %d, want 403", st)
			}
			// Signed out, the exports send you to sign in.
			anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			for _, p := range []string{"/recruitment", "/recruitment.csv", "/recruitment.xlsx", "/settings"} {
				if st, _, _ := download(t, anon, e.URL+p); st != http.StatusSeeOther {
					t.Errorf("signed out GET %s: %d, want 303 to the sign-in", p, st)
				}
			}
			if n := len(exportAudits(t, e, admin)); n != before+2 {
				t.Errorf("refused exports were audited: %d entries", n)
			}
		})
	}
}

func TestSettingsForm(t *testing.T) {
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			ctx := context.Background()
			admin := e.principal(t, "admin")
			c := e.login(t, "admin")

			st, body := get(t, c, e.URL+"/settings")
			if st != http.StatusOK || !strings.Contains(body, `value="5"`) || !strings.Contains(body, html.EscapeString(storage.DefaultSettings.PrivacyNotice)) {
				t.Fatalf("GET /settings: %d, defaults not shown", st)
			}
			if _, home := get(t, c, e.URL+"/"); !strings.Contains(home, `href="/settings"`) {
				t.Error("the admin's menu has no link to the settings")
			}

			notice := "Vi fikk navnet ditt fra HR <b>etter hovedavtalen</b>."
			if !strings.Contains(body, `id="register_winback_days" name="register_winback_days" type="number" inputmode="numeric" min="1" max="90" required value="14"`) ||
				!strings.Contains(body, `id="register_max_fail_percent" name="register_max_fail_percent" type="number" inputmode="numeric" min="0" max="50" required value="5"`) ||
				!strings.Contains(body, "Dager til frist for vinn-tilbake-samtale") {
				t.Fatal("the register settings are not on the page with their defaults")
			}
			form := url.Values{"follow_up_days": {"0"}, "retention_days": {"200"}, "escalate_after_days": {"9"}, "mail_keep_days": {"60"}, "privacy_notice": {notice},
				"register_winback_days": {"21"}, "register_max_fail_percent": {"51"}}
			st, body = post(t, c, e.URL+"/settings", form)
			if st != http.StatusBadRequest {
				t.Fatalf("follow-up 0: status %d, want 400", st)
			}
			if !strings.Contains(body, `<span class="field-error" id="follow_up_days-error">Velg mellom 1 og 60 dager.</span>`) {
				t.Error("no message next to the follow-up field")
			}
			if !strings.Contains(body, `<span class="field-error" id="register_max_fail_percent-error">Velg mellom 0 og 50 prosent.</span>`) {
				t.Error("no message next to the failing share, beside the follow-up's")
			}
			if !strings.Contains(body, `value="200"`) || !strings.Contains(body, `value="9"`) || !strings.Contains(body, `value="21"`) || !strings.Contains(body, html.EscapeString(notice)) {
				t.Error("the other typed values are not kept")
			}
			if strings.Contains(body, "<b>etter") {
				t.Error("the notice is echoed unescaped")
			}
			if got, _ := e.Store.Settings(ctx); got != storage.DefaultSettings {
				t.Fatalf("an invalid form changed the settings: %+v", got)
			}
			form.Set("follow_up_days", "7")
			if st, _ = post(t, c, e.URL+"/settings", form); st != http.StatusBadRequest {
				t.Fatalf("failing share 51: status %d, want 400", st)
			}
			if got, _ := e.Store.Settings(ctx); got != storage.DefaultSettings {
				t.Fatalf("a form with only the register settings wrong changed the others: %+v", got)
			}
			form.Set("register_max_fail_percent", "tre")
			if st, body = post(t, c, e.URL+"/settings", form); st != http.StatusBadRequest || !strings.Contains(body, "Skriv et helt tall.") {
				t.Errorf("failing share %q: status %d", "tre", st)
			}
			form.Set("register_max_fail_percent", "0")
			form.Set("follow_up_days", "fem")
			if st, body = post(t, c, e.URL+"/settings", form); st != http.StatusBadRequest || !strings.Contains(body, "Skriv et helt antall dager.") {
				t.Errorf("follow-up %q: status %d", "fem", st)
			}

			form.Set("follow_up_days", " 7 ")
			resp, err := c.PostForm(e.URL+"/settings", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/settings?saved=1" {
				t.Fatalf("valid form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			want := storage.Settings{FollowUpDays: 7, RetentionDays: 200, EscalateAfterDays: 9, MailKeepDays: 60, PrivacyNotice: notice}
			if got, err := e.Store.Settings(ctx); err != nil || got != want {
				t.Fatalf("settings %+v, want %+v (%v)", got, want, err)
			}
			if got, err := e.Store.RegisterSettings(ctx); err != nil || got != (register.Settings{WinbackDays: 21, MaxFailPercent: 0}) {
				t.Fatalf("register settings %+v (%v)", got, err)
			}
			entries, _ := e.Store.AuditLog(ctx, admin, 20)
			found := false
			for _, a := range entries {
				found = found || (a.Action == "update" && a.Entity == "settings" && a.Username == "admin" &&
					strings.Contains(a.Fields, "follow_up_days") && strings.Contains(a.Fields, "register_max_fail_percent"))
			}
			if !found {
				t.Error("saving the settings (with the register's) is not in the audit log")
			}
			if _, body = get(t, c, e.URL+"/settings?saved=1"); !strings.Contains(body, "Innstillingene er lagret.") || !strings.Contains(body, `value="7"`) {
				t.Error("the saved settings are not shown")
			}

			// The scheduled jobs' last failures, for the admins.
			if _, body = get(t, c, e.URL+"/settings"); !strings.Contains(body, "Siste feil i planlagte jobber") || !strings.Contains(body, "ikke kjørt ennå") {
				t.Error("no section on the scheduled jobs")
			}
			e.Store.RecordJobRun(ctx, "credits", nil)
			e.Store.RecordJobRun(ctx, "erase_expired", errors.New("erase person 12: database is locked"))
			_, body = get(t, c, e.URL+"/settings")
			if !strings.Contains(body, "Sletting etter oppbevaringstiden") || !strings.Contains(body, "erase person 12: database is locked") || strings.Contains(body, "Ingen planlagte jobber har feilet.") {
				t.Error("the failed job is not shown")
			}

			// Not for anyone but the union's admins.
			for _, user := range []string{"vervekoordinator", "tillitsvalgt"} {
				uc := e.login(t, user)
				if st, _ := get(t, uc, e.URL+"/settings"); st != http.StatusForbidden {
					t.Errorf("%s GET /settings: %d, want 403", user, st)
				}
				form.Set("follow_up_days", "30")
				if st, _ := post(t, uc, e.URL+"/settings", form); st != http.StatusForbidden {
					t.Errorf("%s POST /settings: %d, want 403", user, st)
				}
				if _, home := get(t, uc, e.URL+"/"); strings.Contains(home, `href="/settings"`) {
					t.Errorf("%s's menu links to the settings", user)
				}
			}
			if got, _ := e.Store.Settings(ctx); got != want {
				t.Fatalf("a non-admin changed the settings: %+v", got)
			}
		})
	}
}

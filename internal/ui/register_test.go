package ui

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage"
)

// sampleRegister is a generated register export of n members.
func sampleRegister(t testing.TB, n int) string {
	t.Helper()
	var b bytes.Buffer
	if err := register.Generate(&b, register.GenOptions{Members: n, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// setCell sets the cell of a ';'-separated export in data row n (from 1)
// and the named column.
func setCell(t testing.TB, export string, n int, column, v string) string {
	t.Helper()
	lines := strings.Split(export, "\n")
	col := slices.Index(strings.Split(lines[0], ";"), column)
	if col < 0 {
		t.Fatalf("no column %s", column)
	}
	cells := strings.Split(lines[n], ";")
	cells[col] = v
	lines[n] = strings.Join(cells, ";")
	return strings.Join(lines, "\n")
}

// postRegister uploads an export on the register page and returns the
// status and the job's address.
func postRegister(t *testing.T, e *testEnv, c *http.Client, export string, complete bool) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "medlemsregister.csv")
	fw.Write([]byte(export))
	if complete {
		mw.WriteField("complete", "1")
	}
	mw.Close()
	resp, err := c.Post(e.URL+"/register", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// TestRegisterUpload: a union admin uploads the register's export, sees
// the preview (figures, row errors, unknown words), maps a word, which
// reads its rows, and stores the export; shop stewards do not get in, and
// nobody else's job can be opened.
func TestRegisterUpload(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login(t, "admin")
	members := func() (n int) {
		e.Store.DB().QueryRow(`SELECT count(*) FROM persons WHERE member_no IS NOT NULL`).Scan(&n)
		return n
	}
	if _, page := get(t, admin, e.URL+"/"); !strings.Contains(page, `href="/register"`) {
		t.Error("the admin's menu has no Medlemsregister")
	}
	steward := e.login(t, "tillitsvalgt")
	if _, page := get(t, steward, e.URL+"/"); strings.Contains(page, `href="/register"`) {
		t.Error("a steward's menu has Medlemsregister")
	}
	if st, _ := get(t, steward, e.URL+"/register"); st != http.StatusForbidden {
		t.Errorf("steward opens the register page: %d", st)
	}
	if st, _ := postRegister(t, e, steward, sampleRegister(t, 5), false); st != http.StatusForbidden {
		t.Errorf("steward uploads: %d", st)
	}

	// Twenty members, one row with an unknown membership type.
	export := sampleRegister(t, 20)
	export = setCell(t, export, 2, "Medlemstype", "Æresmedlem")
	st, loc := postRegister(t, e, admin, export, false)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/register/jobs/") {
		t.Fatalf("upload: %d %q", st, loc)
	}
	page := waitJob(t, e, admin, loc)
	for _, want := range []string{`id="reg-preview"`, `id="count-created"`, `id="row-errors"`, "Æresmedlem", `name="word_0"`, `id="reg-commit"`} {
		if !strings.Contains(page, want) {
			t.Errorf("preview lacks %s:\n%s", want, page)
		}
	}
	if n := members(); n != 0 {
		t.Fatalf("the preview stored %d members", n)
	}
	if st, _ := get(t, steward, e.URL+loc); st != http.StatusForbidden {
		t.Errorf("steward opens the admin's job: %d", st)
	}
	if st, _ := get(t, admin, e.URL+"/imports/"+strings.TrimPrefix(loc, "/register/jobs/")); st != http.StatusNotFound {
		t.Errorf("a register job opened as a list's job: %d", st)
	}

	// Mapping the word reads its row.
	if st, _ := post(t, admin, e.URL+loc+"/words", url.Values{"word_0": {"ordinary"}}); st != http.StatusSeeOther {
		t.Fatalf("map word: %d", st)
	}
	page = waitJob(t, e, admin, loc)
	if strings.Contains(page, "Æresmedlem") || !strings.Contains(page, `id="reg-preview"`) {
		t.Errorf("after mapping the word:\n%s", page)
	}
	if !strings.Contains(page, "20") {
		t.Errorf("after mapping, the preview does not count 20 members:\n%s", page)
	}

	if st, _ := post(t, admin, e.URL+loc, url.Values{"action": {"commit"}}); st != http.StatusSeeOther {
		t.Fatalf("commit: %d", st)
	}
	page = waitJob(t, e, admin, loc)
	if !strings.Contains(page, `id="reg-done"`) || strings.Contains(page, `id="reg-commit"`) {
		t.Errorf("after the commit:\n%s", page)
	}
	if n := members(); n != 20 {
		t.Errorf("%d members stored, want 20", n)
	}
	// A second commit of the same upload is refused.
	if st, _ := post(t, admin, e.URL+loc, url.Values{"action": {"commit"}}); st != http.StatusConflict && st != http.StatusNotFound {
		t.Errorf("second commit: %d", st)
	}

	// A complete export without its last five rows lists their members;
	// none resigns until the admin confirms, and then only the one ticked.
	lines := strings.Split(strings.TrimRight(export, "\n"), "\n")
	_, loc = postRegister(t, e, admin, strings.Join(lines[:len(lines)-5], "\n")+"\n", true)
	page = waitJob(t, e, admin, loc)
	if !strings.Contains(page, `id="reg-missing-list"`) || strings.Contains(page, `id="reg-missing"`) {
		t.Fatalf("complete preview: no list of missing members, or a confirm form before saving:\n%s", page)
	}
	post(t, admin, e.URL+loc, url.Values{"action": {"commit"}, "complete": {"1"}})
	page = waitJob(t, e, admin, loc)
	// The last five rows, less those the register had as resigned already.
	n := strings.Count(page, `name="person"`)
	if !strings.Contains(page, `id="reg-missing"`) || n < 2 || n > 5 {
		t.Fatalf("after saving a complete export: no form to confirm the missing:\n%s", page)
	}
	resigned := func() (n int) {
		e.Store.DB().QueryRow(`SELECT count(*) FROM persons WHERE member_no IS NOT NULL AND member_status = 'resigned'`).Scan(&n)
		return n
	}
	before := resigned()
	var missing int64
	e.Store.DB().QueryRow(`SELECT person_id FROM register_missing ORDER BY person_id LIMIT 1`).Scan(&missing)
	if st, _ := post(t, admin, e.URL+"/register/missing", url.Values{"person": {strconv.FormatInt(missing, 10)}, "job": {strings.TrimPrefix(loc, "/register/jobs/")}}); st != http.StatusSeeOther {
		t.Fatalf("confirm: %d", st)
	}
	if n := resigned(); n != before+1 {
		t.Errorf("%d resigned after confirming one, were %d", n, before)
	}
	page = waitJob(t, e, admin, loc+"?confirmed=1")
	if !strings.Contains(page, `id="reg-confirmed"`) || strings.Count(page, `name="person"`) != n-1 {
		t.Errorf("after confirming one: %s", page)
	}
	// The register page lists those still waiting and the loads.
	_, page = get(t, admin, e.URL+"/register")
	if strings.Count(page, `name="person"`) != n-1 || strings.Count(page, "<tr><td>") != 2 {
		t.Errorf("register page after two loads and one confirmation:\n%s", page)
	}
	if st, _ := post(t, admin, e.URL+"/register/missing", url.Values{"person": {"x"}}); st != http.StatusBadRequest {
		t.Errorf("confirm nobody: %d", st)
	}
	if st, _ := post(t, steward, e.URL+"/register/missing", url.Values{"person": {strconv.FormatInt(missing, 10)}}); st != http.StatusForbidden {
		t.Errorf("steward confirms: %d", st)
	}
}

// TestRegisterExportPage: the export back comes as CSV and XLSX with the
// register's column names, for union admins only, and a bad day is
// refused.
func TestRegisterExportPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login(t, "admin")
	since := e.Store.Today().AddDate(0, -1, 0).Format("2006-01-02")
	resp, body := send(t, admin, mustRequest(t, e.URL+"/register/export?format=csv&since="+since))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(body, "\uFEFFEndring;Medlemsnummer;Fornavn") {
		t.Fatalf("CSV: %d %q %.200q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	// The demo's joins of the last month are in it.
	if rows := strings.Count(body, "\r\n") - 1; rows < 1 {
		t.Errorf("CSV has %d changes, want the demo's recent joins", rows)
	}
	resp, body = send(t, admin, mustRequest(t, e.URL+"/register/export?format=xlsx&since="+since))
	if resp.StatusCode != 200 {
		t.Fatalf("XLSX: %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Endringer")
	if err != nil || len(rows) < 2 || rows[0][1] != "Medlemsnummer" {
		t.Fatalf("XLSX rows: %v %.3v", err, rows)
	}
	if _, err := register.Open(strings.NewReader(body), int64(len(body)), register.ReadOptions{}); err != nil {
		t.Errorf("the register reader does not take the export's columns: %v", err)
	}
	if st, _ := get(t, admin, e.URL+"/register/export?since=igår"); st != http.StatusBadRequest {
		t.Errorf("bad day: %d", st)
	}
	if st, _ := get(t, e.login(t, "tillitsvalgt"), e.URL+"/register/export?since="+since); st != http.StatusForbidden {
		t.Errorf("steward exports: %d", st)
	}
	var audited int
	e.Store.DB().QueryRowContext(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'register_changes'`).Scan(&audited)
	if audited != 2 {
		t.Errorf("%d exports audited, want 2", audited)
	}
}

func mustRequest(t *testing.T, u string) *http.Request {
	t.Helper()
	r, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRegisterColumns: a column the reader does not know by name is mapped
// on the preview, read with the choice, and remembered after the export is
// stored, so the next upload reads it without asking.
func TestRegisterColumns(t *testing.T) {
	e := newEnv(t, "sqlite")
	admin := e.login(t, "admin")
	export := sampleRegister(t, 10)
	export = strings.Replace(export, "E-post;", "Kontaktadresse;", 1)
	_, loc := postRegister(t, e, admin, export, false)
	page := waitJob(t, e, admin, loc)
	header := strings.Split(strings.SplitN(export, "\n", 2)[0], ";")
	col := slices.Index(header, "Kontaktadresse")
	selected := regexp.MustCompile(`name="col_` + strconv.Itoa(col) + `"[^>]*>(?:<option[^>]*>[^<]*</option>)*?<option value="([a-z_]*)" selected`)
	if m := selected.FindStringSubmatch(page); m != nil {
		t.Fatalf("Kontaktadresse guessed as %s", m[1])
	}
	form := url.Values{"action": {"preview"}}
	for i, h := range header {
		v := ""
		switch {
		case i == col:
			v = string(register.Email)
		default:
			if m := regexp.MustCompile(`name="col_` + strconv.Itoa(i) + `"[^>]*>(?:<option[^>]*>[^<]*</option>)*?<option value="([a-z_]*)" selected`).FindStringSubmatch(page); m != nil {
				v = m[1]
			} else if h == "Medlemsnummer" {
				t.Fatalf("Medlemsnummer not mapped:\n%s", page)
			}
		}
		form.Set("col_"+strconv.Itoa(i), v)
	}
	post(t, admin, e.URL+loc, form)
	page = waitJob(t, e, admin, loc)
	if m := selected.FindStringSubmatch(page); m == nil || m[1] != string(register.Email) {
		t.Fatalf("after choosing, Kontaktadresse is read as %v", m)
	}
	post(t, admin, e.URL+loc, url.Values{"action": {"commit"}})
	if page = waitJob(t, e, admin, loc); !strings.Contains(page, `id="reg-done"`) {
		t.Fatalf("commit:\n%s", page)
	}
	var emails int
	e.Store.DB().QueryRow(`SELECT count(*) FROM persons WHERE member_no IS NOT NULL AND email <> ''`).Scan(&emails)
	if emails == 0 {
		t.Error("the mapped column's e-mails were not stored")
	}
	// The next upload remembers the choice.
	_, loc = postRegister(t, e, admin, export, false)
	page = waitJob(t, e, admin, loc)
	if m := selected.FindStringSubmatch(page); m == nil || m[1] != string(register.Email) {
		t.Errorf("the next upload reads Kontaktadresse as %v", m)
	}
}

// TestRegisterChangeEmployers: the export back carries a member's further
// employers in the numbered columns a register export uses, which the
// reader takes back as the same fields.
func TestRegisterChangeEmployers(t *testing.T) {
	vals := registerChangeValues(storage.RegisterChange{Kind: storage.ChangeContact, Orgnr: "111111111", Jobs: []string{"222222222"}})
	if len(vals) != len(registerChangeHeader) {
		t.Fatalf("%d values for %d columns", len(vals), len(registerChangeHeader))
	}
	m := register.Guess(registerChangeHeader)
	for i, f := range m {
		want := map[register.Field]any{register.EmployerOrgnr: "111111111", register.EmployerOrgnr2: "222222222", register.EmployerOrgnr3: ""}
		if w, ok := want[f]; ok && vals[i] != w {
			t.Errorf("%s (%s) = %v, want %v", registerChangeHeader[i], f, vals[i], w)
		}
	}
	if !slices.Contains(m, register.EmployerOrgnr2) || !slices.Contains(m, register.EmployerOrgnr3) {
		t.Fatalf("the further employers' columns are not read back: %v", m)
	}
}

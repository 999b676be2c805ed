package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/newhires"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/server/middleware"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// stewardWorkplace is the first workplace the demo steward imports for.
func stewardWorkplace(t *testing.T, e *testEnv) (*access.Principal, *model.Workplace) {
	t.Helper()
	steward := e.principal(t, "tillitsvalgt")
	wps, err := e.Store.WorkplacesUnder(context.Background(), steward, steward.Grants[0].UnitPath, 1)
	if err != nil || len(wps) == 0 {
		t.Fatal(err)
	}
	wp, err := e.Store.Workplace(context.Background(), steward, wps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return steward, wp
}

// postList posts a list on the upload page and returns the status, the
// job's address and the body.
func postList(t *testing.T, e *testEnv, c *http.Client, wp *model.Workplace, name, list string) (int, string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(list))
	mw.WriteField("kind", "newhires")
	mw.Close()
	resp, err := c.Post(fmt.Sprintf("%s/workplaces/%d/import", e.URL, wp.ID), mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// waitJob polls a job's page until it is no longer running.
func waitJob(t *testing.T, e *testEnv, c *http.Client, loc string) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, page := get(t, c, e.URL+loc); !strings.Contains(page, `id="progress"`) {
			return page
		}
	}
	t.Fatalf("%s still running", loc)
	return ""
}

// uploadAndPreview uploads a list and waits for its preview.
func uploadAndPreview(t *testing.T, e *testEnv, c *http.Client, wp *model.Workplace, name, list string) string {
	t.Helper()
	st, loc, body := postList(t, e, c, wp, name, list)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/imports/") {
		t.Fatalf("upload: %d %s\n%s", st, loc, body)
	}
	if page := waitJob(t, e, c, loc); !strings.Contains(page, "import-counts") {
		t.Fatalf("no preview:\n%s", page)
	}
	return loc
}

// committedImports counts the committed imports of a file.
func committedImports(t *testing.T, e *testEnv, filename string) (n int) {
	t.Helper()
	if err := e.Store.DB().QueryRow(`SELECT count(*) FROM imports WHERE filename = $1`, filename).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// noUploads fails if the upload directory holds anything.
func noUploads(t *testing.T, e *testEnv) {
	t.Helper()
	if entries, err := os.ReadDir(e.h.imports.dir); err != nil || len(entries) != 0 {
		t.Fatalf("upload directory: %v %v", entries, err)
	}
}

const strangers = "Fornavn;Etternavn;E-post;Startdato\nKari;Fremmed;kari.fremmed@example.no;01.12.2026\n"

// commitAs is the review form committing a list whose columns are cols,
// as the page sends it.
func commitAs(cols ...importer.Field) url.Values {
	form := url.Values{"action": {"commit"}}
	for i, f := range cols {
		form.Set(fmt.Sprint("col_", i), string(f))
	}
	return form
}

var commitStrangers = commitAs(importer.FirstName, importer.LastName, importer.Email, importer.StartDate)

// TestImportLimits: a user may have two lists read at a time and everyone
// together eight; a refused upload says why and leaves nothing on disk.
func TestImportLimits(t *testing.T) {
	e := newEnv(t, "sqlite")
	steward, wp := stewardWorkplace(t, e)
	c := e.login(t, "tillitsvalgt")
	js := e.h.imports
	var held []*importJob
	hold := func(user int64) {
		j := &importJob{userID: user}
		if err := js.claim(j, nil); err != nil {
			t.Fatal(err)
		}
		held = append(held, j)
	}
	for range jobsPerUser {
		hold(steward.UserID)
	}
	st, _, body := postList(t, e, c, wp, "tredje.csv", strangers)
	if st != http.StatusTooManyRequests || !strings.Contains(body, "Du har allerede to lister som leses inn") {
		t.Fatalf("third list: %d\n%s", st, body)
	}
	noUploads(t, e)
	if js.total != jobsPerUser {
		t.Fatalf("a refused upload kept its place: %d running", js.total)
	}
	js.finish(held[0], nil, nil)
	uploadAndPreview(t, e, c, wp, "tredje.csv", strangers)
	for i := int64(1); js.total < jobsInTotal; i++ {
		hold(-i) // other users
	}
	if st, _, body := postList(t, e, c, wp, "fjerde.csv", strangers); st != http.StatusTooManyRequests || !strings.Contains(body, "mange lister") {
		t.Fatalf("ninth list: %d\n%s", st, body)
	}
	noUploads(t, e)
}

// TestImportStartsOnce: concurrent commits of one list start it once; the
// others, and any later one, are told it is running or done.
func TestImportStartsOnce(t *testing.T) {
	e := newEnv(t, "sqlite")
	_, wp := stewardWorkplace(t, e)
	c := e.login(t, "tillitsvalgt")
	loc := uploadAndPreview(t, e, c, wp, "dobbel.csv", strangers)
	statuses := make(chan int, 8)
	var wg sync.WaitGroup
	for range cap(statuses) {
		wg.Go(func() {
			resp, err := c.PostForm(e.URL+loc, commitStrangers)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[http.StatusSeeOther] != 1 || count[http.StatusConflict] != cap(statuses)-1 {
		t.Fatalf("concurrent commits: %v", count)
	}
	if page := waitJob(t, e, c, loc); !strings.Contains(page, "import-done") {
		t.Fatalf("not committed:\n%s", page)
	}
	if n := committedImports(t, e, "dobbel.csv"); n != 1 {
		t.Fatalf("%d imports", n)
	}
	if st, body := post(t, c, e.URL+loc, commitStrangers); st != http.StatusConflict || !strings.Contains(body, "allerede importert") {
		t.Fatalf("commit after done: %d", st)
	}
	// The committed upload is gone.
	j, _ := e.h.imports.get(strings.TrimPrefix(loc, "/imports/"), e.principal(t, "tillitsvalgt").UserID)
	if _, err := j.file.ReadAt(make([]byte, 1), 0); err == nil {
		t.Fatal("the committed upload is still readable")
	}
}

// TestImportRechecksRoles: the commit runs with the roles the uploader
// holds when it runs, so a steward who has moved to another club cannot
// commit a list previewed for the old one.
func TestImportRechecksRoles(t *testing.T) {
	e := newEnv(t, "sqlite")
	steward, wp := stewardWorkplace(t, e)
	c := e.login(t, "tillitsvalgt")
	loc := uploadAndPreview(t, e, c, wp, "flyttet.csv", strangers)
	ctx := context.Background()
	elsewhere := e.principal(t, "tillitsvalgt2").Grants[0]
	if err := e.Store.AddRole(ctx, access.System("test"), &model.Role{PersonID: steward.PersonID, Role: elsewhere.Role,
		UnitID: elsewhere.UnitID, StartDate: time.Now().AddDate(0, 0, -1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.DB().Exec(`UPDATE roles SET end_date = start_date WHERE person_id = $1 AND unit_id = $2`,
		steward.PersonID, steward.Grants[0].UnitID); err != nil {
		t.Fatal(err)
	}
	if st, _ := post(t, c, e.URL+loc, commitStrangers); st != http.StatusSeeOther {
		t.Fatalf("commit: %d", st)
	}
	if page := waitJob(t, e, c, loc); !strings.Contains(page, "ikke lenger tilgang") {
		t.Fatalf("the commit ran with the old role:\n%s", page)
	}
	if n := committedImports(t, e, "flyttet.csv"); n != 0 {
		t.Fatalf("%d imports", n)
	}
}

// cancelAt is an upload that stops the server once the list is half read.
type cancelAt struct {
	*bytes.Reader
	stop   context.CancelFunc
	closed bool
}

func (c *cancelAt) ReadAt(p []byte, off int64) (int, error) {
	if off > c.Size()/2 {
		c.stop()
	}
	return c.Reader.ReadAt(p, off)
}

func (c *cancelAt) Close() error { c.closed = true; return nil }

// TestImportJobsStopWithServer: when the server's context ends, a commit
// under way rolls back, waiting uploads are deleted, no job starts and
// the server can wait for all of it.
func TestImportJobsStopWithServer(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var jobs sync.WaitGroup
	e := newEnvConfig(t, "sqlite", Config{LoginLimiter: auth.Unlimited{}, Context: ctx, Go: func(f func()) bool { jobs.Go(f); return true }})
	steward, wp := stewardWorkplace(t, e)
	c := e.login(t, "tillitsvalgt")
	loc := uploadAndPreview(t, e, c, wp, "venter.csv", strangers)
	waiting, _ := e.h.imports.get(strings.TrimPrefix(loc, "/imports/"), steward.UserID)

	var list bytes.Buffer
	if err := importer.WriteSample(&list, "csv", 5000, 1); err != nil {
		t.Fatal(err)
	}
	file := &cancelAt{Reader: bytes.NewReader(list.Bytes()), stop: stop}
	j := &importJob{token: newToken(), userID: steward.UserID, workplace: wp, created: time.Now(), file: file,
		req: newhires.Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires, Filename: "stor.csv", Commit: true}}}
	if err := e.h.imports.claim(j, nil); err != nil {
		t.Fatal(err)
	}
	e.h.imports.add(j)
	e.h.runImport(j, "")

	done := make(chan struct{})
	go func() { jobs.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("jobs did not stop")
	}
	if n := committedImports(t, e, "stor.csv"); n != 0 || !file.closed || len(e.h.imports.jobs) != 0 {
		t.Fatalf("after stop: %d imports, closed %v, %d jobs", n, file.closed, len(e.h.imports.jobs))
	}
	if _, err := waiting.file.ReadAt(make([]byte, 1), 0); err == nil {
		t.Fatal("a waiting upload survived the stop")
	}
	if st, _, body := postList(t, e, c, wp, "sent.csv", strangers); st != http.StatusTooManyRequests || !strings.Contains(body, "starter på nytt") {
		t.Fatalf("upload after stop: %d", st)
	}
	noUploads(t, e)
}

// TestUploadDirSwept: the server empties its upload directory when it
// starts and keeps it private; a path that is not a directory is refused.
func TestUploadDirSwept(t *testing.T) {
	s, err := storage.Open(context.Background(), storagetest.DSN(t, "sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "verve-upload-1"), []byte("01019912345"), 0o600)
	os.MkdirAll(filepath.Join(dir, "rest", "excelize-2"), 0o700)
	newTestHandler(t, s, Config{UploadDir: dir})
	entries, _ := os.ReadDir(dir)
	fi, _ := os.Stat(dir)
	if len(entries) != 0 || fi.Mode().Perm() != 0o700 {
		t.Fatalf("after start: %v, mode %v", entries, fi.Mode())
	}
	file := filepath.Join(dir, "fil")
	os.WriteFile(file, nil, 0o600)
	if _, err := New(s, Config{UploadDir: file, Sessions: middleware.NewSessions(s.SessionStore(), false)}, nil); err == nil {
		t.Fatal("a file as upload directory")
	}
}

var firstNames = strings.Fields("Aino Bror Cille Dag Eli Finn Gro Hans Idun Jo Kåre Lise Mons Nils Oda Pål Rut Sofus Tora Ulv")

// TestNoFnrLeftBehind: after a preview and a commit of a list of
// strangers through the upload page, none of their fødselsnumre is in the
// database's files or the upload directory, with or without a space.
func TestNoFnrLeftBehind(t *testing.T) {
	e := newEnv(t, "sqlite")
	_, wp := stewardWorkplace(t, e)
	c := e.login(t, "tillitsvalgt")
	r := rand.New(rand.NewPCG(10, 11))
	list := "Fornavn;Etternavn;E-post;Fødselsnummer;Startdato\n"
	var fnrs []string
	for i := range 20 {
		fnr := norway.GenerateFnr(time.Date(1990, 1, 1+i*17, 0, 0, 0, 0, time.UTC), i%2 == 0, r)
		fnrs = append(fnrs, fnr)
		written := fnr
		if i%2 == 1 {
			written = fnr[:6] + " " + fnr[6:]
		}
		list += fmt.Sprintf("%s;Fremmed;fremmed%d@example.no;%s;01.12.2026\n", firstNames[i], i, written)
	}
	loc := uploadAndPreview(t, e, c, wp, "fremmede.csv", list)
	form := commitAs(importer.FirstName, importer.LastName, importer.Email, importer.Fnr, importer.StartDate)
	if st, _ := post(t, c, e.URL+loc, form); st != http.StatusSeeOther {
		t.Fatalf("commit: %d", st)
	}
	page := waitJob(t, e, c, loc)
	if !strings.Contains(page, "import-done") || !strings.Contains(page, `id="count-new"><span class="n">20<`) {
		t.Fatalf("not all 20 committed as new:\n%s", page)
	}
	var dbFile string
	if err := e.Store.DB().QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&dbFile); err != nil {
		t.Fatal(err)
	}
	scan := func() {
		t.Helper()
		for _, dir := range []string{filepath.Dir(dbFile), e.h.imports.dir} {
			filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				for _, fnr := range fnrs {
					for _, form := range []string{fnr, fnr[:6] + " " + fnr[6:]} {
						if i := bytes.Index(b, []byte(form)); i >= 0 {
							t.Errorf("%s holds %q at byte %d", path, form, i)
						}
					}
				}
				return nil
			})
		}
	}
	scan()
	// And once the log is copied into the database file.
	if _, err := e.Store.DB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	scan()
}

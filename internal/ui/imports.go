package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/newhires"
	"github.com/verve-union/verve/internal/storage"
)

// maxUpload bounds an uploaded list; a million-row list is about 100 MB.
const maxUpload = 256 << 20

// Limits on import jobs: each holds up to 256 MB on disk and, for XLSX,
// the whole file and some of its parts in memory.
const (
	jobsPerUser = 2 // lists one user may have read at a time
	jobsInTotal = 8 // and everyone together
	keptPerUser = 4 // uploads kept for a commit; the oldest goes first
	jobLifetime = 2 * time.Hour
)

// importJob is one uploaded list between upload and commit. Reading and
// committing run in the background so a large file shows progress; the
// page polls the job. Its fields are guarded by importJobs.mu.
type importJob struct {
	token     string
	userID    int64
	workplace *model.Workplace
	file      upload // until committed, expired or the server stops
	created   time.Time
	req       newhires.Request
	running   bool
	done      int64
	total     int64
	report    *newhires.Report
	err       error
	// register is set for a member register upload (register.go), which
	// has no workplace, request or newhires report.
	register *registerJob
}

// upload is the list a job reads: an importer.Spool.
type upload interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

func (j *importJob) committed() bool {
	if j.register != nil {
		return j.register.report != nil && j.register.report.Committed
	}
	return j.report != nil && j.report.Result != nil && j.report.Result.Committed
}

// errRestarting refuses a job while the server stops.
var errRestarting = model.ErrorKey(model.ETOOMANY, "err.import.restarting")

// importJobs holds the jobs of this server process. They run on ctx, the
// server's lifetime: when it ends they are cancelled (a commit rolls
// back, all or nothing) and every upload is deleted; spawn starts them
// where the server waits for them.
type importJobs struct {
	ctx     context.Context
	spawn   func(func()) bool
	dir     string // uploads; emptied at start
	mu      sync.Mutex
	jobs    map[string]*importJob
	running map[int64]int // running jobs by user
	total   int
}

func newImportJobs(ctx context.Context, spawn func(func()) bool, dir string) (*importJobs, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if spawn == nil {
		spawn = func(f func()) bool { go f(); return true }
	}
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "verve-uploads-"+strconv.Itoa(os.Getuid()))
	}
	if err := sweepUploads(dir); err != nil {
		return nil, err
	}
	js := &importJobs{ctx: ctx, spawn: spawn, dir: dir, jobs: map[string]*importJob{}, running: map[int64]int{}}
	// Waiting uploads are deleted when the server stops, and the server
	// waits for that too.
	if ctx.Done() != nil && !spawn(func() { <-ctx.Done(); js.stop() }) {
		return nil, errors.New("ui: the server has stopped")
	}
	return js, nil
}

// sweepUploads makes dir, private to this user, and deletes whatever a
// crash or a killed server left in it: uploads not yet unlinked and XLSX
// worksheets excelize unpacked.
func sweepUploads(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("upload directory: %w", err)
	}
	// Chmod fails on a directory another user made, in a shared /tmp.
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() || os.Chmod(dir, 0o700) != nil {
		return fmt.Errorf("upload directory %s: not a directory of this user", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// stop runs when the server stops: uploads waiting for a commit are
// deleted now, running jobs delete theirs when their cancel reaches them.
func (js *importJobs) stop() {
	js.mu.Lock()
	defer js.mu.Unlock()
	for k, j := range js.jobs {
		if !j.running {
			js.drop(k, j)
		}
	}
}

// drop forgets a job and deletes its upload; js.mu is held.
func (js *importJobs) drop(token string, j *importJob) {
	if j.file != nil {
		j.file.Close()
	}
	delete(js.jobs, token)
}

// expire drops jobs past their lifetime and, for user, the oldest beyond
// keptPerUser; js.mu is held.
func (js *importJobs) expire(user int64) {
	var mine []*importJob
	for k, j := range js.jobs {
		switch {
		case j.running:
		case time.Since(j.created) > jobLifetime:
			js.drop(k, j)
		case j.userID == user:
			mine = append(mine, j)
		}
	}
	slices.SortFunc(mine, func(a, b *importJob) int { return a.created.Compare(b.created) })
	for len(mine) >= keptPerUser {
		js.drop(mine[0].token, mine[0])
		mine = mine[1:]
	}
}

// claim marks j running with req (nil: its own), unless it is running or
// committed already (a second click, a second tab) or the limits are
// reached. Everything is checked and changed under one lock, so two
// requests cannot both start the same job.
func (js *importJobs) claim(j *importJob, req *newhires.Request) error {
	js.mu.Lock()
	defer js.mu.Unlock()
	switch {
	case js.ctx.Err() != nil:
		return errRestarting
	case j.running:
		return model.ErrorKey(model.ECONFLICT, "err.import.reading")
	case j.committed():
		return model.ErrorKey(model.ECONFLICT, "err.import.done")
	case js.running[j.userID] >= jobsPerUser:
		return model.ErrorKey(model.ETOOMANY, "err.import.userbusy")
	case js.total >= jobsInTotal:
		return model.ErrorKey(model.ETOOMANY, "err.import.busy")
	}
	j.running, j.done, j.err = true, 0, nil
	if req != nil {
		j.req = *req
	}
	js.running[j.userID]++
	js.total++
	return nil
}

// finish records how j's run ended and frees its place. A committed
// list's upload is deleted; so is every upload once the server stops.
func (js *importJobs) finish(j *importJob, rep *newhires.Report, err error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j.running, j.report, j.err = false, rep, err
	js.running[j.userID]--
	js.total--
	if js.running[j.userID] == 0 {
		delete(js.running, j.userID)
	}
	switch {
	case js.ctx.Err() != nil:
		js.drop(j.token, j)
	case j.committed():
		j.file.Close()
	}
}

// add keeps an uploaded, claimed job.
func (js *importJobs) add(j *importJob) {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.expire(j.userID)
	js.jobs[j.token] = j
}

// get returns the user's own new-hire job; anyone else's is not found.
func (js *importJobs) get(token string, userID int64) (*importJob, error) {
	return js.find(token, userID, false)
}

// find returns the user's own job of the kind: a register upload or not.
func (js *importJobs) find(token string, userID int64, register bool) (*importJob, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.expire(0)
	j := js.jobs[token]
	if j == nil || j.userID != userID || (j.register != nil) != register {
		return nil, model.ErrorKey(model.ENOTFOUND, "err.import.gone")
	}
	return j, nil
}

// runImport reads or commits a claimed job in the background.
func (h *Handler) runImport(j *importJob, remoteAddr string) {
	js := h.imports
	js.mu.Lock()
	req := j.req
	js.mu.Unlock()
	req.Progress = func(done, total int64) {
		js.mu.Lock()
		j.done, j.total = done, total
		js.mu.Unlock()
	}
	h.inBackground(j, func(ctx context.Context) (*newhires.Report, error) { return h.importAsOwner(ctx, j, remoteAddr, req) })
}

// inBackground runs work for the claimed job j on the server's lifetime,
// bounded to an hour, and records how it ended.
func (h *Handler) inBackground(j *importJob, work func(context.Context) (*newhires.Report, error)) {
	js := h.imports
	started := js.spawn(func() {
		ctx, cancel := context.WithTimeout(js.ctx, time.Hour)
		defer cancel()
		rep, err := work(ctx)
		switch {
		case ctx.Err() != nil:
			err = model.ErrorKey(model.EINTERNAL, "err.import.aborted")
		case model.ErrorCode(err) == model.EINTERNAL:
			// A file's name can name a person: the workplace says which list.
			if j.workplace != nil {
				h.Log.Error("import failed", "workplace", j.workplace.ID, "err", err)
			} else {
				h.Log.Error("register load failed", "err", err)
			}
		}
		js.finish(j, rep, err)
	})
	if !started {
		js.finish(j, nil, errRestarting)
	}
}

// importAsOwner runs the job as its owner with the roles they hold now,
// not when they uploaded it: a steward whose role has ended cannot commit
// a list they previewed before.
func (h *Handler) importAsOwner(ctx context.Context, j *importJob, remoteAddr string, req newhires.Request) (*newhires.Report, error) {
	u, err := h.Store.Principal(ctx, j.userID)
	if err != nil {
		return nil, err
	}
	if !u.Scope(access.NewhireImport).ContainsAt(j.workplace.UnitPath, j.workplace.ID) {
		return nil, model.ErrorKey(model.EFORBIDDEN, "err.import.noaccess", "workplace", j.workplace.Name)
	}
	u.RemoteAddr = remoteAddr
	return newhires.Run(ctx, h.Store, u, j.workplace, j.file, j.file.Size(), req)
}

type importFormData struct {
	W       *model.Workplace
	Imports []storage.Import
	Basis   string
}

const defaultBasis = "Berettiget interesse (GDPR art. 6 nr. 1 f og art. 9 nr. 2 d); tillitsvalgtes rett til opplysninger om nyansatte etter hovedavtalen"

func (h *Handler) showImportForm(w http.ResponseWriter, r *http.Request) {
	wp, err := h.importWorkplace(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	list, err := h.Store.Imports(r.Context(), access.FromContext(r.Context()), wp.ID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "import", page{Title: locale.T(h.lang(r), "import.title"), Data: importFormData{W: wp, Imports: list, Basis: defaultBasis},
		Form: map[string]string{"source": "Nyansattliste fra arbeidsgiver", "lawful_basis": defaultBasis}})
}

// importWorkplace is the workplace in the path, if the user may import
// lists for it.
func (h *Handler) importWorkplace(r *http.Request) (*model.Workplace, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	u := access.FromContext(r.Context())
	wp, err := h.Store.Workplace(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	if !u.Scope(access.NewhireImport).ContainsAt(wp.UnitPath, wp.ID) {
		return nil, model.ErrorKey(model.ENOTFOUND, "err.workplace.notfound")
	}
	return wp, nil
}

// uploadList saves the uploaded file and starts its preview. The job is
// claimed before the body is read, so a refused upload never reaches the
// disk.
func (h *Handler) uploadList(w http.ResponseWriter, r *http.Request) {
	wp, err := h.importWorkplace(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	u := access.FromContext(r.Context())
	j := &importJob{token: newToken(), userID: u.UserID, workplace: wp, created: time.Now()}
	if err := h.imports.claim(j, nil); err != nil {
		h.serveError(w, r, err)
		return
	}
	if err := h.receiveList(w, r, j); err != nil {
		if j.file != nil {
			j.file.Close()
		}
		h.imports.finish(j, nil, err)
		h.serveError(w, r, err)
		return
	}
	h.imports.add(j)
	h.runImport(j, u.RemoteAddr)
	http.Redirect(w, r, "/imports/"+j.token, http.StatusSeeOther)
}

// receiveList reads the upload form into j.
func (h *Handler) receiveList(w http.ResponseWriter, r *http.Request, j *importJob) error {
	j.req.Kind = storage.ImportNewhires
	j.req.Options.TempDir = h.imports.dir
	name, err := h.receiveUpload(w, r, j, func(field, v string) {
		switch field {
		case "kind":
			if storage.ImportKind(v) == storage.ImportStaff {
				j.req.Kind = storage.ImportStaff
			}
		case "source":
			j.req.Source = v
		case "lawful_basis":
			j.req.LawfulBasis = v
		case "encoding":
			j.req.Options.Encoding = v
		}
	})
	if err != nil {
		return err
	}
	j.req.Filename = name
	if j.req.LawfulBasis == "" {
		j.req.LawfulBasis = defaultBasis
	}
	return nil
}

// receiveUpload reads a multipart upload: the part named file goes
// straight to an encrypted spool in j.file, never into memory; every other
// part (its first 4 kB, trimmed) goes to field. It returns the file's name.
func (h *Handler) receiveUpload(w http.ResponseWriter, r *http.Request, j *importJob, field func(name, value string)) (string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", model.ErrorKey(model.EINVALID, "err.import.nofile")
	}
	var name string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", model.ErrorKey(model.EINVALID, "err.import.toolarge")
		}
		if part.FormName() != "file" {
			b, _ := io.ReadAll(io.LimitReader(part, 4096))
			field(part.FormName(), strings.TrimSpace(string(b)))
			continue
		}
		if j.file != nil {
			continue
		}
		name = filepath.Base(part.FileName())
		f, err := importer.NewSpool(h.imports.dir, part)
		if err != nil {
			return "", model.ErrorKey(model.EINVALID, "err.import.toolarge")
		}
		j.file = f
	}
	if j.file == nil || j.file.Size() == 0 {
		return "", model.ErrorKey(model.EINVALID, "err.import.empty")
	}
	return name, nil
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type importJobData struct {
	Token       string
	W           *model.Workplace
	Req         newhires.Request
	Running     bool
	Percent     int
	Report      *newhires.Report
	Error       string
	Fields      []importer.Field
	Classes     []storage.ImportClass
	Workplaces  []*storage.WorkplaceSummary
	RouteFields []importer.Field
}

func (h *Handler) jobData(r *http.Request, j *importJob) importJobData {
	h.imports.mu.Lock()
	defer h.imports.mu.Unlock()
	d := importJobData{Token: j.token, W: j.workplace, Req: j.req, Running: j.running, Report: j.report,
		Fields: importer.Fields, Classes: storage.ImportClasses, RouteFields: []importer.Field{importer.Department, importer.Location}}
	if j.total > 0 {
		d.Percent = int(min(100, j.done*100/j.total))
	}
	if j.err != nil {
		d.Error = errorTextIn(j.err, h.lang(r))
	}
	return d
}

func (h *Handler) showImportJob(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	j, err := h.imports.get(r.PathValue("token"), u.UserID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := h.jobData(r, j)
	if d.Report != nil && d.Report.RouteBy != "" {
		// Rows may go to any workplace the user imports for: below their
		// units, and those of their portfolio the role imports for.
		sc := u.Scope(access.NewhireImport)
		for _, path := range sc.Paths {
			ws, err := h.Store.WorkplacesUnder(r.Context(), u, path, 300)
			if err != nil {
				h.serveError(w, r, err)
				return
			}
			d.Workplaces = append(d.Workplaces, ws...)
		}
		ws, err := h.Store.PortfolioWorkplaces(r.Context(), u, 300)
		if err != nil {
			h.serveError(w, r, err)
			return
		}
		for _, pw := range ws {
			if sc.ContainsAt(pw.UnitPath, pw.ID) && !slices.ContainsFunc(d.Workplaces, func(o *storage.WorkplaceSummary) bool { return o.ID == pw.ID }) {
				d.Workplaces = append(d.Workplaces, pw)
			}
		}
	}
	if r.Header.Get("HX-Request") == "true" {
		if !d.Running {
			// Done: the whole page shows the report.
			w.Header().Set("HX-Refresh", "true")
		}
		h.fragment(w, r, "importjob", "progress", page{Data: d})
		return
	}
	h.render(w, r, http.StatusOK, "importjob", page{Title: locale.T(h.lang(r), "import.title"), Data: d})
}

// reviewList reruns the preview with the user's column choices and
// routing, or commits with their decisions on flagged rows.
func (h *Handler) reviewList(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	j, err := h.imports.get(r.PathValue("token"), u.UserID)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "error.unreadable"))
		return
	}
	h.imports.mu.Lock()
	req, rep := j.req, j.report
	h.imports.mu.Unlock()
	if rep != nil {
		m := make(importer.Mapping, len(rep.Header))
		for i := range m {
			m[i] = importer.Field(r.PostFormValue("col_" + strconv.Itoa(i)))
		}
		req.Mapping = m
	}
	req.Options.Encoding, req.Options.Sheet = r.PostFormValue("encoding"), r.PostFormValue("sheet")
	req.RouteBy, req.Routes = importer.Field(r.PostFormValue("route_by")), nil
	if req.RouteBy != "" {
		req.Routes = map[string]int64{}
		for i := range maxRoutes {
			v := r.PostFormValue("route_value_" + strconv.Itoa(i))
			id, _ := strconv.ParseInt(r.PostFormValue("route_to_"+strconv.Itoa(i)), 10, 64)
			if v != "" && id > 0 {
				req.Routes[newhires.RouteKey(v)] = id
			}
		}
	}
	req.Decisions = map[int]string{}
	for k, vs := range r.PostForm {
		if line, ok := strings.CutPrefix(k, "decide_"); ok {
			if n, err := strconv.Atoi(line); err == nil && (vs[0] == storage.DecideMerge || vs[0] == storage.DecideNew) {
				req.Decisions[n] = vs[0]
			}
		}
	}
	req.Commit = r.PostFormValue("action") == "commit"
	if err := h.imports.claim(j, &req); err != nil {
		h.serveError(w, r, err)
		return
	}
	h.runImport(j, u.RemoteAddr)
	http.Redirect(w, r, "/imports/"+j.token, http.StatusSeeOther)
}

const maxRoutes = 200

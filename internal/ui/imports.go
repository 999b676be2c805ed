package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
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

// importJob is one uploaded list between upload and commit. Reading and
// committing run in the background so a large file shows progress; the
// page polls the job.
type importJob struct {
	mu        sync.Mutex
	token     string
	userID    int64
	workplace *model.Workplace
	file      string // the upload, in a temporary file until committed or expired
	size      int64
	created   time.Time
	req       newhires.Request
	running   bool
	done      int64
	total     int64
	report    *newhires.Report
	err       error
}

// importJobs holds the jobs of this server process.
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

func (js *importJobs) add(j *importJob) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.jobs == nil {
		js.jobs = map[string]*importJob{}
	}
	// Uploads left for two hours are dropped with their files.
	for k, old := range js.jobs {
		old.mu.Lock()
		if !old.running && time.Since(old.created) > 2*time.Hour {
			os.Remove(old.file)
			delete(js.jobs, k)
		}
		old.mu.Unlock()
	}
	js.jobs[j.token] = j
}

// get returns the user's own job; anyone else's is not found.
func (js *importJobs) get(token string, userID int64) (*importJob, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j := js.jobs[token]
	if j == nil || j.userID != userID {
		return nil, model.Errorf(model.ENOTFOUND, "Fant ikke opplastingen. Den kan ha utløpt; last opp fila på nytt.")
	}
	return j, nil
}

// start runs the job's request in the background as u, the user of the
// request that asked for it (the job's owner, from where they are now).
func (h *Handler) startImport(j *importJob, u *access.Principal) {
	j.mu.Lock()
	j.running, j.done, j.err = true, 0, nil
	req := j.req
	j.mu.Unlock()
	req.Progress = func(done, total int64) {
		j.mu.Lock()
		j.done, j.total = done, total
		j.mu.Unlock()
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		rep, err := h.runImport(ctx, j, u, req)
		j.mu.Lock()
		defer j.mu.Unlock()
		j.running, j.report, j.err = false, rep, err
		if err == nil && rep.Result != nil && rep.Result.Committed {
			os.Remove(j.file)
		}
		if err != nil && model.ErrorCode(err) == model.EINTERNAL {
			h.Log.Error("import failed", "file", j.req.Filename, "err", err)
		}
	}()
}

func (h *Handler) runImport(ctx context.Context, j *importJob, u *access.Principal, req newhires.Request) (*newhires.Report, error) {
	f, err := os.Open(j.file)
	if err != nil {
		return nil, model.Errorf(model.ENOTFOUND, "Fila er ikke lenger her; last den opp på nytt.")
	}
	defer f.Close()
	return newhires.Run(ctx, h.Store, u, j.workplace, f, j.size, req)
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
	if !u.Scope(access.NewhireImport).Contains(wp.UnitPath) {
		return nil, model.Errorf(model.ENOTFOUND, "Fant ikke arbeidsplassen.")
	}
	return wp, nil
}

// uploadList saves the uploaded file and starts its preview.
func (h *Handler) uploadList(w http.ResponseWriter, r *http.Request) {
	wp, err := h.importWorkplace(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		h.serveError(w, r, model.Errorf(model.EINVALID, "Velg en fil å laste opp."))
		return
	}
	j := &importJob{token: newToken(), userID: access.FromContext(r.Context()).UserID,
		workplace: wp, created: time.Now()}
	j.req.Kind = storage.ImportNewhires
	// Stream the parts: the file goes straight to disk, never into memory.
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			os.Remove(j.file)
			h.serveError(w, r, model.Errorf(model.EINVALID, "Opplastingen ble avbrutt eller er større enn 256 MB."))
			return
		}
		switch part.FormName() {
		case "file":
			if j.file != "" {
				continue
			}
			f, err := os.CreateTemp("", "verve-upload-*")
			if err != nil {
				h.serveError(w, r, err)
				return
			}
			j.file, j.req.Filename = f.Name(), filepath.Base(part.FileName())
			j.size, err = io.Copy(f, part)
			f.Close()
			if err != nil {
				os.Remove(j.file)
				h.serveError(w, r, model.Errorf(model.EINVALID, "Opplastingen ble avbrutt eller er større enn 256 MB."))
				return
			}
		default:
			b, _ := io.ReadAll(io.LimitReader(part, 4096))
			v := strings.TrimSpace(string(b))
			switch part.FormName() {
			case "kind":
				if v == storage.ImportStaff {
					j.req.Kind = v
				}
			case "source":
				j.req.Source = v
			case "lawful_basis":
				j.req.LawfulBasis = v
			case "encoding":
				j.req.Options.Encoding = v
			}
		}
	}
	if j.file == "" || j.size == 0 {
		os.Remove(j.file)
		h.serveError(w, r, model.Errorf(model.EINVALID, "Velg en fil å laste opp. Fila kan ikke være tom."))
		return
	}
	if j.req.LawfulBasis == "" {
		j.req.LawfulBasis = defaultBasis
	}
	h.imports.add(j)
	h.startImport(j, access.FromContext(r.Context()))
	http.Redirect(w, r, "/imports/"+j.token, http.StatusSeeOther)
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
	Classes     []string
	Workplaces  []*storage.WorkplaceSummary
	RouteFields []importer.Field
}

func (h *Handler) jobData(r *http.Request, j *importJob) importJobData {
	j.mu.Lock()
	defer j.mu.Unlock()
	d := importJobData{Token: j.token, W: j.workplace, Req: j.req, Running: j.running, Report: j.report,
		Fields: importer.Fields, Classes: storage.ImportClasses, RouteFields: []importer.Field{importer.Department, importer.Location}}
	if j.total > 0 {
		d.Percent = int(min(100, j.done*100/j.total))
	}
	if j.err != nil {
		d.Error = errorText(j.err)
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
		// Rows may go to any workplace the user imports for.
		for _, path := range u.Scope(access.NewhireImport).Paths {
			ws, err := h.Store.WorkplacesUnder(r.Context(), u, path, 300)
			if err != nil {
				h.serveError(w, r, err)
				return
			}
			d.Workplaces = append(d.Workplaces, ws...)
		}
	}
	if r.Header.Get("HX-Request") == "true" {
		if !d.Running {
			// Done: the whole page shows the report.
			w.Header().Set("HX-Refresh", "true")
		}
		h.fragment(w, r, "importjob", "progress", d)
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
		h.serveError(w, r, model.Errorf(model.EINVALID, "Skjemaet kunne ikke leses."))
		return
	}
	j.mu.Lock()
	if j.running {
		j.mu.Unlock()
		h.serveError(w, r, model.Errorf(model.ECONFLICT, "Lista leses fortsatt. Vent til den er ferdig."))
		return
	}
	if j.report != nil && j.report.Result != nil && j.report.Result.Committed {
		j.mu.Unlock()
		h.serveError(w, r, model.Errorf(model.ECONFLICT, "Lista er allerede importert."))
		return
	}
	req := j.req
	if j.report != nil {
		m := make(importer.Mapping, len(j.report.Header))
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
	j.req = req
	j.mu.Unlock()
	h.startImport(j, u)
	http.Redirect(w, r, "/imports/"+j.token, http.StatusSeeOther)
}

const maxRoutes = 200

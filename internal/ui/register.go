package ui

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/newhires"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage"
)

// The member register page: a union admin uploads the central register's
// export, sees what a load would do (a dry run in the background, as an
// employer's list is previewed), maps the words the register uses that
// Verve does not know yet, and then stores it. Missing members of a
// complete export are confirmed as resigned here, never by the load.

// registerJob is a register upload's own state in its importJob; its
// fields are guarded by importJobs.mu.
type registerJob struct {
	filename string
	read     register.ReadOptions // Mapping: the admin's choice of columns
	opt      register.Options     // DryRun and Complete; the rest set per run
	report   *register.Report
	header   []string         // the file's header row, once read
	mapping  []register.Field // and how the last run read it
}

type registerPageData struct {
	Since     string             // the export's default day: a month ago
	Missing   []register.Missing // awaiting confirmation from complete exports
	Confirmed int                // just confirmed as resigned
	Loads     []storage.RegisterLoad
}

func (h *Handler) showRegisterPage(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	d := registerPageData{Since: h.Store.Today().AddDate(0, -1, 0).Format(time.DateOnly)}
	d.Confirmed, _ = strconv.Atoi(r.URL.Query().Get("confirmed"))
	var err error
	if d.Missing, err = h.Store.MissingMembers(r.Context(), u); err == nil {
		d.Loads, err = h.Store.RegisterLoads(r.Context(), u, 10)
	}
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "register", page{Title: locale.T(h.lang(r), "reg.title"), Data: d})
}

// uploadRegister spools the uploaded export and starts its dry run. As
// with a list, the job is claimed before the body is read.
func (h *Handler) uploadRegister(w http.ResponseWriter, r *http.Request) {
	u := access.FromContext(r.Context())
	j := &importJob{token: newToken(), userID: u.UserID, created: time.Now(), register: &registerJob{}}
	if err := h.imports.claim(j, nil); err != nil {
		h.serveError(w, r, err)
		return
	}
	rj := j.register
	rj.read.Import.TempDir = h.imports.dir
	name, err := h.receiveUpload(w, r, j, func(field, v string) {
		switch field {
		case "complete":
			rj.opt.Complete = v != ""
		case "encoding":
			rj.read.Import.Encoding = v
		}
	})
	if err != nil {
		if j.file != nil {
			j.file.Close()
		}
		h.imports.finish(j, nil, err)
		h.serveError(w, r, err)
		return
	}
	rj.filename, rj.opt.DryRun = name, true
	h.imports.add(j)
	h.runRegisterLoad(j, u.RemoteAddr)
	http.Redirect(w, r, "/register/jobs/"+j.token, http.StatusSeeOther)
}

// runRegisterLoad runs a claimed register job in the background, as its
// owner with the roles they hold now: an admin whose role has ended
// cannot store an export they previewed before.
func (h *Handler) runRegisterLoad(j *importJob, remoteAddr string) {
	js := h.imports
	js.mu.Lock()
	rj := *j.register
	js.mu.Unlock()
	h.inBackground(j, func(ctx context.Context) (*newhires.Report, error) {
		rep, src, err := h.loadRegister(ctx, j, rj, remoteAddr)
		js.mu.Lock()
		j.register.report = rep
		if src != nil {
			j.register.header, j.register.mapping = src.Header(), src.Mapping()
		}
		js.mu.Unlock()
		return nil, err
	})
}

func (h *Handler) loadRegister(ctx context.Context, j *importJob, rj registerJob, remoteAddr string) (*register.Report, *register.Reader, error) {
	u, err := h.Store.Principal(ctx, j.userID)
	if err != nil {
		return nil, nil, err
	}
	if !u.UnionWide(access.UserAdmin) {
		return nil, nil, model.ErrorKey(model.EFORBIDDEN, "err.adminonly")
	}
	u.RemoteAddr = remoteAddr
	return h.Store.LoadRegister(ctx, u, j.file, j.file.Size(), rj.read, rj.opt, func(done, total int64) {
		h.imports.mu.Lock()
		j.done, j.total = done, total
		h.imports.mu.Unlock()
	})
}

// findRegisterJob is the user's own register job in the path.
func (h *Handler) findRegisterJob(r *http.Request) (*importJob, error) {
	return h.imports.find(r.PathValue("token"), access.FromContext(r.Context()).UserID, true)
}

type registerJobData struct {
	Token    string
	Header   []string
	Mapping  []register.Field
	Fields   []register.Field
	Filename string
	Complete bool
	Running  bool
	// Committing: the running job stores the export (else a dry run).
	Committing bool
	Confirmed  int // missing members just confirmed as resigned
	Percent    int
	Report     *register.Report
	Error      string
	Counts     []register.Count
	Unknown    []unknownWord
}

// unknownWord is a word the register uses that Verve does not know yet,
// with what it can be mapped to.
type unknownWord struct {
	register.Unknown
	Choices []choice
}

type choice struct{ Value, Label string }

// codedLabelKey is the catalogue key naming a value of a coded field.
func codedLabelKey(f register.Field, v string) string {
	switch f {
	case register.MemberType:
		return "type." + v
	case register.MemberStatus:
		return "status." + v
	case register.Roles:
		return "role." + v
	case register.ResignReason:
		return "reg.leave." + v
	}
	return "reg.dues." + v
}

func (h *Handler) registerJobData(r *http.Request, j *importJob) registerJobData {
	lang := h.lang(r)
	h.imports.mu.Lock()
	defer h.imports.mu.Unlock()
	rj := j.register
	d := registerJobData{Token: j.token, Filename: rj.filename, Complete: rj.opt.Complete, Running: j.running, Report: rj.report,
		Committing: !rj.opt.DryRun, Header: rj.header, Mapping: rj.mapping, Fields: register.Fields}
	if j.total > 0 {
		d.Percent = int(min(100, j.done*100/j.total))
	}
	if j.err != nil {
		d.Error = errorTextIn(j.err, lang)
	}
	if d.Report != nil {
		d.Counts = d.Report.Counts()
		for _, u := range d.Report.Unknown {
			w := unknownWord{Unknown: u}
			for _, v := range register.Coded(u.Field) {
				w.Choices = append(w.Choices, choice{v, locale.T(lang, codedLabelKey(u.Field, v))})
			}
			d.Unknown = append(d.Unknown, w)
		}
	}
	return d
}

func (h *Handler) showRegisterJob(w http.ResponseWriter, r *http.Request) {
	j, err := h.findRegisterJob(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	d := h.registerJobData(r, j)
	d.Confirmed, _ = strconv.Atoi(r.URL.Query().Get("confirmed"))
	if r.Header.Get("HX-Request") == "true" {
		if !d.Running {
			w.Header().Set("HX-Refresh", "true")
		}
		h.fragment(w, r, "registerjob", "regprogress", page{Data: d})
		return
	}
	h.render(w, r, http.StatusOK, "registerjob", page{Title: locale.T(h.lang(r), "reg.title"), Data: d})
}

// reviewRegister reruns the dry run (with or without --complete) or
// stores the export.
func (h *Handler) reviewRegister(w http.ResponseWriter, r *http.Request) {
	j, err := h.findRegisterJob(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "error.unreadable"))
		return
	}
	h.imports.mu.Lock()
	header := j.register.header
	h.imports.mu.Unlock()
	var m []register.Field // nil: as the last run read it
	if _, ok := r.PostForm["col_0"]; ok && header != nil {
		m = make([]register.Field, len(header))
		for i := range m {
			m[i] = register.Field(r.PostFormValue("col_" + strconv.Itoa(i)))
		}
	}
	h.rerunRegister(w, r, j, m, r.PostFormValue("complete") != "", r.PostFormValue("action") == "commit")
}

// rerunRegister claims j again with the choices (m: the columns, nil for
// the last run's) and runs it.
func (h *Handler) rerunRegister(w http.ResponseWriter, r *http.Request, j *importJob, m []register.Field, complete, commit bool) {
	h.imports.mu.Lock()
	rj := *j.register
	h.imports.mu.Unlock()
	if m != nil {
		rj.read.Mapping = m
	}
	rj.opt.Complete, rj.opt.DryRun = complete, !commit
	if err := h.imports.claim(j, nil); err != nil {
		h.serveError(w, r, err)
		return
	}
	h.imports.mu.Lock()
	*j.register = rj
	h.imports.mu.Unlock()
	h.runRegisterLoad(j, access.FromContext(r.Context()).RemoteAddr)
	http.Redirect(w, r, "/register/jobs/"+j.token, http.StatusSeeOther)
}

// mapRegisterWords remembers what the words the admin chose mean, then
// runs the dry run again so their rows are read.
func (h *Handler) mapRegisterWords(w http.ResponseWriter, r *http.Request) {
	j, err := h.findRegisterJob(r)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "error.unreadable"))
		return
	}
	h.imports.mu.Lock()
	var unknown []register.Unknown
	if rep := j.register.report; rep != nil {
		unknown = rep.Unknown
	}
	complete := j.register.opt.Complete
	h.imports.mu.Unlock()
	u := access.FromContext(r.Context())
	// Only the words the report named can be mapped here, each by its
	// index, so the form cannot invent fields.
	for i, uw := range unknown {
		v := r.PostFormValue("word_" + strconv.Itoa(i))
		if v == "" {
			continue
		}
		if err := h.Store.MapRegisterWord(r.Context(), u, uw.Field, register.Norm(uw.Value), v); err != nil {
			h.serveError(w, r, err)
			return
		}
	}
	h.rerunRegister(w, r, j, nil, complete, false)
}

// confirmMissing resigns the members of complete exports the admin
// confirmed are gone from the register, from the register page or from
// the job that listed them (job: its token), and goes back there.
func (h *Handler) confirmMissing(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "error.unreadable"))
		return
	}
	var j *importJob
	if token := r.PostFormValue("job"); token != "" {
		var err error
		if j, err = h.imports.find(token, access.FromContext(r.Context()).UserID, true); err != nil {
			h.serveError(w, r, err)
			return
		}
	}
	var ids []int64
	for _, v := range r.PostForm["person"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		h.serveError(w, r, model.ErrorKey(model.EINVALID, "err.reg.nonechosen"))
		return
	}
	n, err := h.Store.ConfirmMissing(r.Context(), access.FromContext(r.Context()), ids)
	if err != nil {
		h.serveError(w, r, err)
		return
	}
	if j == nil {
		http.Redirect(w, r, "/register?confirmed="+strconv.Itoa(n), http.StatusSeeOther)
		return
	}
	// The job's report lists only those still waiting.
	h.imports.mu.Lock()
	if rep := j.register.report; rep != nil {
		rep.Missing = slices.DeleteFunc(slices.Clone(rep.Missing), func(m register.Missing) bool { return slices.Contains(ids, m.PersonID) })
	}
	h.imports.mu.Unlock()
	http.Redirect(w, r, "/register/jobs/"+j.token+"?confirmed="+strconv.Itoa(n), http.StatusSeeOther)
}

package register

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"slices"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
)

// Compared are the fields a later load compares with the register's last
// value, in the order their hashes are kept (append only: a stored value
// is read by position). A unit is compared as its code and name together
// (the code's field names it), an employer as its orgnr, roles as their
// terms with dates. The employers are compared as one list: the first
// (the primary) and the further ones, so a row with one employer keeps
// the hash it had before further employers were read.
var Compared = []Field{Fnr, FirstName, LastName, BirthDate, Email, Mobile, Address, PostalCode, PostalPlace, Protected,
	EmployerOrgnr, RegionCode, BranchCode, ClubCode, MemberType, MemberStatus, Joined, Resigned, ResignReason,
	RecruitedBy, Dues, PaidUpTo, Roles}

// hashLen is the length of one field's hash as kept: 6 bytes of HMAC in
// base64. A collision only hides a change, with odds of 2⁻⁴⁸.
const hashLen = 8

// unseen marks a field whose register value Verve has not seen yet
// ('.' is not in the base64 alphabet).
const unseen = "........"

// Present reports whether the file has the field's column(s).
func (r Record) Present(f Field) bool {
	switch f {
	case RegionCode:
		return r.Has[RegionCode] || r.Has[RegionName]
	case BranchCode:
		return r.Has[BranchCode] || r.Has[BranchName]
	case ClubCode:
		return r.Has[ClubCode] || r.Has[ClubName]
	case EmployerOrgnr:
		return r.Has[EmployerOrgnr]
	case Roles:
		return r.Has[Roles]
	}
	return r.Has[f]
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// value is the field's value in a canonical text, the input of its hash.
func (r Record) value(f Field) string {
	switch f {
	case Fnr:
		return r.Fnr
	case FirstName:
		return r.First
	case LastName:
		return r.Last
	case BirthDate:
		return day(r.Birth)
	case Email:
		return r.Email
	case Mobile:
		return r.Mobile
	case Address:
		return r.Address
	case PostalCode:
		return r.Postal
	case PostalPlace:
		return r.Place
	case Protected:
		return string(r.Protect)
	case EmployerOrgnr:
		v := r.Orgnr
		for _, j := range r.Jobs {
			v += ";" + j.Orgnr
		}
		return v
	case RegionCode:
		return r.Region.Code + "\x00" + r.Region.Name
	case BranchCode:
		return r.Branch.Code + "\x00" + r.Branch.Name
	case ClubCode:
		return r.Club.Code + "\x00" + r.Club.Name
	case MemberType:
		return string(r.Type)
	case MemberStatus:
		return string(r.Status)
	case Joined:
		return day(r.Joined)
	case Resigned:
		return day(r.Resigned)
	case ResignReason:
		return r.Reason + "\x00" + string(r.Leave)
	case RecruitedBy:
		return r.Recruiter
	case Dues:
		return string(r.Dues)
	case PaidUpTo:
		return day(r.PaidUpTo)
	case Roles:
		var sb strings.Builder
		for _, t := range r.Roles {
			sb.WriteString(string(t.Role) + "|" + day(t.From) + "|" + day(t.To) + ";")
		}
		return sb.String()
	}
	return ""
}

// Hasher makes the keyed hashes of a member's register values. The key
// is secret (derived from the fødselsnummer key), so a kept hash of a
// birth date or a number cannot be reversed by trying the few values.
type Hasher struct {
	mac hash.Hash
	msg []byte // field, 0, value: what one field's hash is of
	sum []byte
}

// NewHasher returns a Hasher under key.
func NewHasher(key []byte) *Hasher { return &Hasher{mac: hmac.New(sha256.New, key)} }

// appendHash appends the kept hash of f's value v to dst. The message is
// built in a buffer of the Hasher's and written once: a first load hashes
// twenty values a row, so each allocation and call counts.
func (h *Hasher) appendHash(dst []byte, f Field, v string) []byte {
	h.msg = append(append(append(h.msg[:0], f...), 0), v...)
	h.mac.Reset()
	h.mac.Write(h.msg)
	h.sum = h.mac.Sum(h.sum[:0])
	return base64.RawURLEncoding.AppendEncode(dst, h.sum[:6])
}

// Changes compares r with the hashes kept from the last load (old; "" for
// none) and returns the hashes to keep now and the fields whose value the
// register changed. A field whose column the file lacks keeps its old
// hash and is not changed.
func (h *Hasher) Changes(r Record, old string) (next string, changed Set) {
	return Rebase(r, h.Fresh(r), old)
}

// Fresh returns r's hashes against no earlier load: what Rebase compares.
// It does all the hashing, so it may run ahead on another goroutine (a
// Hasher is not safe for concurrent use).
func (h *Hasher) Fresh(r Record) string {
	b := make([]byte, 0, len(Compared)*hashLen)
	for _, f := range Compared {
		if r.Present(f) {
			b = h.appendHash(b, f, r.value(f))
		} else {
			b = append(b, unseen...)
		}
	}
	return string(b)
}

// Rebase is Changes(r, old) from fresh, r's Fresh hashes, without hashing
// again.
func Rebase(r Record, fresh, old string) (next string, changed Set) {
	// A first load rebases a million rows: the hashes are copied only
	// where a column is missing, and changed grows once.
	var b []byte
	for i, f := range Compared {
		prev := unseen
		if len(old) >= (i+1)*hashLen {
			prev = old[i*hashLen : (i+1)*hashLen]
		}
		if !r.Present(f) {
			if b == nil {
				b = []byte(fresh)
			}
			copy(b[i*hashLen:], prev)
		} else if fresh[i*hashLen:(i+1)*hashLen] != prev {
			if changed == nil {
				changed = make(Set, 0, len(Compared))
			}
			changed = append(changed, f) // once each, in Compared's order
		}
	}
	if b == nil {
		return fresh, changed
	}
	return string(b), changed
}

// Forget marks f's value in hashes as not seen, so the next load applies
// it again (a row whose value could not be applied).
func Forget(hashes string, f Field) string {
	i := slices.Index(Compared, f)
	if i < 0 || len(hashes) < (i+1)*hashLen {
		return hashes
	}
	return hashes[:i*hashLen] + unseen + hashes[(i+1)*hashLen:]
}

// Set is a set of fields, in Compared's order.
type Set []Field

// With returns the set with f added.
func (s Set) With(f Field) Set {
	if s.Has(f) {
		return s
	}
	return append(s, f)
}

// Has reports whether f is in the set.
func (s Set) Has(f Field) bool { return slices.Contains(s, f) }

// Names are the fields' names, for the audit log.
func (s Set) Names() []string {
	out := make([]string, len(s))
	for i, f := range s {
		out[i] = string(f)
	}
	return out
}

// Settings are the union's choices for register loads.
type Settings struct {
	WinbackDays    int // days from a resignation to the winback call's deadline
	MaxFailPercent int // a load where more rows fail commits nothing
}

// DefaultSettings apply until the union saves its own.
var DefaultSettings = Settings{WinbackDays: 14, MaxFailPercent: int(DefaultMaxFailShare * 100)}

// Validate reports each setting out of its range.
func (st *Settings) Validate() error {
	var v model.Validation
	v.Check(st.WinbackDays >= 1 && st.WinbackDays <= 90, "register_winback_days", "settings.valid.days", "min", 1, "max", 90)
	v.Check(st.MaxFailPercent >= 0 && st.MaxFailPercent <= 50, "register_max_fail_percent", "settings.valid.percent", "min", 0, "max", 50)
	return v.Err()
}

// MaxFailShare is the share of failing rows above which a load commits
// nothing: the option's when set, else the union's setting.
func (st Settings) MaxFailShare(o Options) float64 {
	if o.MaxFailShare > 0 {
		return o.MaxFailShare
	}
	return float64(st.MaxFailPercent) / 100
}

// Refuse reports whether a load with failed of rows rows fails too many.
func Refuse(rows, failed int, share float64) bool {
	return rows > 0 && float64(failed) > share*float64(rows)
}

// Before is what Verve holds of a member before a row is applied.
type Before struct {
	Known    bool                 // Verve has the person (by member number, fødselsnummer, or the echo of a join)
	Member   bool                 // a current member (active or in arrears)
	Type     model.MembershipType // the current membership's type
	Dues     model.DuesStatus
	Orgnr    string     // the workplace of the register's open primary employment, "" for none
	Jobs     []string   // the workplaces (orgnr) of the register's other open employments
	Current  string     // the person's current workplace in Verve (orgnr), "" for none
	Roles    []RoleTerm // the register's roles Verve holds, not yet ended
	Welcomed bool       // Verve already welcomed them (they joined on the join page)
}

// Task is a task a row opens. The owner is the workplace's steward when
// AtWorkplace (the new workplace's, on a job change), else the member's
// club's steward, else the region's recruitment coordinator.
type Task struct {
	Kind        model.TaskKind
	Title       string // stored bokmål, from the catalogue
	Due         time.Time
	AtWorkplace bool
	Orgnr       string // AtWorkplace: a further employer's workplace; "" for the row's primary
}

// Plan is what a row with changed fields does beyond storing them.
type Plan struct {
	Reject     model.Text // the row cannot be applied (Key set)
	Member     bool       // a member after the row
	Join       bool       // becomes a member: a membership starts
	Resign     bool       // the membership ends on End with Leave
	End        time.Time  // the resignation date
	Leave      model.LeaveReason
	Retire     bool // the membership becomes retired instead of ending
	CancelOpen bool // death: open tasks, queued mail, open applications and invitations end
	EndJob     bool // the register's employment at Before.Orgnr ends today
	StartJob   bool // an employment at the row's Orgnr starts
	JobChange  bool // EndJob and StartJob: a member moved
	Primary    bool // the member's workplace becomes the row's Orgnr (none when "")
	// The further employments that start (the row's) or end today (of
	// Before.Jobs), by orgnr. An employer that moves between first and
	// further keeps its employment.
	JobsStart, JobsEnd []string
	Tasks              []Task
	RolesStart         []RoleTerm
	RolesEnd           []RoleTerm // each with the end date it gets (To)
}

// Task titles, stored with the task (bokmål, as every stored title).
func title(key string, args ...any) string { return locale.T("nb", key, args...) }

// welcomeDays is how soon a new member's welcome is due.
const welcomeDays = 3

// Decide says what a row r with the changed fields does to a member
// Verve holds as b, on day today. The first load opens no tasks: it
// brings in the union as it is, not as news.
func Decide(first bool, changed Set, b Before, r Record, today time.Time, st Settings) Plan {
	var p Plan
	p.Member = b.Member
	statusChanged := !b.Known || changed.Has(MemberStatus) || changed.Has(Resigned)
	if statusChanged {
		p.Member = memberNow(r, b, today)
	}
	tasks := !first
	switch {
	case p.Member && !b.Member:
		p.Join = true
		if tasks && !b.Welcomed {
			p.Tasks = append(p.Tasks, Task{Kind: model.TaskWelcome, Title: title("register.task.welcome"),
				Due: today.AddDate(0, 0, welcomeDays), AtWorkplace: r.Orgnr != ""})
		}
	case !p.Member && b.Member:
		leave := r.Leave
		if leave == "" {
			leave = model.LeaveChurn
		}
		if leave == model.LeaveRetirement {
			// A retired member stays a member, of the retired kind.
			p.Member, p.Retire = true, b.Type != model.TypeRetired
			break
		}
		p.Resign, p.Leave, p.End = true, leave, r.Resigned
		if p.End.IsZero() || p.End.After(today) {
			p.End = today
		}
		p.CancelOpen = leave == model.LeaveDeath
		if tasks && leave.Winback() {
			t := Task{Kind: model.TaskWinback, Title: title("register.task.winback.plain"), Due: today.AddDate(0, 0, st.WinbackDays)}
			if r.Reason != "" {
				t.Title = title("register.task.winback", "reason", r.Reason)
			}
			p.Tasks = append(p.Tasks, t)
		}
	}
	if changed.Has(EmployerOrgnr) {
		p.jobs(tasks, b, r, today)
	}
	if tasks && changed.Has(Dues) && r.Dues != b.Dues && p.Member && !p.Join {
		key := map[model.DuesStatus]string{model.DuesArrears: "register.task.dues.arrears", model.DuesDeductionStopped: "register.task.dues.stopped"}[r.Dues]
		if key != "" {
			p.Tasks = append(p.Tasks, Task{Kind: model.TaskDuesCall, Title: title(key), Due: today})
		}
	}
	terms := b.Roles
	if changed.Has(Roles) {
		if !p.Member && openTerms(r.Roles, today) {
			return Plan{Reject: model.Text{Key: "register.row.rolenonmember"}}
		}
		p.RolesStart, p.RolesEnd = RoleChanges(b.Roles, r.Roles, today)
		terms = r.Roles
	}
	if p.Resign {
		// A member who leaves holds no role for the union any more.
		for _, t := range terms {
			if t.To.IsZero() || t.To.After(p.End) {
				p.RolesEnd = appendEnd(p.RolesEnd, RoleTerm{Role: t.Role, From: t.From, To: p.End})
			}
		}
	}
	return p
}

// jobs plans the employments' changes: each employer the row lists that
// Verve's register employments lack starts, each they hold that the row
// lacks ends, and the member's workplace follows the row's first. A
// member who starts at a workplace gets its steward a "started here" task
// (not a new member, welcomed instead, nor one already there in Verve).
func (p *Plan) jobs(tasks bool, b Before, r Record, today time.Time) {
	now := []string{r.Orgnr}
	for _, j := range r.Jobs {
		now = append(now, j.Orgnr)
	}
	was := append([]string{b.Orgnr}, b.Jobs...)
	p.Primary = r.Orgnr != b.Orgnr
	p.EndJob = b.Orgnr != "" && !slices.Contains(now, b.Orgnr)
	p.StartJob = r.Orgnr != "" && !slices.Contains(was, r.Orgnr)
	p.JobChange = p.EndJob && p.StartJob
	for _, o := range now[1:] {
		if !slices.Contains(was, o) {
			p.JobsStart = append(p.JobsStart, o)
		}
	}
	for _, o := range b.Jobs {
		if !slices.Contains(now, o) {
			p.JobsEnd = append(p.JobsEnd, o)
		}
	}
	if !tasks || !p.Member || !b.Member || p.Join {
		return
	}
	started := func(orgnr string) Task {
		return Task{Kind: model.TaskMemberStarted, Title: title("register.task.started"), Due: today.AddDate(0, 0, welcomeDays),
			AtWorkplace: true, Orgnr: orgnr}
	}
	if p.StartJob && r.Orgnr != b.Current {
		p.Tasks = append(p.Tasks, started(""))
	}
	for _, o := range p.JobsStart {
		if o != b.Current {
			p.Tasks = append(p.Tasks, started(o))
		}
	}
}

// appendEnd adds e to ends, replacing an end of the same term.
func appendEnd(ends []RoleTerm, e RoleTerm) []RoleTerm {
	for i, x := range ends {
		if x.Role == e.Role && x.From.Equal(e.From) {
			ends[i] = e
			return ends
		}
	}
	return append(ends, e)
}

// memberNow says whether the row leaves the person a member: the status
// when the file gives one, else a resignation date that has come, else
// a new row is a member and a known one stays as it was.
func memberNow(r Record, b Before, today time.Time) bool {
	switch {
	case r.Has[MemberStatus] && r.Status != "":
		return model.IsMember(r.Status)
	case r.Has[Resigned] && !r.Resigned.IsZero() && !r.Resigned.After(today):
		return false
	case !b.Known:
		return true
	}
	return b.Member
}

// openTerms reports whether any term is still running on today.
func openTerms(ts []RoleTerm, today time.Time) bool {
	for _, t := range ts {
		if t.To.IsZero() || t.To.After(today) {
			return true
		}
	}
	return false
}

// RoleChanges compares the register's roles Verve holds (old) with the
// row's (now): a term is its role and start date. A new term starts; a
// term the register no longer lists ends today (unless it has ended); a
// term whose end date changed gets the new one (zero: open again).
func RoleChanges(old, now []RoleTerm, today time.Time) (start, end []RoleTerm) {
	find := func(ts []RoleTerm, t RoleTerm) (RoleTerm, bool) {
		for _, x := range ts {
			if x.Role == t.Role && x.From.Equal(t.From) {
				return x, true
			}
		}
		return RoleTerm{}, false
	}
	for _, t := range now {
		o, ok := find(old, t)
		switch {
		case !ok:
			start = append(start, t)
		case !o.To.Equal(t.To):
			end = append(end, t)
		}
	}
	for _, o := range old {
		if _, ok := find(now, o); !ok && (o.To.IsZero() || o.To.After(today)) {
			end = append(end, RoleTerm{Role: o.Role, From: o.From, To: today})
		}
	}
	return start, end
}

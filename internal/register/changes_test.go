package register

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
)

var today = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

func has(fs ...Field) map[Field]bool {
	m := map[Field]bool{}
	for _, f := range fs {
		m[f] = true
	}
	return m
}

func kinds(p Plan) []model.TaskKind {
	var out []model.TaskKind
	for _, t := range p.Tasks {
		out = append(out, t.Kind)
	}
	return out
}

func TestChangesHashes(t *testing.T) {
	h := NewHasher([]byte("key"))
	r := Record{MemberNo: "1", First: "Kari", Email: "kari@example.no", Has: has(MemberNo, FirstName, Email)}
	first, changed := h.Changes(r, "")
	if !slices.Equal(changed, Set{FirstName, Email}) || len(first) != len(Compared)*hashLen {
		t.Fatalf("first: %v %q", changed, first)
	}
	if _, changed := h.Changes(r, first); len(changed) != 0 {
		t.Fatalf("same row again changed %v", changed)
	}
	// A missing column keeps the old value; an empty cell changes it.
	r2 := Record{MemberNo: "1", Email: "", Has: has(MemberNo, Email)}
	next, changed := h.Changes(r2, first)
	if !slices.Equal(changed, Set{Email}) || next[:hashLen*2] != first[:hashLen*2] {
		t.Fatalf("cleared e-mail: %v", changed)
	}
	// Another key gives other hashes: they are keyed.
	if other, _ := NewHasher([]byte("other")).Changes(r, ""); other == first {
		t.Fatal("hashes do not depend on the key")
	}
}

// The kept hashes are 6 bytes of HMAC-SHA256 of the field's name, a zero
// byte and the value, in unpadded URL base64: every database holds them,
// so the Hasher must make them exactly so, however it is made faster.
func TestHasherKeepsItsFormat(t *testing.T) {
	key := []byte("key")
	want := func(f Field, v string) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(string(f) + "\x00" + v))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:6])
	}
	r := Record{MemberNo: "1", First: "Kari", Last: "Nordmann", Email: "kari@example.no",
		Birth: time.Date(1980, 2, 3, 0, 0, 0, 0, time.UTC), Has: has(MemberNo, FirstName, LastName, Email, BirthDate)}
	h := NewHasher(key)
	for range 2 { // the Hasher's buffers are reused
		got := h.Fresh(r)
		for i, f := range Compared {
			w := unseen
			if r.Present(f) {
				w = want(f, r.value(f))
			}
			if g := got[i*hashLen : (i+1)*hashLen]; g != w {
				t.Fatalf("%s: %q, want %q", f, g, w)
			}
		}
	}
}

func BenchmarkHasherFresh(b *testing.B) {
	h := NewHasher([]byte("key"))
	r := Record{MemberNo: "12345", Fnr: "01028012345", First: "Kari", Last: "Nordmann", Email: "kari@example.no", Mobile: "+4791234567",
		Address: "Storgata 1", Postal: "0155", Place: "Oslo", Orgnr: "974760673", Birth: time.Date(1980, 2, 3, 0, 0, 0, 0, time.UTC)}
	r.Has = map[Field]bool{}
	for _, f := range Compared {
		r.Has[f] = true
	}
	b.ReportAllocs()
	for b.Loop() {
		h.Fresh(r)
	}
}

func TestDecide(t *testing.T) {
	st := DefaultSettings
	member := Before{Known: true, Member: true, Type: model.TypeOrdinary, Orgnr: "111111111", Dues: model.DuesPaid}
	steward := member
	steward.Roles = []RoleTerm{{Role: model.RoleShopSteward, From: today.AddDate(-1, 0, 0)}}
	resigned := func(reason model.LeaveReason, text string) Record {
		return Record{Status: model.StatusResigned, Resigned: today.AddDate(0, 0, -2), Reason: text, Leave: reason, Has: has(MemberStatus, Resigned, ResignReason)}
	}
	for _, c := range []struct {
		name    string
		first   bool
		changed Set
		b       Before
		r       Record
		check   func(t *testing.T, p Plan)
	}{
		{"first load: a member, no tasks", true, Set{MemberStatus}, Before{}, Record{Status: model.StatusActive, Orgnr: "1", Has: has(MemberStatus)},
			func(t *testing.T, p Plan) {
				if !p.Join || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"new member later: a welcome at the workplace", false, Set{EmployerOrgnr}, Before{}, Record{Orgnr: "222222222", Has: has(EmployerOrgnr)},
			func(t *testing.T, p Plan) {
				if !p.Join || !p.StartJob || p.EndJob || !slices.Equal(kinds(p), []model.TaskKind{model.TaskWelcome}) || !p.Tasks[0].AtWorkplace {
					t.Fatalf("%+v", p)
				}
			}},
		{"echo of a join: no second welcome", false, Set{FirstName}, Before{Known: true, Member: true, Welcomed: true}, Record{First: "Ny", Has: has(FirstName)},
			func(t *testing.T, p Plan) {
				if p.Join || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"pending applicant echoed as a member: welcomed already", false, Set{MemberStatus}, Before{Known: true, Welcomed: true},
			Record{Status: model.StatusActive, Has: has(MemberStatus)},
			func(t *testing.T, p Plan) {
				if !p.Join || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"churn: winback with reason and deadline", false, Set{MemberStatus, Resigned, ResignReason}, steward, resigned(model.LeaveChurn, "for dyrt"),
			func(t *testing.T, p Plan) {
				if !p.Resign || p.Member || p.CancelOpen || !slices.Equal(kinds(p), []model.TaskKind{model.TaskWinback}) {
					t.Fatalf("%+v", p)
				}
				if w := p.Tasks[0]; !w.Due.Equal(today.AddDate(0, 0, 14)) || w.Title != "Vinn tilbake: meldte seg ut (for dyrt)" || w.AtWorkplace {
					t.Fatalf("%+v", w)
				}
				if !p.End.Equal(today.AddDate(0, 0, -2)) || len(p.RolesEnd) != 1 || !p.RolesEnd[0].To.Equal(p.End) {
					t.Fatalf("end %v roles %+v", p.End, p.RolesEnd)
				}
			}},
		{"churn without a reason", false, Set{MemberStatus}, member, Record{Status: model.StatusResigned, Has: has(MemberStatus)},
			func(t *testing.T, p Plan) {
				if !p.Resign || p.Leave != model.LeaveChurn || !p.End.Equal(today) || len(p.Tasks) != 1 {
					t.Fatalf("%+v", p)
				}
			}},
		{"death: no winback, open things cancelled", false, Set{MemberStatus}, member, resigned(model.LeaveDeath, "død"),
			func(t *testing.T, p Plan) {
				if !p.Resign || !p.CancelOpen || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"retirement: a retired member, no winback", false, Set{MemberStatus}, member, resigned(model.LeaveRetirement, "pensjon"),
			func(t *testing.T, p Plan) {
				if p.Resign || !p.Retire || !p.Member || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"transfer and exclusion: no winback", false, Set{MemberStatus}, member, resigned(model.LeaveTransfer, ""),
			func(t *testing.T, p Plan) {
				if !p.Resign || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"resignation on the first load: no task", true, Set{MemberStatus}, member, resigned(model.LeaveChurn, ""),
			func(t *testing.T, p Plan) {
				if !p.Resign || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"job change: old ends, new starts, started task", false, Set{EmployerOrgnr}, member, Record{Orgnr: "333333333", Has: has(EmployerOrgnr)},
			func(t *testing.T, p Plan) {
				if !p.EndJob || !p.StartJob || !p.JobChange || !slices.Equal(kinds(p), []model.TaskKind{model.TaskMemberStarted}) || !p.Tasks[0].AtWorkplace {
					t.Fatalf("%+v", p)
				}
			}},
		{"echo of a join at the same workplace: no started task", false, Set{EmployerOrgnr}, Before{Known: true, Member: true, Current: "444444444"},
			Record{Orgnr: "444444444", Has: has(EmployerOrgnr)},
			func(t *testing.T, p Plan) {
				if !p.StartJob || p.EndJob || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"employer cleared: the job ends", false, Set{EmployerOrgnr}, member, Record{Has: has(EmployerOrgnr)},
			func(t *testing.T, p Plan) {
				if !p.EndJob || p.StartJob || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"a second job: it starts, its steward is told, the first stays", false, Set{EmployerOrgnr}, member,
			Record{Orgnr: "111111111", Jobs: []Job{{Orgnr: "555555555"}}, Has: has(EmployerOrgnr)},
			func(t *testing.T, p Plan) {
				if p.EndJob || p.StartJob || p.Primary || !slices.Equal(p.JobsStart, []string{"555555555"}) || len(p.JobsEnd) != 0 ||
					!slices.Equal(kinds(p), []model.TaskKind{model.TaskMemberStarted}) || !p.Tasks[0].AtWorkplace || p.Tasks[0].Orgnr != "555555555" {
					t.Fatalf("%+v", p)
				}
			}},
		{"the second job ends: only it", false, Set{EmployerOrgnr}, withJobs(member, "555555555", "666666666"),
			Record{Orgnr: "111111111", Jobs: []Job{{Orgnr: "666666666"}}, Has: has(EmployerOrgnr)},
			func(t *testing.T, p Plan) {
				if p.EndJob || p.StartJob || p.Primary || len(p.JobsStart) != 0 || !slices.Equal(p.JobsEnd, []string{"555555555"}) || len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"first and second swap: both employments stay, the workplace follows", false, Set{EmployerOrgnr}, withJobs(member, "555555555"),
			Record{Orgnr: "555555555", Jobs: []Job{{Orgnr: "111111111"}}, Has: has(EmployerOrgnr)},
			func(t *testing.T, p Plan) {
				if p.EndJob || p.StartJob || p.JobChange || !p.Primary || len(p.JobsStart)+len(p.JobsEnd)+len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"the first job ends, the second becomes the first", false, Set{EmployerOrgnr}, withJobs(member, "555555555"),
			Record{Orgnr: "555555555", Has: has(EmployerOrgnr)},
			func(t *testing.T, p Plan) {
				if !p.EndJob || p.StartJob || p.JobChange || !p.Primary || len(p.JobsStart)+len(p.JobsEnd)+len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"a new member with two jobs: a welcome at the first, both start", false, Set{EmployerOrgnr}, Before{},
			Record{Orgnr: "222222222", Jobs: []Job{{Orgnr: "555555555"}}, Has: has(EmployerOrgnr)},
			func(t *testing.T, p Plan) {
				if !p.Join || !p.StartJob || !slices.Equal(p.JobsStart, []string{"555555555"}) ||
					!slices.Equal(kinds(p), []model.TaskKind{model.TaskWelcome}) || p.Tasks[0].Orgnr != "" {
					t.Fatalf("%+v", p)
				}
			}},
		{"arrears: a call due today", false, Set{Dues}, member, Record{Dues: model.DuesArrears, Has: has(Dues)},
			func(t *testing.T, p Plan) {
				if !slices.Equal(kinds(p), []model.TaskKind{model.TaskDuesCall}) || !p.Tasks[0].Due.Equal(today) {
					t.Fatalf("%+v", p)
				}
			}},
		{"deduction stopped: a call", false, Set{Dues}, member, Record{Dues: model.DuesDeductionStopped, Has: has(Dues)},
			func(t *testing.T, p Plan) {
				if len(p.Tasks) != 1 || p.Tasks[0].Title != "Ring om kontingenten: trekket i lønn er stoppet" {
					t.Fatalf("%+v", p)
				}
			}},
		{"paid again: no call", false, Set{Dues}, Before{Known: true, Member: true, Dues: model.DuesArrears}, Record{Dues: model.DuesPaid, Has: has(Dues)},
			func(t *testing.T, p Plan) {
				if len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"unchanged arrears: nothing", false, nil, Before{Known: true, Member: true, Dues: model.DuesArrears}, Record{Dues: model.DuesArrears, Has: has(Dues)},
			func(t *testing.T, p Plan) {
				if len(p.Tasks) != 0 {
					t.Fatalf("%+v", p)
				}
			}},
		{"a role for a non-member is rejected", false, Set{Roles, MemberStatus}, Before{Known: true},
			Record{Status: model.StatusResigned, Roles: []RoleTerm{{Role: model.RoleShopSteward, From: today}}, Has: has(Roles, MemberStatus)},
			func(t *testing.T, p Plan) {
				if p.Reject.Key != "register.row.rolenonmember" {
					t.Fatalf("%+v", p)
				}
			}},
		{"roles: a new one starts, a dropped one ends today", false, Set{Roles}, steward,
			Record{Roles: []RoleTerm{{Role: model.RoleSafetyRep, From: today.AddDate(0, 1, 0)}}, Has: has(Roles)},
			func(t *testing.T, p Plan) {
				if len(p.RolesStart) != 1 || p.RolesStart[0].Role != model.RoleSafetyRep || len(p.RolesEnd) != 1 ||
					p.RolesEnd[0].Role != model.RoleShopSteward || !p.RolesEnd[0].To.Equal(today) {
					t.Fatalf("%+v", p)
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, Decide(c.first, c.changed, c.b, c.r, today, st)) })
	}
}

func TestRoleChanges(t *testing.T) {
	from := today.AddDate(-1, 0, 0)
	old := []RoleTerm{{Role: model.RoleShopSteward, From: from}, {Role: model.RoleClubLeader, From: from, To: today.AddDate(0, 0, -1)}}
	now := []RoleTerm{{Role: model.RoleShopSteward, From: from, To: today.AddDate(0, 2, 0)}}
	start, end := RoleChanges(old, now, today)
	// The steward's term gets its end date; the club leader's had ended already.
	if len(start) != 0 || len(end) != 1 || !end[0].To.Equal(today.AddDate(0, 2, 0)) {
		t.Fatalf("start %+v end %+v", start, end)
	}
}

func TestSettings(t *testing.T) {
	st := DefaultSettings
	if err := st.Validate(); err != nil || st.MaxFailShare(Options{}) != 0.05 || st.MaxFailShare(Options{MaxFailShare: 0.2}) != 0.2 {
		t.Fatal(err)
	}
	bad := Settings{WinbackDays: 0, MaxFailPercent: 80}
	if err := bad.Validate(); err == nil {
		t.Fatal("invalid settings accepted")
	}
	if Refuse(100, 5, 0.05) || !Refuse(100, 6, 0.05) || Refuse(0, 0, 0.05) {
		t.Fatal("Refuse")
	}
}

func withJobs(b Before, orgnrs ...string) Before {
	b.Jobs = orgnrs
	return b
}

// TestEmployersHash: a row with one employer hashes as before further
// employers were read (no change on the first load after an upgrade); a
// second employer is a change of the employers.
func TestEmployersHash(t *testing.T) {
	h := NewHasher([]byte("k"))
	one := Record{MemberNo: "1", Orgnr: "111111111", Has: has(MemberNo, EmployerOrgnr)}
	if one.value(EmployerOrgnr) != "111111111" {
		t.Fatalf("one employer: %q", one.value(EmployerOrgnr))
	}
	old := h.Fresh(one)
	two := one
	two.Jobs = []Job{{Orgnr: "555555555"}}
	if _, changed := h.Changes(two, old); !slices.Equal(changed, Set{EmployerOrgnr}) {
		t.Fatalf("second employer: %v", changed)
	}
}

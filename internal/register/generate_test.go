package register

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
)

// TestGenerateReadsBack: the generator's first export and its month-later
// export read back without a single problem, and the same seed gives the
// same bytes.
func TestGenerateReadsBack(t *testing.T) {
	opt := GenOptions{Members: 10000, Seed: 7}
	var first, again, changes bytes.Buffer
	if err := Generate(&first, opt); err != nil {
		t.Fatal(err)
	}
	if err := Generate(&again, opt); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), again.Bytes()) {
		t.Fatal("the same seed gave different bytes")
	}
	if err := GenerateChanges(&changes, opt); err != nil {
		t.Fatal(err)
	}
	month := opt.withDefaults().Today.AddDate(0, 1, 0)
	read := map[string][]Record{}
	for name, data := range map[string][]byte{"first": first.Bytes(), "changes": changes.Bytes()} {
		r := openBytes(t, data, ReadOptions{Import: importerToday(month)})
		recs, bad := readAll(t, r)
		if len(bad) > 0 {
			n := 0
			for line, errs := range bad {
				if n++; n > 5 {
					break
				}
				t.Errorf("%s: line %d: %v", name, line, errs)
			}
			t.Fatalf("%s: %d rows with problems", name, len(bad))
		}
		want := opt.Members
		if name == "changes" {
			want += opt.Members / 200
		}
		if len(recs) != want {
			t.Errorf("%s: %d records, want %d", name, len(recs), want)
		}
		if len(r.Unknown()) > 0 {
			t.Errorf("%s: unknown values %v", name, r.Unknown())
		}
		read[name] = recs
	}
	// About one in twenty-five with an employer has a second one, read as
	// a further job at another workplace.
	second := 0
	for _, r := range read["first"] {
		if len(r.Jobs) > 0 {
			if r.Jobs[0].Orgnr == r.Orgnr || r.Jobs[0].Orgnr == "" {
				t.Fatalf("member %s: second job %+v beside %s", r.MemberNo, r.Jobs[0], r.Orgnr)
			}
			second++
		}
	}
	if second < opt.Members/100 || second > opt.Members/10 {
		t.Errorf("%d of %d members have a second employer", second, opt.Members)
	}
	checkChanges(t, read["first"], read["changes"], opt.Members)
}

// checkChanges: the month-later export changes about 2.5% of the members,
// in each of the ways a register changes, and adds 0.5% new ones.
func checkChanges(t *testing.T, first, changes []Record, members int) {
	t.Helper()
	var (
		changed, jobs, arrears, stopped, rolesStarted, rolesEnded int
		leaves                                                    = map[model.LeaveReason]int{}
		dNumbers, protected, recruited, withRoles                 int
	)
	for i, a := range first {
		b := changes[i]
		if a.MemberNo != b.MemberNo {
			t.Fatalf("row %d: member %s became %s", i, a.MemberNo, b.MemberNo)
		}
		if fnr, _ := norway.ParseFnr(a.Fnr); fnr.IsDNumber() {
			dNumbers++
		}
		if a.Protect != model.AddressOpen {
			protected++
		}
		if a.Recruiter != "" {
			recruited++
		}
		if len(a.Roles) > 0 {
			withRoles++
		}
		if reflect.DeepEqual(a, b) {
			continue
		}
		changed++
		switch {
		case a.Orgnr != b.Orgnr:
			jobs++
		case a.Status != model.StatusArrears && b.Status == model.StatusArrears:
			arrears++
		case b.Dues == model.DuesDeductionStopped && a.Dues != b.Dues:
			stopped++
		case b.Status == model.StatusResigned && a.Status != b.Status:
			leaves[b.Leave]++
		case len(b.Roles) > len(a.Roles):
			rolesStarted++
		case len(a.Roles) > 0 && !a.Roles[0].To.Equal(b.Roles[0].To):
			rolesEnded++
		}
	}
	t.Logf("changed %d: jobs %d, arrears %d, deduction stopped %d, roles started %d, ended %d, leaves %v; D-numbers %d, protected %d, recruited %d, with roles %d",
		changed, jobs, arrears, stopped, rolesStarted, rolesEnded, leaves, dNumbers, protected, recruited, withRoles)
	if changed < members*2/100 || changed > members*3/100 {
		t.Errorf("%d of %d changed, want about 2.5%%", changed, members)
	}
	if jobs == 0 || arrears == 0 || stopped == 0 || rolesStarted == 0 || rolesEnded == 0 {
		t.Error("a kind of change is missing")
	}
	for _, l := range []model.LeaveReason{model.LeaveChurn, model.LeaveDeath, model.LeaveRetirement, model.LeaveTransfer} {
		if leaves[l] == 0 {
			t.Errorf("no resignation for %s", l)
		}
	}
	if dNumbers == 0 || protected == 0 || recruited == 0 || withRoles == 0 {
		t.Error("the first export lacks D-numbers, protected addresses, recruiters or roles")
	}
	if n := len(changes) - len(first); n != members/200 {
		t.Errorf("%d new members, want %d", n, members/200)
	}
}

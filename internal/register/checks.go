package register

import (
	"cmp"
	"hash/maphash"
	"slices"

	"github.com/verve-union/verve/internal/model"
)

// seen is what the reader remembers of earlier rows for the checks that
// span the file. Keys are 8-byte keyed hashes (the seed is random and never
// leaves the process), so a million rows take about 25 MB and no
// fødselsnummer is kept in clear.
type seen struct {
	seed     maphash.Seed
	members  *hashIndex        // member number → line
	fnrs     *hashIndex        // fødselsnummer → line
	branches map[uint64]parent // branch → its region
	clubs    map[uint64]parent // club (by code) → its branch
}

type parent struct {
	key  uint64
	line uint32
}

func newSeen() *seen {
	return &seen{
		seed:    maphash.MakeSeed(),
		members: newHashIndex(), fnrs: newHashIndex(),
		branches: map[uint64]parent{}, clubs: map[uint64]parent{},
	}
}

func (s *seen) hash(kind byte, v string) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteByte(kind)
	h.WriteString(v)
	return h.Sum64()
}

// unitKey identifies a unit by code, else by normalised name.
func (s *seen) unitKey(u UnitRef) uint64 {
	if u.Code != "" {
		return s.hash('c', u.Code)
	}
	return s.hash('n', Norm(u.Name))
}

// fileChecks checks a row against earlier rows and remembers it. A row
// that fails for its own cells is remembered too: a second row with its
// member number is still a duplicate, and neither is loaded.
func (d *rowDecoder) fileChecks() {
	s, rec, line := d.r.seen, &d.rec, uint32(d.row.Line)
	memberKey := s.hash('m', rec.MemberNo)
	if first, dup := s.members.get(memberKey); dup {
		d.fail(MemberNo, rec.MemberNo, "register.row.membertwice", "line", int(first))
		return // the rest would only repeat the same row's problems
	}
	var (
		fnrKey uint64
		fnrNew bool
	)
	if rec.Fnr != "" {
		fnrKey = s.hash('f', rec.Fnr)
		if first, dup := s.fnrs.get(fnrKey); dup {
			d.fail(Fnr, "", "register.row.fnrtwice", "line", int(first))
		} else {
			fnrNew = true
		}
	}
	var branchKey, regionKey, clubKey, clubParent uint64
	if !rec.Branch.IsZero() && !rec.Region.IsZero() {
		branchKey, regionKey = s.unitKey(rec.Branch), s.unitKey(rec.Region)
		if p, ok := s.branches[branchKey]; ok && p.key != regionKey {
			f, v := BranchCode, rec.Branch.Code
			if v == "" {
				f, v = BranchName, rec.Branch.Name
			}
			d.fail(f, v, "register.row.branchregion", "line", int(p.line))
		}
	}
	if rec.Club.Code != "" && !rec.Branch.IsZero() {
		clubKey, clubParent = s.unitKey(UnitRef{Code: rec.Club.Code}), s.unitKey(rec.Branch)
		if p, ok := s.clubs[clubKey]; ok && p.key != clubParent {
			d.fail(ClubCode, rec.Club.Code, "register.row.clubbranch", "line", int(p.line))
		}
	}
	if rec.Status != "" && !model.IsMember(rec.Status) {
		today := d.r.dates.Today
		for _, t := range rec.Roles {
			if t.To.IsZero() || t.To.After(today) {
				v, _ := d.cell(Roles)
				d.fail(Roles, v, "register.row.rolenonmember")
				break
			}
		}
	}
	s.members.put(memberKey, line)
	if fnrNew {
		s.fnrs.put(fnrKey, line)
	}
	if branchKey != 0 {
		if _, ok := s.branches[branchKey]; !ok {
			s.branches[branchKey] = parent{regionKey, line}
		}
	}
	if clubKey != 0 {
		if _, ok := s.clubs[clubKey]; !ok {
			s.clubs[clubKey] = parent{clubParent, line}
		}
	}
}

// Unknown lists the coded values the vocabulary lacks, with how many rows
// each kept out, by field and then most rows first.
func (r *Reader) Unknown() []Unknown {
	var out []Unknown
	for _, byValue := range r.unknown {
		for _, u := range byValue {
			out = append(out, *u)
		}
	}
	slices.SortFunc(out, func(a, b Unknown) int {
		return cmp.Or(cmp.Compare(slices.Index(Fields, a.Field), slices.Index(Fields, b.Field)),
			cmp.Compare(b.Rows, a.Rows), cmp.Compare(a.Value, b.Value))
	})
	return out
}

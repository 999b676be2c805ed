package storage

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
)

// fixture builds union → region → two clubs, each with a workplace, and
// returns principals for an admin and a steward of the first club.
type fixture struct {
	s              *Storage
	admin, steward *access.Principal
	clubA, clubB   *model.OrgUnit
	wA, wB         *model.Workplace
}

func newFixture(t *testing.T, s *Storage) *fixture {
	t.Helper()
	ctx := context.Background()
	sys := access.System("test")
	f := &fixture{s: s}
	union := &model.OrgUnit{Kind: model.UnitUnion, Name: "Forbundet"}
	region := &model.OrgUnit{Kind: model.UnitRegion, Name: "Region Trøndelag"}
	f.clubA = &model.OrgUnit{Kind: model.UnitClub, Name: "Klubb A"}
	f.clubB = &model.OrgUnit{Kind: model.UnitClub, Name: "Klubb B"}
	for _, step := range []struct {
		u      *model.OrgUnit
		parent **model.OrgUnit
	}{{union, nil}, {region, &union}, {f.clubA, &region}, {f.clubB, &region}} {
		if step.parent != nil {
			step.u.ParentID = (*step.parent).ID
		}
		if err := s.CreateUnit(ctx, sys, step.u); err != nil {
			t.Fatal(err)
		}
	}
	f.wA = &model.Workplace{UnitID: f.clubA.ID, Name: "Trondheim kommune", Orgnr: "942110464", Employees: 10}
	f.wB = &model.Workplace{UnitID: f.clubB.ID, Name: "Værnes lufthavn", Orgnr: "923 609 016", Employees: 4}
	for _, w := range []*model.Workplace{f.wA, f.wB} {
		if err := s.CreateWorkplace(ctx, sys, w); err != nil {
			t.Fatal(err)
		}
	}
	f.admin = &access.Principal{Username: "admin", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: union.Path}}}
	f.steward = &access.Principal{Username: "tv", Grants: []access.Grant{{Role: model.RoleShopSteward, UnitPath: f.clubA.Path}}}
	return f
}

func (f *fixture) person(t *testing.T, first, last string, w *model.Workplace) *model.Person {
	t.Helper()
	p := &model.Person{FirstName: first, LastName: last, WorkplaceID: w.ID, MemberStatus: model.StatusActive,
		Email: strings.ToLower(first) + "@example.no", Mobile: "912 34 567"}
	if err := f.s.CreatePerson(context.Background(), f.admin, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNorwegianOrderAndSearch(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		for _, last := range []string{"Åsen", "Zahl", "Ødegård", "Berg", "Æsir", "aas", "Øye", "Ås"} {
			f.person(t, "Kari", last, f.wA)
		}
		ps, err := s.PersonsAtWorkplace(context.Background(), f.admin, f.wA.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.LastName)
		}
		want := []string{"aas", "Berg", "Zahl", "Æsir", "Ødegård", "Øye", "Ås", "Åsen"}
		if !slices.Equal(got, want) {
			t.Fatalf("order = %v\nwant    %v", got, want)
		}
		// Case folding of æ, ø, å in search.
		for q, n := range map[string]int{"ØDEGÅRD": 1, "ødegård": 1, "ås": 2, "ÅS": 2, "kari æsir": 1, "91234567": 8, "nobody": 0} {
			res, err := s.SearchPersons(context.Background(), f.admin, q, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != n {
				t.Errorf("search %q: %d results, want %d", q, len(res), n)
			}
		}
	})
}

func TestPersonScope(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		a := f.person(t, "Anne", "Hansen", f.wA)
		b := f.person(t, "Bjørn", "Olsen", f.wB)
		if _, err := s.Person(ctx, f.steward, a.ID); err != nil {
			t.Fatalf("own person: %v", err)
		}
		if _, err := s.Person(ctx, f.steward, b.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("other club's person: %v, want not found", err)
		}
		if _, err := s.History(ctx, f.steward, b.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("other club's history: %v", err)
		}
		if _, err := s.WorkplaceSummary(ctx, f.steward, f.wB.ID); model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("other club's workplace: %v", err)
		}
		if ps, _ := s.PersonsAtWorkplace(ctx, f.steward, f.wB.ID); len(ps) != 0 {
			t.Fatalf("listed %d persons of another club", len(ps))
		}
		if res, _ := s.SearchPersons(ctx, f.steward, "olsen", 10); len(res) != 0 {
			t.Fatal("search found another club's person")
		}
		err := s.LogContact(ctx, f.steward, &model.Contact{PersonID: b.ID, Kind: "phone"})
		if model.ErrorCode(err) != model.ENOTFOUND {
			t.Fatalf("contact with another club's person: %v", err)
		}
		tree, err := s.UnitTree(ctx, f.admin)
		if err != nil || len(tree) != 2 || tree[0].Members != 2 || tree[1].Members != 2 || tree[1].Depth != 1 {
			t.Fatalf("admin tree %+v %v", tree, err)
		}
		tree, err = s.UnitTree(ctx, f.steward)
		if err != nil || len(tree) != 1 || tree[0].ID != f.clubA.ID || tree[0].Members != 1 {
			t.Fatalf("steward tree %+v %v", tree, err)
		}
		h, _ := s.Home(ctx, f.steward)
		if h.Members != 1 || h.Workplaces != 1 {
			t.Fatalf("steward home counts %+v", h)
		}
		h, _ = s.Home(ctx, f.admin)
		if h.Members != 2 || h.Workplaces != 2 || h.WorkplacesNoSteward != 2 {
			t.Fatalf("admin home counts %+v", h)
		}
	})
}

func TestCreatePersonValidatesAndAudits(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		bad := &model.Person{FirstName: " ", LastName: "Hansen", WorkplaceID: f.wA.ID, Email: "ikke-epost", Mobile: "22 33 44 55", Fnr: "01019012481", PostalCode: "70"}
		err := s.CreatePerson(ctx, f.admin, bad)
		var e *model.Error
		if !errors.As(err, &e) || e.Code != model.EINVALID {
			t.Fatalf("err = %v", err)
		}
		for _, field := range []string{"first_name", "email", "mobile", "fnr", "postal_code"} {
			if e.Fields[field] == "" {
				t.Errorf("no message for %s: %v", field, e.Fields)
			}
		}
		good := &model.Person{FirstName: "Ola", LastName: "Nordmann", WorkplaceID: f.wA.ID, Fnr: "01019012480", Mobile: "+47 912 34 567"}
		admin := *f.admin
		admin.RemoteAddr = "10.0.0.1"
		if err := s.CreatePerson(ctx, &admin, good); err != nil {
			t.Fatal(err)
		}
		if good.Mobile != "+4791234567" || good.BirthDate.Year() != 1990 {
			t.Fatalf("not normalised: %q %v", good.Mobile, good.BirthDate)
		}
		dup := &model.Person{FirstName: "Ola", LastName: "Dobbel", WorkplaceID: f.wA.ID, Fnr: "01019012480"}
		if err := s.CreatePerson(ctx, f.admin, dup); model.ErrorCode(err) != model.ECONFLICT {
			t.Fatalf("duplicate fnr: %v", err)
		}
		if err := s.CreatePerson(ctx, f.steward, &model.Person{FirstName: "X", LastName: "Y", WorkplaceID: f.wB.ID}); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatalf("steward creating in another club: %v", err)
		}
		log, err := s.AuditLog(ctx, f.admin, 50)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, a := range log {
			if a.Entity == "person" && a.EntityID == good.ID {
				found = a.Action == "create" && a.Username == "admin" && a.RemoteAddr == "10.0.0.1" && strings.Contains(a.Fields, "fnr") && a.PersonID == good.ID
			}
			if a.Entity == "person" && a.EntityID == dup.ID && dup.ID != 0 {
				t.Fatal("failed insert left an audit entry")
			}
		}
		if !found {
			t.Fatal("creation not audited with who, where and which fields")
		}
		if _, err := s.AuditLog(ctx, f.steward, 5); model.ErrorCode(err) != model.EFORBIDDEN {
			t.Fatal("steward may read the audit log")
		}
	})
}

func TestBulkIsAllOrNothing(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		ctx := context.Background()
		b, err := s.Bulk(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b.Define("org_units", "id", "parent_id", "kind", "name", "sort_key", "path")
		for i := 1; i <= 600; i++ {
			if err := b.Add("org_units", i, nil, "club", "x", "x", "/"+strings.Repeat("a", i%7)+"/"+string(rune('A'+i%26))+"/"+strconv.Itoa(i)+"/"); err != nil {
				t.Fatal(err)
			}
		}
		// A duplicate path breaks the UNIQUE constraint on the last flush.
		b.Add("org_units", 601, nil, "club", "x", "x", "/"+strings.Repeat("a", 1)+"/"+string(rune('A'+1%26))+"/"+strconv.Itoa(1)+"/")
		if _, err := b.Commit(access.System("test"), "test"); err == nil {
			t.Fatal("commit with a duplicate succeeded")
		}
		if empty, err := s.Empty(ctx); err != nil || !empty {
			t.Fatalf("a failed bulk load left rows behind (empty=%v, %v)", empty, err)
		}
	})
}

func TestAuditDetailErasable(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f := newFixture(t, s)
		ctx := context.Background()
		p := f.person(t, "Siri", "Sletteby", f.wA)
		if _, err := s.UpdateContactInfo(ctx, f.admin, p.ID, "ny@example.no", "", "", ""); err != nil {
			t.Fatal(err)
		}
		hasOld := func() bool {
			log, _ := s.AuditLog(ctx, f.admin, 50)
			for _, a := range log {
				if a.PersonID == p.ID && (strings.Contains(a.Detail, "siri@example.no") || strings.Contains(a.Detail, "Sletteby")) {
					return true
				}
			}
			return false
		}
		if !hasOld() {
			t.Fatal("the audit log should keep the old value until erasure")
		}
		if err := s.eraseAuditDetail(ctx, s.w, p.ID); err != nil {
			t.Fatal(err)
		}
		if hasOld() {
			t.Fatal("personal values left in the audit log after erasure")
		}
	})
}

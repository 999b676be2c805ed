package api

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/register"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// TestPostRegister: a union admin posts a register export, first as a dry
// run and then for real; a shop steward and an admin of one region are
// refused, and an export with too many bad rows is refused with its report
// and nothing stored.
func TestPostRegister(t *testing.T) {
	var export bytes.Buffer
	if err := register.Generate(&export, register.GenOptions{Members: 40, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	for _, engine := range storagetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			a, admin, steward := testAPI(t, engine)
			members := func() (n int) {
				a.Store.DB().QueryRow(`SELECT count(*) FROM persons WHERE member_no IS NOT NULL`).Scan(&n)
				return n
			}
			regional := &access.Principal{UserID: admin.UserID, Username: "region-admin",
				Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: steward.Grants[0].UnitPath}}}
			for _, u := range []*access.Principal{steward, regional} {
				if st, body := call(t, a, u, "POST", "/api/v1/register?dry_run=1", export.String()); st != 403 || errorCode(body) != "forbidden" {
					t.Errorf("%s posts the register: %d %v", u.Username, st, body)
				}
			}

			st, body := call(t, a, admin, "POST", "/api/v1/register?dry_run=1", export.String())
			rep, _ := body.(map[string]any)
			if st != 200 || rep["rows"] != float64(40) || rep["committed"] != false || rep["refused"] != false {
				t.Fatalf("dry run: %d %v", st, body)
			}
			if counts, _ := rep["counts"].(map[string]any); counts["created"] != float64(40) {
				t.Errorf("dry run counts: %v", rep["counts"])
			}
			if n := members(); n != 0 {
				t.Fatalf("the dry run stored %d members", n)
			}
			st, body = call(t, a, admin, "POST", "/api/v1/register", export.String())
			if rep, _ := body.(map[string]any); st != 201 || rep["committed"] != true {
				t.Fatalf("load: %d %v", st, body)
			}
			if n := members(); n != 40 {
				t.Fatalf("%d members after the load, want 40", n)
			}

			var bad strings.Builder
			bad.WriteString("Medlemsnummer;Fornavn;Etternavn;Medlemstype\n")
			for i := range 10 {
				typ := "Ordinær"
				if i%2 == 0 {
					typ = "Æresmedlem" // not in the vocabulary
				}
				fmt.Fprintf(&bad, "%d;Kari;Nordmann;%s\n", 900001+i, typ)
			}
			st, body = call(t, a, admin, "POST", "/api/v1/register?complete=1", bad.String())
			rep, _ = body.(map[string]any)
			errs, _ := rep["errors"].([]any)
			unknown, _ := rep["unknown"].([]any)
			if st != 422 || rep["refused"] != true || rep["committed"] != false || len(errs) != 5 || len(unknown) != 1 {
				t.Fatalf("broken export: %d %v", st, body)
			}
			if e, _ := errs[0].(map[string]any); e["line"] != float64(2) || e["column"] != "Medlemstype" || e["reason"] == "" {
				t.Errorf("row error: %v", errs[0])
			}
			if u, _ := unknown[0].(map[string]any); u["field"] != string(register.MemberType) || u["value"] != "Æresmedlem" || u["rows"] != float64(5) {
				t.Errorf("unknown value: %v", unknown[0])
			}
			if n := members(); n != 40 {
				t.Errorf("a refused export changed the members: %d", n)
			}
		})
	}
}

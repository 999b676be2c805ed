package storage

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/pseudonym"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// validFnrs lists every valid fødselsnummer of a birth date: what someone
// holding a copy of the database would try against a stored hash.
func validFnrs(birth time.Time) []string {
	var out []string
	d := birth.Format("020106")
	for i := 0; i < 100_000; i++ {
		s := d + fmt.Sprintf("%05d", i)
		if f, err := norway.ParseFnr(s); err == nil && f.BirthDate().Equal(birth) {
			out = append(out, s)
		}
	}
	return out
}

func TestNoFnrInClearAndNoneReversibleWithoutKey(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		ctx := context.Background()
		birth := time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)
		all := validFnrs(birth)
		member := &model.Person{FirstName: "Mari", LastName: "Medlem", WorkplaceID: f.wA.ID, Fnr: all[7], BirthDate: birth, MemberStatus: model.StatusActive}
		if err := s.CreatePerson(ctx, f.admin, member); err != nil {
			t.Fatal(err)
		}
		list := rowsOf(
			hire(2, "Sara", "Fremmed", f.wA, func(h *model.NewHire) { h.Fnr = all[11]; h.BirthDate = birth }),
			hire(3, "Mari", "Medlem", f.wA, func(h *model.NewHire) { h.Fnr = all[7]; h.BirthDate = birth }),
		)
		req := ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Filename: "l.csv", Commit: true}
		res, err := s.Import(ctx, f.steward, req, list)
		if err != nil {
			t.Fatal(err)
		}
		if res.Counts[ClassMember] != 1 {
			t.Fatalf("the member was not matched by her hashed number: %v", res.Counts)
		}
		if found := storagetest.ClearFnrs(t, s.w, string(s.dialect)); len(found) != 0 {
			t.Fatalf("fødselsnumre in clear: %v", found)
		}
		var stored string
		if err := s.r.QueryRow(`SELECT fnr_hash FROM persons WHERE id = $1`, member.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		// Someone with a copy of the database but not the key tries every
		// number of the birth date, hashed the ways one might guess.
		other := pseudonym.New()
		for _, n := range all {
			sum := sha256.Sum256([]byte(n))
			for _, guess := range []string{n, hex.EncodeToString(sum[:]), base64.RawURLEncoding.EncodeToString(sum[:]), other.Hash(n)} {
				if guess == stored {
					t.Fatalf("the stored hash of %s was reversed without the key", n)
				}
			}
		}
		// With the key the same search finds it: the test can fail.
		hits := 0
		for _, n := range all {
			if s.key.Hash(n) == stored {
				hits++
			}
		}
		if hits != 1 {
			t.Fatalf("with the key, %d numbers give the stored hash; want 1", hits)
		}
	})
}

func TestKeyFileIsChecked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "v.db")
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	// A database from before keyed hashes, with a number in clear.
	f := newFixture(t, s)
	p := f.person(t, "Gammel", "Klartekst", f.wA)
	if _, err := s.w.Exec(`UPDATE persons SET fnr_hash = '01019538504' WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`DELETE FROM settings WHERE key = $1`, keyCheckSetting); err != nil {
		t.Fatal(err)
	}
	if found := storagetest.ClearFnrs(t, s.w, "sqlite"); len(found) != 1 {
		t.Fatalf("the scan for numbers in clear found %v, want the one planted", found)
	}
	s.Close()
	s, err = Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	var h string
	s.r.QueryRow(`SELECT fnr_hash FROM persons WHERE id = $1`, p.ID).Scan(&h)
	if h != s.key.Hash("01019538504") {
		t.Fatalf("the clear number was not hashed on start: %q", h)
	}
	s.Close()

	keyFile := filepath.Join(dir, "v.db.key")
	saved, _ := os.ReadFile(keyFile)
	os.WriteFile(keyFile, []byte(pseudonym.New().String()), 0o600)
	if _, err := Open(ctx, dsn); err == nil || !strings.Contains(err.Error(), "hører ikke til") {
		t.Fatalf("another key was accepted: %v", err)
	}
	os.Remove(keyFile)
	if _, err := Open(ctx, dsn); err == nil || !strings.Contains(err.Error(), "mangler") {
		t.Fatalf("a missing key file was replaced by a new key: %v", err)
	}
	if _, err := os.Stat(keyFile); err == nil {
		t.Fatal("a new key file was made for a database that has one")
	}
	os.WriteFile(keyFile, saved, 0o600)
	s, err = Open(ctx, dsn)
	if err != nil {
		t.Fatalf("the right key file back: %v", err)
	}
	s.Close()
}

package storage

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verve-union/verve/internal/listmatch"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/retention"
)

// TestImportKeysTranslated: every key listmatch matches or repeats rows
// by has its SQL here, so that the rules, not storage, say which are tried.
func TestImportKeysTranslated(t *testing.T) {
	for _, k := range listmatch.Keys {
		if q, ok := importKeys[k.Name]; !ok || q.guard == "" || q.persons == "" {
			t.Errorf("match key %s has no SQL", k.Name)
		}
	}
	for _, k := range listmatch.RepeatKeys {
		if importKeys[k].repeat == "" {
			t.Errorf("repeat key %s has no SQL", k)
		}
	}
}

// TestImportFactsTranslated: every fact a listmatch rule names has its
// SQL, and the statement lists the rules in their order.
func TestImportFactsTranslated(t *testing.T) {
	last := -1
	for _, r := range listmatch.Rules {
		q, ok := importFacts[r.Fact]
		if !ok || q == "" {
			t.Errorf("fact %s has no SQL", r.Fact)
			continue
		}
		i := strings.Index(classifyRows, "WHEN "+q+" THEN "+sqlWord(r.Class))
		if i <= last {
			t.Errorf("rule %s -> %s out of order or missing in %s", r.Fact, r.Class, classifyRows)
		}
		last = i
	}
}

// TestNoLocale: storage picks no text; the packages that decide do (the
// package comment's rule). It fails when a non-test file imports the
// catalogue.
func TestNoLocale(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); strings.HasSuffix(p, "/internal/locale") {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}

// TestEraseCondsTranslated: every condition a retention.Kind names has its
// SQL, so that the rules, not storage, say who is erased and who kept.
func TestEraseCondsTranslated(t *testing.T) {
	for _, k := range retention.Kinds {
		if eraseSelect[k.Erase] == "" {
			t.Errorf("%s: what makes them erasable (%s) has no SQL", k.Name, k.Erase)
		}
		for _, c := range k.Keep {
			if eraseKeep[c] == "" {
				t.Errorf("%s: what keeps them (%s) has no SQL", k.Name, c)
			}
		}
	}
}

// TestImportTasksDue: the tasks a list makes are due as listmatch.Due
// says, which the set-wise SQL must agree with.
func TestImportTasksDue(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		f, _ := pipelineFixture(t, s)
		starts := map[string]time.Time{"Senere": day0.AddDate(0, 0, 7), "Idag": day0, "Startet": day0.AddDate(0, -1, 0), "Uten": {}}
		var rows []ImportRow
		for last, start := range starts {
			rows = append(rows, hire(len(rows)+2, "Ny", last, f.wA, func(h *model.NewHire) { h.StartDate = start }))
		}
		req := ImportRequest{Kind: ImportNewhires, WorkplaceID: f.wA.ID, Commit: true}
		if _, err := s.Import(context.Background(), f.steward, req, rowsOf(rows...)); err != nil {
			t.Fatal(err)
		}
		for last, start := range starts {
			var due time.Time
			if err := s.r.QueryRow(`SELECT t.due FROM tasks t JOIN persons p ON p.id = t.person_id WHERE p.last_name = $1 AND t.kind = $2`,
				last, model.TaskWelcome).Scan(&due); err != nil {
				t.Fatalf("%s: %v", last, err)
			}
			// Compared as days: the database's DATE comes back in UTC.
			if want := listmatch.Due(start, s.Today()); due.Format(time.DateOnly) != want.Format(time.DateOnly) {
				t.Errorf("%s (start %v): due %v, want %v", last, start.Format(time.DateOnly), due.Format(time.DateOnly), want.Format(time.DateOnly))
			}
		}
	})
}

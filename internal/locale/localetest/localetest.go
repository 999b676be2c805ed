// Package localetest checks, from a package's tests, the locale package's
// rule that user-visible text lives in the catalogue: a package's Go source
// holds keys, not Norwegian messages.
package localetest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/locale"
)

// norwegian matches what marks a string as a Norwegian text: a letter of
// its own or a word messages use.
var norwegian = regexp.MustCompile(`[æøåÆØÅ«»]|\b(?:Fant ikke|Du|du|kan|ikke|Velg|finnes|eller|Hei|Hilsen|allerede|Bare|er|og|av|med|feilet|mangler|uten)\b`)

// KeyCalls are the calls (by function or method name) whose string argument
// at the index is a catalogue key, shared by every package.
var KeyCalls = map[string]int{"ErrorKey": 1, "WithField": 1, "Check": 2, "Add": 1, "T": 1, "N": 1}

// Options adjust the check to a package.
type Options struct {
	// KeyCalls adds the package's own calls taking a key (name → index).
	KeyCalls map[string]int
	// Allow reports whether a literal that reads as Norwegian is data
	// rather than a message (SQL, header names an import recognises).
	Allow func(s string) bool
	// Data names the package's files that hold data rather than messages
	// (sample rows), which are not checked.
	Data []string
	// MinKeys is how many literal keys the package names at least, so a
	// pattern gone stale fails rather than passes vacuously.
	MinKeys int
}

// NoUserVisibleText fails t for each string literal in the non-test Go
// files of dir (outside comments) that reads as Norwegian, and for each
// literal key a key-taking call names that the bokmål catalogue lacks.
func NoUserVisibleText(t testing.TB, dir string, o Options) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]int{}
	for _, m := range []map[string]int{KeyCalls, o.KeyCalls} {
		for k, v := range m {
			calls[k] = v
		}
	}
	fset := token.NewFileSet()
	keys := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || slices.Contains(o.Data, filepath.Base(name)) {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err != nil {
					t.Fatalf("%s: %v", fset.Position(n.Pos()), err)
				}
				if o.Allow != nil && o.Allow(s) {
					return true
				}
				if m := norwegian.FindString(s); m != "" {
					t.Errorf("%s: %q reads as a user-visible text (%q); put it in the catalogue", fset.Position(n.Pos()), s, m)
				}
			case *ast.CallExpr:
				var fn string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					fn = f.Name
				case *ast.SelectorExpr:
					fn = f.Sel.Name
				}
				i, ok := calls[fn]
				if !ok || len(n.Args) <= i {
					return true
				}
				lit, ok := n.Args[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				k, _ := strconv.Unquote(lit.Value)
				keys++
				if !locale.Has("nb", k) {
					t.Errorf("%s: %s names %q, which the catalogue lacks", fset.Position(n.Pos()), fn, k)
				}
			}
			return true
		})
	}
	if keys < o.MinKeys {
		t.Errorf("found only %d keys named; is the pattern still right?", keys)
	}
}

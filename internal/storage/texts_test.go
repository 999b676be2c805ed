package storage

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/locale"
)

// norwegian matches what marks a string as a Norwegian text: a letter of
// its own or a word messages use.
var norwegian = regexp.MustCompile(`[æøåÆØÅ«»]|\b(?:Fant ikke|Du|du|kan|ikke|Velg|finnes|eller|Hei|Hilsen|allerede|Bare|er|og|av|med|feilet|mangler|uten)\b`)

// keyCalls are the calls whose string argument (at the index) is a
// catalogue key.
var keyCalls = map[string]int{"ErrorKey": 1, "notFound": 1, "Check": 2, "Add": 1}

// TestNoUserVisibleText: storage holds no text a user sees (the package
// comment's rule). A string literal outside comments and tests that reads
// as Norwegian fails; a message is a catalogue key, and every key storage
// names literally is in the catalogue.
func TestNoUserVisibleText(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	keys := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
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
				if isSQL(s) {
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
				i, ok := keyCalls[fn]
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
	if keys < 20 {
		t.Errorf("found only %d keys named; is the pattern still right?", keys)
	}
}

// isSQL reports whether s is a statement (its Norwegian is stored data, not a
// message: a task title SQL writes, a status compared).
func isSQL(s string) bool {
	s = strings.TrimSpace(s)
	for _, w := range []string{"SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH ", "CREATE ", "FROM ", "WHERE ", "AND ", "OR ", " JOIN ", "ON CONFLICT"} {
		if strings.HasPrefix(strings.ToUpper(s), w) || strings.Contains(s, " "+strings.TrimSpace(w)+" ") {
			return true
		}
	}
	return false
}

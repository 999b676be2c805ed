package ui

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/locale"
)

// TestMenuAsks: every question the nav template asks of .User is one of
// menuAsks, so that two users with the same answers get the same links.
func TestMenuAsks(t *testing.T) {
	src, err := templateFiles.ReadFile("templates/layout.html")
	if err != nil {
		t.Fatal(err)
	}
	_, nav, ok := strings.Cut(string(src), `{{define "nav"}}`)
	nav, _, _ = strings.Cut(nav, "</nav>")
	if !ok {
		t.Fatal(`layout.html defines no "nav"`)
	}
	asks := regexp.MustCompile(`\.User\.(\w+)(?: "([^"]*)")?`).FindAllStringSubmatch(nav, -1)
	if len(asks) < len(menuAsks) {
		t.Fatalf("the nav template asks %d questions, menuAsks holds %d", len(asks), len(menuAsks))
	}
	for _, m := range asks {
		if !slices.Contains(menuAsks, menuAsk{m[1], access.Permission(m[2])}) {
			t.Errorf("the nav template asks %s, which menuKey does not answer", m[0])
		}
	}
}

// TestMenuIsTheTemplates: for every demo login and language, the menu on
// a page is the nav template written for that user, whoever asked first
// with the same answers.
func TestMenuIsTheTemplates(t *testing.T) {
	e := newEnv(t, "sqlite")
	seen := map[string]string{}
	for _, name := range demoUsers {
		if _, err := e.Store.UserByUsername(context.Background(), name); err != nil {
			continue // made by another test's set-up
		}
		u := e.principal(t, name)
		for _, lang := range locale.AllLanguages {
			p := page{L: lang, User: u}
			var want strings.Builder
			if err := e.h.pages["home"].ExecuteTemplate(&want, "nav", p); err != nil {
				t.Fatal(err)
			}
			got, err := e.h.menu(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want.String() {
				t.Errorf("%s in %s: the menu\n%s\nis not the template's\n%s", name, lang, got, want.String())
			}
			seen[menuKey(lang, u)] = name
		}
	}
	if len(seen) < 2*len(locale.AllLanguages) {
		t.Errorf("the demo logins give only %d menus", len(seen))
	}
}

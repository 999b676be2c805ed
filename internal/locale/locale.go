// Package locale holds every user-visible text of Verve, in Norwegian
// bokmål (the default), English and, for the public join page and the
// mail to applicants, Polish.
//
// The texts are in one embedded file per language (nb.json, en.json,
// pl.json): a JSON object from key to text. A text may name arguments in
// braces, {name}, filled in from the name–value pairs T and N are given
// ({n} is N's count); a value that is itself a text (a Translatable such
// as model.Text) is put in the same language. A counted text is an object
// of its plural forms by the CLDR rules for cardinal integers: "one" and
// "other" in nb and en; "one", "few", "many" (and "other", for fractions)
// in pl:
//
//	"import.newprospects": {"one": "{n} ny kollega …", "other": "{n} nye kolleger …"}
//
// A key is lower case, dot-separated, prefixed by where it is used (join.,
// valid. for validation messages, cli. for the command line, which is
// bokmål only). Errors carry a key and arguments (model.Error) and are
// translated where they are shown.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Languages offered by the staff pages, default first.
var Languages = []string{"nb", "en"}

// AllLanguages are the languages of the catalogue: the staff pages' and
// Polish, which the public join page also offers.
var AllLanguages = []string{"nb", "en", "pl"}

// Supported reports whether lang is a language of the staff pages.
func Supported(lang string) bool { return lang == "nb" || lang == "en" }

// text is one entry of the catalogue: a plain text, or the plural forms of
// a counted one.
type text struct {
	s     string
	forms map[string]string
}

func (t *text) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		return json.Unmarshal(b, &t.forms)
	}
	return json.Unmarshal(b, &t.s)
}

//go:embed nb.json en.json pl.json
var files embed.FS

// catalog is language → key → text.
var catalog = load()

func load() map[string]map[string]text {
	c := map[string]map[string]text{}
	for _, l := range AllLanguages {
		b, err := files.ReadFile(l + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]text{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("locale: %s.json: %v", l, err))
		}
		c[l] = m
	}
	return c
}

// Has reports whether key has a text in lang itself (no fallback).
func Has(lang, key string) bool {
	_, ok := catalog[lang][key]
	return ok
}

// T returns the text for key in lang with its arguments filled in from
// name–value pairs (T(lang, "x", "name", "Kari")). It falls back to
// bokmål and then to the key itself, so a missing text shows up rather
// than breaking a page (and a text that is not yet in the catalogue can
// pass through unchanged). A counted text takes the form its int argument
// "n" needs (see N), or its "other" form without one.
func T(lang, key string, args ...any) string {
	t, ok := catalog[lang][key]
	if !ok {
		if t, ok = catalog["nb"][key]; !ok {
			return key
		}
		lang = "nb"
	}
	s := t.s
	if t.forms != nil {
		s = t.forms["other"]
		for i := 0; i+1 < len(args); i += 2 {
			if n, ok := args[i+1].(int); ok && args[i] == "n" {
				if f := t.forms[Plural(lang, n)]; f != "" {
					s = f
				}
				break
			}
		}
	}
	return fill(lang, s, args)
}

// Translatable is an argument that is itself a text, such as a field's
// name in a message about that field: T fills it in in T's language.
type Translatable interface{ In(lang string) string }

// N returns the form of the counted text key that n needs in lang, with
// {n} and the other arguments filled in.
func N(lang, key string, n int, args ...any) string {
	return T(lang, key, append([]any{"n", n}, args...)...)
}

// Plural is the CLDR plural category of the integer n in lang: "one" or
// "other" in nb and en; "one", "few" or "many" in pl.
func Plural(lang string, n int) string {
	if lang == "pl" {
		i10, i100 := abs(n)%10, abs(n)%100
		switch {
		case n == 1:
			return "one"
		case i10 >= 2 && i10 <= 4 && (i100 < 12 || i100 > 14):
			return "few"
		}
		return "many"
	}
	if n == 1 {
		return "one"
	}
	return "other"
}

// PluralForms are the forms a counted text must have in lang.
func PluralForms(lang string) []string {
	if lang == "pl" {
		return []string{"one", "few", "many"}
	}
	return []string{"one", "other"}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// fill replaces each {name} in s by the value paired with name in args,
// translating a Translatable into lang; a placeholder without a value is
// left as it is.
func fill(lang, s string, args []any) string {
	if len(args) < 2 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", value(lang, args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

func value(lang string, v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case Translatable:
		return v.In(lang)
	}
	return fmt.Sprint(v)
}

// Placeholders lists the {names} in s, for the catalogue's tests.
func Placeholders(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

var matcher = language.NewMatcher([]language.Tag{language.MustParse("nb"), language.English, language.Polish})

// Accept is the catalogue language that fits an Accept-Language header
// best (no and nn read as nb), nb when none does.
func Accept(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return "nb"
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return "nb"
	}
	return AllLanguages[i]
}

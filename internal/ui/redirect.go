package ui

import (
	"net/url"
	"strings"
)

// safeNext is the one check for every redirect target a request names
// (after sign-in, after a language switch, after a task action). It allows
// only a path on this site and returns "/" for anything else.
//
// Browsers are lenient where a naive check is not: they drop tabs and
// newlines ("/\t/evil.example" becomes "//evil.example", another host) and
// read "\" as "/". So any control character or backslash is refused
// outright, and what remains must parse as a path with no scheme or host
// and must not start with "//".
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	// An encoded slash or backslash at the start could be decoded by a
	// proxy or a later redirect into "//host".
	if p := strings.ToLower(u.EscapedPath()); strings.HasPrefix(p, "/%2f") || strings.HasPrefix(p, "/%5c") {
		return "/"
	}
	return next
}

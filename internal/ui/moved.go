package ui

import (
	"net/http"
	"net/url"
	"strings"
)

// movedPaths are the Norwegian addresses of signed-in pages before every
// such page got an English path, each with the path that answers now.
// Links in sent mail, bookmarks and pages open in a tab keep working: GET
// and HEAD answer 301 (the browser and search engines remember the move),
// any other method 308, which repeats the same request, body included, at
// the new path (a 301 lets a browser turn a POST into a GET). The new path
// checks sign-in and permission; the redirect itself reveals nothing.
//
// Wildcards in the old path are copied into the new one by name.
var movedPaths = []struct{ old, new string }{
	{"/dag", "/day"},
	{"/meg/verving", "/me/referral"},
	{"/meg/verving/qr.svg", "/me/referral/qr.svg"},
	{"/meg/verving/qr.png", "/me/referral/qr.png"},
	{"/meg/verving/toppliste", "/me/referral/opt-in"},
	{"/persons/{id}/verving", "/persons/{id}/referral"},
	{"/verving/toppliste", "/referral/leaderboard"},
	{"/verving/premier", "/referral/rewards"},
	{"/verving/premier/{level}/{person}", "/referral/rewards/{level}/{person}"},
}

// movedTo answers a request to an old path with a redirect to newPattern,
// its wildcards filled from the request and its query string kept.
func movedTo(newPattern string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(newPattern, "/")
		for i, p := range parts {
			if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
				parts[i] = url.PathEscape(r.PathValue(p[1 : len(p)-1]))
			}
		}
		target := strings.Join(parts, "/")
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		status := http.StatusPermanentRedirect
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			status = http.StatusMovedPermanently
		}
		// Set directly rather than through http.Redirect, which would
		// clean the path and, for GET, write a body with the link.
		w.Header().Set("Location", target)
		w.WriteHeader(status)
	}
}

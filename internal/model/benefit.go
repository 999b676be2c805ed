package model

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Benefit is one member benefit shown on the join page.
type Benefit struct {
	ID       int64
	Title    string
	Body     string
	Link     string   // http(s) address, optional
	Types    []string // membership types it applies to; none means all
	Position int      // display order
}

// AppliesTo reports whether the benefit is for members of type t.
func (b Benefit) AppliesTo(t string) bool { return len(b.Types) == 0 || slices.Contains(b.Types, t) }

// Validate trims and checks a benefit.
func (b *Benefit) Validate() error {
	var v Validation
	b.Title, b.Body, b.Link = strings.TrimSpace(b.Title), strings.TrimSpace(b.Body), strings.TrimSpace(b.Link)
	v.Check(b.Title != "", "title", "form.title.required")
	v.Check(utf8.RuneCountInString(b.Title) <= 200 && utf8.ValidString(b.Title), "title", "form.title.toolong", "n", 200)
	v.Check(utf8.RuneCountInString(b.Body) <= 2000 && utf8.ValidString(b.Body), "body", "form.body.toolong", "n", 2000)
	if b.Link != "" {
		u, err := url.Parse(b.Link)
		v.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(b.Link) <= 500, "link",
			"form.link")
	}
	for _, t := range b.Types {
		v.Check(MembershipType(t).Valid(), "types", "form.types")
	}
	v.Check(b.Position >= 0 && b.Position <= 10000, "position", "form.position")
	return v.Err()
}

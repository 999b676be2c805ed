package ui

import (
	"html/template"
	"strings"

	"github.com/verve-union/verve/internal/access"
)

// The menu's links (the "nav" template in layout.html) depend only on the
// language and on a few questions about the user, yet every page asked
// them again, through reflection: some 35 calls, a tenth of a Min dag
// page's CPU. menu writes the links once per language and answers.

// menuAsk is a question the nav template asks of .User: a method and the
// permission it asks about.
type menuAsk struct {
	method string
	perm   access.Permission
}

// menuAsks are all the questions the nav template asks (TestMenuAsks reads
// the template for others).
var menuAsks = []menuAsk{
	{"Can", access.TaskWrite}, {"Can", access.PersonRead}, {"Can", access.StatisticsRead},
	{"Can", access.StudentRead}, {"Can", access.MembershipApprove}, {"Can", access.PersonWrite},
	{"Can", access.AuditRead}, {"Can", access.OrgUnitWrite}, {"Can", access.UserAdmin},
	{"UnionWide", access.UserAdmin}, {"PersonID", ""},
}

// menuKey is the language and u's answers to menuAsks.
func menuKey(lang string, u *access.Principal) string {
	var b strings.Builder
	b.WriteString(lang)
	b.WriteByte(':')
	for _, a := range menuAsks {
		var yes bool
		switch a.method {
		case "Can":
			yes = u.Can(a.perm)
		case "UnionWide":
			yes = u.UnionWide(a.perm)
		case "PersonID":
			yes = u.PersonID != 0
		}
		if yes {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// menu is the menu's links for the page's language and user, the nav
// template written once per menuKey.
func (h *Handler) menu(p page) (template.HTML, error) {
	key := menuKey(p.L, p.User)
	if m, ok := h.menus.Load(key); ok {
		return m.(template.HTML), nil
	}
	var b strings.Builder
	if err := h.pages["home"].ExecuteTemplate(&b, "nav", p); err != nil {
		return "", err
	}
	m := template.HTML(b.String())
	h.menus.Store(key, m)
	return m, nil
}

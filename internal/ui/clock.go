package ui

import (
	"html/template"
	"time"
)

// clockFuncs are the template functions that depend on the day. They read
// the storage's clock as the page renders, so pages, storage and jobs agree
// on "today" and a test's clock reaches the templates too.
func (h *Handler) clockFuncs() template.FuncMap {
	return template.FuncMap{
		// overdue: due before today in Oslo (dates are midnight UTC).
		"overdue": func(due time.Time) bool { return due.Before(h.Store.Today()) },
	}
}

package storage

import (
	"database/sql"
	"time"
)

// Zero values in the model mean "none"; these map them to and from NULL.

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// date truncates t to its calendar day in UTC, the form every DATE column holds.
func date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// timeOf returns the time of a nullable column, zero for NULL.
func timeOf(n sql.NullTime) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return n.Time.UTC()
}

// Package model holds Verve's domain types, their validation and the typed
// errors every layer returns, so that one function at the HTTP edge can map
// them to status codes and messages.
package model

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Error codes. They say what kind of failure happened, not where.
const (
	ECONFLICT  = "conflict"  // the action conflicts with existing data
	EINTERNAL  = "internal"  // a bug or an unavailable dependency
	EINVALID   = "invalid"   // the input failed validation
	ENOTFOUND  = "not_found" // the thing does not exist, or the user may not see it
	EFORBIDDEN = "forbidden" // the user is known but lacks the permission
	EUNAUTH    = "unauthorized"
	ETOOMANY   = "too_many_requests"
)

// Error is an application error carrying a code and a message fit to show
// to the user (Norwegian bokmål by default).
type Error struct {
	Code    string
	Message string
	// Fields maps a form field to its message, so a form can show each
	// message next to the input it concerns.
	Fields map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("verve: %s: %s", e.Code, e.Message)
	}
	parts := make([]string, 0, len(e.Fields))
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return fmt.Sprintf("verve: %s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, EINTERNAL for any
// other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of an application error and
// a generic message for anything else, so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Det oppstod en intern feil."
}

// FieldErrors returns the message of each field of an application error,
// for a form to show beside its inputs; nil for any other error.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects field errors, the one way a form's checks are
// gathered; Err returns nil when there are none.
type Validation struct{ fields map[string]string }

// Add records msg for field unless the field already has a message.
func (v *Validation) Add(field, msg string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = msg
	}
}

// AddFields records the field messages of err (see FieldErrors) for the
// fields that have none yet, so that one form shows every check's messages.
func (v *Validation) AddFields(err error) {
	for field, msg := range FieldErrors(err) {
		v.Add(field, msg)
	}
}

// Check adds msg for field when ok is false.
func (v *Validation) Check(ok bool, field, msg string) {
	if !ok {
		v.Add(field, msg)
	}
}

// Err returns an EINVALID *Error listing every field, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett feltene som er merket.", Fields: v.fields}
}

// ErrorMessageOrText is for command-line output: the user-facing message of
// an application error, or the error's own text otherwise.
func ErrorMessageOrText(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

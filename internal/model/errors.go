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

	"github.com/verve-union/verve/internal/locale"
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
// to the user. A message from the catalogue has its Key and Args, and is
// translated where it is shown (ErrorMessageIn, FieldErrorsIn); Message
// and Fields hold the bokmål texts, for logs, the command line and callers
// that want them.
type Error struct {
	Code    string
	Message string
	// Key and Args are Message's catalogue key and its name–value
	// arguments; "" for a message not (yet) in the catalogue.
	Key  string
	Args []any
	// Fields maps a form field to its message, so a form can show each
	// message next to the input it concerns.
	Fields map[string]string
	// FieldTexts maps a field to its message's key and arguments.
	FieldTexts map[string]Text
}

// Text is a catalogue key and its name–value arguments: a message to be
// translated where it is shown. A key not in the catalogue is shown as it
// is, so a text not yet moved there still works.
type Text struct {
	Key  string
	Args []any
}

// In is the text in lang.
func (t Text) In(lang string) string { return locale.T(lang, t.Key, t.Args...) }

// ErrorKey returns an *Error with the given code and the catalogue's
// message key (with name–value arguments, see locale.T).
func ErrorKey(code, key string, args ...any) *Error {
	return &Error{Code: code, Message: locale.T("nb", key, args...), Key: key, Args: args}
}

// WithField gives e the message key (with args) for field, next to the
// error's own message, and returns e.
func (e *Error) WithField(field, key string, args ...any) *Error {
	if e.Fields == nil {
		e.Fields, e.FieldTexts = map[string]string{}, map[string]Text{}
	}
	if e.FieldTexts == nil {
		e.FieldTexts = map[string]Text{}
	}
	e.Fields[field] = locale.T("nb", key, args...)
	e.FieldTexts[field] = Text{Key: key, Args: args}
	return e
}

// ErrorText is err's message as a Text, translated where it is shown: its
// key and arguments, its Message (shown as it is) without a key, and the
// generic message for anything but an application error.
func ErrorText(err error) Text {
	var e *Error
	switch {
	case !errors.As(err, &e):
		return Text{Key: "error.internal"}
	case e.Key == "":
		return Text{Key: e.Message}
	}
	return Text{Key: e.Key, Args: e.Args}
}

// ErrorMessageIn is the user-facing message of err in lang: the
// catalogue's text for its key, its Message without one, and a generic
// message for anything but an application error.
func ErrorMessageIn(err error, lang string) string {
	var e *Error
	if !errors.As(err, &e) {
		return locale.T(lang, "error.internal")
	}
	if e.Key == "" {
		return e.Message
	}
	return locale.T(lang, e.Key, e.Args...)
}

// FieldErrorsIn is each field's message of err in lang (see FieldErrors).
func FieldErrorsIn(err error, lang string) map[string]string {
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(e.Fields))
	for f, msg := range e.Fields {
		if t, ok := e.FieldTexts[f]; ok {
			msg = t.In(lang)
		}
		out[f] = msg
	}
	return out
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
	return locale.T("nb", "error.internal")
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
// gathered; Err returns nil when there are none. A message is a catalogue
// key with name–value arguments (a text not in the catalogue passes as it
// is).
type Validation struct{ fields map[string]Text }

// Add records the message key (with args) for field unless the field
// already has a message.
func (v *Validation) Add(field, key string, args ...any) {
	if v.fields == nil {
		v.fields = map[string]Text{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = Text{Key: key, Args: args}
	}
}

// AddFields records the field messages of err (see FieldErrors) for the
// fields that have none yet, so that one form shows every check's messages.
func (v *Validation) AddFields(err error) {
	var e *Error
	if !errors.As(err, &e) {
		return
	}
	for field, msg := range e.Fields {
		if t, ok := e.FieldTexts[field]; ok {
			v.Add(field, t.Key, t.Args...)
		} else {
			v.Add(field, msg)
		}
	}
}

// Check adds the message key (with args) for field when ok is false.
func (v *Validation) Check(ok bool, field, key string, args ...any) {
	if !ok {
		v.Add(field, key, args...)
	}
}

// Err returns an EINVALID *Error listing every field, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	e := ErrorKey(EINVALID, "valid.form")
	e.Fields, e.FieldTexts = make(map[string]string, len(v.fields)), v.fields
	for f, t := range v.fields {
		e.Fields[f] = t.In("nb")
	}
	return e
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

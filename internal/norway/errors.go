package norway

import "github.com/verve-union/verve/internal/locale"

// Error is a validation error of this package: the catalogue key of its
// message. The package's errors are distinct values, so callers tell them
// apart with errors.Is and show Key in the reader's language.
type Error struct{ Key string }

// Error is the message in bokmål, for logs and the command line.
func (e *Error) Error() string { return locale.T("nb", e.Key) }

// keyError is a validation error with the message key.
func keyError(key string) *Error { return &Error{Key: key} }

package model

// CLIError is an error only the command line shows (backup, restore, the
// key file): a catalogue key (cli.*, bokmål only) with its arguments and,
// when Err is not nil, the error it wraps, after a colon.
type CLIError struct {
	Text
	Err error
}

// CLIErrorKey returns a *CLIError for key, wrapping wrapped (may be nil).
func CLIErrorKey(wrapped error, key string, args ...any) *CLIError {
	return &CLIError{Text: Text{Key: key, Args: args}, Err: wrapped}
}

func (e *CLIError) Error() string {
	if e.Err == nil {
		return e.In("nb")
	}
	return e.In("nb") + ": " + e.Err.Error()
}

func (e *CLIError) Unwrap() error { return e.Err }

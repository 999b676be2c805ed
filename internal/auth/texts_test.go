package auth

import (
	"strings"
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
	"github.com/verve-union/verve/internal/model"
)

// TestNoUserVisibleText: the password and proxy errors are catalogue keys,
// translated where they are shown.
func TestNoUserVisibleText(t *testing.T) {
	localetest.NoUserVisibleText(t, ".", localetest.Options{MinKeys: 3})
}

// TestErrorsTranslate: a refused password or proxy list is an invalid-input
// error whose message is shown in the reader's language.
func TestErrorsTranslate(t *testing.T) {
	_, err := HashPassword("kort")
	if model.ErrorCode(err) != model.EINVALID || model.ErrorMessageIn(err, "en") != "The password must have at least 8 characters." {
		t.Errorf("short password: %v, en %q", err, model.ErrorMessageIn(err, "en"))
	}
	_, err = HashPassword(strings.Repeat("x", 257))
	if model.ErrorCode(err) != model.EINVALID || !strings.Contains(model.ErrorMessageIn(err, "nb"), "256") {
		t.Errorf("long password: %v", err)
	}
	_, err = ParseProxies("10.0.0.1, proxy.example")
	if model.ErrorCode(err) != model.EINVALID || !strings.Contains(model.ErrorMessageIn(err, "en"), "“proxy.example” is not an IP address") {
		t.Errorf("bad proxy: %v, en %q", err, model.ErrorMessageIn(err, "en"))
	}
}

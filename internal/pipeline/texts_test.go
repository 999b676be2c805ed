package pipeline

import (
	"testing"

	"github.com/verve-union/verve/internal/locale/localetest"
)

// TestNoUserVisibleText: an outcome's validation messages are catalogue
// keys. The task titles and contact-log notes the pipeline writes are
// stored data.
func TestNoUserVisibleText(t *testing.T) {
	stored := map[string]bool{TitleAsk: true, TitleFollowUp: true, TitleWelcomeNew: true, TitleWelcomeJoined: true, TitleWelcomeMember: true, TitleConfirmJoin: true}
	for _, n := range notes {
		stored[n] = true
	}
	localetest.NoUserVisibleText(t, ".", localetest.Options{
		Allow:   func(s string) bool { return stored[s] },
		MinKeys: 4,
	})
}

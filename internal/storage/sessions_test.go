package storage

import (
	"context"
	"testing"
	"time"
)

// TestDeleteExpiredSessions: the sweep that replaces the scs stores' own
// cleanup deletes the expired sessions and keeps the others, on both
// engines' ways of storing expiry.
func TestDeleteExpiredSessions(t *testing.T) {
	engines(t, func(t *testing.T, s *Storage) {
		store := s.SessionStore()
		for token, expiry := range map[string]time.Time{"old": time.Now().Add(-time.Hour), "new": time.Now().Add(time.Hour)} {
			if err := store.Commit(token, []byte("x"), expiry); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.DeleteExpiredSessions(context.Background()); err != nil {
			t.Fatal(err)
		}
		var tokens []string
		rows, err := s.DB().Query(`SELECT token FROM sessions`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var tok string
			rows.Scan(&tok)
			tokens = append(tokens, tok)
		}
		if len(tokens) != 1 || tokens[0] != "new" {
			t.Fatalf("sessions left: %v, want [new]", tokens)
		}
	})
}

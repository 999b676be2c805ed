package storage

import (
	"context"
	"database/sql"
	"errors"

	"github.com/verve-union/verve/internal/register"
)

// DemoRecipeKey is the settings key under which the demo records how it
// was generated (its size, seed and day), so that its register files can
// be written again for the same union later.
const DemoRecipeKey = "demo_recipe"

// DemoRecipe returns what the demo recorded under DemoRecipeKey, "" in a
// database the demo did not make.
func (s *Storage) DemoRecipe(ctx context.Context) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, DemoRecipeKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// RegisterHasher returns a hasher of register values under the key a
// register load keeps them with: the demo seeds its members' values with
// it, so that the demo is in step with its register export.
func (s *Storage) RegisterHasher() *register.Hasher { return register.NewHasher(s.registerKey()) }

// registerKey is the key of the register values' hashes, derived from
// the fødselsnummer key.
func (s *Storage) registerKey() []byte { return []byte(s.key.Hash("register values")) }

package storage

import (
	"context"
	"io"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/register"
)

// OpenRegister opens a register export for SyncRegister with the words
// the union's register uses: the common ones and those its admins mapped
// (RegisterVocabulary). The command, the page and the API read an export
// the same way.
func (s *Storage) OpenRegister(ctx context.Context, u *access.Principal, r io.ReaderAt, size int64, opt register.ReadOptions) (*register.Reader, error) {
	own, err := s.RegisterVocabulary(ctx, u)
	if err != nil {
		return nil, err
	}
	opt.Vocabulary = register.DefaultVocabulary().With(own)
	return register.Open(r, size, opt)
}

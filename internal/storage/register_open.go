package storage

import (
	"context"
	"io"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/register"
)

// LoadRegister reads a register export and loads it with SyncRegister, as
// the command, the page and the API do: the export read with the words the
// union's register uses (the common ones and those its admins mapped).
// progress, when set, is told how far reading has come (bytes
// for CSV, rows for XLSX).
func (s *Storage) LoadRegister(ctx context.Context, u *access.Principal, r io.ReaderAt, size int64, ropt register.ReadOptions, opt register.Options,
	progress func(done, total int64)) (*register.Report, error) {
	var err error
	if ropt.Vocabulary, err = s.RegisterVocabulary(ctx, u); err != nil {
		return nil, err
	}
	src, err := register.Open(r, size, ropt)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if progress != nil {
		opt.Progress = func(int) { progress(src.Progress()) }
	}
	return s.SyncRegister(ctx, u, src, opt)
}

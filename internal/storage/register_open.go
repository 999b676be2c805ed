package storage

import (
	"context"
	"io"
	"maps"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/register"
)

// LoadRegister reads a register export and loads it with SyncRegister, as
// the command, the page and the API do: the export read with the words the
// union's register uses (the common ones and those its admins mapped) and
// the column mapping remembered from the last load (unless ropt names
// one); a committed load remembers its mapping for the next. progress,
// when set, is told how far reading has come (bytes for CSV, rows for
// XLSX). The reader is returned closed, for its Header, Mapping and Info.
func (s *Storage) LoadRegister(ctx context.Context, u *access.Principal, r io.ReaderAt, size int64, ropt register.ReadOptions, opt register.Options,
	progress func(done, total int64)) (*register.Report, *register.Reader, error) {
	var err error
	if ropt.Vocabulary, err = s.RegisterVocabulary(ctx, u); err != nil {
		return nil, nil, err
	}
	saved, err := s.RegisterColumns(ctx)
	if err != nil {
		return nil, nil, err
	}
	if ropt.Columns == nil {
		ropt.Columns = saved
	}
	src, err := register.Open(r, size, ropt)
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	if progress != nil {
		opt.Progress = func(int) { progress(src.Progress()) }
	}
	rep, err := s.SyncRegister(ctx, u, src, opt)
	if err != nil {
		return nil, nil, err
	}
	if m := src.Remember(); rep.Committed && !maps.Equal(m, saved) {
		if err := s.SaveRegisterColumns(ctx, u, m); err != nil {
			return nil, nil, err
		}
	}
	return rep, src, nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/enheter"
	"github.com/verve-union/verve/internal/storage"
)

// runImportEnheter handles "verve import enheter": Enhetsregisteret's bulk
// file of sub-units fills in the workplaces it holds and, for the chosen
// municipalities and industries, adds those Verve lacks.
func runImportEnheter(ctx context.Context, args []string, stdout io.Writer) error {
	var dsn, municipalities, nace string
	var under int64
	fs := newFlags("import enheter", &dsn, "sqlite:verve.db")
	fs.StringVar(&municipalities, "add-municipality", "", nb("cli.enheter.flag.addmunicipality"))
	fs.StringVar(&nace, "add-nace", "", nb("cli.enheter.flag.addnace"))
	fs.Int64Var(&under, "under", 0, nb("cli.enheter.flag.under"))
	fs.Usage = func() { fmt.Fprintln(fs.Output(), nb("cli.enheter.usage")); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(nb("cli.enheter.onefile"))
	}
	if under < 0 {
		return errors.New(nb("cli.enheter.under"))
	}
	sel := enheter.Selection{Municipalities: enheter.ParseList(municipalities), NACEPrefixes: enheter.ParseList(nace)}
	if err := sel.Check(); err != nil {
		return err
	}
	path := fs.Arg(0)
	f, size, err := openFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bar := fileBar(path, size)
	// The bar follows the file's bytes, compressed or not.
	r, err := enheter.NewReader(io.TeeReader(f, bar))
	if err != nil {
		return err
	}
	store, err := openStore(ctx, fs, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	req := storage.EnheterRequest{Filename: filepath.Base(path), Under: under}
	if !sel.Empty() {
		req.Add = sel.Wants
	}
	start := time.Now()
	res, err := store.ImportEnheter(ctx, access.System("verve import enheter"), req, r.All())
	bar.Finish()
	if err != nil {
		return err
	}
	format := strings.ToUpper(r.Format)
	if r.Gzipped {
		format = nb("cli.enheter.gzip", "format", format)
	}
	took := time.Since(start)
	fmt.Fprintln(stdout, nb("cli.enheter.format", "file", filepath.Base(path), "format", format))
	fmt.Fprintln(stdout, nb("cli.enheter.summary", "units", res.Units, "skipped", r.Skipped(), "updated", res.Updated,
		"closed", res.Closed, "added", res.Added, "missing", res.Missing))
	fmt.Fprintln(stdout, nb("cli.enheter.done", "seconds", fmt.Sprintf("%.1f", took.Seconds()), "rate", int(float64(r.Records())/max(took.Seconds(), 1e-3))))
	return nil
}

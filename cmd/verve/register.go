package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/register"
)

// runImportRegister handles "verve import register": the union's member
// register export, the first load or a later one, with the same report as
// the upload page. It fails (exit status 1) when the load was refused.
func runImportRegister(ctx context.Context, args []string, stdout io.Writer) error {
	var dsn, sheet, encoding string
	var dryRun, complete bool
	fs := newFlags("import register", &dsn, "sqlite:verve.db")
	fs.BoolVar(&dryRun, "dry-run", false, nb("cli.import.flag.dryrun"))
	fs.BoolVar(&complete, "complete", false, nb("cli.register.flag.complete"))
	fs.StringVar(&sheet, "sheet", "", nb("cli.import.flag.sheet"))
	fs.StringVar(&encoding, "encoding", "", nb("cli.import.flag.encoding"))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(nb("cli.register.usage"))
	}
	path := fs.Arg(0)
	f, size, err := openFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	store, err := openStore(ctx, fs, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	owner := access.System("verve import register")
	bar := fileBar(path, size)
	start := time.Now()
	rep, _, err := store.LoadRegister(ctx, owner, f, size, register.ReadOptions{Import: importer.Options{Sheet: sheet, Encoding: encoding}},
		register.Options{DryRun: dryRun, Complete: complete}, func(done, total int64) { bar.ChangeMax64(max(total, 1)); bar.Set64(done) })
	bar.Finish()
	if err != nil {
		return err
	}
	printRegisterReport(stdout, filepath.Base(path), rep, time.Since(start))
	if rep.Refused {
		return errors.New(nb("cli.register.refused"))
	}
	return nil
}

// printRegisterReport writes what a load did: the figures, the rows left
// out and why, the words to map and, for a complete export, the members it
// no longer has.
func printRegisterReport(out io.Writer, file string, rep *register.Report, took time.Duration) {
	fmt.Fprintln(out, nb("cli.register.header", "file", file, "rows", rep.Rows, "failed", rep.Failed))
	if rep.First {
		fmt.Fprintln(out, nb("cli.register.first"))
	}
	for _, c := range rep.Counts() {
		if c.N > 0 {
			fmt.Fprintf(out, "  %7d %s\n", c.N, locale.N("nb", "reg.count."+c.Name, c.N))
		}
	}
	if len(rep.Errors) > 0 {
		fmt.Fprintln(out, nb("cli.register.errors", "n", rep.Failed))
		for _, e := range rep.Errors {
			fmt.Fprint(out, "    "+nb("cli.import.rowerror", "line", e.Line, "column", orDash(e.Column), "reason", e.ReasonIn("nb")))
			if e.Value != "" {
				fmt.Fprint(out, " "+nb("cli.import.value", "value", e.Value))
			}
			fmt.Fprintln(out)
		}
		if len(rep.Errors) < rep.Failed {
			fmt.Fprintln(out, "    "+nb("cli.import.more", "n", len(rep.Errors)))
		}
	}
	if len(rep.Unknown) > 0 {
		fmt.Fprintln(out, nb("cli.register.unknown"))
		for _, u := range rep.Unknown {
			fmt.Fprintln(out, "    "+nb("cli.register.unknownvalue", "field", nb(u.Field.LabelKey()), "value", u.Value, "rows", locale.N("nb", "reg.unknown.rows", u.Rows)))
		}
	}
	if len(rep.Missing) > 0 {
		fmt.Fprintln(out, nb("cli.register.missing", "n", len(rep.Missing)))
		for _, m := range rep.Missing {
			fmt.Fprintf(out, "    %s %s\n", m.MemberNo, m.Name)
		}
	}
	switch {
	case rep.Refused:
		fmt.Fprintln(out, nb("cli.register.refusedreport", "failed", rep.Failed, "rows", rep.Rows))
	case rep.Committed:
		fmt.Fprintln(out, nb("cli.register.committed", "seconds", fmt.Sprintf("%.1f", took.Seconds()), "rate", int(float64(rep.Rows)/max(took.Seconds(), 0.001))))
	default:
		fmt.Fprintln(out, nb("cli.import.dryrun"))
	}
}

// runRegister handles "verve register sample": a synthetic register
// export, or with --demo the demo union's own (in step with its
// database), and with --changes a month's changes to it, to try the sync.
func runRegister(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "sample" {
		return errors.New(nb("cli.register.sampleusage"))
	}
	var c seedConfig
	var dsn string
	var changes, fromDemo bool
	fs := newFlags("register sample", &dsn, "sqlite:verve-demo.db")
	c.flags(fs, 1000)
	fs.BoolVar(&changes, "changes", false, nb("cli.register.flag.changes"))
	fs.BoolVar(&fromDemo, "demo", false, nb("cli.register.flag.demo"))
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(nb("cli.register.sampleusage"))
	}
	write := func(f io.Writer) (int, error) {
		today, err := parseDay(c.today)
		if err != nil {
			return 0, err
		}
		opt := register.GenOptions{Members: c.members, Seed: c.seed, Today: today}
		if changes {
			return c.members, register.GenerateChanges(f, opt)
		}
		return c.members, register.Generate(f, opt)
	}
	if fromDemo {
		o, err := demoRecipe(ctx, fs, dsn)
		if err != nil {
			return err
		}
		write = func(f io.Writer) (int, error) {
			if changes {
				return demo.RegisterMonth(f, o)
			}
			return demo.RegisterExport(f, o)
		}
	}
	path := fs.Arg(0)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	n, err := write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return err
	}
	fmt.Fprintln(stdout, nb("cli.register.sampledone", "path", path, "members", n))
	return nil
}

// demoRecipe reads how the demo in dsn was made.
func demoRecipe(ctx context.Context, fs *flag.FlagSet, dsn string) (demo.Options, error) {
	store, err := openStore(ctx, fs, dsn)
	if err != nil {
		return demo.Options{}, err
	}
	defer store.Close()
	recipe, err := store.DemoRecipe(ctx)
	if err != nil {
		return demo.Options{}, err
	}
	if recipe == "" {
		return demo.Options{}, errors.New(nb("cli.register.nodemo", "dsn", dsn))
	}
	return demo.ParseRecipe(recipe)
}

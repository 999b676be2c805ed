package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/locale"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/newhires"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage"
)

// runImport handles "verve import newhires": an employer's list from the
// command line, with the same checks and report as the web page; "verve
// import register" is in register.go, "verve import enheter" in enheter.go.
func runImport(ctx context.Context, args []string, stdout io.Writer) error {
	switch {
	case len(args) > 0 && args[0] == "register":
		return runImportRegister(ctx, args[1:], stdout)
	case len(args) > 0 && args[0] == "enheter":
		return runImportEnheter(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "newhires" {
		return errors.New(nb("cli.import.usage"))
	}
	var dsn, orgnr, sheet, encoding, source, basis string
	var dryRun, staff bool
	fs := newFlags("import newhires", &dsn, "sqlite:verve.db")
	fs.StringVar(&orgnr, "workplace", "", nb("cli.import.flag.workplace"))
	fs.BoolVar(&dryRun, "dry-run", false, nb("cli.import.flag.dryrun"))
	fs.BoolVar(&staff, "staff", false, nb("cli.import.flag.staff"))
	fs.StringVar(&sheet, "sheet", "", nb("cli.import.flag.sheet"))
	fs.StringVar(&encoding, "encoding", "", nb("cli.import.flag.encoding"))
	fs.StringVar(&source, "source", nb("cli.import.source"), nb("cli.import.flag.source"))
	fs.StringVar(&basis, "lawful-basis", nb("cli.import.basis"), nb("cli.import.flag.basis"))
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(nb("cli.import.onefile"))
	}
	orgnr, err := norway.NormalizeOrgnr(orgnr)
	if err != nil {
		return fmt.Errorf("--workplace: %v", err)
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
	owner := access.System("verve import")
	w, err := store.WorkplaceByOrgnr(ctx, owner, orgnr)
	if err != nil {
		return fmt.Errorf("--workplace %s: %v", orgnr, model.ErrorMessageOrText(err))
	}
	bar := fileBar(path, size)
	kind := storage.ImportNewhires
	if staff {
		kind = storage.ImportStaff
	}
	req := newhires.Request{
		ImportRequest: storage.ImportRequest{Kind: kind, Filename: filepath.Base(path), Source: source, LawfulBasis: basis, Commit: !dryRun},
		Options:       importer.Options{Sheet: sheet, Encoding: encoding},
		Progress:      func(done, total int64) { bar.ChangeMax64(max(total, 1)); bar.Set64(done) },
	}
	start := time.Now()
	rep, err := newhires.Run(ctx, store, owner, w, f, size, req)
	bar.Finish()
	if err != nil {
		return err
	}
	printReport(stdout, w, rep, time.Since(start))
	switch {
	case rep.MappingError.Key != "":
		return errors.New(rep.MappingError.In("nb"))
	case rep.Result.Rows == 0:
		return errors.New(nb("cli.import.norows"))
	}
	return nil
}

// openFile opens the file an import command reads, with its size.
func openFile(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// fileBar shows on stderr, when it is a terminal, how far reading the
// file has come.
func fileBar(path string, size int64) *progressbar.ProgressBar {
	return progressbar.NewOptions64(size, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(nb("cli.import.reading", "file", filepath.Base(path))),
		progressbar.OptionShowBytes(true), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish(),
		progressbar.OptionSetVisibility(term.IsTerminal(int(os.Stderr.Fd()))))
}

// nb is a command-line text: the command line speaks bokmål.
func nb(key string, args ...any) string { return locale.T("nb", key, args...) }

func printReport(out io.Writer, w *model.Workplace, rep *newhires.Report, took time.Duration) {
	info := rep.Info
	format := strings.ToUpper(info.Format)
	if info.Format == "csv" {
		format = nb("cli.import.csv", "format", format, "encoding", info.Encoding, "delimiter", fmt.Sprintf("%q", info.Delimiter))
	} else if info.Sheet != "" {
		format = nb("cli.import.sheet", "format", format, "sheet", info.Sheet)
	}
	fmt.Fprintln(out, nb("cli.import.header", "workplace", w.Name, "orgnr", w.Orgnr, "format", format, "row", info.HeaderRow))
	var cols []string
	for i, h := range rep.Header {
		if i < len(rep.Mapping) && rep.Mapping[i] != importer.Ignore {
			cols = append(cols, h+" → "+rep.Mapping[i].Label())
		}
	}
	fmt.Fprintln(out, nb("cli.import.columns"), strings.Join(cols, ", "))
	if rep.MappingError.Key != "" {
		return
	}
	res := rep.Result
	for _, c := range storage.ImportClasses {
		if n := res.Counts[c]; n > 0 {
			fmt.Fprintf(out, "  %7d %s\n", n, locale.N("nb", "cli.import.class."+string(c), n))
		}
	}
	fmt.Fprintf(out, "  %7d %s\n", rep.ErrorRows, locale.N("nb", "cli.import.errorrows", rep.ErrorRows))
	for _, e := range rep.Errors {
		fmt.Fprint(out, "    "+nb("cli.import.rowerror", "line", e.Line, "column", orDash(e.Column), "reason", e.Reason))
		if e.Value != "" {
			fmt.Fprint(out, " "+nb("cli.import.value", "value", e.Value))
		}
		fmt.Fprintln(out)
	}
	if len(rep.Errors) < rep.ErrorRows {
		fmt.Fprintln(out, "    "+nb("cli.import.more", "n", len(rep.Errors)))
	}
	if res.Committed {
		fmt.Fprintln(out, nb("cli.import.committed", "id", res.ImportID, "seconds", fmt.Sprintf("%.1f", took.Seconds()), "rate", int(float64(res.Rows)/took.Seconds())))
	} else {
		fmt.Fprintln(out, nb("cli.import.dryrun"))
	}
}
func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

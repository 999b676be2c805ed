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
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/newhires"
	"github.com/verve-union/verve/internal/norway"
	"github.com/verve-union/verve/internal/storage"
)

// runImport handles "verve import newhires": an employer's list from the
// command line, with the same checks and report as the web page.
func runImport(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "newhires" {
		return errors.New("bruk: verve import newhires --workplace ORGNR [--dry-run] [--staff] FIL")
	}
	var dsn, orgnr, sheet, encoding, source, basis string
	var dryRun, staff bool
	fs := newFlags("import newhires", &dsn, "sqlite:verve.db")
	fs.StringVar(&orgnr, "workplace", "", "arbeidsplassens organisasjonsnummer")
	fs.BoolVar(&dryRun, "dry-run", false, "vis bare rapporten; endre ingenting")
	fs.BoolVar(&staff, "staff", false, "lista er hele staben, ikke bare nyansatte: de uorganiserte får en spør-oppgave")
	fs.StringVar(&sheet, "sheet", "", "arket i en Excel-fil (standard: det første)")
	fs.StringVar(&encoding, "encoding", "", "tegnkoding i CSV: utf-8, windows-1252 eller iso-8859-1 (standard: finn ut selv)")
	fs.StringVar(&source, "source", "Nyansattliste fra arbeidsgiver", "hvor lista kommer fra")
	fs.StringVar(&basis, "lawful-basis", "Berettiget interesse (GDPR art. 6 nr. 1 f); tillitsvalgtes rett til opplysninger om nyansatte etter hovedavtalen", "behandlingsgrunnlag")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("oppgi én fil (CSV eller XLSX)")
	}
	orgnr, err := norway.NormalizeOrgnr(orgnr)
	if err != nil {
		return fmt.Errorf("--workplace: %v", err)
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
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
	bar := progressbar.NewOptions64(st.Size(), progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription("Leser "+filepath.Base(path)),
		progressbar.OptionShowBytes(true), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish(),
		progressbar.OptionSetVisibility(term.IsTerminal(int(os.Stderr.Fd()))))
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
	rep, err := newhires.Run(ctx, store, owner, w, f, st.Size(), req)
	bar.Finish()
	if err != nil {
		return err
	}
	printReport(stdout, w, rep, time.Since(start))
	switch {
	case rep.MappingError != "":
		return errors.New(rep.MappingError)
	case rep.Result.Rows == 0:
		return errors.New("ingen rader kunne importeres")
	}
	return nil
}

// classNames are the report's words for each class of row.
var classNames = map[string]string{
	storage.ClassNew:        "nye (blir prospekter med velkomstoppgave)",
	storage.ClassExisting:   "kjente ikke-medlemmer (følges opp her)",
	storage.ClassPipeline:   "allerede under oppfølging (ingenting nytt)",
	storage.ClassMember:     "allerede medlemmer",
	storage.ClassStudent:    "studentmedlemmer (overgang til yrkesmedlemskap)",
	storage.ClassOtherUnion: "medlemmer i annet forbund (spørres ikke)",
	storage.ClassFlagged:    "mulige treff som må avgjøres (hoppes over)",
	storage.ClassDuplicate:  "gjentatte rader",
}

func printReport(out io.Writer, w *model.Workplace, rep *newhires.Report, took time.Duration) {
	info := rep.Info
	format := strings.ToUpper(info.Format)
	if info.Format == "csv" {
		format += fmt.Sprintf(", %s, skilletegn %q", info.Encoding, info.Delimiter)
	} else if info.Sheet != "" {
		format += ", ark «" + info.Sheet + "»"
	}
	fmt.Fprintf(out, "%s (%s): %s, overskrifter på rad %d\n", w.Name, w.Orgnr, format, info.HeaderRow)
	var cols []string
	for i, h := range rep.Header {
		if i < len(rep.Mapping) && rep.Mapping[i] != importer.Ignore {
			cols = append(cols, h+" → "+rep.Mapping[i].Label())
		}
	}
	fmt.Fprintln(out, "Kolonner:", strings.Join(cols, ", "))
	if rep.MappingError != "" {
		return
	}
	res := rep.Result
	for _, c := range storage.ImportClasses {
		if n := res.Counts[c]; n > 0 {
			fmt.Fprintf(out, "  %7d %s\n", n, classNames[c])
		}
	}
	fmt.Fprintf(out, "  %7d rader med feil (ikke importert)\n", rep.ErrorRows)
	for _, e := range rep.Errors {
		fmt.Fprintf(out, "    rad %d, %s: %s", e.Line, orDash(e.Column), e.Reason)
		if e.Value != "" {
			fmt.Fprintf(out, " («%s»)", e.Value)
		}
		fmt.Fprintln(out)
	}
	if len(rep.Errors) < rep.ErrorRows {
		fmt.Fprintf(out, "    … og flere; de første %d er vist\n", len(rep.Errors))
	}
	if res.Committed {
		fmt.Fprintf(out, "Importert (import %d) på %.1f s: %d rader/s.\n", res.ImportID, took.Seconds(), int(float64(res.Rows)/took.Seconds()))
	} else {
		fmt.Fprintln(out, "Prøvekjøring: ingenting er endret.")
	}
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

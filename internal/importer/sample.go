package importer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

var (
	sampleFirst = []string{"Ola", "Kari", "Ole-Martin", "Ingrid", "Åsmund", "Sigrid", "Jonas", "Nora",
		"Emma", "Lars", "Marit", "Håkon", "Silje", "Bjørn", "Ida", "Tor Erik", "Solveig", "Magnus",
		"Thea", "Even", "Hanne", "Øystein", "Liv", "Sander", "Astrid", "Mathias", "Ragnhild", "Eirik"}
	sampleLast = []string{"Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen",
		"Nilsen", "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg",
		"Haugen", "Hagen", "Ødegård", "Bakken", "Dahl", "Lie", "Strand", "Sæther", "Aasen", "Moen"}
	samplePosition = []string{"Sykepleier", "Helsefagarbeider", "Renholder", "Kokk", "Lærer",
		"Barnehagelærer", "Konsulent", "Rådgiver", "Vekter", "Butikkmedarbeider", "Lagermedarbeider"}
	sampleDepartment = []string{"Medisinsk avdeling", "Kirurgisk avdeling", "Drift", "Kjøkken",
		"Renhold", "Administrasjon", "Lager", "Salg", "IT"}
	sampleHeader = []string{"Fornavn", "Etternavn", "Fødselsdato", "E-post", "Mobil", "Startdato", "Stilling", "Avdeling"}
)

// WriteSample writes a realistic, deterministic new-hire list of rows data
// rows for benchmarks and load tests: format "csv" (semicolon, UTF-8, dates
// dd.mm.yyyy) or "xlsx" (dates as real date cells).
func WriteSample(w io.Writer, format string, rows int, seed int64) error {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7665727665))
	switch format {
	case "csv":
		return writeSampleCSV(w, rows, rng)
	case "xlsx":
		return writeSampleXLSX(w, rows, rng)
	}
	return fmt.Errorf("importer: unknown sample format %q", format)
}

type sampleRow struct {
	first, last, email, mobile, position, department string
	birth, start                                     time.Time
}

func newSampleRow(i int, rng *rand.Rand) sampleRow {
	first := sampleFirst[rng.IntN(len(sampleFirst))]
	last := sampleLast[rng.IntN(len(sampleLast))]
	prefix := "9"
	if rng.IntN(2) == 0 {
		prefix = "4"
	}
	return sampleRow{
		first:      first,
		last:       last,
		email:      fmt.Sprintf("%s.%s.%d@example.no", asciiName(first), asciiName(last), i+1),
		mobile:     fmt.Sprintf("+47%s%07d", prefix, rng.IntN(10_000_000)),
		position:   samplePosition[rng.IntN(len(samplePosition))],
		department: sampleDepartment[rng.IntN(len(sampleDepartment))],
		birth:      time.Date(1960, 1, 1+rng.IntN(45*365), 0, 0, 0, 0, time.UTC),
		start:      time.Date(2026, 1, 1+rng.IntN(365), 0, 0, 0, 0, time.UTC),
	}
}

var asciiFold = strings.NewReplacer("æ", "ae", "ø", "o", "å", "a", "Æ", "ae", "Ø", "o", "Å", "a", " ", "", "-", "")

func asciiName(s string) string { return strings.ToLower(asciiFold.Replace(s)) }

func writeSampleCSV(w io.Writer, rows int, rng *rand.Rand) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true // as Excel writes it
	if err := cw.Write(sampleHeader); err != nil {
		return err
	}
	for i := range rows {
		s := newSampleRow(i, rng)
		if err := cw.Write([]string{s.first, s.last, s.birth.Format("02.01.2006"), s.email, s.mobile,
			s.start.Format("02.01.2006"), s.position, s.department}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeSampleXLSX(w io.Writer, rows int, rng *rand.Rand) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Nyansatte"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	format := "dd.mm.yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := make([]any, len(sampleHeader))
	for i, h := range sampleHeader {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i := range rows {
		s := newSampleRow(i, rng)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{s.first, s.last,
			excelize.Cell{StyleID: dateStyle, Value: s.birth}, s.email, s.mobile,
			excelize.Cell{StyleID: dateStyle, Value: s.start}, s.position, s.department}); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// SampleFile returns the path of a sample list (WriteSample, seed 1) of
// rows rows in the temp dir, written once per size and format and shared
// by the benchmarks of every package.
func SampleFile(format string, rows int) (string, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("verve-importer-bench-%d.%s", rows, format))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	f, err := os.Create(tmp)
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = WriteSample(bw, format, rows, 1)
	if err == nil {
		err = bw.Flush()
	}
	if err = errors.Join(err, f.Close()); err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return path, nil
}

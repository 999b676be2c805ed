package importer

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// benchRows is the size of the benchmark files: VERVE_BENCH_ROWS, or 20,000.
func benchRows(b *testing.B) int {
	if s := os.Getenv("VERVE_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("VERVE_BENCH_ROWS=%q", s)
		}
		return n
	}
	return 20_000
}

// benchFile returns a sample file, generated into the temp dir once per
// size and format and reused by later runs.
func benchFile(b *testing.B, format string) ([]byte, int) {
	rows := benchRows(b)
	path, err := SampleFile(format, rows)
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data, rows
}

// importAll is what an import does: open, map, read and decode every row.
func importAll(b *testing.B, data []byte, rows int) {
	r, err := Open(bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	m := Guess(r.Header())
	good := 0
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if _, errs := r.Decode(row, m); errs == nil {
			good++
		}
	}
	if good != rows {
		b.Fatalf("%d good rows, want %d", good, rows)
	}
}

func BenchmarkReadXLSX(b *testing.B) {
	data, rows := benchFile(b, "xlsx")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		importAll(b, data, rows)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

// BenchmarkExcelizeStream is the floor for BenchmarkReadXLSX: the same
// file through excelize's streaming reader and nothing else.
func BenchmarkExcelizeStream(b *testing.B) {
	data, rows := benchFile(b, "xlsx")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
		if err != nil {
			b.Fatal(err)
		}
		it, err := f.Rows(f.GetSheetList()[0])
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for it.Next() {
			if _, err := it.Columns(excelize.Options{RawCellValue: true}); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows+1 {
			b.Fatalf("%d rows", n)
		}
		it.Close()
		f.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

func BenchmarkReadCSV(b *testing.B) {
	data, rows := benchFile(b, "csv")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		importAll(b, data, rows)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}

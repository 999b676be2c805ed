package register

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// benchRegisterRows is the benchmark export's size: VERVE_BENCH_REGISTER_ROWS,
// or 100,000.
func benchRegisterRows(b *testing.B) int {
	if s := os.Getenv("VERVE_BENCH_REGISTER_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("VERVE_BENCH_REGISTER_ROWS=%q", s)
		}
		return n
	}
	return 100_000
}

func benchExport(b *testing.B) ([]byte, int) {
	rows := benchRegisterRows(b)
	var buf bytes.Buffer
	if err := Generate(&buf, GenOptions{Members: rows, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), rows
}

// readExport reads every row as a sync does and returns how many were
// valid, and how much the heap in use grew by the end (the file-level
// maps are still live then).
func readExport(b *testing.B, data []byte) (int, uint64) {
	before := heapInUse()
	r, err := Open(bytes.NewReader(data), int64(len(data)), ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	good := 0
	for {
		_, errs, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if errs == nil {
			good++
		}
	}
	grown := heapInUse() - min(before, heapInUse())
	runtime.KeepAlive(r)
	return good, grown
}

// plainCSV is the floor: the same bytes through encoding/csv alone.
func plainCSV(b *testing.B, data []byte) int {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = ';'
	cr.ReuseRecord = true
	n := 0
	for {
		_, err := cr.Read()
		if err == io.EOF {
			return n - 1
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// BenchmarkReadRegister reads a generated export (VERVE_BENCH_REGISTER_ROWS
// rows) with Open and Next, and the same bytes with plain encoding/csv,
// reporting rows/s of each, their ratio, and the heap in use after reading.
func BenchmarkReadRegister(b *testing.B) {
	data, rows := benchExport(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var heap uint64
	for b.Loop() {
		good, h := readExport(b, data)
		if good != rows {
			b.Fatalf("%d valid rows, want %d", good, rows)
		}
		heap = max(heap, h)
	}
	perSec := float64(b.N*rows) / b.Elapsed().Seconds()
	b.StopTimer()
	start, n := time.Now(), 0
	for n < b.N {
		if plainCSV(b, data) != rows {
			b.Fatal("plain csv: wrong row count")
		}
		n++
	}
	plain := float64(n*rows) / time.Since(start).Seconds()
	b.ReportMetric(perSec, "rows/s")
	b.ReportMetric(plain, "csv-rows/s")
	b.ReportMetric(perSec/plain, "ratio")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
}

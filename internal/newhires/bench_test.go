package newhires

// Benchmarks for the whole new-hire import, file to committed rows, against
// the fastest plain loads the engines offer for the same file: the sqlite3
// shell's .import and PostgreSQL's COPY. The machine is shared and noisy,
// so the figures that matter are the ratios measured in the same loop
// (BenchmarkImportVsBaseline, BenchmarkImportXLSXVsRead).
//
//	go test ./internal/newhires/ -run XX -bench . -benchtime 1x
//	VERVE_BENCH_ROWS=1000000 go test ./internal/newhires/ -run XX -bench ImportVsBaseline -benchtime 1x -timeout 2h

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/benchmem"
	"github.com/verve-union/verve/internal/importer"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/storage/storagetest"
)

// benchRows is the size of the benchmark lists: VERVE_BENCH_ROWS, or 20,000.
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

// benchFile returns the path of a sample list of benchRows rows, written
// into the temp dir once per size and format. The name and seed are those
// of internal/importer's benchmarks, so both share the file.
func benchFile(b *testing.B, format string) (string, int) {
	b.Helper()
	rows := benchRows(b)
	path, err := importer.SampleFile(format, rows)
	if err != nil {
		b.Fatal(err)
	}
	return path, rows
}

// benchDB is a fresh database with a union, a club and one workplace,
// removed by drop.
type benchDB struct {
	s     *storage.Storage
	admin *access.Principal
	w     *model.Workplace
	drop  func()
}

// freshDSN returns an empty database of engine and a function that
// removes it at once, so that a long run does not pile up gigabytes of
// old databases until the benchmark ends.
func freshDSN(b *testing.B, engine string) (string, func()) {
	b.Helper()
	if engine == "sqlite" {
		dir, err := os.MkdirTemp("", "verve-newhires-bench-")
		if err != nil {
			b.Fatal(err)
		}
		return "sqlite:" + filepath.Join(dir, "verve.db"), func() { os.RemoveAll(dir) }
	}
	dsn := storagetest.DSN(b, engine)
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	return dsn, func() {
		db, err := sql.Open("pgx", storagetest.ServerDSN(dsn))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + pgx.Identifier{schema}.Sanitize() + ` CASCADE`); err != nil {
			b.Fatal(err)
		}
	}
}

func newBenchDB(b *testing.B, engine string) *benchDB {
	b.Helper()
	ctx := context.Background()
	dsn, drop := freshDSN(b, engine)
	s, err := storage.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	union := &model.OrgUnit{Kind: model.UnitUnion, Name: "Forbundet"}
	if err := s.CreateUnit(ctx, access.System("test"), union); err != nil {
		b.Fatal(err)
	}
	club := &model.OrgUnit{Kind: model.UnitClub, Name: "Klubben", ParentID: union.ID}
	if err := s.CreateUnit(ctx, access.System("test"), club); err != nil {
		b.Fatal(err)
	}
	w := &model.Workplace{UnitID: club.ID, Name: "Sykehuset, Ahus", Orgnr: "942110464"}
	if err := s.CreateWorkplace(ctx, access.System("test"), w); err != nil {
		b.Fatal(err)
	}
	admin := &access.Principal{Username: "admin", Grants: []access.Grant{{Role: model.RoleUnionAdmin, UnitPath: union.Path}}}
	return &benchDB{s: s, admin: admin, w: w, drop: func() { s.Close(); drop() }}
}

// importFile commits the list at path through Run, as the web page and
// the command line do, and returns how long Run took.
func (d *benchDB) importFile(b *testing.B, path string, rows int) time.Duration {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	req := Request{ImportRequest: storage.ImportRequest{Kind: storage.ImportNewhires, Filename: filepath.Base(path), Commit: true}}
	t0 := time.Now()
	rep, err := Run(context.Background(), d.s, d.admin, d.w, f, st.Size(), req)
	took := time.Since(t0)
	if err != nil {
		b.Fatal(err)
	}
	if rep.MappingError.Key != "" || rep.ErrorRows != 0 || rep.Result == nil || !rep.Result.Committed || rep.Result.Rows != rows {
		b.Fatalf("import: mapping %q, %d errors, result %+v", rep.MappingError.In("nb"), rep.ErrorRows, rep.Result)
	}
	return took
}

func rowsPerSec(rows int, d time.Duration) float64 { return float64(rows) / d.Seconds() }

// BenchmarkImportCSV commits a CSV list into a fresh database per
// iteration. On SQLite it also reports the peak heap and peak RSS of the
// import (the target: under 200 MB RSS for 1,000,000 rows).
func BenchmarkImportCSV(b *testing.B) {
	path, rows := benchFile(b, "csv")
	for _, engine := range storagetest.Engines {
		b.Run(engine, func(b *testing.B) {
			var total time.Duration
			var heapMB, rssMB float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				d, h, r := timedImport(b, engine, path, rows)
				total += d
				heapMB, rssMB = max(heapMB, h), max(rssMB, r)
				b.StartTimer()
			}
			b.ReportMetric(float64(rows*b.N)/total.Seconds(), "rows/s")
			if engine == "sqlite" {
				b.ReportMetric(heapMB, "peak-heap-MB")
				if rssMB > 0 {
					b.ReportMetric(rssMB, "peak-RSS-MB")
				}
			}
		})
	}
}

// sqliteShellImport loads the CSV into a plain table of a fresh database
// with the sqlite3 shell and returns how long the shell ran.
func sqliteShellImport(b *testing.B, sqlite3, path string, rows int) time.Duration {
	b.Helper()
	dir, err := os.MkdirTemp("", "verve-sqlite3-bench-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "plain.db")
	// The table is created first, all text, so the header row is skipped
	// with --skip 1 rather than becoming column names.
	script := "CREATE TABLE t (fornavn TEXT, etternavn TEXT, fodselsdato TEXT, epost TEXT, mobil TEXT, startdato TEXT, stilling TEXT, avdeling TEXT);\n" +
		".mode csv\n.separator \";\"\n.import --skip 1 " + path + " t\n"
	cmd := exec.Command(sqlite3, db)
	cmd.Stdin = strings.NewReader(script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err = cmd.Run()
	took := time.Since(t0)
	if err != nil || out.Len() > 0 {
		b.Fatalf("sqlite3 .import: %v\n%s", err, out.String())
	}
	cnt, err := exec.Command(sqlite3, db, "SELECT count(*) FROM t").Output()
	if err != nil || strings.TrimSpace(string(cnt)) != strconv.Itoa(rows) {
		b.Fatalf("sqlite3 loaded %q rows, want %d (%v)", cnt, rows, err)
	}
	return took
}

func sqlite3Path(b *testing.B) string {
	p, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("the sqlite3 shell is not on PATH (apt-get install -y sqlite3); skipping the SQLite baseline")
	}
	return p
}

// pgCopy loads the CSV into a plain text-column table of a fresh schema
// with COPY and returns how long the COPY took.
func pgCopy(b *testing.B, path string, rows int) time.Duration {
	b.Helper()
	ctx := context.Background()
	dsn, drop := freshDSN(b, "postgres")
	defer drop()
	conn, err := pgx.Connect(ctx, storagetest.ServerDSN(dsn))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE t (fornavn text, etternavn text, fodselsdato text, epost text, mobil text, startdato text, stilling text, avdeling text)`); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	t0 := time.Now()
	tag, err := conn.PgConn().CopyFrom(ctx, f, `COPY t FROM STDIN (FORMAT csv, DELIMITER ';', HEADER)`)
	took := time.Since(t0)
	if err != nil {
		b.Fatal(err)
	}
	if tag.RowsAffected() != int64(rows) {
		b.Fatalf("COPY loaded %d rows, want %d", tag.RowsAffected(), rows)
	}
	return took
}

// BenchmarkBaselineSQLiteImport is the sqlite3 shell's .import of the
// same CSV into a plain table: the floor for BenchmarkImportCSV/sqlite.
func BenchmarkBaselineSQLiteImport(b *testing.B) {
	sqlite3 := sqlite3Path(b)
	path, rows := benchFile(b, "csv")
	var total time.Duration
	for i := 0; i < b.N; i++ {
		total += sqliteShellImport(b, sqlite3, path, rows)
	}
	b.ReportMetric(float64(rows*b.N)/total.Seconds(), "rows/s")
}

// BenchmarkBaselinePostgresCopy is a plain COPY of the same CSV into a
// text-column table: the floor for BenchmarkImportCSV/postgres.
func BenchmarkBaselinePostgresCopy(b *testing.B) {
	path, rows := benchFile(b, "csv")
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer() // pgCopy times only the COPY
		total += pgCopy(b, path, rows)
		b.StartTimer()
	}
	b.ReportMetric(float64(rows*b.N)/total.Seconds(), "rows/s")
}

// BenchmarkImportVsBaseline runs our import and the engine's plain load of
// the same CSV alternately in one loop, so that both see the same machine,
// and reports ours/baseline (time: 2 means half the baseline's speed).
func BenchmarkImportVsBaseline(b *testing.B) {
	path, rows := benchFile(b, "csv")
	for _, engine := range storagetest.Engines {
		b.Run(engine, func(b *testing.B) {
			var baseline func() time.Duration
			if engine == "sqlite" {
				sqlite3 := sqlite3Path(b)
				baseline = func() time.Duration { return sqliteShellImport(b, sqlite3, path, rows) }
			} else {
				baseline = func() time.Duration { return pgCopy(b, path, rows) }
			}
			var ours, base time.Duration
			var heapMB, rssMB float64
			b.StopTimer()
			for i := 0; i < b.N; i++ {
				// Alternate which goes first, so neither always gets the
				// warmer page cache.
				if i%2 == 1 {
					base += baseline()
				}
				d, h, r := timedImport(b, engine, path, rows)
				ours += d
				heapMB, rssMB = max(heapMB, h), max(rssMB, r)
				if i%2 == 0 {
					base += baseline()
				}
			}
			b.ReportMetric(ours.Seconds()/base.Seconds(), "ours/baseline")
			b.ReportMetric(float64(rows*b.N)/ours.Seconds(), "ours-rows/s")
			b.ReportMetric(float64(rows*b.N)/base.Seconds(), "baseline-rows/s")
			if engine == "sqlite" {
				b.ReportMetric(heapMB, "peak-heap-MB")
				if rssMB > 0 {
					b.ReportMetric(rssMB, "peak-RSS-MB")
				}
			}
		})
	}
}

// BenchmarkImportXLSXVsRead commits an XLSX list on SQLite and, in the
// same loop, reads the same file with excelize's streaming reader and
// nothing else, and with our reader (open, map, decode) without storing
// anything. It reports ours/excelize for the whole import and
// read/excelize for reading alone; the target is 1.2.
func BenchmarkImportXLSXVsRead(b *testing.B) {
	path, rows := benchFile(b, "xlsx")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var ours, read, bare time.Duration
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		d := newBenchDB(b, "sqlite")
		runtime.GC()
		b.StartTimer()
		ours += d.importFile(b, path, rows)
		b.StopTimer()
		d.drop()

		runtime.GC()
		t0 := time.Now()
		b.StartTimer()
		readOnly(b, data, rows)
		b.StopTimer()
		read += time.Since(t0)

		runtime.GC()
		t0 = time.Now()
		b.StartTimer()
		excelizeStream(b, data, rows)
		b.StopTimer()
		bare += time.Since(t0)
	}
	b.ReportMetric(ours.Seconds()/bare.Seconds(), "ours/excelize")
	b.ReportMetric(read.Seconds()/bare.Seconds(), "read/excelize")
	b.ReportMetric(float64(rows*b.N)/ours.Seconds(), "ours-rows/s")
	b.ReportMetric(float64(rows*b.N)/bare.Seconds(), "excelize-rows/s")
}

// readOnly is the reading half of an import: open, map, read and decode
// every row, as in internal/importer's BenchmarkReadXLSX.
func readOnly(b *testing.B, data []byte, rows int) {
	r, err := importer.Open(bytes.NewReader(data), int64(len(data)), importer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	m := importer.Guess(r.Header())
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

// excelizeStream is internal/importer's BenchmarkExcelizeStream: the
// file through excelize's streaming reader and nothing else.
func excelizeStream(b *testing.B, data []byte, rows int) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	it, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		b.Fatal(err)
	}
	defer it.Close()
	n := 0
	for it.Next() {
		if _, err := it.Columns(excelize.Options{RawCellValue: true}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != rows+1 {
		b.Fatalf("%d rows, want %d", n, rows+1)
	}
}

// timedImport imports the file into a fresh database with the timer
// running only around the import (the caller has it stopped), and returns
// the import's time and, on SQLite, its memory peaks.
func timedImport(b *testing.B, engine, path string, rows int) (d time.Duration, heapMB, rssMB float64) {
	db := newBenchDB(b, engine)
	defer db.drop()
	runtime.GC()
	var m *benchmem.Peak
	if engine == "sqlite" {
		m = benchmem.Start()
	}
	b.StartTimer()
	d = db.importFile(b, path, rows)
	b.StopTimer()
	if m != nil {
		heapMB, rssMB = m.Stop()
	}
	return d, heapMB, rssMB
}

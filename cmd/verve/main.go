// Command verve is Verve's one binary: the server, the demo, migrations,
// the demo-data generator and user administration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", nb("cli.cmd.demo"), runDemo},
		{"serve", nb("cli.cmd.serve"), runServe},
		{"migrate", nb("cli.cmd.migrate"), runMigrate},
		{"seed", nb("cli.cmd.seed"), runSeed},
		{"import", nb("cli.cmd.import"), runImport},
		{"register", nb("cli.cmd.register"), runRegister},
		{"user", nb("cli.cmd.user"), runUser},
		{"backup", nb("cli.cmd.backup"), runBackup},
		{"restore", nb("cli.cmd.restore"), runRestore},
		{"version", nb("cli.cmd.version"), func(_ context.Context, _ []string, out io.Writer) error {
			fmt.Fprintln(out, "verve", version)
			return nil
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "verve:", model.ErrorMessageOrText(err))
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	usage := func() {
		fmt.Fprintf(stderr, "%s\n\n%s\n", nb("cli.usage"), nb("cli.usage.commands"))
		for _, c := range commands() {
			fmt.Fprintf(stderr, "  %-8s %s\n", c.name, c.summary)
		}
		fmt.Fprintln(stderr, "\n"+nb("cli.usage.help"))
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		if len(args) == 0 {
			return errors.New(nb("cli.command.missing"))
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout)
		}
	}
	usage()
	return errors.New(nb("cli.command.unknown", "command", strconv.Quote(args[0])))
}

// envOr returns the environment variable VERVE_<name> or def.
func envOr(name, def string) string {
	if v := os.Getenv("VERVE_" + name); v != "" {
		return v
	}
	return def
}

// newFlags returns a flag set that reports errors instead of exiting, with
// the --db flag every database command takes.
func newFlags(name string, db *string, dbDefault string) *flag.FlagSet {
	fs := flag.NewFlagSet("verve "+name, flag.ContinueOnError)
	if db != nil {
		fs.StringVar(db, "db", envOr("DB", dbDefault), nb("cli.flag.db"))
		fs.String("key-file", envOr("KEY_FILE", ""), nb("cli.flag.keyfile"))
	}
	return fs
}

// parseAndOpen parses a command's flags and opens the database they name.
func parseAndOpen(ctx context.Context, fs *flag.FlagSet, args []string, dsn *string) (*storage.Storage, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return openStore(ctx, fs, *dsn)
}

// openStore opens the database with the key file the flags name.
func openStore(ctx context.Context, fs *flag.FlagSet, dsn string) (*storage.Storage, error) {
	return storage.OpenWith(ctx, dsn, storage.Options{KeyFile: fs.Lookup("key-file").Value.String()})
}

// listen opens the server's address, naming the flag when that fails.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %s: %w", addr, err)
	}
	return ln, nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/verve-union/verve/internal/demo"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
)

type seedConfig struct {
	members int
	seed    uint64
	today   string
}

func (c *seedConfig) flags(fs interface {
	IntVar(*int, string, int, string)
	Uint64Var(*uint64, string, uint64, string)
	StringVar(*string, string, string, string)
}, members int) {
	fs.IntVar(&c.members, "members", members, nb("cli.seed.flag.members"))
	fs.Uint64Var(&c.seed, "seed", 1, nb("cli.seed.flag.seed"))
	fs.StringVar(&c.today, "today", "", nb("cli.seed.flag.today"))
}

// parseDay reads --today; empty is the zero time, which demo.Generate
// takes as the store's today.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, "02.01.2006"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, model.ErrorKey(model.EINVALID, "cli.seed.today.invalid", "value", strconv.Quote(s))
}

// seedStore generates the demo union with a progress bar on stderr.
func seedStore(ctx context.Context, store *storage.Storage, c seedConfig, stdout io.Writer) (*demo.Result, error) {
	today, err := parseDay(c.today)
	if err != nil {
		return nil, err
	}
	bar := progressbar.NewOptions(c.members, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(nb("cli.seed.progress")),
		progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish(),
		// A log file gets the summary line, not hundreds of redraws.
		progressbar.OptionSetVisibility(term.IsTerminal(int(os.Stderr.Fd()))))
	start := time.Now()
	res, err := demo.Generate(ctx, store, demo.Options{Members: c.members, Seed: c.seed, Today: today, Register: true,
		Progress: func(done, total int) { bar.Set(min(done, total)) }})
	bar.Finish()
	if err != nil {
		return nil, err
	}
	el := time.Since(start)
	fmt.Fprintln(stdout, nb("cli.seed.done", "members", c.members, "persons", res.Rows["persons"], "workplaces", res.Rows["workplaces"],
		"seconds", fmt.Sprintf("%.1f", el.Seconds()), "rate", fmt.Sprintf("%.0f", float64(c.members)/el.Seconds())))
	return res, nil
}

func runSeed(ctx context.Context, args []string, stdout io.Writer) error {
	var dsn string
	var c seedConfig
	fs := newFlags("seed", &dsn, "sqlite:verve.db")
	c.flags(fs, 96000)
	store, err := parseAndOpen(ctx, fs, args, &dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	res, err := seedStore(ctx, store, c, stdout)
	if err != nil {
		return err
	}
	printLogins(stdout, res.Logins)
	return nil
}

func printLogins(w io.Writer, logins []demo.Login) {
	fmt.Fprintln(w, nb("cli.seed.logins"))
	for _, l := range logins {
		fmt.Fprintf(w, "  %-24s %s / %s\n", l.Role+":", l.Username, l.Password)
	}
}

func runDemo(ctx context.Context, args []string, stdout io.Writer) error {
	var dsn string
	var c seedConfig
	var cfg serveConfig
	fs := newFlags("demo", &dsn, "sqlite:verve-demo.db")
	c.flags(fs, 96000)
	cfg.flags(fs)
	store, err := parseAndOpen(ctx, fs, args, &dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	// Listen before seeding so a busy port fails at once.
	ln, err := listen(cfg.addr)
	if err != nil {
		return err
	}
	empty, err := store.Empty(ctx)
	if err != nil {
		return err
	}
	if empty {
		res, err := seedStore(ctx, store, c, stdout)
		if err != nil {
			ln.Close()
			return err
		}
		printLogins(stdout, res.Logins)
	} else {
		logins, err := store.DemoLogins(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, nb("cli.demo.existing", "dsn", dsn))
		var ls []demo.Login
		for _, l := range logins {
			ls = append(ls, demo.Login{Role: l[0], Username: l[1], Password: demo.Password})
		}
		printLogins(stdout, ls)
	}
	base := cfg.publicURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	if err := printSigninLinks(ctx, store, stdout, base, dsn); err != nil {
		ln.Close()
		return err
	}
	return serve(ctx, store, ln, cfg, stdout)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/verve-union/verve/internal/access"
	"github.com/verve-union/verve/internal/auth"
	"github.com/verve-union/verve/internal/model"
	"github.com/verve-union/verve/internal/storage"
	"github.com/verve-union/verve/internal/ui"
)

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	var dsn string
	fs := newFlags("migrate", &dsn, "sqlite:verve.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := openStore(ctx, fs, dsn) // Open migrates
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintln(stdout, nb("cli.migrate.done"))
	return nil
}

// runUser handles "verve user add": the first administrator, or any user
// with a role on an org unit.
func runUser(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "link" {
		return runUserLink(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "reset-2fa" {
		return runUserReset2FA(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "add" {
		return errors.New(nb("cli.user.usage"))
	}
	var dsn, username, password, name, role, union string
	var unitID int64
	fs := newFlags("user add", &dsn, "sqlite:verve.db")
	fs.StringVar(&username, "username", "", nb("cli.user.flag.username"))
	fs.StringVar(&password, "password", envOr("PASSWORD", ""), nb("cli.user.flag.password"))
	fs.StringVar(&name, "name", "Administrator Verve", nb("cli.user.flag.name"))
	fs.StringVar(&role, "role", string(model.RoleUnionAdmin), nb("cli.user.flag.role", "roles", strings.Join(model.Roles.Strings(), ", ")))
	fs.Int64Var(&unitID, "unit", 0, nb("cli.user.flag.unit"))
	fs.StringVar(&union, "union", "Forbundet", nb("cli.user.flag.union"))
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var v model.Validation
	v.Check(username != "", "--username", "cli.user.required")
	v.Check(len(password) >= 8, "--password", "cli.user.password.short")
	v.Check(strings.Contains(strings.TrimSpace(name), " "), "--name", "cli.user.name.parts")
	validRole := false
	for _, r := range model.Roles {
		validRole = validRole || r == model.RoleName(role)
	}
	v.Check(validRole, "--role", "cli.user.role.unknown")
	if err := v.Err(); err != nil {
		return fmt.Errorf("%v", err)
	}
	store, err := openStore(ctx, fs, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	sys := access.System("verve user add")
	if unitID == 0 {
		if unitID, err = store.RootUnit(ctx); err != nil {
			u := &model.OrgUnit{Kind: model.UnitUnion, Name: union}
			if err := store.CreateUnit(ctx, sys, u); err != nil {
				return err
			}
			unitID = u.ID
		}
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	i := strings.LastIndex(strings.TrimSpace(name), " ")
	p := &model.Person{FirstName: name[:i], LastName: strings.TrimSpace(name[i+1:]), UnitID: unitID, MemberStatus: ""}
	if err := store.CreatePerson(ctx, sys, p); err != nil {
		return err
	}
	if err := store.AddRole(ctx, sys, &model.Role{PersonID: p.ID, Role: model.RoleName(role), UnitID: unitID, StartDate: store.Today()}); err != nil {
		return err
	}
	if err := store.CreateUser(ctx, sys, &model.User{PersonID: p.ID, Username: username, PasswordHash: hash}); err != nil {
		return err
	}
	fmt.Fprintln(stdout, nb("cli.user.created", "username", username, "role", role))
	return nil
}

// runUserLink handles "verve user link ADDRESS": a sign-in link for the
// person with that e-mail address, printed for the operator to pass on
// (never logged), as the mail would carry it.
func runUserLink(ctx context.Context, args []string, stdout io.Writer) error {
	var dsn, base string
	fs := newFlags("user link", &dsn, "sqlite:verve.db")
	fs.StringVar(&base, "public-url", envOr("PUBLIC_URL", "http://localhost:8080"), nb("cli.serve.flag.publicurl"))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(nb("cli.user.usage"))
	}
	store, err := openStore(ctx, fs, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	token, err := store.SigninLinkFor(ctx, access.System("verve user link"), fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, signinURL(base, token))
	return nil
}

// runUserReset2FA handles "verve user reset-2fa USERNAME": for a user
// who lost both their authenticator and their recovery codes; they enrol
// again at their next sign-in.
func runUserReset2FA(ctx context.Context, args []string, stdout io.Writer) error {
	var dsn string
	fs := newFlags("user reset-2fa", &dsn, "sqlite:verve.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(nb("cli.user.usage"))
	}
	store, err := openStore(ctx, fs, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByUsername(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	had, err := store.ResetTwoFactor(ctx, access.System("verve user reset-2fa"), u.ID)
	if err != nil {
		return err
	}
	if !had {
		fmt.Fprintln(stdout, nb("cli.user.reset2fa.none", "username", u.Username))
		return nil
	}
	fmt.Fprintln(stdout, nb("cli.user.reset2fa.done", "username", u.Username))
	return nil
}

func signinURL(base, token string) string {
	return strings.TrimSuffix(base, "/") + ui.SigninLinkPath + token
}

// printSigninLinks prints the sign-in links `verve demo` would mail to
// the demo users and one plain member, and how to get another.
func printSigninLinks(ctx context.Context, store *storage.Storage, w io.Writer, base, dsn string) error {
	addrs, err := store.DemoSigninAddresses(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, nb("cli.demo.links", "minutes", int(storage.SigninLinkTTL.Minutes())))
	sys := access.System("verve demo")
	for _, a := range addrs {
		token, err := store.SigninLinkFor(ctx, sys, a[1])
		if err != nil {
			return err
		}
		who := a[0]
		if who == "" {
			who = nb("cli.demo.member")
		}
		fmt.Fprintf(w, "  %-24s %s\n", who+":", signinURL(base, token))
	}
	fmt.Fprintln(w, nb("cli.demo.linkcmd", "dsn", dsn))
	return nil
}

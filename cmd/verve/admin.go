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

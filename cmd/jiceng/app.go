package main

import (
	"context"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/coverage"
	"jiceng/internal/db"
	"jiceng/internal/evaluation"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// app holds the opened database and the services built on it. Every
// service reads the time from now, the one clock of the program.
type app struct {
	now      func() time.Time
	db       *db.DB
	regions  *region.Holder
	orgs     *org.Service
	accounts *account.Service
	coverage *coverage.Service
	eval     *evaluation.Service
}

// openApp opens the database at url, which init or demo must have set up
// (see db.OpenExisting), brings its schema up to date and loads the ballot
// token key from keyFile (--key-file), JICENG_KEY_FILE or JICENG_KEY (see
// resolveKey), moving a key kept in the database by an earlier version out
// to the key file.
func openApp(ctx context.Context, env cmdEnv, url, keyFile string) (*app, error) {
	return startApp(ctx, env, url, keyFile, db.OpenExisting)
}

// createApp is openApp for init and demo, the commands that may create the
// database.
func createApp(ctx context.Context, env cmdEnv, url, keyFile string) (*app, error) {
	return startApp(ctx, env, url, keyFile, db.Open)
}

func startApp(ctx context.Context, env cmdEnv, url, keyFile string, open func(context.Context, string) (*db.DB, error)) (*app, error) {
	src, err := resolveKey(url, keyFile, env.getenv)
	if err != nil {
		return nil, err
	}
	d, err := open(ctx, url)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	regions := region.NewHolder()
	orgs := org.NewService(d, regions)
	key, err := src.load(ctx, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	now := time.Now
	orgs.WithClock(now)
	return &app{now: now, db: d, regions: regions, orgs: orgs, accounts: account.NewService(d, account.DefaultParams).WithClock(now),
		coverage: coverage.NewService(d, orgs, regions).WithClock(now), eval: evaluation.NewService(d, orgs, key).WithClock(now)}, nil
}

func (a *app) Close() error { return a.db.Close() }

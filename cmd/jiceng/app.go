package main

import (
	"context"

	"jiceng/internal/app"
	"jiceng/internal/db"
)

// openApp opens the database at url, which init or demo must have set up
// (see db.OpenExisting), brings its schema up to date, loads the ballot
// token key from keyFile (--key-file), JICENG_KEY_FILE or JICENG_KEY (see
// resolveKey), moving a key kept in the database by an earlier version out
// to the key file, and builds the app on them with cfg's other settings.
func openApp(ctx context.Context, env cmdEnv, url, keyFile string, cfg app.Config) (*app.App, error) {
	return startApp(ctx, env, url, keyFile, cfg, db.OpenExisting)
}

// createApp is openApp for init and demo, the commands that may create the
// database.
func createApp(ctx context.Context, env cmdEnv, url, keyFile string, cfg app.Config) (*app.App, error) {
	return startApp(ctx, env, url, keyFile, cfg, db.Open)
}

func startApp(ctx context.Context, env cmdEnv, url, keyFile string, cfg app.Config, open func(context.Context, string) (*db.DB, error)) (*app.App, error) {
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
	if cfg.Key, err = src.load(ctx, d); err != nil {
		d.Close()
		return nil, err
	}
	cfg.DB = d
	a, err := app.New(ctx, cfg)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

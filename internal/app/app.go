// Package app is the one wiring point: it builds the platform's core (the
// database handed to it, the clock, the logger, the division data, the
// organization, account and audit services) and, on it, every module of
// the module list (modules.go) with its pages and JSON handlers. The
// commands, the server, the demo, the benchmarks and the tests start here.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/api"
	"jiceng/internal/db"
	"jiceng/internal/demo"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/ratelimit"
	"jiceng/internal/region"
	"jiceng/internal/web"
)

// Config is what the app is built from. Opening and migrating the database
// and finding the ballot-token key are the commands' work.
type Config struct {
	DB *db.DB
	// Key is the ballot-token key.
	Key []byte
	// Now is the one clock of the program; nil is time.Now.
	Now func() time.Time
	// Logger gets the requests and the failures; nil is slog.Default().
	Logger *slog.Logger
	// Params are the password hashing's; zero is account.DefaultParams.
	Params account.Params
	// IdleTimeout ends a session unused this long; zero is
	// account.DefaultIdleTimeout.
	IdleTimeout time.Duration
	// PublicURL and Demo are what serve was told (see module.Core).
	PublicURL string
	Demo      bool
	// Notify and CaseRetention are serve's settings of the residents'
	// channel (see module.Core).
	Notify        module.Notify
	CaseRetention map[string]int
	// Regions is the division data; nil loads a holder of the app's own.
	// Tests share one, since loading it costs time.
	Regions *region.Holder
}

// App is the built application: the core, the kits and every module.
type App struct {
	core  *module.Core
	web   *web.Kit
	api   *api.Kit
	parts []part
}

// New builds the core and every module of the module list on cfg.DB. The
// app owns the database from then on: Close closes it.
func New(_ context.Context, cfg Config) (*App, error) {
	if cfg.DB == nil {
		return nil, fmt.Errorf("app: no database")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Params == (account.Params{}) {
		cfg.Params = account.DefaultParams
	}
	if cfg.Regions == nil {
		cfg.Regions = region.NewHolder()
	}
	cfg.DB.SetClock(cfg.Now) // the audit log's times
	orgs := org.NewService(cfg.DB, cfg.Regions).WithClock(cfg.Now)
	// The catalogue starts with the platform's part; each module adds its
	// own below, before anyone is authenticated.
	perms, err := access.NewCatalogue()
	if err != nil {
		return nil, err
	}
	accounts := account.NewService(cfg.DB, cfg.Params, perms).WithClock(cfg.Now)
	if cfg.IdleTimeout > 0 {
		accounts.IdleTimeout = cfg.IdleTimeout
	}
	c := &module.Core{DB: cfg.DB, Now: cfg.Now, Logger: cfg.Logger, Regions: cfg.Regions, Orgs: orgs, Accounts: accounts,
		Audit: orgs.Audit(), Perms: perms, Key: cfg.Key, PublicURL: cfg.PublicURL, Demo: cfg.Demo,
		Notify: cfg.Notify, CaseRetention: cfg.CaseRetention}
	// One limiter for every public code entry and one for bulletin reads,
	// shared by the pages and the API so that both count the same requests.
	codes, reads := account.NewLimiter(c.Now), ratelimit.NewBulletin(c.Now)
	wk, err := web.New(web.Deps{Orgs: orgs, Logger: c.Logger, Now: c.Now, Secure: strings.HasPrefix(c.PublicURL, "https://"), Demo: c.Demo,
		PublicURL: c.PublicURL, Codes: codes, Reads: reads})
	if err != nil {
		return nil, err
	}
	ak, err := api.New(c.Logger)
	if err != nil {
		return nil, err
	}
	ak.Codes, ak.Reads = codes, reads
	a := &App{core: c, web: wk, api: ak}
	var apis []api.Module
	for _, m := range modules {
		p, err := m.build(c, wk, ak)
		if err != nil {
			return nil, err
		}
		if err := perms.Add(p.domain.Permissions); err != nil {
			return nil, err
		}
		for typ, n := range p.domain.AuditNames {
			c.Audit.AddNamer(typ, n)
		}
		for typ, r := range p.domain.AuditRestrict {
			c.Audit.Restrict(typ, r)
		}
		a.parts = append(a.parts, p)
		c.Provide(p.service)
		if err := wk.AddModule(p.web); err != nil {
			return nil, err
		}
		apis = append(apis, p.api)
	}
	ak.Use(apis)
	perms.Seal()
	return a, nil
}

// Core is the platform's core the modules are built on.
func (a *App) Core() *module.Core { return a.core }

// WebKit is the page kit, whose middleware and failure page the server uses.
func (a *App) WebKit() *web.Kit { return a.web }

// APIKit is the API kit, whose error envelope the server uses.
func (a *App) APIKit() *api.Kit { return a.api }

// Routes are every route of the application with its auth level: the
// kits' own and every module's pages and JSON handlers.
func (a *App) Routes() []module.Route {
	rts := a.web.Routes()
	for _, p := range a.parts {
		rts = append(rts, p.web.Routes...)
	}
	rts = append(rts, a.api.Routes()...)
	for _, p := range a.parts {
		rts = append(rts, p.api.Routes...)
	}
	return rts
}

// KitRoutes are the kits' own routes: the health check, static files, the
// language switch and the OpenAPI document.
func (a *App) KitRoutes() []module.Route {
	return append(a.web.Routes(), a.api.Routes()...)
}

// ModuleRoutes are the routes of the module called name, its pages' and
// its JSON handlers', and whether the list has such a module.
func (a *App) ModuleRoutes(name string) ([]module.Route, bool) {
	i := slices.IndexFunc(a.parts, func(p part) bool { return p.domain.Name == name })
	if i < 0 {
		return nil, false
	}
	p := a.parts[i]
	return append(slices.Clip(p.web.Routes), p.api.Routes...), true
}

// Domains are every module's domain part, in the module list's order.
func (a *App) Domains() []module.Domain {
	ds := make([]module.Domain, len(a.parts))
	for i, p := range a.parts {
		ds[i] = p.domain
	}
	return ds
}

// Domain is the domain part of the module called name, for the tests that
// seed one module's demo data alone.
func (a *App) Domain(name string) (module.Domain, bool) {
	i := slices.IndexFunc(a.parts, func(p part) bool { return p.domain.Name == name })
	if i < 0 {
		return module.Domain{}, false
	}
	return a.parts[i].domain, true
}

// Jobs are every module's background work, in the module list's order.
func (a *App) Jobs() []module.Job {
	var js []module.Job
	for _, p := range a.parts {
		js = append(js, p.domain.Jobs...)
	}
	return js
}

// Start runs every module's background work until ctx ends (see
// module.Job): the jobs to start once before it returns, the periodic ones
// in goroutines of their own. Failures are logged.
func (a *App) Start(ctx context.Context) {
	for _, j := range a.Jobs() {
		if j.Every <= 0 {
			a.run(ctx, j)
			continue
		}
		go func() {
			t := time.NewTicker(j.Every)
			defer t.Stop()
			for {
				a.run(ctx, j)
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
}

// run runs j once and logs its failure, unless the app is stopping.
func (a *App) run(ctx context.Context, j module.Job) {
	if err := j.Run(ctx); err != nil && ctx.Err() == nil {
		a.core.Logger.Error(j.Name, "err", err)
	}
}

// Seed fills a fresh database with the demo data of region: the tree and
// the accounts, then every module's part in the module list's order.
func (a *App) Seed(ctx context.Context, region string) (demo.Result, error) {
	return demo.Seed(ctx, a.core, a.Domains(), region)
}

// Close closes the database.
func (a *App) Close() error { return a.core.DB.Close() }

// Service is the service of the module whose service is an S, for tests,
// the demo's output and the benchmarks. It panics when no module of the
// list has one: that is a mistake in the caller, not a condition to handle.
func Service[S any](a *App) S {
	for _, p := range a.parts {
		if s, ok := p.service.(S); ok {
			return s
		}
	}
	var zero S
	panic(fmt.Sprintf("app: no module has a service of type %T", zero))
}

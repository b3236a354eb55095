package app

import (
	"context"
	"jiceng/internal/access"
	"jiceng/internal/region"
	"time"

	"jiceng/internal/account"
	"jiceng/internal/api"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/imports"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// Module is one line of the module list: how to build a module's service,
// pages and JSON handlers.
type Module struct {
	build func(c *module.Core, wk *web.Kit, ak *api.Kit) (part, error)
}

// part is a built module.
type part struct {
	service any
	domain  module.Domain
	web     web.Module
	api     api.Module
}

// Use makes a line of the module list from a module's three constructors:
// its domain's, which builds its service on the core, its pages' and its
// JSON handlers', which are built on the kits and that service.
func Use[S any](domain func(*module.Core) (S, module.Domain, error), pages func(*web.Kit, S) (web.Module, error), handlers func(*api.Kit, S) api.Module) Module {
	return Module{build: func(c *module.Core, wk *web.Kit, ak *api.Kit) (part, error) {
		s, d, err := domain(c)
		if err != nil {
			return part{}, err
		}
		w, err := pages(wk, s)
		if err != nil {
			return part{}, err
		}
		return part{service: s, domain: d, web: w, api: handlers(ak, s)}, nil
	}}
}

// The platform's own modules: their services are built with the core.

func orgsDomain(c *module.Core) (*org.Service, module.Domain, error) {
	return c.Orgs, module.Domain{Name: "orgs", Jobs: []module.Job{{
		// Import sessions past their day are deleted, so that the credit
		// codes and names of old uploads are not kept when nobody uploads
		// again (an upload purges them too). Every module's sessions are
		// in the one table.
		Name: "purge import sessions", Every: time.Hour, Run: func(ctx context.Context) error {
			return c.DB.InTx(ctx, func(tx *db.Tx) error {
				_, err := imports.Purge(ctx, tx, c.Now())
				return err
			})
		},
	}}, AuditNames: map[string]audit.Namer{"org": c.Orgs.AuditNames, "region": regionNames(c.Regions)}}, nil
}

// regionNames names the divisions of region.init entries by their codes.
func regionNames(h *region.Holder) audit.Namer {
	// Division names are public: they are named for every reader.
	return func(_ context.Context, _ access.Actor, codes []string) (map[string]string, error) {
		set, err := h.Get()
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for _, code := range codes {
			if d, ok := set.Lookup(code); ok {
				out[code] = d.Name
			}
		}
		return out, nil
	}
}

func accountsDomain(c *module.Core) (*account.Service, module.Domain, error) {
	return c.Accounts, module.Domain{Name: "accounts", AuditNames: map[string]audit.Namer{"user": c.Accounts.AuditNames}}, nil
}

func auditDomain(c *module.Core) (*audit.Service, module.Domain, error) {
	return c.Audit, module.Domain{Name: "audit"}, nil
}

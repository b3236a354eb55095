// Package accounts serves the JSON API of accounts: logging in and out,
// users, their grants and passwords.
package accounts

import (
	"jiceng/internal/account"
	"jiceng/internal/api"
	"jiceng/internal/module"
)

// Handlers are the accounts' JSON handlers.
type Handlers struct {
	k        *api.Kit
	accounts *account.Service
}

// Module builds the accounts' JSON handlers.
func Module(k *api.Kit, accounts *account.Service) api.Module {
	h := &Handlers{k: k, accounts: accounts}
	return api.Module{Routes: h.Routes()}
}

// Routes are the accounts' API routes; logging in is public.
func (h *Handlers) Routes() []module.Route {
	return []module.Route{
		module.R("POST", "/api/v1/auth/login", module.Public, h.Login),
		module.R("POST", "/api/v1/auth/logout", module.API, h.Logout),
		module.R("GET", "/api/v1/users", module.API, h.ListUsers),
		module.R("POST", "/api/v1/users", module.API, h.CreateUser),
		module.R("GET", "/api/v1/users/{id}", module.API, h.GetUser),
		module.R("POST", "/api/v1/users/{id}/grants", module.API, h.AddGrant),
		module.R("POST", "/api/v1/users/{id}/password", module.API, h.SetUserPassword),
		module.R("DELETE", "/api/v1/grants/{id}", module.API, h.RevokeGrant),
	}
}

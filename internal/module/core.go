package module

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/org"
	"jiceng/internal/region"
)

// Core is what the platform builds once and hands every module: the
// database, the one clock of the program, the logger, the division data,
// the platform's own services and what serve was told.
type Core struct {
	DB       *db.DB
	Now      func() time.Time
	Logger   *slog.Logger
	Regions  *region.Holder
	Orgs     *org.Service
	Accounts *account.Service
	Audit    *audit.Service
	// Perms is the permission catalogue; the application adds each
	// module's part to it as it builds the module.
	Perms *access.Catalogue
	// Key is the ballot-token key (see cmd/jiceng key.go).
	Key []byte
	// PublicURL is the address users reach jiceng by, without a trailing
	// slash, or "" when it is the request's own.
	PublicURL string
	// Demo marks a demo install (serve --demo).
	Demo bool
	// Notify names the gateways of the text messages and e-mails to
	// residents; a gateway left empty keeps its messages in the outbox.
	Notify Notify
	// CaseRetention is how many days after a case closes its reporter's
	// identity is kept, by case kind; a kind it leaves out keeps the
	// residents' channel's default.
	CaseRetention map[string]int
	// services are the services of the modules built so far, in the
	// module list's order (see Provide and ServiceOf).
	services []any
}

// Provide adds a built module's service to the core, for the modules after
// it in the list that read its data.
func (c *Core) Provide(s any) { c.services = append(c.services, s) }

// ServiceOf is the service of type S of a module built before the caller,
// which a module that reads another's data takes in its constructor. The
// module list's order makes it there: an error means the list is wrong.
func ServiceOf[S any](c *Core) (S, error) {
	for _, s := range c.services {
		if v, ok := s.(S); ok {
			return v, nil
		}
	}
	var zero S
	return zero, fmt.Errorf("module: no module before this one has a service of type %T", zero)
}

// Notify is where the messages to residents go, as serve was told.
type Notify struct {
	// SMTPURL is the mail server's address, smtp://user:password@host:587
	// ?from=… or smtps://…; it holds a password: never log it.
	SMTPURL string
	// SMSURL is the text-message gateway's HTTPS address, SMSToken its
	// bearer token ("" for none).
	SMSURL, SMSToken string
}

// Domain is what a module's domain package supplies besides its service:
// its name, its part of the permission catalogue, its background work and
// its demo data.
type Domain struct {
	Name        string
	Permissions access.Permissions
	Jobs        []Job
	// AuditNames name the targets of the module's audit entries, by target
	// type ("unit", "campaign" …), so that the audit log shows what each
	// entry is about without reading the module's tables.
	AuditNames map[string]audit.Namer
	// AuditRestrict keeps the entries of some target types from readers of
	// the log who may not know of their targets (see audit.Restrict).
	AuditRestrict map[string]audit.Restriction
	// Seed, when not nil, adds the module's demo data to a fresh demo
	// database whose territorial tree of Region is built (see internal/demo).
	Seed func(ctx context.Context, s Seeding) (Seeded, error)
}

// Job is a module's background work, which serve runs for as long as it
// serves and whose failures it logs. A job with Every > 0 runs at start and
// then every Every. A job with Every == 0 runs once, before the server takes
// requests, and must return at once: work that lasts (the ballot committer)
// starts its own goroutine, bound to ctx.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Seeding is where a module's demo data goes: the division code the demo
// was asked for and the id of its root organization.
type Seeding struct {
	Region string
	RootID int64
}

// Seeded is what a module's demo seeder reports: the lines the demo prints
// after the accounts, given the address the server answers at. A module
// that has nothing to say returns nil.
type Seeded interface {
	Lines(site string) []string
}

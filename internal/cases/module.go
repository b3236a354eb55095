package cases

import (
	"context"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/module"
	"jiceng/internal/org"
)

// Module builds the residents' channel on the core: its service, its
// permissions, its background work (the group committer of submissions,
// escalation of overdue cases, delivery of notifications, the purge of
// identities past their retention) and how the audit log names its cases.
func Module(c *module.Core) (*Service, module.Domain, error) {
	s, err := NewService(c.DB, c.Orgs, c.Accounts, c.Regions, c.Key)
	if err != nil {
		return nil, module.Domain{}, err
	}
	s.WithClock(c.Now)
	if c.Demo {
		// The demo has no gateway: its text messages are kept in memory,
		// so that they count as delivered instead of waiting forever.
		s.SetSender(&Recorder{})
	}
	return s, module.Domain{
		Name:        "cases",
		Permissions: Permissions(),
		Jobs: []module.Job{
			{Name: "case intake committer", Run: func(ctx context.Context) error { s.StartCommitter(ctx); return nil }},
			{Name: "escalate overdue cases", Every: 5 * time.Minute, Run: func(ctx context.Context) error { _, err := s.Escalate(ctx); return err }},
			{Name: "deliver notifications", Every: 15 * time.Second, Run: func(ctx context.Context) error { _, err := s.Deliver(ctx, s.sender); return err }},
			{Name: "purge reporters' identities", Every: time.Hour, Run: func(ctx context.Context) error { _, err := s.Purge(ctx); return err }},
		},
		Seed: func(ctx context.Context, in module.Seeding) (module.Seeded, error) {
			return seedCases(ctx, s, in)
		},
		AuditNames: map[string]audit.Namer{
			// A case is named by its number and kind where the reader may
			// see it; the audit log names nothing a reader may not see.
			"case": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return s.auditNames(ctx, actor, ids)
			},
		},
	}, nil
}

// auditNames names the cases of ids that the actor sees.
func (s *Service) auditNames(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, sid := range ids {
		var id int64
		for _, ch := range sid {
			if ch < '0' || ch > '9' {
				id = 0
				break
			}
			id = id*10 + int64(ch-'0')
		}
		if id == 0 {
			continue
		}
		c, err := s.get(ctx, s.db, v, id)
		if err != nil {
			continue
		}
		out[sid] = "第 " + sid + " 号" + org.LabelOf(Kinds, c.Kind, "zh")
	}
	return out, nil
}

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
	if err := s.SetRetention(c.CaseRetention); err != nil {
		return nil, module.Domain{}, err
	}
	senders, err := NewSenders(c.Notify, c.Now)
	if err != nil {
		return nil, module.Domain{}, err
	}
	switch {
	case c.Demo:
		// The demo's reporters are made up: its text messages and e-mails
		// are kept in memory, whatever gateway is configured, so that
		// they count as delivered instead of waiting forever.
		s.SetSender(&Recorder{})
	case senders != nil:
		s.SetSender(senders)
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
			"case":      s.auditNames,
			"integrity": s.auditNames,
			"station":   s.stationNames,
		},
		// The entries of an integrity report are read only by those who
		// may know of it: never the organization or the cadre concerned,
		// whatever else they may read of the log.
		AuditRestrict: map[string]audit.Restriction{"integrity": s.integrityAudit},
	}, nil
}

// auditType is the audit log's target type of a case of kind: integrity
// reports have their own, which the log keeps from those who may not know
// of them (integrityAudit).
func auditType(kind string) string {
	if kind == KindIntegrity {
		return "integrity"
	}
	return "case"
}

// integrityAudit is the condition on an audit entry's target id that keeps
// the entries of integrity reports to the readers who see them.
func (s *Service) integrityAudit(ctx context.Context, actor access.Actor) (string, []any, error) {
	v, err := s.viewer(ctx, actor)
	if err != nil {
		return "", nil, err
	}
	if !v.CanAnywhere(IntegrityRead) {
		return "1=0", nil, nil
	}
	src, args, err := s.listSource(ctx, v, ListQuery{Integrity: true}, "c.id")
	if err != nil {
		return "", nil, err
	}
	return "a.target_id IN (SELECT CAST(x.id AS TEXT) FROM " + src + " x)", args, nil
}

// stationNames names the workstations of ids whose organization the actor
// may read.
func (s *Service) stationNames(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
	return audit.NamesByID(ctx, s.db, actor, "SELECT st.id, st.name, "+org.PathCol("o")+" FROM integrity_stations st"+org.Join("o", "st.org_id")+" WHERE st.id IN", ids)
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

package evaluation

import (
	"context"
	"fmt"
	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/org"
	"time"

	"jiceng/internal/module"
)

// Module builds the evaluation service on the platform's core and names its
// background work and its demo data.
func Module(c *module.Core) (*Service, module.Domain, error) {
	s := NewService(c.DB, c.Orgs, c.Key).WithClock(c.Now)
	return s, module.Domain{
		Name:        "evaluation",
		Permissions: Permissions(),
		AuditNames: map[string]audit.Namer{
			"campaign": func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
				return audit.NamesByID(ctx, c.DB, actor, "SELECT c.id, c.name, "+org.PathCol("o")+" FROM campaigns c"+org.Join("o", "c.owner_org_id")+" WHERE c.id IN", ids)
			},
		},
		Jobs: []module.Job{
			// Ballots cast together share one durable commit.
			{Name: "ballot committer", Run: func(ctx context.Context) error { s.StartCommitter(ctx); return nil }},
			// Ballots wait in the inbox until at least 20 can be shuffled
			// together, with at least max(k, 10) of every rater group in a
			// batch; closing a campaign flushes the rest.
			{Name: "ballot mixer", Every: time.Minute, Run: func(ctx context.Context) error { return s.mixRound(ctx, serveMinBatch) }},
		},
		Seed: func(ctx context.Context, in module.Seeding) (module.Seeded, error) {
			if in.Region != "4501" {
				return nil, nil
			}
			return seedEvaluation(ctx, c.DB, c.Orgs, s, in.RootID)
		},
	}, nil
}

// Lines are the demo's lines about the open campaign: its name and a ballot
// code to try at site's ballot page.
func (t DemoTrial) Lines(site string) []string {
	if t.Code == "" {
		return nil
	}
	return []string{
		fmt.Sprintf("进行中的测评：%s（编号 %d），以下为%s的一张未使用测评票", t.Campaign, t.CampaignID, t.Group),
		fmt.Sprintf("试投一票：%s/vote 测评码 %s", site, t.Code),
	}
}

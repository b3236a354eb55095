package benchkit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/evaluation"
)

// sys is the actor the benchmarks' set-up acts as.
var sys = access.SystemActor("bench")

// NewCampaign creates a draft village-template campaign with n person
// subjects, each rated by every group.
func NewCampaign(ctx context.Context, ev *evaluation.Service, owner int64, name string, n int) (evaluation.Campaign, []evaluation.Subject, error) {
	now := time.Now()
	camp, err := ev.CreateCampaign(ctx, sys, evaluation.CampaignInput{OwnerOrgID: owner, Name: name, Type: evaluation.TypeReview, Year: 2026,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour), Rules: evaluation.TemplateVillageSecretary()})
	if err != nil {
		return camp, nil, err
	}
	var in []evaluation.SubjectInput
	for i := range n {
		in = append(in, evaluation.SubjectInput{Kind: evaluation.SubjectPerson, Name: fmt.Sprintf("书记%04d", i+1), Post: "党组织书记", Unit: fmt.Sprintf("第%d村", i+1)})
	}
	var subs []evaluation.Subject
	for start := 0; start < len(in); start += 2000 {
		s, err := ev.AddSubjects(ctx, sys, camp.ID, in[start:min(start+2000, len(in))])
		if err != nil {
			return camp, nil, err
		}
		subs = s // AddSubjects returns all subjects of the campaign
	}
	return camp, subs, nil
}

// IssueCodes issues n codes spread over the groups, 5,000 per call.
func IssueCodes(ctx context.Context, ev *evaluation.Service, campaign int64, groups []string, n int) ([]string, error) {
	var codes []string
	for i := 0; len(codes) < n; i++ {
		k := min(5000, n-len(codes))
		cs, err := ev.IssueTokens(ctx, sys, campaign, groups[i%len(groups)], k)
		if err != nil {
			return nil, err
		}
		codes = append(codes, cs...)
	}
	// Interleave the groups so that every batch holds all three.
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
	return codes, nil
}

// Answers are random answers on the village template's levels.
func Answers(r *rand.Rand) map[string]float64 {
	good := []float64{100, 85, 70, 50}
	sat := []float64{100, 60, 0}
	out := map[string]float64{"satisfaction": sat[r.IntN(len(sat))]}
	for _, k := range []string{"duty", "team", "life", "education", "service", "integrity"} {
		out[k] = good[r.IntN(len(good))]
	}
	return out
}

// Territorial lists the division codes of the territorial organizations of
// the given code length.
func Territorial(ctx context.Context, d *db.DB, length int) ([]string, error) {
	rows, err := d.Query(ctx, "SELECT region_code FROM orgs WHERE territorial = ? AND LENGTH(region_code) = ? ORDER BY region_code", true, length)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

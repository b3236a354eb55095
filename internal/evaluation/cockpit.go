package evaluation

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// YearOverview is what the published campaigns of a year say of the
// subjects of a subtree, for the cockpit and the statistics API: counts of
// subjects by the grade their campaign gave them, and nothing else. A
// subject belongs to the subtree of its organization; a person, who has
// none, to that of the organization that ran the campaign. Only published
// results are read — their frozen, checksummed figures, which hold nothing
// of a rater group below k — so no count here says anything about a rater.
type YearOverview struct {
	OrgID int64 `json:"org_id"`
	Year  int   `json:"year"`
	// PrevCampaigns counts, when no campaign of Year has published results
	// for the subtree, the published campaigns of the year before that
	// rated a subject of it. Appraisals of a year are held early in the
	// next, so for most of a year the results to read are last year's.
	PrevCampaigns int `json:"prev_campaigns,omitempty"`
	// Campaigns are the published campaigns of the year that rated a
	// subject of the subtree; Rated are those subjects, Graded the ones
	// given a grade and Ungraded the others (a rater group lacked ballots
	// and the rules say not to grade without it).
	Campaigns int `json:"campaigns"`
	Rated     int `json:"rated"`
	Graded    int `json:"graded"`
	Ungraded  int `json:"ungraded"`
	// Grades count the graded subjects by the grade's name, every grade of
	// the campaigns counted, the best first in the order their rules list
	// them (好, 较好, 一般, 差; 优秀, 合格, 基本合格, 不合格 …).
	Grades []GradeCount `json:"grades"`
	// TopGrades are the best grades of the campaigns counted, Top the
	// subjects given one of them.
	TopGrades []string `json:"top_grades"`
	Top       int      `json:"top"`
	// LowGrades are the lowest grades of the campaigns counted. Flagged
	// counts the subjects given the lowest grade or hit by a veto — the
	// rectification list of the results (Results.Flags) — Vetoed those hit
	// by a veto and FlaggedOrgs the flagged subjects that are
	// organizations, which the rectification of weak organizations takes
	// up.
	LowGrades   []string `json:"low_grades"`
	Flagged     int      `json:"flagged"`
	Vetoed      int      `json:"vetoed"`
	FlaggedOrgs int      `json:"flagged_orgs"`
	// Children are the active child organizations with the same counts for
	// each one's subtree, the most flagged first.
	Children []ChildOverview `json:"children"`
}

// GradeCount is the number of subjects given a grade.
type GradeCount struct {
	Grade    string `json:"grade"`
	Subjects int    `json:"subjects"`
}

// ChildOverview is one child organization's part of a YearOverview.
type ChildOverview struct {
	OrgID   int64  `json:"org_id"`
	Name    string `json:"name"`
	Rated   int    `json:"rated"`
	Graded  int    `json:"graded"`
	Top     int    `json:"top"`
	Flagged int    `json:"flagged"`
	Vetoed  int    `json:"vetoed"`
}

// Overviews reads YearOverviews. Published results never change, so it
// keeps what it needs of each campaign's — the grade and flags of each
// subject — under the results' SHA-256: a campaign's results are read
// and checked once, not decoded again on every cockpit (the results of
// 3,000 subjects take some 30 ms to decode). A campaign whose stored
// checksum changes is read and checked again, like Results does.
type Overviews struct {
	s  *Service
	mu sync.Mutex
	// sealed are the grades of the published campaigns read, by id.
	sealed map[int64]*sealedGrades
}

// maxSealed bounds the campaigns Overviews keeps; past it they are read
// afresh. A city publishes a few dozen campaigns a year.
const maxSealed = 2000

// NewOverviews returns the overviews of the campaigns of s.
func NewOverviews(s *Service) *Overviews {
	return &Overviews{s: s, sealed: map[int64]*sealedGrades{}}
}

// sealedGrades is what an overview reads of a campaign's published
// results: its grades best first and each subject's standing.
type sealedGrades struct {
	sum      string
	grades   []string
	subjects map[string]subjectGrade
}

// subjectGrade is a subject's grade ("" when ungraded) and whether it is
// on the rectification list or hit by a veto.
type subjectGrade struct {
	grade           string
	flagged, vetoed bool
}

// Overview is Overviews.Of with the service's own kept grades, shared by the
// cockpit and the statistics API.
func (s *Service) Overview(ctx context.Context, actor access.Actor, orgID int64, year int) (YearOverview, error) {
	return s.overviews.Of(ctx, actor, orgID, year)
}

// Of returns the overview of the subtree of orgID for year, for a reader
// with evaluation.read on the organization; the campaigns counted are the
// ones the reader may read (run inside its scope), as everywhere in the
// module.
func (v *Overviews) Of(ctx context.Context, actor access.Actor, orgID int64, year int) (YearOverview, error) {
	s := v.s
	o, err := s.orgs.Get(ctx, actor, orgID)
	if err != nil {
		return YearOverview{}, err
	}
	if !actor.Can(EvaluationRead, o.Path) {
		return YearOverview{}, errNoRead
	}
	out := YearOverview{OrgID: o.ID, Year: year, Grades: []GradeCount{}, TopGrades: []string{}, LowGrades: []string{}, Children: []ChildOverview{}}
	rows, err := s.db.Query(ctx, "SELECT o.id, "+org.LabelCol("o")+" FROM orgs o WHERE o.parent_id = ? AND o.status = ? ORDER BY o.id", o.ID, org.StatusActive)
	if err != nil {
		return out, errs.Wrap(err, "children")
	}
	child := map[int64]int{}
	for rows.Next() {
		var c ChildOverview
		if err := rows.Scan(&c.OrgID, &c.Name); err != nil {
			rows.Close()
			return out, errs.Wrap(err, "scan child")
		}
		child[c.OrgID] = len(out.Children)
		out.Children = append(out.Children, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, errs.Wrap(err, "children")
	}

	// One row per subject of the subtree in the year's published
	// campaigns: the grades are in the campaigns' sealed results, so the
	// counting is done here rather than by a GROUP BY.
	scope, args := actor.ScopeSQL(org.PathCol("oo"), EvaluationRead)
	rows, err = s.db.Query(ctx, `SELECT c.id, COALESCE(c.results_sha256, ''), sb.key, sb.kind, COALESCE(so.path, oo.path)
		FROM campaigns c`+org.Join("oo", "c.owner_org_id")+` JOIN campaign_subjects sb ON sb.campaign_id = c.id`+org.LeftJoin("so", "sb.org_id")+`
		WHERE c.year = ? AND c.status = ? AND `+scope+` AND (`+access.InSubtree(org.PathCol("so"), o.Path)+` OR (sb.org_id IS NULL AND `+access.InSubtree(org.PathCol("oo"), o.Path)+`))`,
		append([]any{year, StatusPublished}, args...)...)
	if err != nil {
		return out, errs.Wrap(err, "published subjects")
	}
	type subjectRow struct {
		campaign  int64
		sum, key  string
		org       bool
		childSlot int
	}
	var subs []subjectRow
	sums := map[int64]string{}
	var order []int64
	for rows.Next() {
		var r subjectRow
		var kind, path string
		if err := rows.Scan(&r.campaign, &r.sum, &r.key, &kind, &path); err != nil {
			rows.Close()
			return out, errs.Wrap(err, "scan published subject")
		}
		r.org = kind == SubjectOrg
		r.childSlot = -1
		if id, ok := childOf(o.Path, path); ok {
			if i, ok := child[id]; ok {
				r.childSlot = i
			}
		}
		if _, ok := sums[r.campaign]; !ok {
			sums[r.campaign] = r.sum
			order = append(order, r.campaign)
		}
		subs = append(subs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, errs.Wrap(err, "published subjects")
	}

	slices.Sort(order)
	sealed := map[int64]*sealedGrades{}
	var gradeOrder []string
	top, low := map[string]bool{}, map[string]bool{}
	for _, id := range order {
		g, err := v.grades(ctx, id, sums[id])
		if err != nil {
			return out, err
		}
		sealed[id] = g
		for _, name := range g.grades {
			if !slices.Contains(gradeOrder, name) {
				gradeOrder = append(gradeOrder, name)
			}
		}
		if len(g.grades) > 0 {
			top[g.grades[0]] = true
			low[g.grades[len(g.grades)-1]] = true
		}
	}
	out.Campaigns = len(order)
	byGrade := map[string]int{}
	for _, r := range subs {
		g := sealed[r.campaign]
		sg := g.subjects[r.key]
		isTop := sg.grade != "" && len(g.grades) > 0 && sg.grade == g.grades[0]
		out.Rated++
		if sg.grade == "" {
			out.Ungraded++
		} else {
			out.Graded++
			byGrade[sg.grade]++
		}
		if isTop {
			out.Top++
		}
		if sg.flagged {
			out.Flagged++
			if r.org {
				out.FlaggedOrgs++
			}
		}
		if sg.vetoed {
			out.Vetoed++
		}
		if r.childSlot >= 0 {
			c := &out.Children[r.childSlot]
			c.Rated++
			if sg.grade != "" {
				c.Graded++
			}
			if isTop {
				c.Top++
			}
			if sg.flagged {
				c.Flagged++
			}
			if sg.vetoed {
				c.Vetoed++
			}
		}
	}
	for _, name := range gradeOrder {
		out.Grades = append(out.Grades, GradeCount{Grade: name, Subjects: byGrade[name]})
		if top[name] {
			out.TopGrades = append(out.TopGrades, name)
		}
		if low[name] {
			out.LowGrades = append(out.LowGrades, name)
		}
	}
	slices.SortStableFunc(out.Children, func(a, b ChildOverview) int {
		return cmp.Or(cmp.Compare(b.Flagged, a.Flagged), cmp.Compare(b.Rated, a.Rated))
	})
	if out.Campaigns == 0 {
		if out.PrevCampaigns, err = v.campaignsOf(ctx, actor, o, year-1); err != nil {
			return out, err
		}
	}
	return out, nil
}

// childOf returns the id of the child of the organization at root on the
// way to the organization at path, when path lies strictly below root.
func childOf(root, path string) (int64, bool) {
	if len(path) <= len(root) || !strings.HasPrefix(path, root) {
		return 0, false
	}
	seg, _, _ := strings.Cut(path[len(root):], "/")
	id, err := strconv.ParseInt(seg, 10, 64)
	return id, err == nil
}

// campaignsOf counts the published campaigns of year that rated a subject
// of o's subtree and that actor may read.
func (v *Overviews) campaignsOf(ctx context.Context, actor access.Actor, o org.Org, year int) (int, error) {
	scope, args := actor.ScopeSQL(org.PathCol("oo"), EvaluationRead)
	var n int
	err := v.s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT c.id) FROM campaigns c`+org.Join("oo", "c.owner_org_id")+` JOIN campaign_subjects sb ON sb.campaign_id = c.id`+org.LeftJoin("so", "sb.org_id")+`
		WHERE c.year = ? AND c.status = ? AND `+scope+` AND (`+access.InSubtree(org.PathCol("so"), o.Path)+` OR (sb.org_id IS NULL AND `+access.InSubtree(org.PathCol("oo"), o.Path)+`))`,
		append([]any{year, StatusPublished}, args...)...).Scan(&n)
	return n, errs.Wrap(err, "published campaigns of the year before")
}

// grades returns the grades of a published campaign whose stored checksum
// is sum: those kept when they were read under the same checksum, else
// read from the stored results, which must match their checksum.
func (v *Overviews) grades(ctx context.Context, id int64, sum string) (*sealedGrades, error) {
	v.mu.Lock()
	g, ok := v.sealed[id]
	v.mu.Unlock()
	if ok && g.sum == sum {
		return g, nil
	}
	var rules, body, stored string
	if err := v.s.db.QueryRow(ctx, "SELECT rules_json, COALESCE(results_json, ''), COALESCE(results_sha256, '') FROM campaigns WHERE id = ?", id).Scan(&rules, &body, &stored); err != nil {
		return nil, errs.Wrap(err, "load results")
	}
	if h := sha256.Sum256([]byte(body)); hex.EncodeToString(h[:]) != stored {
		return nil, errs.Wrap(fmt.Errorf("campaign %d: results do not match their SHA-256", id), "verify results")
	}
	var r Rules
	if err := json.Unmarshal([]byte(rules), &r); err != nil {
		return nil, errs.Wrap(err, "decode rules")
	}
	// Only what is counted is decoded: the figures per indicator and group
	// are most of the bytes.
	var res struct {
		Subjects []struct {
			Subject string   `json:"subject"`
			Grade   string   `json:"grade"`
			Vetoed  []string `json:"vetoed"`
		} `json:"subjects"`
		Flags []string `json:"flags"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		return nil, errs.Wrap(err, "decode results")
	}
	g = &sealedGrades{sum: stored, subjects: make(map[string]subjectGrade, len(res.Subjects))}
	for _, t := range r.WithDefaults().Grades {
		g.grades = append(g.grades, t.Grade)
	}
	for _, sr := range res.Subjects {
		g.subjects[sr.Subject] = subjectGrade{grade: sr.Grade, vetoed: len(sr.Vetoed) > 0}
	}
	for _, k := range res.Flags {
		sg := g.subjects[k]
		sg.flagged = true
		g.subjects[k] = sg
	}
	v.mu.Lock()
	if len(v.sealed) >= maxSealed {
		clear(v.sealed)
	}
	v.sealed[id] = g
	v.mu.Unlock()
	return g, nil
}

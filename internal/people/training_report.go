package people

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
)

// Who a year's training requirement is counted for: the current members
// in normal standing or away (a floating member studies where they are, or
// online). Members out of contact or whose membership is suspended are
// left out: the branch is not answerable for their hours.
var requiredStatuses = []string{"normal", "floating"}

// TrainingCount is the completion of a year's requirement over a group of
// members.
type TrainingCount struct {
	Required  int     `json:"required"`  // members with a requirement
	Completed int     `json:"completed"` // those who reached it
	Percent   float64 `json:"percent"`   // completed of required, one decimal; 0 when none is required
}

func (c *TrainingCount) add(done bool) {
	c.Required++
	if done {
		c.Completed++
	}
}

func (c *TrainingCount) finish() {
	if c.Required > 0 {
		c.Percent = math.Round(float64(c.Completed)*1000/float64(c.Required)) / 10
	}
}

// ChildCompletion is the completion in one child organization's subtree;
// Own marks the members of the organization itself.
type ChildCompletion struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Own     bool   `json:"own"`
	TrainingCount
}

// Behind is a member who has not reached their requirement.
type Behind struct {
	PersonID  int64   `json:"person_id"`
	Name      string  `json:"name"`
	IDMask    string  `json:"id_number_masked"`
	Post      string  `json:"post"` // the post whose requirement applies, "member" for the member's
	OrgID     int64   `json:"org_id"`
	OrgName   string  `json:"org_name"`
	Hours     float64 `json:"hours"`
	Required  float64 `json:"required"`
	Shortfall float64 `json:"shortfall"`
	nameKey   string
	orgPath   string
}

// Completion is the training completion of a subtree in a year.
type Completion struct {
	Year    int    `json:"year"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	TrainingCount
	Behind   int               `json:"behind"`
	Children []ChildCompletion `json:"children"`
	// Rows are those behind that match the query, in its order and page;
	// Matched counts them all.
	Rows    []Behind `json:"rows"`
	Matched int      `json:"matched"`
}

// CompletionQuery asks for the completion of a subtree in a year and a
// page of those behind.
type CompletionQuery struct {
	Under  int64
	Year   int
	Q      string // part of a name, or a whole ID number
	Post   string // only those whose requirement is this post's ("member" too)
	Sort   string // shortfall (default, largest first), name, org, hours, required; "-" reverses
	Limit  int    // 0: every row
	Offset int
}

// trainee is one required member as the report reads them.
type trainee struct {
	id                  int64
	name, nameKey, mask string
	orgID               int64
	orgName, orgPath    string
	halves              int
}

// trainees reads the required members of a subtree with their hours of a
// year: one row each, their hours summed through the attendance index.
func (s *Service) trainees(ctx context.Context, path string, year int, personCond string, args ...any) ([]trainee, error) {
	q := "SELECT p.id, p.name, p.name_key, p.id_mask, o.id, " + org.LabelCol("o") + ", " + org.PathCol("o") +
		", COALESCE((SELECT SUM(a.halves) FROM training_attendance a WHERE a.person_id = m.person_id AND a.year = ?), 0)" +
		" FROM memberships m JOIN persons p ON p.id = m.person_id" + org.Join("o", "m.org_id") +
		" WHERE m.active = ? AND m.status IN ('" + strings.Join(requiredStatuses, "', '") + "') AND " + access.InSubtree(org.PathCol("o"), path)
	all := append([]any{year, true}, args...)
	if personCond != "" {
		q += " AND " + personCond
	}
	rows, err := s.db.Query(ctx, q, all...)
	if err != nil {
		return nil, errs.Wrap(err, "trainees")
	}
	defer rows.Close()
	var out []trainee
	for rows.Next() {
		var t trainee
		if err := rows.Scan(&t.id, &t.name, &t.nameKey, &t.mask, &t.orgID, &t.orgName, &t.orgPath, &t.halves); err != nil {
			return nil, errs.Wrap(err, "scan trainee")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "trainees")
}

// subtreePosts reads the current posts of the members of a subtree.
func (s *Service) subtreePosts(ctx context.Context, path string) (map[int64][]heldPost, error) {
	return s.currentPosts(ctx, "po.person_id IN (SELECT m.person_id FROM memberships m"+org.Join("mo", "m.org_id")+" WHERE m.active = ? AND "+access.InSubtree("mo.path", path)+")", true)
}

// completionYear checks the year of a report.
func (s *Service) completionYear(year int) error {
	if y := s.today().Year(); year < 2000 || year > y+1 {
		return errs.Field("year", fmt.Sprintf("年度应为 2000–%d 之间的年份", y+1), fmt.Sprintf("the year must be between 2000 and %d", y+1))
	}
	return nil
}

// TrainingCompletion counts, for a subtree the actor reads and a year, the
// members required to train and those who reached their requirement,
// overall and by child organization, and lists those behind with their
// shortfall. Who is required, where and at which post is read as it is
// today, also for a past year: the register keeps the history of
// memberships and posts, but a year's report is asked of the members an
// organization has now.
func (s *Service) TrainingCompletion(ctx context.Context, actor access.Actor, q CompletionQuery) (Completion, error) {
	if err := s.completionYear(q.Year); err != nil {
		return Completion{}, err
	}
	o, err := s.orgs.Check(ctx, actor, q.Under, PeopleRead)
	if err != nil {
		return Completion{}, err
	}
	if q.Post != "" {
		if _, ok := org.KeyOf(RequirementPosts, q.Post); !ok {
			return Completion{}, errs.Field("post", "职务无效", "unknown post")
		}
	}
	ts, err := s.trainees(ctx, o.Path, q.Year, "")
	if err != nil {
		return Completion{}, err
	}
	posts, err := s.subtreePosts(ctx, o.Path)
	if err != nil {
		return Completion{}, err
	}
	reqs, err := s.requirementTable(ctx, s.db)
	if err != nil {
		return Completion{}, err
	}
	kids, _, err := s.orgs.List(ctx, actor, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: 5000, Sort: "tree"})
	if err != nil {
		return Completion{}, err
	}
	c := Completion{Year: q.Year, OrgID: o.ID, OrgName: o.Label(), Rows: []Behind{}}
	child := map[int64]int{}
	for _, k := range kids {
		child[k.ID] = len(c.Children)
		c.Children = append(c.Children, ChildCompletion{OrgID: k.ID, OrgName: k.Label()})
	}
	own := -1
	depth := len(org.PathIDs(o.Path))
	// A whole ID number is looked up once, through the keyed index.
	card := int64(-1)
	if qq := strings.TrimSpace(q.Q); qq != "" {
		if n, err := ids.ParseIDCard(foldID(qq), s.today()); err == nil {
			if err := s.probeWait(actor); err != nil {
				return Completion{}, err
			}
			card = 0
			err := s.db.QueryRow(ctx, "SELECT id FROM persons WHERE id_index = ?", s.seal.lookup(n.Number)).Scan(&card)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return Completion{}, errs.Wrap(err, "find person")
			}
			// Only those the reader sees count as found (see probe.go).
			if card == 0 || !s.readable(ctx, actor, card) {
				if err := s.probeMiss(actor); err != nil {
					return Completion{}, err
				}
			}
		}
	}
	var behind []Behind
	for _, t := range ts {
		need, post := reqs.of(t.orgPath, posts[t.id])
		done := t.halves >= need
		c.add(done)
		i := -1
		if p := org.PathIDs(t.orgPath); len(p) > depth {
			if k, ok := child[p[depth]]; ok {
				i = k
			}
		}
		if i < 0 {
			if own < 0 {
				own = len(c.Children)
				c.Children = append(c.Children, ChildCompletion{OrgID: o.ID, OrgName: o.Label(), Own: true})
			}
			i = own
		}
		c.Children[i].add(done)
		if done {
			continue
		}
		c.Behind++
		if q.Post != "" && post != q.Post {
			continue
		}
		b := Behind{PersonID: t.id, Name: t.name, IDMask: t.mask, Post: post, OrgID: t.orgID, OrgName: t.orgName, Hours: Hours(t.halves), Required: Hours(need),
			Shortfall: Hours(need - t.halves), nameKey: t.nameKey, orgPath: t.orgPath}
		behind = append(behind, b)
	}
	c.finish()
	for i := range c.Children {
		c.Children[i].finish()
	}
	if qq := strings.TrimSpace(q.Q); qq != "" {
		behind = slices.DeleteFunc(behind, func(b Behind) bool {
			if card >= 0 {
				return b.PersonID != card
			}
			return !strings.Contains(b.Name, qq)
		})
	}
	sortBehind(behind, q.Sort)
	c.Matched = len(behind)
	if q.Limit > 0 {
		lo := min(q.Offset, len(behind))
		behind = behind[lo:min(lo+q.Limit, len(behind))]
	}
	c.Rows = append(c.Rows, behind...)
	return c, nil
}

// sortBehind orders the list of those behind: by shortfall, largest first,
// unless asked otherwise; ties in pinyin order of the names.
func sortBehind(rows []Behind, sort string) {
	key, desc := strings.TrimPrefix(sort, "-"), strings.HasPrefix(sort, "-")
	by := func(a, b Behind) int { return cmp.Compare(b.Shortfall, a.Shortfall) }
	switch key {
	case "name":
		by = func(a, b Behind) int { return 0 }
	case "org":
		by = func(a, b Behind) int { return strings.Compare(a.orgPath, b.orgPath) }
	case "hours":
		by = func(a, b Behind) int { return cmp.Compare(a.Hours, b.Hours) }
	case "required":
		by = func(a, b Behind) int { return cmp.Compare(a.Required, b.Required) }
	case "shortfall":
		by = func(a, b Behind) int { return cmp.Compare(a.Shortfall, b.Shortfall) }
	default:
		desc = false
	}
	slices.SortStableFunc(rows, func(a, b Behind) int {
		n := by(a, b)
		if desc {
			n = -n
		}
		if n != 0 {
			return n
		}
		if n := strings.Compare(a.nameKey, b.nameKey); n != 0 {
			if desc && key == "name" {
				return -n
			}
			return n
		}
		return cmp.Compare(a.PersonID, b.PersonID)
	})
}

// TrainingStats is the training part of the member statistics: this
// year's completion in the subtree.
type TrainingStats struct {
	Year int `json:"year"`
	TrainingCount
}

// trainedTTL is how long the kept counts of training and pay answer
// (see keeper). A change of training in this service clears them at once
// (trainedCache.gen); a member's change of status or post shows at once
// through the mark; a change by another process shows within this time.
const trainedTTL = 2 * time.Minute

// trainedCache counts the changes of training made by this service, so that
// kept counts made before one are counted anew.
type trainedCache struct {
	mu  sync.Mutex
	gen int
}

func newTrainedCache() *trainedCache { return &trainedCache{} }

// forget marks every kept count stale: training changed.
func (c *trainedCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
}

// ThisYear is the current year in Beijing, the year reports default to.
func (s *Service) ThisYear() int { return s.today().Year() }

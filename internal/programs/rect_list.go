package programs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// RectQuery filters the rectification ledger.
type RectQuery struct {
	Under  int64  // an organization's subtree; 0 for the actor's scope
	Year   int    // 0 for every year
	State  string // a RectStates key, "open" (listed or under rectification), or "" for all
	Reason string
	Flag   string // "repeated", "overdue", "behind" or ""
	Q      string // part of the organization's name
	Sort   string // name (default), year, state, deadline, progress; "-" before it reverses
	Limit  int
	Offset int
}

// RectList is a page of the ledger with its figures under the same
// filters but the state's: the count of each state, and of the cases
// listed again, past their deadline and behind with their reports.
type RectList struct {
	Rects  []Rect         `json:"items"`
	Total  int            `json:"total"`
	States map[string]int `json:"states"`
	Flags  map[string]int `json:"flags"`
}

// stateOrder is the position of each state in the life of a case.
var stateOrder = map[string]int{"candidate": 1, "listed": 2, "rectifying": 3, "accepted": 4, "closed": 5, "dismissed": 6}

// RectCases lists the cases the actor may read. The ledger of a city holds
// tens of cases a year, so it is filtered and sorted in memory, names in
// pinyin order.
func (s *Service) RectCases(ctx context.Context, actor access.Actor, q RectQuery) (RectList, error) {
	if !actor.CanAnywhere(ProgramsRead) {
		return RectList{}, errs.New(errs.Forbidden, "您没有查看整顿台账的权限", "you may not read the rectification ledger")
	}
	scope, args := actor.ScopeSQL("o.path", ProgramsRead)
	where := []string{scope}
	if q.Under != 0 {
		o, err := s.orgs.Check(ctx, actor, q.Under, ProgramsRead)
		if err != nil {
			return RectList{}, err
		}
		where = append(where, access.InSubtree("o.path", o.Path))
	}
	if q.Year != 0 {
		where, args = append(where, "r.year = ?"), append(args, q.Year)
	}
	if q.Reason != "" {
		if _, ok := org.KeyOf(RectReasons, q.Reason); !ok {
			return RectList{}, errs.Field("reason", "软弱涣散类型无效", "unknown kind of weakness")
		}
		where, args = append(where, "r.reason = ?"), append(args, q.Reason)
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		where, args = append(where, "(o.name LIKE ? OR o.short_name LIKE ?)"), append(args, db.Contains(q.Q), db.Contains(q.Q))
	}
	if _, ok := org.KeyOf(RectStates, q.State); !ok && q.State != "" && q.State != "open" {
		return RectList{}, errs.Field("state", "状态只能是 candidate、listed、rectifying、accepted、closed、dismissed 或 open", "state must be candidate, listed, rectifying, accepted, closed, dismissed or open")
	}
	if q.Flag != "" && q.Flag != "repeated" && q.Flag != "overdue" && q.Flag != "behind" {
		return RectList{}, errs.Field("flag", "标记只能是 repeated、overdue 或 behind", "flag must be repeated, overdue or behind")
	}
	key, desc := strings.TrimPrefix(q.Sort, "-"), strings.HasPrefix(q.Sort, "-")
	if key == "" {
		key = "name"
	}
	if !slices.Contains([]string{"name", "year", "state", "deadline", "progress"}, key) {
		return RectList{}, errs.Field("sort", "排序只能是 name、year、state、deadline 或 progress", "sort must be name, year, state, deadline or progress")
	}
	rows, err := s.db.Query(ctx, "SELECT "+rectCols+rectFrom+" WHERE "+strings.Join(where, " AND "), args...)
	if err != nil {
		return RectList{}, errs.Wrap(err, "rectification cases")
	}
	var all []Rect
	for rows.Next() {
		var r Rect
		if err := s.scanRect(rows, &r); err != nil {
			rows.Close()
			return RectList{}, errs.Wrap(err, "scan case")
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return RectList{}, errs.Wrap(err, "rectification cases")
	}
	out := RectList{States: map[string]int{}, Flags: map[string]int{"repeated": 0, "overdue": 0, "behind": 0}}
	var kept []Rect
	for _, r := range all {
		if r.hidden(actor) || q.Flag != "" && !r.flag(q.Flag) {
			continue
		}
		out.States[r.State]++
		if q.State != "" && r.State != q.State && (q.State != "open" || r.State != "listed" && r.State != "rectifying") {
			continue
		}
		for _, fl := range []string{"repeated", "overdue", "behind"} {
			if r.flag(fl) {
				out.Flags[fl]++
			}
		}
		kept = append(kept, r)
	}
	coll := collate.New(language.SimplifiedChinese)
	slices.SortStableFunc(kept, func(a, b Rect) int {
		c := 0
		switch key {
		case "year":
			c = cmp.Compare(a.Year, b.Year)
		case "state":
			c = cmp.Compare(stateOrder[a.State], stateOrder[b.State])
		case "deadline":
			c = strings.Compare(a.Deadline, b.Deadline)
		case "progress":
			c = strings.Compare(a.LastProgress, b.LastProgress)
		}
		if c == 0 {
			c = coll.CompareString(a.OrgName, b.OrgName)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
	out.Total = len(kept)
	if q.Offset > len(kept) {
		q.Offset = len(kept)
	}
	kept = kept[q.Offset:]
	if q.Limit > 0 && len(kept) > q.Limit {
		kept = kept[:q.Limit]
	}
	out.Rects = kept
	if out.Rects == nil {
		out.Rects = []Rect{}
	}
	return out, nil
}

// flag reports whether the case carries the flag named.
func (r Rect) flag(name string) bool {
	switch name {
	case "repeated":
		return r.Repeated
	case "overdue":
		return r.Overdue
	case "behind":
		return r.Behind
	}
	return false
}

// PublicRect is what the accountability page shows of an organization on
// the list: its state and its measures, never a person.
type PublicRect struct {
	OrgName    string   `json:"org_name"`
	Year       int      `json:"year"`
	State      string   `json:"state"`
	Reason     string   `json:"reason"` // a key of PublicRectReasons
	Measures   string   `json:"measures"`
	Deadline   string   `json:"deadline"`
	Months     []string `json:"months"` // the months progress was reported for
	AcceptedOn string   `json:"accepted_on"`
	ClosedOn   string   `json:"closed_on"`
	Accepting  string   `json:"accepting_org"`
}

// PublicRect returns the accountability page of the organization orgID:
// its latest case that went on the list (a candidate, or one not listed,
// is nobody's business). Anything else is not found.
func (s *Service) PublicRect(ctx context.Context, orgID int64) (PublicRect, error) {
	notFound := errs.New(errs.NotFound, "该党组织不在软弱涣散党组织整顿名单中", "this organization is not on the list of organizations under rectification")
	var p PublicRect
	var id int64
	var path string
	err := s.db.QueryRow(ctx, "SELECT r.id, o.name, o.path, r.year, r.state, r.reason, r.measures, COALESCE(r.deadline, ''), COALESCE(r.accepted_on, ''), COALESCE(r.closed_on, '')"+
		" FROM rect_cases r JOIN orgs o ON o.id = r.org_id WHERE r.org_id = ? AND r.state IN ('listed', 'rectifying', 'accepted', 'closed') ORDER BY r.year DESC LIMIT 1", orgID).
		Scan(&id, &p.OrgName, &path, &p.Year, &p.State, &p.Reason, &p.Measures, &p.Deadline, &p.AcceptedOn, &p.ClosedOn)
	if errors.Is(err, sql.ErrNoRows) {
		return PublicRect{}, notFound
	}
	if err != nil {
		return PublicRect{}, errs.Wrap(err, "public case")
	}
	rows, err := s.db.Query(ctx, "SELECT month FROM rect_steps WHERE rect_id = ? AND step = 'progress' ORDER BY month", id)
	if err != nil {
		return PublicRect{}, errs.Wrap(err, "months")
	}
	defer rows.Close()
	p.Months = []string{}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return PublicRect{}, errs.Wrap(err, "scan month")
		}
		p.Months = append(p.Months, m)
	}
	if err := rows.Err(); err != nil {
		return PublicRect{}, errs.Wrap(err, "months")
	}
	acc, err := acceptingLevel(ctx, s.db, path)
	if err != nil {
		return PublicRect{}, err
	}
	p.Accepting = acc.Name
	p.Reason = PublicReason(p.Reason)
	return p, nil
}

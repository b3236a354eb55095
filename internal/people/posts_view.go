package people

import (
	"context"
	"slices"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// PastPosts lists the ended posts of an organization, the latest to end
// first: its former secretaries, committee members and cadres.
func (s *Service) PastPosts(ctx context.Context, actor access.Actor, orgID int64) ([]Post, error) {
	o, err := s.orgs.Check(ctx, actor, orgID, PeopleRead)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT po.id, po.person_id, pe.name, po.post, po.home_agency, po.started_on, po.ended_on FROM posts po JOIN persons pe ON pe.id = po.person_id WHERE po.org_id = ? AND po.ended_on IS NOT NULL ORDER BY po.ended_on DESC, po.id DESC", orgID)
	if err != nil {
		return nil, errs.Wrap(err, "past posts")
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p := Post{OrgID: o.ID, OrgName: o.Label()}
		if err := rows.Scan(&p.ID, &p.PersonID, &p.PersonName, &p.Post, &p.HomeAgency, &p.StartedOn, &p.EndedOn); err != nil {
			return nil, errs.Wrap(err, "scan post")
		}
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "past posts")
}

// PersonPosts lists every post a person the actor may read has held, the
// present ones first, each latest first.
func (s *Service) PersonPosts(ctx context.Context, actor access.Actor, personID int64) ([]Post, error) {
	p, err := s.Person(ctx, actor, personID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT po.id, po.org_id, "+org.LabelCol("o")+", po.post, po.home_agency, po.started_on, COALESCE(po.ended_on, '') FROM posts po"+org.Join("o", "po.org_id")+
		" WHERE po.person_id = ? ORDER BY CASE WHEN po.ended_on IS NULL THEN 0 ELSE 1 END, po.started_on DESC, po.id DESC", personID)
	if err != nil {
		return nil, errs.Wrap(err, "posts of a person")
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		po := Post{PersonID: p.ID, PersonName: p.Name}
		if err := rows.Scan(&po.ID, &po.OrgID, &po.OrgName, &po.Post, &po.HomeAgency, &po.StartedOn, &po.EndedOn); err != nil {
			return nil, errs.Wrap(err, "scan post")
		}
		out = append(out, po)
	}
	return out, errs.Wrap(rows.Err(), "posts of a person")
}

// Vacancy is an organization lacking a post it should have filled.
type Vacancy struct {
	OrgID    int64  `json:"org_id"`
	OrgName  string `json:"org_name"`
	Level    string `json:"level"`
	Category string `json:"category"`
	// Members are the organization's own current members.
	Members int `json:"members"`
	// Full are those of them who are full members: whom a committee post
	// could go to.
	Full int `json:"full"`
	// Missing are the posts held by nobody: "secretary" for an organization
	// with members, "village_committee" also for a village or community.
	Missing []string `json:"missing"`
}

// VacancyQuery filters the vacancies of a subtree.
type VacancyQuery struct {
	Under int64  // 0 for the actor's scope
	Q     string // part of the organization's name
	Post  string // "secretary", "village_committee" or "" for both
	only  int64  // this organization alone, for its own page
}

// villageLevel reports whether the organization is a village's or a
// community's, whose "两委" the register expects.
func villageLevel(o org.Org) bool {
	return o.Level == "village" && (o.Category == "rural" || o.Category == "community")
}

// Vacancies lists the active organizations of a subtree the actor may read
// that have members of their own but no secretary, and the villages and
// communities without any "两委" member, the largest first: a branch of
// many members without a secretary is the more urgent.
func (s *Service) Vacancies(ctx context.Context, actor access.Actor, q VacancyQuery) ([]Vacancy, error) {
	if !actor.CanAnywhere(PeopleRead) {
		return nil, errs.New(errs.Forbidden, "您没有查看党员名册的权限", "you may not read the member register")
	}
	if q.Post != "" && q.Post != "secretary" && q.Post != "village_committee" {
		return nil, errs.Field("post", "职务只能是 secretary 或 village_committee", "post must be secretary or village_committee")
	}
	scope, args := actor.ScopeSQL(org.PathCol("o"), PeopleRead)
	where := []string{"m.active = ?", org.StatusCol("o") + " = 'active'", scope}
	args = append([]any{true}, args...)
	if q.Under != 0 {
		o, err := s.orgs.Check(ctx, actor, q.Under, PeopleRead)
		if err != nil {
			return nil, err
		}
		where = append(where, access.InSubtree(org.PathCol("o"), o.Path))
	}
	if name := strings.TrimSpace(q.Q); name != "" {
		like := db.Contains(name)
		where, args = append(where, "(o.name LIKE ? OR o.short_name LIKE ?)"), append(args, like, like)
	}
	if q.only != 0 {
		where, args = append(where, "o.id = ?"), append(args, q.only)
	}
	cond := strings.Join(where, " AND ")
	rows, err := s.db.Query(ctx, "SELECT o.id, "+org.LabelCol("o")+", o.level, o.category, COUNT(*), SUM(CASE WHEN m.kind = 'full' THEN 1 ELSE 0 END) FROM memberships m"+org.Join("o", "m.org_id")+
		" WHERE "+cond+" GROUP BY o.id, o.name, o.short_name, o.level, o.category", args...)
	if err != nil {
		return nil, errs.Wrap(err, "organizations with members")
	}
	byID := map[int64]*Vacancy{}
	var all []*Vacancy
	for rows.Next() {
		v := &Vacancy{}
		if err := rows.Scan(&v.OrgID, &v.OrgName, &v.Level, &v.Category, &v.Members, &v.Full); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan organization")
		}
		byID[v.OrgID] = v
		all = append(all, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "organizations with members")
	}
	// The posts held now in the same organizations: the same conditions,
	// on the posts instead of the memberships.
	held := map[int64]map[string]bool{}
	prow, err := s.db.Query(ctx, "SELECT po.org_id, po.post FROM posts po"+org.Join("o", "po.org_id")+" WHERE po.ended_on IS NULL AND po.post IN ('secretary', 'village_committee') AND "+
		strings.Join(where[1:], " AND "), args[1:]...)
	if err != nil {
		return nil, errs.Wrap(err, "posts held")
	}
	defer prow.Close()
	for prow.Next() {
		var id int64
		var post string
		if err := prow.Scan(&id, &post); err != nil {
			return nil, errs.Wrap(err, "scan post held")
		}
		if held[id] == nil {
			held[id] = map[string]bool{}
		}
		held[id][post] = true
	}
	if err := prow.Err(); err != nil {
		return nil, errs.Wrap(err, "posts held")
	}
	var out []Vacancy
	for _, v := range all {
		if !held[v.OrgID]["secretary"] && (q.Post == "" || q.Post == "secretary") {
			v.Missing = append(v.Missing, "secretary")
		}
		if villageLevel(org.Org{Level: v.Level, Category: v.Category}) && !held[v.OrgID]["village_committee"] && (q.Post == "" || q.Post == "village_committee") {
			v.Missing = append(v.Missing, "village_committee")
		}
		if len(v.Missing) > 0 {
			out = append(out, *v)
		}
	}
	slices.SortFunc(out, func(a, b Vacancy) int {
		if a.Members != b.Members {
			return b.Members - a.Members
		}
		return int(a.OrgID - b.OrgID)
	})
	return out, nil
}

// OrgVacancies are the posts an organization lacks, by the rules of
// Vacancies; nil when none.
func (s *Service) OrgVacancies(ctx context.Context, actor access.Actor, orgID int64) ([]string, error) {
	vs, err := s.Vacancies(ctx, actor, VacancyQuery{Under: orgID, only: orgID})
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.OrgID == orgID {
			return v.Missing, nil
		}
	}
	return nil, nil
}

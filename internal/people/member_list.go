package people

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/ids"
	"jiceng/internal/org"
)

// MemberQuery filters the member list of a subtree.
type MemberQuery struct {
	Under int64  // the organization whose subtree is listed; 0 for the actor's scope
	Q     string // part of a name, or a whole ID number
	// Status is a status key; "" lists every current member, "ended" those
	// whose membership ended (left the Party, deceased, transferred out of
	// the system) with the organization they were last in.
	Status string
	Kind   string // full | probationary | ""
	// Gender, Education (an EducationBands key) and AgeBand (an AgeBands
	// key, by age at the end of this year) narrow the list as the
	// statistics count.
	Gender    string
	Education string
	AgeBand   string
	// Sort is "" (name in pinyin order), "-name", "age" (youngest first),
	// "-age", "joined" (earliest first), "-joined" or "org".
	Sort   string
	Limit  int
	Offset int
}

// Member is a row of the member list.
type Member struct {
	Person
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
}

// Members lists the current members of a subtree the actor may read, in
// pinyin order of their names, with their total. A query of a whole ID
// number finds its person through the keyed index.
func (s *Service) Members(ctx context.Context, actor access.Actor, q MemberQuery) ([]Member, int, error) {
	if !actor.CanAnywhere(PeopleRead) {
		return nil, 0, errs.New(errs.Forbidden, "您没有查看党员名册的权限", "you may not read the member register")
	}
	scope, args := actor.ScopeSQL(org.PathCol("o"), PeopleRead)
	where := []string{"m.active = ?", scope}
	args = append([]any{q.Status != "ended"}, args...)
	if q.Under != 0 {
		o, err := s.orgs.Check(ctx, actor, q.Under, PeopleRead)
		if err != nil {
			return nil, 0, err
		}
		where = append(where, access.InSubtree(org.PathCol("o"), o.Path))
	}
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		if card, err := ids.ParseIDCard(foldID(q.Q), s.today()); err == nil {
			where, args = append(where, "p.id_index = ?"), append(args, s.seal.lookup(card.Number))
		} else {
			where, args = append(where, "p.name LIKE ?"), append(args, "%"+strings.NewReplacer("%", "", "_", "").Replace(q.Q)+"%")
		}
	}
	if q.Status != "" {
		switch _, ok := org.KeyOf(Statuses, q.Status); {
		case q.Status == "ended":
			// A person's last membership ended when none is current; one
			// transferred within the system has a current one elsewhere.
			where = append(where, "NOT EXISTS (SELECT 1 FROM memberships c WHERE c.person_id = m.person_id AND c.id > m.id)", "m.status IN ('expelled', 'deceased', 'transferred_out')")
		case !ok || ends(q.Status):
			return nil, 0, errs.Field("status", "状态只能是 normal、floating、lost、suspended 或 ended（已离开）", "status must be normal, floating, lost, suspended or ended")
		default:
			where, args = append(where, "m.status = ?"), append(args, q.Status)
		}
	}
	if q.Kind != "" {
		if _, ok := org.KeyOf(Kinds, q.Kind); !ok {
			return nil, 0, errs.Field("kind", "类别只能是 full 或 probationary", "kind must be full or probationary")
		}
		where, args = append(where, "m.kind = ?"), append(args, q.Kind)
	}
	if q.Gender != "" {
		if _, ok := org.KeyOf(Genders, q.Gender); !ok {
			return nil, 0, errs.Field("gender", "性别只能是 male 或 female", "gender must be male or female")
		}
		where, args = append(where, "p.gender = ?"), append(args, q.Gender)
	}
	if q.Education != "" {
		switch q.Education {
		case "1", "2", "3", "4", "6":
			where, args = append(where, "SUBSTR(p.education, 1, 1) = ?"), append(args, q.Education)
		case "7":
			where = append(where, "SUBSTR(p.education, 1, 1) NOT IN ('1', '2', '3', '4', '6')")
		default:
			return nil, 0, errs.Field("education", "学历只能是 1（研究生）、2（本科）、3（专科）、4（中专）、6（高中）或 7（初中及以下）", "education must be 1, 2, 3, 4, 6 or 7")
		}
	}
	if q.AgeBand != "" {
		from, to, ok := s.birthRange(q.AgeBand)
		if !ok {
			return nil, 0, errs.Field("age_band", "年龄段只能是 35、45、55、60 或 61", "age_band must be 35, 45, 55, 60 or 61")
		}
		where, args = append(where, "p.birth_date >= ? AND p.birth_date <= ?"), append(args, from, to)
	}
	order, ok := map[string]string{"": "p.name_key, p.id", "name": "p.name_key, p.id", "-name": "p.name_key DESC, p.id DESC", "age": "p.birth_date DESC, p.id", "-age": "p.birth_date, p.id",
		"joined": "m.joined_on, p.id", "-joined": "m.joined_on DESC, p.id", "org": "o.path, p.name_key, p.id"}[q.Sort]
	if !ok {
		return nil, 0, errs.Field("sort", "排序只能是 name、-name、age、-age、joined、-joined 或 org", "sort must be name, -name, age, -age, joined, -joined or org")
	}
	from := " FROM memberships m JOIN persons p ON p.id = m.person_id" + org.Join("o", "m.org_id") + " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count members")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, "SELECT "+personCols+", m.id, m.org_id, "+org.LabelCol("o")+", m.kind, m.joined_on, COALESCE(m.full_on, ''), m.status, m.floating_where, m.started_on, COALESCE(m.ended_on, ''), "+org.PathCol("o")+
		from+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list members")
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		ms := &Membership{Active: q.Status != "ended"}
		err := rows.Scan(&m.ID, &m.Name, &m.Gender, &m.BirthDate, &m.Ethnicity, &m.Education, &m.IDMask, &m.PhoneMask, &m.CreatedAt, &m.UpdatedAt, &m.Version,
			&ms.ID, &ms.OrgID, &ms.OrgName, &ms.Kind, &ms.JoinedOn, &ms.FullOn, &ms.Status, &ms.FloatingWhere, &ms.StartedOn, &ms.EndedOn, &ms.path)
		if err != nil {
			return nil, 0, errs.Wrap(err, "scan member")
		}
		s.due(ms)
		m.Membership, m.OrgID, m.OrgName = ms, ms.OrgID, ms.OrgName
		s.shield(actor, &m.Person)
		out = append(out, m)
	}
	return out, total, errs.Wrap(rows.Err(), "list members")
}

// birthRange is the first and last birth date of the members in an age
// band, by age at the end of this year as the statistics count.
func (s *Service) birthRange(band string) (from, to string, ok bool) {
	year, lower := s.today().Year(), -1
	for _, b := range AgeBands {
		if b.Key == band {
			from = "0000-01-01"
			if b.Max != 0 {
				from = strconv.Itoa(year-b.Max) + "-01-01"
			}
			return from, strconv.Itoa(year-lower-1) + "-12-31", true
		}
		lower = b.Max
	}
	return "", "", false
}

// idRun is an ID number inside a search as foldID reads it.
var idRun = regexp.MustCompile(`[0-9]{17}[0-9X]`)

// SearchShown is a member search as a file, a page title or the audit log
// may show it: any ID number in it masked, however it was typed.
func SearchShown(q string) string {
	folded := foldID(q)
	if !idRun.MatchString(folded) {
		return strings.TrimSpace(q)
	}
	return idRun.ReplaceAllStringFunc(folded, ids.MaskIDCard)
}

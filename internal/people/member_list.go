package people

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
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
	// After and Before page by position in name order: the Position of the
	// row a page follows, or of the row it precedes. However deep the page,
	// only its neighbourhood is read, where an offset walks every row
	// before it. Offset still says where the page starts: a list whose
	// size the kept counts do not give (a search, two filters) is counted
	// by reading it whole, and found by its offset in the same pass.
	After, Before string
}

// Member is a row of the member list.
type Member struct {
	Person
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	nameKey string
}

// Position is where the member stands in name order, for paging by
// position (MemberQuery.After and Before).
func (m Member) Position() string { return m.nameKey + "." + strconv.FormatInt(m.ID, 10) }

// position is a Position read back: a name key and a person.
type position struct {
	key    string
	person int64
}

// parsePosition reads the Position of a row a page follows or precedes.
func parsePosition(field, s string) (position, error) {
	bad := errs.Field(field, "翻页位置无效，请从第一页重新翻页", "invalid page position: page again from the first page")
	key, id, ok := strings.Cut(s, ".")
	person, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || person <= 0 || key == "" || len(key) > 1024 || strings.Trim(key, "0123456789abcdef") != "" {
		return position{}, bad
	}
	return position{key, person}, nil
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
	byNumber := false
	if q.Q = strings.TrimSpace(q.Q); q.Q != "" {
		if card, err := ids.ParseIDCard(foldID(q.Q), s.today()); err == nil {
			if err := s.probeWait(actor); err != nil {
				return nil, 0, err
			}
			byNumber = true
			where, args = append(where, "p.id_index = ?"), append(args, s.seal.lookup(card.Number))
		} else {
			where, args = append(where, "p.name LIKE ?"), append(args, db.Contains(q.Q))
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
		where, args = append(where, "m.gender = ?"), append(args, q.Gender)
	}
	if q.Education != "" {
		switch q.Education {
		case "1", "2", "3", "4", "6":
			where, args = append(where, "SUBSTR(m.education, 1, 1) = ?"), append(args, q.Education)
		case "7":
			where = append(where, "SUBSTR(m.education, 1, 1) NOT IN ('1', '2', '3', '4', '6')")
		default:
			return nil, 0, errs.Field("education", "学历只能是 1（研究生）、2（本科）、3（专科）、4（中专）、6（高中）或 7（初中及以下）", "education must be 1, 2, 3, 4, 6 or 7")
		}
	}
	if q.AgeBand != "" {
		from, to, ok := s.birthRange(q.AgeBand)
		if !ok {
			return nil, 0, errs.Field("age_band", "年龄段只能是 35、45、55、60 或 61", "age_band must be 35, 45, 55, 60 or 61")
		}
		where, args = append(where, "m.birth_date >= ? AND m.birth_date <= ?"), append(args, from, to)
	}
	// The membership carries its person's name key, gender, birth date
	// and education (migration 0016), so that one index covers the list.
	order, ok := map[string]string{"": "m.name_key, m.person_id", "name": "m.name_key, m.person_id", "-name": "m.name_key DESC, m.person_id DESC",
		"age": "m.birth_date DESC, m.person_id", "-age": "m.birth_date, m.person_id", "joined": "m.joined_on, m.person_id", "-joined": "m.joined_on DESC, m.person_id",
		"org": "o.path, m.name_key, m.person_id"}[q.Sort]
	if !ok {
		return nil, 0, errs.Field("sort", "排序只能是 name、-name、age、-age、joined、-joined 或 org", "sort must be name, -name, age, -age, joined, -joined or org")
	}
	// A page by position: the rows after one, or before one.
	var at *position
	desc := false
	if q.After != "" || q.Before != "" {
		field, pos := "after", q.After
		if q.Before != "" {
			field, pos, desc = "before", q.Before, true
		}
		switch {
		case q.After != "" && q.Before != "":
			return nil, 0, errs.Field("before", "after 与 before 只能给一个", "give after or before, not both")
		case q.Sort != "" && q.Sort != "name":
			return nil, 0, errs.Field(field, "只有按姓名排序时才能按位置翻页", "paging by position needs the name order")
		}
		p, err := parsePosition(field, pos)
		if err != nil {
			return nil, 0, err
		}
		at = &p
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	// SQLite joins in the order written after CROSS JOIN; PostgreSQL weighs
	// the plans itself. A list is collected from its organizations'
	// memberships, which the index covers; the persons are read only when
	// the search names them, and for the page's rows.
	join := s.listJoin()
	from := " FROM orgs o" + join + "memberships m ON m.org_id = o.id"
	switch {
	case byNumber:
		// A number is found from its person, not from the subtree.
		from = " FROM persons p" + join + "memberships m ON m.person_id = p.id" + join + "orgs o ON o.id = m.org_id"
	case q.Q != "":
		from += join + "persons p ON p.id = m.person_id"
	}
	from += cond
	counts, err := s.listCounts(ctx, actor, q)
	if err != nil {
		return nil, 0, err
	}
	total, known := counts.total()
	count := func() error {
		return errs.Wrap(s.db.QueryRow(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total), "count members")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	sel := "SELECT " + personCols + ", m.id, m.org_id, " + org.LabelCol("o") + ", m.kind, m.joined_on, COALESCE(m.full_on, ''), m.status, m.floating_where, m.started_on, COALESCE(m.ended_on, ''), " + org.PathCol("o") + ", m.name_key"
	scan := func(rows *sql.Rows, out []Member) ([]Member, error) {
		defer rows.Close()
		for rows.Next() {
			var m Member
			ms := &Membership{Active: q.Status != "ended"}
			err := rows.Scan(&m.ID, &m.Name, &m.Gender, &m.BirthDate, &m.Ethnicity, &m.Education, &m.IDMask, &m.PhoneMask, &m.CreatedAt, &m.UpdatedAt, &m.Version,
				&ms.ID, &ms.OrgID, &ms.OrgName, &ms.Kind, &ms.JoinedOn, &ms.FullOn, &ms.Status, &ms.FloatingWhere, &ms.StartedOn, &ms.EndedOn, &ms.path, &m.nameKey)
			if err != nil {
				return nil, errs.Wrap(err, "scan member")
			}
			s.due(ms)
			m.Membership, m.OrgID, m.OrgName = ms, ms.OrgID, ms.OrgName
			s.shield(actor, &m.Person)
			out = append(out, m)
		}
		return out, errs.Wrap(rows.Err(), "list members")
	}
	// A large share of the register in name order is found fastest by
	// walking the names in order and keeping the members that match; a
	// small one by collecting it and sorting (see walkNames).
	// A page by position starts there; one of a list whose size the counts
	// do not give is found by its offset (q.Offset, which the caller keeps
	// beside the position): counting such a list reads the subtree anyway,
	// and collecting it counts it in the same pass.
	offset := q.Offset
	if at != nil {
		offset = 0
	}
	if !byNumber && (q.Sort == "" || q.Sort == "name") && counts.walkNames(total, limit+offset) {
		if !known {
			if err := count(); err != nil {
				return nil, 0, err
			}
		}
		var from position
		if at != nil {
			from = *at
		}
		out, err := s.walkMembers(ctx, sel, cond, order, args, limit, offset, counts.share(total), from, desc, scan)
		return out, total, err
	}
	if at != nil && !byNumber && known {
		out, err := s.collectFrom(ctx, sel, from, order, args, limit, *at, desc, scan)
		return out, total, err
	}
	if !known && !byNumber {
		// Counted in the same pass as the page is found.
		return s.collectCounted(ctx, sel, from, order, args, limit, q.Offset, count, &total, scan)
	}
	if !known {
		if err := count(); err != nil {
			return nil, 0, err
		}
	}
	var rows *sql.Rows
	if byNumber {
		rows, err = s.db.Query(ctx, sel+from+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, limit, q.Offset)...)
	} else {
		rows, err = s.db.Query(ctx, sel+" FROM (SELECT m.id"+from+" ORDER BY "+order+" LIMIT ? OFFSET ?) x"+join+"memberships m ON m.id = x.id"+
			join+"persons p ON p.id = m.person_id"+join+"orgs o ON o.id = m.org_id ORDER BY "+order, append(args, limit, q.Offset)...)
	}
	if err != nil {
		return nil, 0, errs.Wrap(err, "list members")
	}
	out, err := scan(rows, nil)
	if err == nil && byNumber && len(out) == 0 {
		err = s.probeMiss(actor)
	}
	return out, total, err
}

// collectCounted finds a page of a list whose size the kept counts do not
// give, counting it in the same pass over the covering index (a window
// count), then reads the page's rows.
func (s *Service) collectCounted(ctx context.Context, sel, from, order string, args []any, limit, offset int, count func() error, total *int,
	scan func(*sql.Rows, []Member) ([]Member, error)) ([]Member, int, error) {
	idRows, err := s.db.Query(ctx, "SELECT m.id, COUNT(*) OVER ()"+from+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, limit, offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list members")
	}
	var ids []any
	for idRows.Next() {
		var id int64
		if err := idRows.Scan(&id, total); err != nil {
			idRows.Close()
			return nil, 0, errs.Wrap(err, "list members")
		}
		ids = append(ids, id)
	}
	idRows.Close()
	if err := idRows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "list members")
	}
	if len(ids) == 0 {
		// A page past the end counts nothing: count alone.
		return nil, *total, count()
	}
	out, err := s.pageRows(ctx, sel, order, ids, scan)
	return out, *total, err
}

// collectFrom finds the page of a list that follows a position in name
// order, or precedes it when desc.
func (s *Service) collectFrom(ctx context.Context, sel, from, order string, args []any, limit int, at position, desc bool,
	scan func(*sql.Rows, []Member) ([]Member, error)) ([]Member, error) {
	cmp, dir := ">", ""
	if desc {
		cmp, dir = "<", " DESC"
	}
	// The subtree's memberships are read by organization, as for a page by
	// number, and the position only filters them: "|| ''" keeps SQLite from
	// reading each organization's through the names index from the
	// position on instead (4–20 s for page 2 of a county's filtered list).
	key := "(m.name_key || '')"
	idRows, err := s.db.Query(ctx, "SELECT m.id"+from+" AND "+key+" "+cmp+"= ? AND ("+key+" "+cmp+" ? OR m.person_id "+cmp+" ?) ORDER BY m.name_key"+dir+", m.person_id"+dir+" LIMIT ?",
		append(args, at.key, at.key, at.person, limit)...)
	if err != nil {
		return nil, errs.Wrap(err, "list members")
	}
	ids, err := appendIDs(idRows, nil, limit)
	if err != nil {
		return nil, err
	}
	if desc {
		slices.Reverse(ids)
	}
	return s.pageRows(ctx, sel, order, ids, scan)
}

// appendIDs appends the membership ids rows hold to ids until it holds
// max, and closes rows.
func appendIDs(rows *sql.Rows, ids []any, max int) ([]any, error) {
	defer rows.Close()
	for len(ids) < max && rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "list members")
		}
		ids = append(ids, id)
	}
	return ids, errs.Wrap(rows.Err(), "list members")
}

// walkChunkMin is the fewest memberships a walk reads at once.
var walkChunkMin = 500

// walkMembers finds a page of members in name order by walking the
// register's current memberships in the order of their name keys, a chunk
// at a time, and keeping those of each chunk that match cond: the names
// index (migration 0017) gives the order and holds every column cond
// reads but the organization's path, so no query sorts more than a chunk
// and none reads a table row but the organization's and the page's.
// share is about what part of the memberships match; the first chunk is
// sized to hold the page, each next one twice as large. The walk starts
// after the position from (the start of the register when zero), or walks
// backwards from it when desc.
func (s *Service) walkMembers(ctx context.Context, sel, cond, order string, args []any, limit, offset int, share float64, from position, desc bool,
	scan func(*sql.Rows, []Member) ([]Member, error)) ([]Member, error) {
	need := offset + limit
	chunk := min(max(int(float64(need)/max(share, 1e-6)*1.3), walkChunkMin), 1_000_000)
	var kept []any
	lastKey, lastPerson := from.key, from.person
	// SQLite joins in the order written after CROSS JOIN: the chunk first,
	// then each organization by its key. PostgreSQL hashes the subtree's
	// organizations and probes them with the chunk.
	join := s.listJoin()
	// After the last membership walked, as a range the index can seek to;
	// backwards, before it.
	gt, lt, dir := ">", "<", ""
	if desc {
		gt, lt, dir = "<", ">", " DESC"
	}
	walkOrder := "name_key" + dir + ", person_id" + dir
	after := "active = ? AND name_key " + gt + "= ? AND (name_key " + gt + " ? OR person_id " + gt + " ?)"
	for len(kept) < need {
		// Where this chunk ends is read first, and the chunk is the range up
		// to it: a membership added or ended between the two reads then
		// neither repeats nor hides one of its neighbours.
		var endKey string
		var endPerson int64
		upTo, upArgs := "", []any(nil)
		err := s.db.QueryRow(ctx, "SELECT name_key, person_id FROM memberships WHERE "+after+" ORDER BY "+walkOrder+" LIMIT 1 OFFSET ?",
			true, lastKey, lastKey, lastPerson, chunk-1).Scan(&endKey, &endPerson)
		switch {
		case err == nil:
			upTo, upArgs = " AND name_key "+lt+"= ? AND (name_key "+lt+" ? OR person_id "+lt+"= ?)", []any{endKey, endKey, endPerson}
		case !errors.Is(err, sql.ErrNoRows): // none: the rest of the register
			return nil, errs.Wrap(err, "walk names")
		}
		// The range bounds the chunk; its ORDER BY and LIMIT keep the
		// planners reading it from the names index in order (without them
		// PostgreSQL read each organization's memberships instead: 39 ms
		// against 5 for the county's first page). Twice the chunk leaves
		// room for members registered in the range between the two reads.
		rows, err := s.db.Query(ctx, "SELECT m.id FROM (SELECT id, name_key, person_id, org_id, kind, status, gender, birth_date, education, active FROM memberships WHERE "+after+upTo+
			" ORDER BY "+walkOrder+" LIMIT ?) m"+join+"orgs o ON o.id = m.org_id"+cond+" ORDER BY m.name_key"+dir+", m.person_id"+dir,
			append(append(append([]any{true, lastKey, lastKey, lastPerson}, upArgs...), 2*chunk), args...)...)
		if err != nil {
			return nil, errs.Wrap(err, "list members")
		}
		if kept, err = appendIDs(rows, kept, need); err != nil {
			return nil, err
		}
		if upTo == "" {
			break // every membership walked
		}
		lastKey, lastPerson = endKey, endPerson
		chunk = min(chunk*2, 1_000_000)
	}
	if offset >= len(kept) {
		return nil, nil
	}
	kept = kept[offset:]
	if desc {
		slices.Reverse(kept)
	}
	return s.pageRows(ctx, sel, order, kept, scan)
}

// listJoin is how the list's queries join: SQLite joins in the order
// written after CROSS JOIN, PostgreSQL weighs the plans itself.
func (s *Service) listJoin() string {
	if s.db.Dialect == db.SQLite {
		return " CROSS JOIN "
	}
	return " JOIN "
}

// pageBatch is the most ids pageRows reads in one query.
var pageBatch = 500

// pageRows reads the rows of a page's memberships, in the list's order,
// pageBatch ids to a query: an export's page of 200,000 would pass the engines'
// limits on parameters (32,766 on SQLite). ids are in the list's order, so
// the batches follow one another.
func (s *Service) pageRows(ctx context.Context, sel, order string, ids []any, scan func(*sql.Rows, []Member) ([]Member, error)) ([]Member, error) {
	join := s.listJoin()
	var out []Member
	for start := 0; start < len(ids); start += pageBatch {
		part := ids[start:min(start+pageBatch, len(ids))]
		rows, err := s.db.Query(ctx, sel+" FROM memberships m"+join+"persons p ON p.id = m.person_id"+join+"orgs o ON o.id = m.org_id WHERE m.id IN ("+db.Marks(len(part))+") ORDER BY "+order, part...)
		if err != nil {
			return nil, errs.Wrap(err, "list members")
		}
		if out, err = scan(rows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// listCounts is what the counts kept with the tree say about a member
// list: the members of its subtree, and of each filter alone.
type listCounts struct {
	known   bool // the list is one subtree's current members, by at most one counted filter
	all     int  // the subtree's current members
	matched int  // those of the one filter, when known
	shares  []float64
	persons int // about how many persons the register holds
}

// total is the list's total when the counts give it.
func (c listCounts) total() (int, bool) { return c.matched, c.known }

// walkNames reports whether walking the register's memberships in name
// order finds the first rows of a list of total members sooner than
// collecting the list and sorting it: the walk reads about rows × persons
// / total memberships before it has rows, the collection reads the whole
// subtree.
func (c listCounts) walkNames(total, rows int) bool {
	if c.all == 0 || c.persons == 0 {
		return false
	}
	if !c.known {
		total = c.estimate()
	}
	if total == 0 {
		return false
	}
	// Both read covering indexes, but the walk also looks up each entry's
	// organization: measured on a county of 100,000 among 2.6 million,
	// walking to page 100 (145,000 entries) took twice as long as
	// collecting, and the probationary 9,000 three times as long at 16,000
	// entries, on both engines.
	return float64(rows)*float64(c.persons)/float64(total) < float64(c.all)/10
}

// share is about what part of the register's persons a list of total
// members is.
func (c listCounts) share(total int) float64 {
	if !c.known {
		total = c.estimate()
	}
	if c.persons == 0 {
		return 1
	}
	return float64(total) / float64(c.persons)
}

// estimate is the size of a list of several counted filters, as if they
// were independent.
func (c listCounts) estimate() int {
	est := float64(c.all)
	for _, sh := range c.shares {
		est *= sh
	}
	return int(est)
}

// listCounts reads the counts of the list's subtree: the organization the
// list is of, or the actor's one scope.
func (s *Service) listCounts(ctx context.Context, actor access.Actor, q MemberQuery) (listCounts, error) {
	var c listCounts
	orgID := q.Under
	if orgID == 0 {
		roots := actor.Scopes(PeopleRead)
		if len(roots) != 1 {
			return c, nil
		}
		ids := org.PathIDs(roots[0])
		orgID = ids[len(ids)-1]
	}
	if q.Q != "" || q.Status == "ended" {
		return c, nil
	}
	rows, err := s.db.Query(ctx, "SELECT dim, val, n FROM people_agg WHERE org_id = ? AND n <> 0", orgID)
	if err != nil {
		return c, errs.Wrap(err, "member counts")
	}
	by := map[string]map[string]int{}
	for rows.Next() {
		var dim, val string
		var n int
		if err := rows.Scan(&dim, &val, &n); err != nil {
			rows.Close()
			return c, errs.Wrap(err, "scan member counts")
		}
		if by[dim] == nil {
			by[dim] = map[string]int{}
		}
		by[dim][val] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, errs.Wrap(err, "member counts")
	}
	c.all = by["all"][""]
	var filters []int
	for _, f := range [][2]string{{"status", q.Status}, {"kind", q.Kind}, {"gender", q.Gender}, {"education", q.Education}} {
		if f[1] != "" {
			filters = append(filters, by[f[0]][f[1]])
		}
	}
	if q.AgeBand != "" {
		from, to, _ := s.birthRange(q.AgeBand)
		n := 0
		for y, k := range by["birth_year"] {
			if y >= from[:4] && y <= to[:4] {
				n += k
			}
		}
		filters = append(filters, n)
	}
	switch len(filters) {
	case 0:
		c.known, c.matched = true, c.all
	case 1:
		c.known, c.matched = true, filters[0]
	default:
		for _, n := range filters {
			c.shares = append(c.shares, float64(n)/float64(max(c.all, 1)))
		}
	}
	// The largest id of persons stands for their number: the walk's cost
	// needs only its order of magnitude.
	var maxID sql.NullInt64
	if err := s.db.QueryRow(ctx, "SELECT MAX(id) FROM persons").Scan(&maxID); err != nil {
		return c, errs.Wrap(err, "persons")
	}
	c.persons = int(maxID.Int64)
	return c, nil
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

// Package audit keeps the append-only log of every change: who did what to
// which target, with the state before and after, written in the same
// transaction as the change itself.
package audit

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// Service reads the log and records the exports of lists. Changes are
// written with Write, inside the transaction of the change.
type Service struct {
	db *db.DB
	// namers name the targets of each type (see AddNamer).
	namers map[string]Namer
	// restricted keeps the entries of some target types from some readers
	// (see Restrict).
	restricted map[string]Restriction
}

// Restriction is the condition on an entry's target id (the column
// a.target_id) that a reader must meet to see the entries of a target
// type, with its arguments: a module whose targets are secret from some
// readers of the log — integrity reports from the organization and the
// cadre they concern — keeps their entries from those readers too.
type Restriction func(ctx context.Context, actor access.Actor) (cond string, args []any, err error)

// Restrict makes the entries of targetType readable only to readers who
// meet r. The application registers the modules' restrictions before the
// server starts.
func (s *Service) Restrict(targetType string, r Restriction) {
	if s.restricted == nil {
		s.restricted = map[string]Restriction{}
	}
	s.restricted[targetType] = r
}

// NewService returns the audit log service over d.
func NewService(d *db.DB) *Service { return &Service{db: d} }

// Entry is one change to record. OrgPath places the change in the tree: the
// last organization of the path is stored with the entry, and readers see it
// wherever that organization is now, so that auditors of a subtree see
// exactly the changes of the organizations inside it.
type Entry struct {
	Action     string
	TargetType string
	TargetID   string
	OrgPath    string
	// LeftFrom is, for a move, the path of the organization the target
	// left (an organization's old parent, a unit's old leading
	// organization): the entry is then also visible on the side it left.
	LeftFrom string
	// Summary says what happened in a line, in both languages: English
	// pages show the English.
	Summary i18n.Text
	Before  any
	After   any
}

// Write appends e to the log inside tx.
func Write(ctx context.Context, tx *db.Tx, actor access.Actor, e Entry) error {
	var actorID any
	if actor.UserID != 0 {
		actorID = actor.UserID
	}
	name := actor.Username
	if actor.System {
		name = "system:" + actor.Username
	}
	var fromOrg any
	if ids := pathIDs(e.LeftFrom); len(ids) >= 1 {
		fromOrg = ids[len(ids)-1]
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, target_type, target_id, org_path, org_id, from_org_id, summary, summary_en, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		db.FormatTime(tx.Now()), actorID, name, e.Action, e.TargetType, e.TargetID, e.OrgPath, orgOf(e.OrgPath), fromOrg, e.Summary.ZH, e.Summary.EN, toJSON(e.Before), toJSON(e.After))
	return errs.Wrap(err, "audit write")
}

// pathIDs splits a materialized path ("/1/17/203/") into its ids; anything
// that is not such a path gives none.
func pathIDs(path string) []int64 {
	if path == "" {
		return nil
	}
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}

// orgOf is the organization at the end of path, or NULL for entries outside
// the tree (which only administrators read).
func orgOf(path string) any {
	if ids := pathIDs(path); len(ids) > 0 {
		return ids[len(ids)-1]
	}
	return nil
}

func toJSON(v any) any {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return string(b)
}

// Record is a stored entry as shown to auditors.
type Record struct {
	ID         int64  `json:"id"`
	At         string `json:"at"`
	ActorName  string `json:"actor"`
	Action     string `json:"action"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	// TargetName is what the target is called now (an organization's,
	// unit's, user's or campaign's name), named by the module that owns
	// it; empty for targets without a name or no longer there.
	TargetName string `json:"target_name,omitempty"`
	Summary    string `json:"summary"`
	// SummaryEN is the English summary; entries written before the log
	// kept one have the Chinese here too.
	SummaryEN string          `json:"summary_en"`
	Before    json.RawMessage `json:"before,omitempty"`
	After     json.RawMessage `json:"after,omitempty"`
}

// SummaryIn returns the summary in lang.
func (r Record) SummaryIn(lang string) string {
	return i18n.Text{ZH: r.Summary, EN: r.SummaryEN}.In(lang)
}

// Query filters the log. From and To are dates (YYYY-MM-DD, inclusive) in
// Asia/Shanghai converted by the caller to stored UTC timestamps.
type Query struct {
	Actor      string
	Action     string
	TargetType string
	TargetID   string
	From, To   string
	Q          string
	Limit      int // a page: 50 when 0, at most maxPage
	Offset     int
}

// maxPage is the largest page List returns; whole lists go through Each.
const maxPage = 1000

// eachPage is how many entries Each reads per query.
const eachPage = 5000

// logCols are the columns of the log that readers use.
const logCols = "a.id, a.at, a.actor_name, a.action, a.target_type, a.target_id, a.summary, a.summary_en, a.before_json, a.after_json"

// visible is the part of the log the actor may read, as a FROM source
// aliased a: the entries of the organizations that are now inside the
// actor's audit.read subtrees (wherever they were when the entry was
// written), and the moves out of those subtrees. Entries outside the tree
// are read by administrators only.
//
// The two parts are disjoint, so that neither needs an OR (under which
// PostgreSQL scans the whole log). Each looks the subtree's organizations up
// by the path index, with the bounds as literals (access.InSubtree), then the
// log by org_id, the ids written for each engine's planner by db.DB.InIDs.
func visible(d *db.DB, actor access.Actor) string {
	if actor.IsAdmin() {
		return "audit_log a"
	}
	roots := actor.Scopes(access.AuditRead)
	if len(roots) == 0 {
		return "(SELECT " + logCols + " FROM audit_log a WHERE 1=0) a"
	}
	var parts []string
	for _, r := range roots {
		parts = append(parts, access.InSubtree("o.path", r))
	}
	orgs := "SELECT o.id FROM orgs o WHERE " + strings.Join(parts, " OR ")
	in := func(col string) string { return d.InIDs(col, orgs) }
	return "(SELECT " + logCols + " FROM audit_log a WHERE " + in("a.org_id") +
		" UNION ALL SELECT " + logCols + " FROM audit_log a WHERE " + in("a.from_org_id") + " AND NOT " + in("a.org_id") + ") a"
}

// where builds the source, condition and arguments of q for actor, after
// checking that the actor may read the log at all.
func (s *Service) where(ctx context.Context, actor access.Actor, q Query) (string, string, []any, error) {
	d := s.db
	if !actor.CanAnywhere(access.AuditRead) {
		return "", "", nil, errs.New(errs.Forbidden, "您没有查看审计日志的权限", "you may not read the audit log")
	}
	conds := []string{"1=1"}
	var args []any
	add := func(cond string, v any) { conds = append(conds, cond); args = append(args, v) }
	if q.Actor != "" {
		add("a.actor_name = ?", q.Actor)
	}
	if q.Action != "" {
		add("a.action = ?", q.Action)
	}
	if q.TargetType != "" {
		add("a.target_type = ?", q.TargetType)
	}
	if q.TargetID != "" {
		add("a.target_id = ?", q.TargetID)
	}
	if q.From != "" {
		add("a.at >= ?", q.From)
	}
	if q.To != "" {
		add("a.at < ?", q.To)
	}
	if q.Q != "" {
		// The English page shows the English summaries: both are searched.
		conds = append(conds, "(a.summary LIKE ? OR a.summary_en LIKE ?)")
		args = append(args, "%"+q.Q+"%", "%"+q.Q+"%")
	}
	types := make([]string, 0, len(s.restricted))
	for typ := range s.restricted {
		types = append(types, typ)
	}
	slices.Sort(types)
	for _, typ := range types {
		if actor.System {
			break
		}
		cond, rargs, err := s.restricted[typ](ctx, actor)
		if err != nil {
			return "", "", nil, err
		}
		conds = append(conds, "(a.target_type <> ? OR ("+cond+"))")
		args = append(append(args, typ), rargs...)
	}
	return visible(d, actor), strings.Join(conds, " AND "), args, nil
}

// scanRecords passes rows to fn until fn returns false (stopped) and closes
// them; n counts the rows read.
func scanRecords(rows *sql.Rows, fn func(Record) bool) (n int, stopped bool, err error) {
	defer rows.Close()
	for rows.Next() {
		var r Record
		var before, after *string
		if err := rows.Scan(&r.ID, &r.At, &r.ActorName, &r.Action, &r.TargetType, &r.TargetID, &r.Summary, &r.SummaryEN, &before, &after); err != nil {
			return n, false, errs.Wrap(err, "audit scan")
		}
		if r.SummaryEN == "" {
			r.SummaryEN = r.Summary
		}
		if before != nil {
			r.Before = json.RawMessage(*before)
		}
		if after != nil {
			r.After = json.RawMessage(*after)
		}
		n++
		if !fn(r) {
			return n, true, nil
		}
	}
	return n, false, errs.Wrap(rows.Err(), "audit rows")
}

// Count returns how many entries the actor may read match q.
func (s *Service) Count(ctx context.Context, actor access.Actor, q Query) (int, error) {
	d := s.db
	src, w, args, err := s.where(ctx, actor, q)
	if err != nil {
		return 0, err
	}
	var total int
	err = d.QueryRow(ctx, "SELECT COUNT(*) FROM "+src+" WHERE "+w, args...).Scan(&total)
	return total, errs.Wrap(err, "audit count")
}

// List returns a page of the entries the actor may read (audit.read on the
// subtree the entry's organization lies in now; entries outside any
// organization only for administrators), newest first, and the total count.
func (s *Service) List(ctx context.Context, actor access.Actor, q Query) ([]Record, int, error) {
	d := s.db
	total, err := s.Count(ctx, actor, q)
	if err != nil {
		return nil, 0, err
	}
	src, w, args, _ := s.where(ctx, actor, q)
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, maxPage)
	rows, err := d.Query(ctx, "SELECT "+logCols+" FROM "+src+" WHERE "+w+" ORDER BY a.id DESC LIMIT ? OFFSET ?", append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "audit list")
	}
	var out []Record
	if _, _, err = scanRecords(rows, func(r Record) bool { out = append(out, r); return true }); err != nil {
		return nil, 0, err
	}
	return out, total, s.NameTargets(ctx, actor, out)
}

// Each calls fn with every entry the actor may read that matches q, newest
// first, until fn returns false. It reads the log in windows of ids, so that
// a whole log is exported without holding it in memory, each query costs
// what it returns (the (org_id, id) index bounds both), and entries written
// meanwhile are left out. Windows widen where the actor's entries are sparse
// and narrow where they are dense, to about eachPage entries each.
func (s *Service) Each(ctx context.Context, actor access.Actor, q Query, fn func(Record) bool) error {
	d := s.db
	src, w, args, err := s.where(ctx, actor, q)
	if err != nil {
		return err
	}
	var below int64
	if err := d.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log").Scan(&below); err != nil {
		return errs.Wrap(err, "audit last id")
	}
	width := int64(eachPage)
	for below > 1 {
		lo := max(below-width, 1)
		rows, err := d.Query(ctx, "SELECT "+logCols+" FROM "+src+" WHERE "+w+" AND a.id >= ? AND a.id < ? ORDER BY a.id DESC", append(args, lo, below)...)
		if err != nil {
			return errs.Wrap(err, "audit list")
		}
		// A window is named in one batch per target type, then handed on.
		var window []Record
		n, _, err := scanRecords(rows, func(r Record) bool { window = append(window, r); return true })
		if err != nil {
			return err
		}
		if err := s.NameTargets(ctx, actor, window); err != nil {
			return err
		}
		for _, r := range window {
			if !fn(r) {
				return nil
			}
		}
		below = lo
		switch {
		case n < eachPage/2:
			width *= 2
		case n > eachPage*2:
			width = max(width*eachPage/int64(n), eachPage)
		}
	}
	return nil
}

// Export describes one download of a list, for the entry that records it.
type Export struct {
	List      string `json:"list"`            // the list as the file names it ("审计日志")
	ListEN    string `json:"-"`               // its English name, for the English summary
	Path      string `json:"path"`            // the address it was downloaded from
	Scope     string `json:"scope"`           // the organization whose list it is
	Filters   string `json:"filters"`         // the filter line of the file, in Chinese
	FiltersEN string `json:"-"`               // the filter line in English, for the English summary
	Rows      int    `json:"rows"`            // data rows in the file
	Total     int    `json:"total,omitempty"` // rows in scope, when the list was counted
	Truncated bool   `json:"truncated"`       // the file stopped before the end of the list
}

// RecordExport writes the entry of an export: who downloaded which list, for
// which scope and filters, and how many rows. It is filed at exportPlace, so
// that only those who can see everything the exporter can reach read it.
func (s *Service) RecordExport(ctx context.Context, actor access.Actor, e Export) error {
	place := exportPlace(actor)
	summary := "导出" + e.List
	en := "Exported " + cmp.Or(e.ListEN, e.List)
	if e.Scope != "" {
		summary += "（" + e.Scope + "）"
		en += " (" + e.Scope + ")"
	}
	summary += grouped(e.Rows) + " 行"
	en += ", " + grouped(e.Rows) + " row"
	if e.Rows != 1 {
		en += "s"
	}
	if e.Truncated {
		if e.Total > 0 {
			summary += "（共 " + grouped(e.Total) + " 行，未导出完）"
			en += " (of " + grouped(e.Total) + ", not all exported)"
		} else {
			summary += "（未导出完）"
			en += " (not all exported)"
		}
	}
	// Each summary takes the filter line in its own language, whichever
	// language the file was written in.
	if e.Filters != "" {
		summary += "；" + e.Filters
	}
	if e.FiltersEN != "" {
		en += "; " + e.FiltersEN
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		return Write(ctx, tx, actor, Entry{Action: "export", TargetType: "export", TargetID: e.Path, OrgPath: place, Summary: i18n.Text{ZH: summary, EN: en}, After: e})
	})
}

// exportPlace is the organization an export's entry is filed at: the
// nearest one above every grant of the exporter. Filed at the exporter's
// home organization, the entry of a branch secretary who also audits the
// city told the street's auditors what the user list hides from them, that
// the secretary reads the whole city. The system actor's exports are
// filed at no organization: administrators read them.
func exportPlace(a access.Actor) string {
	var common []string
	for i, g := range a.Grants {
		segs := strings.Split(strings.Trim(g.OrgPath, "/"), "/")
		if i == 0 {
			common = segs
			continue
		}
		n := 0
		for n < len(common) && n < len(segs) && common[n] == segs[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) == 0 || common[0] == "" {
		return ""
	}
	return "/" + strings.Join(common, "/") + "/"
}

// grouped writes n with thousands separators (4,802).
func grouped(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

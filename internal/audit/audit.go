// Package audit keeps the append-only log of every change: who did what to
// which target, with the state before and after, written in the same
// transaction as the change itself.
package audit

import (
	"context"
	"encoding/json"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// Entry is one change to record. OrgPath places the change in the tree, so
// that auditors of a subtree see exactly the changes inside it.
type Entry struct {
	Action     string
	TargetType string
	TargetID   string
	OrgPath    string
	Summary    string
	Before     any
	After      any
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
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, target_type, target_id, org_path, summary, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		db.Now(), actorID, name, e.Action, e.TargetType, e.TargetID, e.OrgPath, e.Summary, toJSON(e.Before), toJSON(e.After))
	return errs.Wrap(err, "audit write")
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
	ID         int64           `json:"id"`
	At         string          `json:"at"`
	ActorName  string          `json:"actor"`
	Action     string          `json:"action"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	Summary    string          `json:"summary"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
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
	Limit      int
	Offset     int
}

// List returns the entries the actor may read (audit.read on the subtree the
// entry belongs to; entries outside any organization only for administrators),
// newest first, and the total count.
func List(ctx context.Context, d *db.DB, actor access.Actor, q Query) ([]Record, int, error) {
	if !actor.CanAnywhere(access.AuditRead) {
		return nil, 0, errs.New(errs.Forbidden, "您没有查看审计日志的权限", "you may not read the audit log")
	}
	scope, args := actor.ScopeSQL("org_path", access.AuditRead)
	if actor.IsAdmin() {
		scope, args = "1=1", nil
	}
	where := []string{scope}
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if q.Actor != "" {
		add("actor_name = ?", q.Actor)
	}
	if q.Action != "" {
		add("action = ?", q.Action)
	}
	if q.TargetType != "" {
		add("target_type = ?", q.TargetType)
	}
	if q.TargetID != "" {
		add("target_id = ?", q.TargetID)
	}
	if q.From != "" {
		add("at >= ?", q.From)
	}
	if q.To != "" {
		add("at < ?", q.To)
	}
	if q.Q != "" {
		add("summary LIKE ?", "%"+q.Q+"%")
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "audit count")
	}
	limit := q.Limit
	if limit <= 0 || limit > 100000 {
		limit = 50
	}
	rows, err := d.Query(ctx, "SELECT id, at, actor_name, action, target_type, target_id, summary, before_json, after_json FROM audit_log WHERE "+w+
		" ORDER BY id DESC LIMIT ? OFFSET ?", append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "audit list")
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		var before, after *string
		if err := rows.Scan(&r.ID, &r.At, &r.ActorName, &r.Action, &r.TargetType, &r.TargetID, &r.Summary, &before, &after); err != nil {
			return nil, 0, errs.Wrap(err, "audit scan")
		}
		if before != nil {
			r.Before = json.RawMessage(*before)
		}
		if after != nil {
			r.After = json.RawMessage(*after)
		}
		out = append(out, r)
	}
	return out, total, errs.Wrap(rows.Err(), "audit rows")
}

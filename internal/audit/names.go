package audit

import (
	"context"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// Namer names the targets of one type for actor, a batch of ids at a time:
// the module that owns the targets reads their names, the log never reads
// another module's tables. It leaves out ids it does not know and targets
// that now lie outside where actor may read the log: an entry read in
// scope must not tell what became of its target after it left the scope
// (a later name under another county). Such entries keep their summary,
// written at the time.
type Namer func(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error)

// AddNamer makes targetType's entries name their target through n. The
// application calls it once per type while it builds the modules, before
// the log is read.
func (s *Service) AddNamer(targetType string, n Namer) {
	if s.namers == nil {
		s.namers = map[string]Namer{}
	}
	s.namers[targetType] = n
}

// NameTargets fills in the TargetName of recs, one batch per target type.
// A target that is gone (a dissolved or deleted record) keeps its id only.
func (s *Service) NameTargets(ctx context.Context, actor access.Actor, recs []Record) error {
	ids := map[string][]string{}
	seen := map[string]bool{}
	for _, r := range recs {
		if s.namers[r.TargetType] == nil || r.TargetID == "" || seen[r.TargetType+"\x00"+r.TargetID] {
			continue
		}
		seen[r.TargetType+"\x00"+r.TargetID] = true
		ids[r.TargetType] = append(ids[r.TargetType], r.TargetID)
	}
	names := map[string]map[string]string{}
	for typ, list := range ids {
		m, err := s.namers[typ](ctx, actor, list)
		if err != nil {
			return errs.Wrap(err, "audit target names of "+typ)
		}
		names[typ] = m
	}
	for i := range recs {
		recs[i].TargetName = names[recs[i].TargetType][recs[i].TargetID]
	}
	return nil
}

// namesChunk is how many ids NamesByID reads per query.
const namesChunk = 500

// NamesByID runs query, a SELECT of (id, name, path) ending in "WHERE id
// IN", for the numeric ones of ids, a few hundred at a time, and keeps the
// names whose organization path (the target's, or its owner's) lies where
// actor may read the log: the usual Namer of a module whose targets are
// rows with integer ids.
func NamesByID(ctx context.Context, q db.Querier, actor access.Actor, query string, ids []string) (map[string]string, error) {
	var nums []any
	for _, id := range ids {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			nums = append(nums, n)
		}
	}
	out := make(map[string]string, len(nums))
	for start := 0; start < len(nums); start += namesChunk {
		part := nums[start:min(start+namesChunk, len(nums))]
		rows, err := q.Query(ctx, query+" ("+strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+")", part...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var name, path string
			if err := rows.Scan(&id, &name, &path); err != nil {
				rows.Close()
				return nil, err
			}
			if actor.Can(access.AuditRead, path) {
				out[strconv.FormatInt(id, 10)] = name
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

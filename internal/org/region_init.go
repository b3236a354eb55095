package org

import (
	"context"
	"database/sql"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/region"
)

// InitResult says what InitRegion did.
type InitResult struct {
	Region    string `json:"region"`
	Name      string `json:"name"`
	Divisions int    `json:"divisions"`
	Created   int    `json:"created"`
	Renamed   int    `json:"renamed"`
	Relinked  int    `json:"relinked"`
	RootID    int64  `json:"root_id"`
}

var kindKeys = map[string]string{"党委": "committee", "党工委": "work_committee", "党支部": "branch"}
var categoryKeys = map[string]string{"机关": "organ", "社区": "community", "农村": "rural", "其他": "other"}

// National root of the tree when the whole country is initialised.
const (
	nationalName  = "中国共产党中央委员会"
	nationalShort = "中共中央"
)

type territorial struct {
	id         int64
	path       string
	depth      int
	parentID   sql.NullInt64
	regionName string
}

// InitRegion builds the territorial skeleton of code ("all", or a 2, 4, 6 or
// 9-digit division): one organization per division, linked to its code.
// Existing organizations are matched by their code, so re-running creates
// nothing; an organization whose division was renamed in the data gets the
// new name, and a former root is attached under a newly created parent.
func (s *Service) InitRegion(ctx context.Context, actor access.Actor, code string) (InitResult, error) {
	res := InitResult{Region: code}
	if !actor.IsAdmin() {
		return res, errs.New(errs.Forbidden, "只有系统管理员可以初始化行政区划组织体系", "only administrators may initialise a region")
	}
	set, err := s.regions.Get()
	if err != nil {
		return res, errs.Wrap(err, "load regions")
	}
	divs, err := set.Subtree(code)
	if err != nil {
		return res, errs.New(errs.Invalid, err.Error(), err.Error())
	}
	res.Divisions = len(divs)
	if code == "all" {
		res.Name = "全国"
	} else if d, ok := set.Lookup(code); ok {
		res.Name = d.Name
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTree(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		if err := tx.LockTableExclusive(ctx, "orgs"); err != nil {
			return errs.Wrap(err, "lock orgs")
		}
		existing, nationalID, err := loadTerritorial(ctx, tx, code, set)
		if err != nil {
			return err
		}
		var nextID int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM orgs").Scan(&nextID); err != nil {
			return errs.Wrap(err, "next id")
		}
		now := db.FormatTime(s.now())
		cols := []string{"id", "parent_id", "path", "depth", "name", "short_name", "kind", "kind_confirmed", "category", "level",
			"region_code", "region_name", "territorial", "status", "note", "created_at", "updated_at"}
		var batch [][]any
		// Former roots are attached after the insert, when their new parents
		// exist; relink then rewrites the paths of their whole subtrees.
		var relinks [][2]int64
		if code == "all" && nationalID == 0 {
			nationalID = nextID
			nextID++
			p := childPath("", nationalID)
			batch = append(batch, []any{nationalID, nil, p, 0, nationalName, nationalShort, "committee", true, "organ", "national", nil, "", true, "active", "", now, now})
			existing["national"] = territorial{id: nationalID, path: p}
			res.Created++
		}
		// The parent of the top division is the nearest existing ancestor.
		var topParent *territorial
		if len(divs) > 0 {
			anc := set.Ancestors(divs[0].Code)
			for i := len(anc) - 1; i >= 0 && topParent == nil; i-- {
				if t, ok := existing[anc[i].Code]; ok {
					topParent = &t
				}
			}
			if topParent == nil && nationalID != 0 {
				t := existing["national"]
				topParent = &t
			}
		}
		for i, d := range divs {
			spec := region.Skeleton(d)
			var parent *territorial
			if i == 0 || d.Parent == "" {
				parent = topParent
			}
			if d.Parent != "" {
				if t, ok := existing[d.Parent]; ok {
					parent = &t
				}
			}
			if d.Parent == "" && nationalID != 0 {
				t := existing["national"]
				parent = &t
			}
			if t, ok := existing[d.Code]; ok {
				if t.regionName != d.Name {
					if _, err := tx.Exec(ctx, "UPDATE orgs SET name = ?, short_name = ?, region_name = ?, updated_at = ?, version = version + 1 WHERE id = ?", spec.Name, spec.ShortName, d.Name, now, t.id); err != nil {
						return errs.Wrap(err, "rename")
					}
					res.Renamed++
				}
				if !t.parentID.Valid && parent != nil {
					relinks = append(relinks, [2]int64{t.id, parent.id})
				}
				continue
			}
			id := nextID
			nextID++
			var pid any
			path, depth := childPath("", id), 0
			if parent != nil {
				pid = parent.id
				path, depth = childPath(parent.path, id), parent.depth+1
			}
			batch = append(batch, []any{id, pid, path, depth, spec.Name, spec.ShortName, kindKeys[spec.Kind], spec.KindConfirmed,
				categoryKeys[spec.Category], d.Level.Key(), d.Code, d.Name, true, "active", "", now, now})
			// Villages are never parents: keeping them out of the map and
			// flushing the batch as it grows bounds the memory of a national init.
			if d.Level < region.Village || i == 0 {
				existing[d.Code] = territorial{id: id, path: path, depth: depth, parentID: sql.NullInt64{Int64: parent.idOr0(), Valid: parent != nil}, regionName: d.Name}
			}
			res.Created++
			if len(batch) >= 5000 {
				if err := tx.BatchInsert(ctx, "orgs", cols, batch, 500); err != nil {
					return errs.Wrap(err, "insert skeleton")
				}
				batch = batch[:0]
			}
		}
		if err := tx.BatchInsert(ctx, "orgs", cols, batch, 500); err != nil {
			return errs.Wrap(err, "insert skeleton")
		}
		for _, r := range relinks {
			o, err := s.load(ctx, tx, r[0])
			if err != nil {
				return err
			}
			p, err := s.load(ctx, tx, r[1])
			if err != nil {
				return err
			}
			if err := s.relink(ctx, tx, o, p); err != nil {
				return err
			}
			res.Relinked++
		}
		if err := tx.ResetSequence(ctx, "orgs"); err != nil {
			return errs.Wrap(err, "sequence")
		}
		if len(divs) == 0 {
			return nil
		}
		top := existing[divs[0].Code]
		if code == "all" {
			top = existing["national"]
		}
		res.RootID = top.id
		if res.Created > 0 || res.Relinked > 0 {
			fresh, err := s.load(ctx, tx, top.id)
			if err != nil {
				return err
			}
			top.path = fresh.Path
			root := PathIDs(top.path)[0]
			if err := rebuildAggregates(ctx, tx, root); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "region.init", TargetType: "region", TargetID: code, OrgPath: top.path,
			Summary: i18n.Textf("初始化 %s（%s）组织体系：新建 %d 个，更名 %d 个，挂接 %d 个", "set up the organizations of %s (%s): %d created, %d renamed, %d relinked", res.Name, code, res.Created, res.Renamed, res.Relinked),
			After:   res})
	})
	if err == nil && res.Created > 0 {
		s.analyze(ctx)
	}
	return res, err
}

// analyze refreshes the planner statistics after a bulk load, so that
// PostgreSQL does not plan subtree queries on an empty picture of the table.
// A failure only costs speed, so it is not reported.
func (s *Service) analyze(ctx context.Context) {
	s.db.Analyze(ctx, "orgs", "org_agg")
}

func (t *territorial) idOr0() int64 {
	if t == nil {
		return 0
	}
	return t.id
}

// loadTerritorial reads the territorial organizations already linked to the
// divisions of code and to their ancestors, keyed by division code.
func loadTerritorial(ctx context.Context, tx *db.Tx, code string, set *region.Set) (map[string]territorial, int64, error) {
	out := map[string]territorial{}
	q := "SELECT id, path, depth, parent_id, COALESCE(region_code, ''), region_name FROM orgs WHERE territorial = ?"
	args := []any{true}
	if code != "all" {
		var codes []string
		for _, a := range set.Ancestors(code) {
			codes = append(codes, a.Code)
		}
		q += " AND (region_code LIKE ?"
		args = append(args, code+"%")
		for _, c := range codes {
			q += " OR region_code = ?"
			args = append(args, c)
		}
		q += " OR level = 'national')"
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "load territorial")
	}
	defer rows.Close()
	var national int64
	for rows.Next() {
		var t territorial
		var rc string
		if err := rows.Scan(&t.id, &t.path, &t.depth, &t.parentID, &rc, &t.regionName); err != nil {
			return nil, 0, errs.Wrap(err, "scan territorial")
		}
		if rc == "" {
			national = t.id
			out["national"] = t
			continue
		}
		out[rc] = t
	}
	return out, national, errs.Wrap(rows.Err(), "territorial rows")
}

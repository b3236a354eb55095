package org

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/imports"
	"jiceng/internal/xlsx"
)

// ImportColumns are the columns of the organization import template.
var (
	ImportRequired = []string{"名称", "类型"}
	ImportOptional = []string{"简称", "上级党组织编号", "上级区划代码", "区划代码", "单位类别", "成立日期", "备注"}
)

// Problem is one bad row of an import.
type Problem = imports.Problem

// ImportSession is a validated upload waiting to be applied.
type ImportSession struct {
	imports.Session
	Rows []Input
}

// importKind is the kind of the organization import sessions.
const importKind = "org"

// CanImport reports (as a Forbidden error) whether actor may import
// organizations at all. Upload handlers call it before they read the
// file, so that an account without the right cannot make the server parse
// one; PrepareImport checks it again, with each row's scope.
func (s *Service) CanImport(ctx context.Context, actor access.Actor) error {
	if !actor.CanAnywhere(access.OrgImport) {
		return errs.New(errs.Forbidden, "您没有导入党组织的权限（需要 org.import 权限）", "you may not import organizations (the org.import permission is needed)")
	}
	return nil
}

// PrepareImport validates every row of an uploaded file and stores the
// result as an import session. Nothing is written to the tree: the session
// is applied, all rows or none, by ApplyImport.
func (s *Service) PrepareImport(ctx context.Context, actor access.Actor, userID int64, fileName string, header []string, rows [][]string) (ImportSession, error) {
	if err := s.CanImport(ctx, actor); err != nil {
		return ImportSession{}, err
	}
	cols, err := xlsx.Columns(header, ImportRequired, ImportOptional)
	if err != nil {
		return ImportSession{}, err
	}
	var sess ImportSession
	for r := range imports.Rows(cols, rows) {
		sess.Total++
		in := Input{Name: r.Cell("名称"), ShortName: r.Cell("简称"), Kind: r.Cell("类型"), Category: r.Cell("单位类别"),
			RegionCode: r.Cell("区划代码"), FoundedOn: r.Cell("成立日期"), Note: r.Cell("备注")}
		if err := s.resolveImportRow(ctx, actor, &in, r.Cell("上级党组织编号"), r.Cell("上级区划代码")); err != nil {
			sess.Problems = append(sess.Problems, problem(r.Line, err))
			continue
		}
		sess.Rows = append(sess.Rows, in)
	}
	sess.Session, err = imports.Save(ctx, s.db, s.now(), userID, importKind, fileName, sess.Total, sess.Rows, sess.Problems)
	return sess, err
}

func problem(row int, err error) Problem {
	e := errs.As(err)
	zh, en := e.ZH, e.EN
	if len(e.Details) > 1 {
		var zs, es []string
		for _, d := range e.Details {
			zs, es = append(zs, d.ZH), append(es, d.EN)
		}
		zh, en = strings.Join(zs, "；"), strings.Join(es, "; ")
	}
	return Problem{Row: row, ZH: fmt.Sprintf("第%d行：%s", row, zh), EN: fmt.Sprintf("row %d: %s", row, en)}
}

// resolveImportRow validates a row and finds its parent: by id, or by the
// division code of a territorial organization.
func (s *Service) resolveImportRow(ctx context.Context, actor access.Actor, in *Input, parentID, parentRegion string) error {
	if err := s.validate(in); err != nil {
		return err
	}
	var parent Org
	var err error
	switch {
	case parentID != "":
		id, perr := strconv.ParseInt(parentID, 10, 64)
		if perr != nil {
			return errs.Newf(errs.Invalid, "上级党组织编号 %q 应为数字", "parent id %q must be a number", parentID)
		}
		parent, err = s.Get(ctx, actor, id)
	case parentRegion != "":
		ref, qerr := Territorial(ctx, s.db, parentRegion)
		if qerr == sql.ErrNoRows {
			return errs.Newf(errs.Invalid, "没有与上级区划代码 %s 关联的党组织", "no organization stands for division %s", parentRegion)
		}
		if qerr != nil {
			return errs.Wrap(qerr, "parent by region")
		}
		parent, err = s.Get(ctx, actor, ref.ID)
	default:
		return errs.New(errs.Invalid, "请填写上级党组织编号或上级区划代码", "give the parent's id or division code")
	}
	if err != nil {
		return err
	}
	if !actor.Can(access.OrgImport, parent.Path) {
		return errs.Newf(errs.Forbidden, "上级党组织“%s”不在您的导入权限范围内", "the parent %q is outside the subtrees you may import into", parent.Label())
	}
	if in.RegionCode != "" {
		if err := s.regionInScope(ctx, actor, in.RegionCode); err != nil {
			return err
		}
	}
	in.ParentID = parent.ID
	return nil
}

// regionInScope checks that a division code lies inside the region of one
// of the subtrees where the actor may import.
func (s *Service) regionInScope(ctx context.Context, actor access.Actor, code string) error {
	if actor.Unrestricted() {
		return nil
	}
	var scopes []string
	for _, root := range actor.Scopes(access.OrgImport) {
		var rc string
		err := s.db.QueryRow(ctx, "SELECT COALESCE(region_code, '') FROM orgs WHERE path = ?", root).Scan(&rc)
		if err != nil {
			return errs.Wrap(err, "scope region")
		}
		if rc == "" || strings.HasPrefix(code, rc) {
			return nil
		}
		scopes = append(scopes, rc)
	}
	return errs.Newf(errs.Forbidden, "区划代码 %s 不在您的管理范围内（%s）", "division %s lies outside your scope (%s)", code, strings.Join(scopes, "、"))
}

// LoadImport returns a stored import session of the user.
func (s *Service) LoadImport(ctx context.Context, userID int64, id string) (sess ImportSession, err error) {
	sess.Session, err = imports.Load(ctx, s.db, s.now(), userID, importKind, id, &sess.Rows)
	return sess, err
}

// ApplyImport creates every organization of a valid session in one
// transaction: if any row fails now, nothing is created.
func (s *Service) ApplyImport(ctx context.Context, actor access.Actor, userID int64, id string) (int, error) {
	_, _, n, err := imports.Apply(ctx, s.db, s.importKind(), actor, userID, id)
	return n, err
}

// ImportApplier is the organization import as the API's apply endpoint
// finds it.
func (s *Service) ImportApplier() imports.Applier { return imports.NewApplier(s.db, s.importKind()) }

// importKind is what the import flow needs of organizations: the right to
// import, and how the rows of a session are created.
func (s *Service) importKind() imports.Kind[[]Input] {
	return imports.Kind[[]Input]{
		Name:    importKind,
		Now:     s.now,
		Allowed: s.CanImport,
		Write: func(ctx context.Context, tx *db.Tx, actor access.Actor, sess imports.Session, rows []Input) (int, audit.Entry, error) {
			for i, in := range rows {
				if err := s.validate(&in); err != nil {
					p := problem(i+2, err)
					return 0, audit.Entry{}, errs.New(errs.Invalid, p.ZH, p.EN)
				}
				if _, err := s.createTx(ctx, tx, actor, in); err != nil {
					p := problem(i+2, err)
					return 0, audit.Entry{}, imports.NothingImported(&errs.Error{Kind: errs.KindOf(err), Text: i18n.Text{ZH: p.ZH, EN: p.EN}, Err: err})
				}
			}
			return len(rows), audit.Entry{Action: "org.import", TargetType: "import", TargetID: sess.ID,
				Summary: i18n.Text{ZH: fmt.Sprintf("从 %s 导入党组织 %d 个", sess.FileName, len(rows)), EN: "imported " + i18n.Count(len(rows), "organization", "organizations") + " from " + sess.FileName}, After: map[string]any{"rows": len(rows), "file": sess.FileName}}, nil
		},
	}
}

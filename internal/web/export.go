package web

import (
	"cmp"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/xlsx"
)

// maxExportRows bounds one file: an export of a longer list stops there and
// says so in the file, and the list pages say so before anyone downloads.
const maxExportRows = 200000

// exportFetch is what a handler that loads its list at once asks for: one
// row more than a file holds, so that a full list is told from a longer one.
const exportFetch = maxExportRows + 1

// exportFile is one Excel download.
type exportFile struct {
	Scope, List string // the file name's parts; also what the audit entry names
	Sheet       xlsx.Sheet
	Total       int // rows in scope when the handler counted them, -1 when not
	Max         int // rows a file holds; 0 means maxExportRows
	// Rows yields the rows in order, reading them as it goes, and reports a
	// failure of its source.
	Rows func(yield func([]any) bool) error
}

// sendXLSX sends an export whose handler did not count its rows.
func (h *Handler) sendXLSX(w http.ResponseWriter, r *http.Request, scope, list string, s xlsx.Sheet, rows iter.Seq[[]any]) {
	h.sendExport(w, r, exportFile{Scope: scope, List: list, Sheet: s, Total: -1, Rows: func(yield func([]any) bool) error {
		rows(yield)
		return nil
	}})
}

// exportCapNote is the line of a file that stopped at limit rows of total
// (-1: not counted).
func exportCapNote(lang string, limit, total int) string {
	if total > limit {
		return fmt.Sprintf(i18n.T(lang, "export.capped_total"), formatInt(limit), formatInt(total))
	}
	return fmt.Sprintf(i18n.T(lang, "export.capped"), formatInt(limit))
}

// sendExport streams f to the client as an Excel file. A list longer than a
// file holds is cut there with a line saying so above the header and below
// the last row. Every export is written to the audit log (who, which list,
// scope, filters, rows) before the first byte is sent; if that fails, or the
// row source fails, the client gets an error page instead of a file.
func (h *Handler) sendExport(w http.ResponseWriter, r *http.Request, f exportFile) {
	limit := cmp.Or(f.Max, maxExportRows)
	lang := i18n.FromRequest(r)
	s := f.Sheet
	if h.Demo {
		// A file outlives the page and its banner: it says so itself.
		s.Title = "【" + i18n.T(lang, "export.demo") + "】" + s.Title
	}
	if f.Total > limit {
		s.Filters = cmp.Or(strings.TrimSpace(s.Filters), "筛选：无") + "　" + exportCapNote(lang, limit, f.Total)
	}
	n, more := 0, false
	var srcErr error
	rows := func(yield func([]any) bool) {
		stopped := false
		srcErr = f.Rows(func(row []any) bool {
			if n == limit {
				more = true
				return false
			}
			n++
			if !yield(row) {
				stopped = true
				return false
			}
			return true
		})
		if more && !stopped && srcErr == nil {
			yield([]any{exportCapNote(lang, limit, f.Total)})
		}
	}
	out := &exportWriter{w: w, start: func() error {
		if srcErr != nil {
			return srcErr
		}
		e := audit.Export{List: f.List, Path: r.URL.Path, Scope: f.Scope, Filters: strings.TrimSpace(f.Sheet.Filters), Rows: n, Truncated: more || f.Total > limit}
		if f.Total >= 0 {
			e.Total = f.Total
		}
		if err := h.Orgs.Audit().RecordExport(r.Context(), actorOf(r), e); err != nil {
			return err
		}
		_, cd := xlsx.FileName(f.Scope, f.List, h.Now())
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", cd)
		return nil
	}}
	if err := xlsx.Write(out, s, rows); err != nil {
		if out.started {
			// The file is under way; the client sees a broken download.
			h.Logger.Error("export", "path", r.URL.Path, "err", err)
			return
		}
		if out.err != nil {
			err = out.err
		}
		h.fail(w, r, errs.Wrap(err, "export"))
	}
}

// exportWriter passes the finished workbook to the client, after start has
// approved it; xlsx.Write sends nothing until every row is read.
type exportWriter struct {
	w       io.Writer
	start   func() error
	started bool
	err     error
}

func (x *exportWriter) Write(p []byte) (int, error) {
	if x.err != nil {
		return 0, x.err
	}
	if !x.started {
		if x.err = x.start(); x.err != nil {
			return 0, x.err
		}
		x.started = true
	}
	return x.w.Write(p)
}

func filterText(r *http.Request, keys ...string) string {
	var parts []string
	for _, k := range keys {
		if v := r.URL.Query().Get(k); v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "筛选：" + strings.Join(parts, "；")
}

// orgExportPage is how many organizations an export reads per query.
const orgExportPage = 5000

// OrgExport exports the children (or the whole subtree with scope=subtree)
// of an organization, with the filters of the page, to Excel.
func (h *Handler) OrgExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), actorOf(r)
	v := r.URL.Query()
	q := org.ListQuery{Q: v.Get("q"), Kind: v.Get("kind"), Level: v.Get("level"), Status: v.Get("status"), Unconfirmed: v.Get("unconfirmed") == "1", Sort: v.Get("sort"), Limit: orgExportPage}
	scope := ""
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		q.Under, q.ChildrenOnly = id, v.Get("scope") != "subtree"
	}
	// The first page checks the right to export and names the scope.
	under, first, err := h.Orgs.Export(ctx, actor, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	count := q
	count.Limit, count.Sort = 1, ""
	_, total, err := h.Orgs.List(ctx, actor, count)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if under.ID != 0 {
		scope = under.Label()
	}
	if scope == "" {
		scope = scopeName(actor, access.OrgExport)
	}
	lang := i18n.FromRequest(r)
	list := msg(lang, "党组织名单", "organizations")
	s := xlsx.Sheet{Title: scope + " " + list, Filters: filterText(r, "q", "scope", "kind", "level", "status", "unconfirmed"), Exporter: actor.Username, Time: h.Now(),
		Header: []string{"序号", "编号", "名称", "简称", "类型", "层级", "单位类别", "区划代码", "状态", "成立日期", "下辖组织数"},
		Widths: []float64{6, 8, 36, 20, 12, 12, 12, 14, 8, 12, 10}}
	h.sendExport(w, r, exportFile{Scope: scope, List: list, Sheet: s, Total: total, Rows: func(yield func([]any) bool) error {
		page, i := first, 0
		for {
			for _, o := range page {
				i++
				if !yield([]any{i, o.ID, o.Name, o.ShortName, org.LabelOf(org.Kinds, o.Kind, ""), org.LabelOf(org.Levels, o.Level, ""),
					org.LabelOf(org.Categories, o.Category, ""), o.RegionCode, org.LabelOf(org.Statuses, o.Status, ""), o.FoundedOn, o.SubtreeTotal}) {
					return nil
				}
			}
			if len(page) < q.Limit {
				return nil
			}
			q.Offset += len(page)
			if _, page, err = h.Orgs.Export(ctx, actor, q); err != nil {
				return err
			}
		}
	}})
}

// AuditExport exports the filtered audit log, every entry in scope, read a
// page at a time.
func (h *Handler) AuditExport(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), actorOf(r)
	q, err := auditQuery(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	auditLog := h.Orgs.Audit()
	total, err := auditLog.Count(ctx, actor, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	scope := scopeName(actor, access.AuditRead)
	s := xlsx.Sheet{Title: scope + " 审计日志", Filters: filterText(r, "q", "actor", "action", "target_type", "target_id", "from", "to"), Exporter: actor.Username, Time: h.Now(),
		Header: []string{"序号", "时间", "操作人", "操作", "对象", "摘要", "修改前", "修改后"}, Widths: []float64{6, 18, 14, 14, 14, 50, 40, 40}}
	h.sendExport(w, r, exportFile{Scope: scope, List: "审计日志", Sheet: s, Total: total, Rows: func(yield func([]any) bool) error {
		i := 0
		return auditLog.Each(ctx, actor, q, func(e audit.Record) bool {
			i++
			return yield([]any{i, localTime(e.At, "2006-01-02 15:04:05"), e.ActorName, e.Action, e.TargetType + " " + e.TargetID, e.Summary, string(e.Before), string(e.After)})
		})
	}})
}

// UserExport exports the user list.
func (h *Handler) UserExport(w http.ResponseWriter, r *http.Request) {
	actor := actorOf(r)
	rows, _, err := h.Accounts.List(r.Context(), actor, r.URL.Query().Get("q"), exportFetch, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	scope := scopeName(actor, access.UserRead)
	s := xlsx.Sheet{Title: scope + " 用户", Filters: filterText(r, "q"), Exporter: actor.Username, Time: h.Now(),
		Header: []string{"序号", "用户名", "姓名", "所属党组织", "角色", "状态", "最近登录"}, Widths: []float64{6, 16, 14, 24, 50, 8, 18}}
	h.sendXLSX(w, r, scope, "用户", s, func(yield func([]any) bool) {
		for i, u := range rows {
			var roles []string
			for _, g := range u.Grants {
				zh, _ := access.RoleLabel(g.Role)
				roles = append(roles, zh+"@"+g.OrgName)
			}
			if !yield([]any{i + 1, u.Username, u.DisplayName, u.HomeOrgName, strings.Join(roles, "；"), u.Status, localTime(u.LastLoginAt, "2006-01-02 15:04")}) {
				return
			}
		}
	})
}

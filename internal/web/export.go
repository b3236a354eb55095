package web

import (
	"cmp"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/xlsx"
)

// MaxExportRows bounds one file: an export of a longer list stops there and
// says so in the file, and the list pages say so before anyone downloads.
const MaxExportRows = 200000

// ExportFetch is what a handler that loads its list at once asks for: one
// row more than a file holds, so that a full list is told from a longer one.
const ExportFetch = MaxExportRows + 1

// ExportFile is one Excel download.
type ExportFile struct {
	Scope string // the file name's first part; also what the audit entry names
	// List names the list: in the page's language in the file name, in
	// both in the audit entry.
	List i18n.Text
	// Filters is the filter line in both languages: in the page's language
	// in the file, in each language in its summary of the audit entry. It
	// replaces the sheet's own filter line.
	Filters i18n.Text
	Sheet   xlsx.Sheet
	Total   int // rows in scope when the handler counted them, -1 when not
	Max     int // rows a file holds; 0 means MaxExportRows
	// Rows yields the rows in order, reading them as it goes, and reports a
	// failure of its source.
	Rows func(yield func([]any) bool) error
}

// SendXLSX sends an export whose handler did not count its rows.
func (k *Kit) SendXLSX(w http.ResponseWriter, r *http.Request, scope string, list, filters i18n.Text, s xlsx.Sheet, rows iter.Seq[[]any]) {
	k.SendExport(w, r, ExportFile{Scope: scope, List: list, Filters: filters, Sheet: s, Total: -1, Rows: func(yield func([]any) bool) error {
		rows(yield)
		return nil
	}})
}

// exportCapNote is the line of a file that stopped at limit rows of total
// (-1: not counted).
func (k *Kit) exportCapNote(lang string, limit, total int) string {
	if total > limit {
		return fmt.Sprintf(k.T(lang, "export.capped_total"), FormatInt(limit), FormatInt(total))
	}
	return fmt.Sprintf(k.T(lang, "export.capped"), FormatInt(limit))
}

// SendExport streams f to the client as an Excel file. A list longer than a
// file holds is cut there with a line saying so above the header and below
// the last row. Every export is written to the audit log (who, which list,
// scope, filters, rows) before the first byte is sent; if that fails, or the
// row source fails, the client gets an error page instead of a file.
func (k *Kit) SendExport(w http.ResponseWriter, r *http.Request, f ExportFile) {
	limit := cmp.Or(f.Max, MaxExportRows)
	lang := i18n.FromRequest(r)
	s := f.Sheet
	s.EN = lang == i18n.EN
	s.Filters = strings.TrimSpace(f.Filters.In(lang))
	s.Name = cmp.Or(s.Name, f.List.In(lang))
	if k.Demo {
		// A file outlives the page and its banner: it says so itself.
		s.Title = "【" + k.T(lang, "export.demo") + "】" + s.Title
	}
	if f.Total > limit {
		s.Filters = cmp.Or(s.Filters, Msg(lang, "筛选：无", "Filters: none")) + "　" + k.exportCapNote(lang, limit, f.Total)
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
			yield([]any{k.exportCapNote(lang, limit, f.Total)})
		}
	}
	k.deliver(w, r, f.Scope, f.List, func() (audit.Export, error) {
		e := audit.Export{List: f.List.ZH, ListEN: f.List.EN, Path: r.URL.Path, Scope: f.Scope,
			Filters: strings.TrimSpace(f.Filters.ZH), FiltersEN: strings.TrimSpace(f.Filters.EN), Rows: n, Truncated: more || f.Total > limit}
		if f.Total >= 0 {
			e.Total = f.Total
		}
		return e, srcErr
	}, func(out io.Writer) error { return xlsx.Write(out, s, rows) })
}

// deliver writes a workbook to the client: write assembles it, and before
// its first byte goes out the entry entry gives (it fails when the rows'
// source did) is written to the audit log; if that fails the client gets
// an error page instead of a file.
func (k *Kit) deliver(w http.ResponseWriter, r *http.Request, scope string, list i18n.Text, entry func() (audit.Export, error), write func(io.Writer) error) {
	out := &exportWriter{w: w, start: func() error {
		e, err := entry()
		if err != nil {
			return err
		}
		if err := k.Orgs.Audit().RecordExport(r.Context(), Actor(r), e); err != nil {
			return err
		}
		_, cd := xlsx.FileName(scope, list.In(i18n.FromRequest(r)), k.Now())
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", cd)
		return nil
	}}
	if err := write(out); err != nil {
		if out.started {
			// The file is under way; the client sees a broken download.
			k.Logger.Error("export", "path", r.URL.Path, "err", err)
			return
		}
		if out.err != nil {
			err = out.err
		}
		k.Fail(w, r, errs.Wrap(err, "export"))
	}
}

// SendBook sends a workbook of several sheets whose rows are all in hand
// (a statistics workbook: figures, not a list), audited as one export with
// the rows of every sheet; its describing lines follow the page's language
// and the demo's mark as SendExport's do.
func (k *Kit) SendBook(w http.ResponseWriter, r *http.Request, scope string, list, filters i18n.Text, sheets []xlsx.Sheet, rows [][][]any) {
	lang := i18n.FromRequest(r)
	parts := make([]xlsx.Part, len(sheets))
	n := 0
	for i, s := range sheets {
		s.EN = lang == i18n.EN
		s.Filters = cmp.Or(strings.TrimSpace(filters.In(lang)), s.Filters)
		if k.Demo {
			s.Title = "【" + k.T(lang, "export.demo") + "】" + s.Title
		}
		parts[i] = xlsx.Part{Sheet: s, Rows: slices.Values(rows[i])}
		n += len(rows[i])
	}
	k.deliver(w, r, scope, list, func() (audit.Export, error) {
		return audit.Export{List: list.ZH, ListEN: list.EN, Path: r.URL.Path, Scope: scope,
			Filters: strings.TrimSpace(filters.ZH), FiltersEN: strings.TrimSpace(filters.EN), Rows: n, Total: n}, nil
	}, func(out io.Writer) error { return xlsx.WriteBook(out, parts) })
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

// FilterText is the filters line of an export, in both languages: the
// query parameters keys that the request sets.
func FilterText(r *http.Request, keys ...string) i18n.Text {
	var parts []string
	for _, k := range keys {
		if v := r.URL.Query().Get(k); v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	if len(parts) == 0 {
		return i18n.Text{}
	}
	return i18n.Text{ZH: "筛选：" + strings.Join(parts, "；"), EN: "Filters: " + strings.Join(parts, "; ")}
}

// Bilingual is the text that in writes in Chinese and in English, for a
// line a handler builds in the page's language that the audit entry of its
// export needs in both.
func Bilingual(in func(lang string) string) i18n.Text {
	return i18n.Text{ZH: in(i18n.ZH), EN: in(i18n.EN)}
}

// ExportScope names the organization of an export: the one looked at, else
// the roots of the actor's subtrees in which action is allowed — the whole
// of what the list can hold, not merely the actor's first grant.
func ExportScope(r *http.Request, o org.Org, action access.Action) string {
	if o.ID != 0 {
		return o.Label()
	}
	return ScopeName(Actor(r), action)
}

// ScopeName names the roots of the subtrees in which the actor may perform
// action, joined with "、".
func ScopeName(a access.Actor, action access.Action) string {
	var names []string
	for _, root := range a.Scopes(action) {
		for _, g := range a.Grants {
			if g.OrgPath == root {
				names = append(names, g.OrgName)
				break
			}
		}
	}
	return strings.Join(names, "、")
}

package orgs

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// CockpitExport is the cockpit as a workbook, the yearly statistics of a
// subtree: a sheet of its organizations, then one sheet per card the
// reader sees, each with the card's key figures and every chart's bars
// (the drill-down by child organization among them). It is built from the
// very cards the page shows, so it holds what the reader may read, no more.
func (h *Pages) CockpitExport(w http.ResponseWriter, r *http.Request) {
	actor := web.Actor(r)
	roots, err := h.Orgs.Roots(r.Context(), actor)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if len(roots) == 0 {
		h.Fail(w, r, errs.New(errs.Forbidden, "您的账号尚未被授予任何党组织的权限", "your account has no grants yet"))
		return
	}
	root, err := h.cockpitOrg(r, roots)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	o, c, err := h.Orgs.Stats(r.Context(), actor, root.ID)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	children, _, err := h.Orgs.List(r.Context(), actor, org.ListQuery{Under: o.ID, ChildrenOnly: true, Limit: 5000})
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	// Every child's bar, where the page shows the first CockpitBars.
	panels, err := h.Panels(web.WithAllBars(r), o)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	year := h.CockpitYear(r)
	msg := func(zh, en string) string { return web.Msg(lang, zh, en) }
	header := []string{msg("项目", "Item"), msg("数量", "Count"), msg("比率", "Rate"), msg("单位", "Unit"), msg("说明", "Note")}
	sheet := func(name string) xlsx.Sheet {
		return xlsx.Sheet{Name: name, Title: o.Label() + " " + name, Exporter: actor.Username, Time: h.Now(),
			Header: header, Widths: []float64{36, 12, 10, 8, 40}, Kinds: []xlsx.Kind{1: xlsx.Integer, 2: xlsx.Percent1}}
	}
	unitOrg := h.T(lang, "unit.org")
	rows := [][]any{{h.T(lang, "stats.total"), c.Total, nil, unitOrg}, {h.T(lang, "stats.children"), c.Children, nil, unitOrg}}
	for _, l := range org.Levels {
		if n := c.ByLevel[l.Key]; n > 0 {
			rows = append(rows, []any{h.T(lang, "chart.by_level") + "：" + org.LabelOf(org.Levels, l.Key, lang), n, nil, unitOrg})
		}
	}
	for _, k := range org.Kinds {
		if n := c.ByKind[k.Key]; n > 0 {
			rows = append(rows, []any{h.T(lang, "chart.by_kind") + "：" + org.LabelOf(org.Kinds, k.Key, lang), n, nil, unitOrg})
		}
	}
	if len(children) > 0 {
		rows = append(rows, []any{}, []any{"【" + h.T(lang, "chart.by_child") + "】"})
		for _, ch := range children {
			rows = append(rows, []any{ch.Label(), ch.SubtreeTotal, nil, unitOrg})
		}
	}
	sheets := []xlsx.Sheet{sheet(h.T(lang, "nav.orgs"))}
	books := [][][]any{rows}
	for _, p := range panels {
		rows, err := panelRows(p)
		if err != nil {
			h.Fail(w, r, err)
			return
		}
		sheets = append(sheets, sheet(p.Title))
		books = append(books, rows)
	}
	list := i18n.Text{ZH: fmt.Sprintf("党建统计（%d年）", year), EN: fmt.Sprintf("statistics %d", year)}
	filters := i18n.Text{ZH: fmt.Sprintf("统计年度：%d年", year), EN: fmt.Sprintf("Year: %d", year)}
	h.SendBook(w, r, o.Label(), list, filters, sheets, books)
}

// panelRows are a card's rows in the workbook: each key figure, then each
// chart under its title, a row per bar. A figure the card shows as "1,234"
// is the count 1234; one shown as "89.5%", and a bar of a chart in %, is
// the rate 89.5 % in the rate column; a figure that is no number ("—")
// stays text.
func panelRows(p web.Panel) ([][]any, error) {
	var rows [][]any
	for _, k := range p.KPIs {
		rows = append(rows, append([]any{k.Label}, figure(k.Value, k.Sub)...))
	}
	for _, ch := range p.Charts {
		var c struct {
			Unit  string `json:"unit"`
			Items []struct {
				Name  string  `json:"name"`
				Value float64 `json:"value"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(ch.JSON), &c); err != nil {
			return nil, errs.Wrap(err, "chart "+ch.ID)
		}
		rows = append(rows, []any{}, []any{"【" + ch.Title + "】"})
		for _, it := range c.Items {
			if c.Unit == "%" {
				rows = append(rows, []any{it.Name, nil, xlsx.Percent(it.Value), "%"})
			} else {
				rows = append(rows, []any{it.Name, it.Value, nil, c.Unit})
			}
		}
	}
	return rows, nil
}

// figure is a key figure as the row's count, rate, unit and note.
func figure(s, note string) []any {
	t := strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if p, ok := strings.CutSuffix(t, "%"); ok {
		if f, err := strconv.ParseFloat(p, 64); err == nil {
			return []any{nil, xlsx.Percent(f), "%", note}
		}
	}
	if n, err := strconv.ParseFloat(t, 64); err == nil {
		return []any{n, nil, "", note}
	}
	return []any{s, nil, "", note}
}

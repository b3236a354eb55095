package evaluation

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
	"jiceng/internal/xlsx"
)

// evaGroupCell is one rater group's figure for a subject: its score when
// the group reached k, otherwise nothing but the mark that it did not — or,
// for a group that does not rate the subject at all, the mark saying so.
type evaGroupCell struct {
	Shown     bool
	NotRating bool
	Score     string
	N         int
}

// evaResultRow is one subject's line of the ranking.
type evaResultRow struct {
	R       evaluation.SubjectResult
	S       evaluation.Subject
	Total   string
	Dissat  string
	Sat     string
	Groups  []evaGroupCell
	Flagged bool
	ShortNm []string
}

// evaResults is the results page.
type evaResults struct {
	C         evaluation.Campaign
	Rules     evaluation.Rules
	Rows      []evaResultRow
	Flags     []evaResultRow
	Grades    template.JS
	GroupMean template.JS
	Published bool
	Live      bool
	// Hidden is set before the campaign closes: the page then shows the
	// domain's message and the counts, and not one score.
	Hidden string
	Counts []evaluation.TokenCount
	// NotRating is set when some group does not rate some subject, so
	// that the page explains its mark.
	NotRating bool
	// Comments are the voters' comments (意见建议) per rater group,
	// shuffled, none for a group below k.
	Comments []evaCommentGroup
	// CommentCount is the number of comments shown.
	CommentCount int
}

// evaCommentGroup is one rater group's comments on the results page.
type evaCommentGroup struct {
	Name     string
	Ballots  int
	Shown    bool
	Comments []string
}

func fmt2(p *float64) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p, 'f', 2, 64)
}

func pct1(p *float64) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(web.Round1(*p), 'f', 1, 64) + "%"
}

// evaResultsData computes what the results page and its export show.
func (h *Pages) evaResultsData(w http.ResponseWriter, r *http.Request, lang string) (*evaResults, bool) {
	ctx, actor := r.Context(), web.Actor(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	c, err := h.eval.Get(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	res, err := h.eval.Results(ctx, actor, id)
	if err != nil && !evaluation.ScoresVisible(c) && errs.KindOf(err) == errs.Conflict {
		// Before the close the domain gives no score; the page shows how
		// far the count has come.
		v := &evaResults{C: c, Rules: c.Rules.WithDefaults(), Hidden: errs.As(err).Message(lang)}
		if v.Counts, err = h.eval.TokenCounts(ctx, actor, id); err != nil {
			h.Fail(w, r, err)
			return nil, false
		}
		return v, true
	}
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	subs, err := h.eval.Subjects(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	byKey := map[string]evaluation.Subject{}
	for _, s := range subs {
		byKey[s.Key] = s
	}
	flagged := map[string]bool{}
	for _, k := range res.Flags {
		flagged[k] = true
	}
	v := &evaResults{C: c, Rules: c.Rules.WithDefaults(), Published: c.Status == evaluation.StatusPublished}
	v.Live = !v.Published
	comments, err := h.eval.Comments(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	for _, g := range comments {
		name, _ := groupLabel(v.Rules, g.Group)
		v.Comments = append(v.Comments, evaCommentGroup{Name: name, Ballots: g.Ballots, Shown: g.Shown, Comments: g.Comments})
		v.CommentCount += len(g.Comments)
	}
	gradeCount := map[string]int{}
	incomplete := 0
	sum, cnt := map[string]float64{}, map[string]int{}
	for _, sr := range res.Subjects {
		row := evaResultRow{R: sr, S: byKey[sr.Subject], Total: fmt2(sr.Total), Dissat: pct1(sr.Dissatisfaction), Sat: pct1(sr.MassesSatisfaction), Flagged: flagged[sr.Subject]}
		if row.S.Key == "" {
			row.S.Name = sr.Subject
		}
		for _, g := range v.Rules.Groups {
			cell := evaGroupCell{Shown: sr.Shown[g.Key], NotRating: slices.Contains(sr.NotRating, g.Key)}
			if gr, ok := sr.Groups[g.Key]; ok && cell.Shown {
				cell.Score = strconv.FormatFloat(gr.Score, 'f', 2, 64)
				cell.N = sr.N[g.Key]
				sum[g.Key] += gr.Score
				cnt[g.Key]++
			} else {
				cell.Shown = false
			}
			row.Groups = append(row.Groups, cell)
		}
		if len(sr.NotRating) > 0 {
			v.NotRating = true
		}
		for _, s := range sr.Short {
			n, _ := groupLabel(v.Rules, s)
			row.ShortNm = append(row.ShortNm, n)
		}
		if sr.Incomplete {
			incomplete++
		} else if sr.Grade != "" {
			gradeCount[sr.Grade]++
		}
		v.Rows = append(v.Rows, row)
		if row.Flagged {
			v.Flags = append(v.Flags, row)
		}
	}
	unit := web.Msg(lang, "个", "")
	gc := web.Chart{Type: "bar", Title: h.T(lang, "eva.chart_grades"), Unit: unit}
	for _, g := range v.Rules.Grades {
		gc.Items = append(gc.Items, web.ChartItem{Name: evaluation.NameIn(g.Grade, lang), Value: gradeCount[g.Grade]})
	}
	if incomplete > 0 {
		gc.Items = append(gc.Items, web.ChartItem{Name: h.T(lang, "eva.incomplete"), Value: incomplete})
	}
	v.Grades = web.ChartJSON(gc)
	mc := web.RateChart{Type: "bar", Title: h.T(lang, "eva.chart_groups"), Unit: web.Msg(lang, "分", "points")}
	for _, g := range v.Rules.Groups {
		if cnt[g.Key] > 0 {
			mc.Items = append(mc.Items, web.RateItem{Name: evaluation.NameIn(g.Name, lang), Value: web.Round1(sum[g.Key] / float64(cnt[g.Key]))})
		}
	}
	v.GroupMean = web.RateChartJSON(mc)
	return v, true
}

// EvalResults shows the ranking, grades, marks and per-group scores of a
// closed campaign (then the frozen results with their checksum once it is
// published), two charts and the candidates for rectification; before the
// close, only the counts of codes and ballots.
func (h *Pages) EvalResults(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	p := h.evaPage(r, "", web.Crumb{})
	v, ok := h.evaResultsData(w, r, lang)
	if !ok {
		return
	}
	p.Title = v.C.Name + " · " + h.T(lang, "eva.results_title")
	p.Crumbs = p.Crumbs[:1]
	p.Crumbs = append(p.Crumbs, web.Crumb{Label: v.C.Name, Href: evaHref(v.C.ID, "")}, web.Crumb{Label: h.T(lang, "eva.results_title")})
	p.ScopeName = v.C.OwnerName
	p.Charts = true
	p.Data = v
	h.render(w, r, http.StatusOK, "eval_admin_results", "layout", p)
}

// EvalResultsExport exports the ranking as on the page.
func (h *Pages) EvalResultsExport(w http.ResponseWriter, r *http.Request) {
	v, ok := h.evaResultsData(w, r, i18n.ZH)
	if !ok {
		return
	}
	if v.Hidden != "" {
		h.Fail(w, r, evaluation.ScoresHidden())
		return
	}
	lang := i18n.FromRequest(r)
	header := []string{"名次", "测评对象", "职务", "单位/科室", "总分", "等次", "按分数等次", "否决", "限额调整", "未定等原因", "群众满意率", "不满意率"}
	if lang == i18n.EN {
		header = []string{"Rank", "Subject", "Post", "Unit / section", "Total", "Grade", "Grade by score", "Veto", "Capped", "Why ungraded", "Masses satisfied", "Dissatisfied"}
	}
	widths := []float64{6, 30, 16, 24, 10, 8, 10, 8, 8, 24, 14, 12}
	kinds := []xlsx.Kind{xlsx.Integer, 4: xlsx.Decimal2, 10: xlsx.Percent1, 11: xlsx.Percent1}
	for _, g := range v.Rules.Groups {
		name := evaluation.NameIn(g.Name, lang)
		header = append(header, web.Msg(lang, name+"得分", name+" score"), web.Msg(lang, name+"票数", name+" ballots"))
		widths = append(widths, 12, 10)
		kinds = append(kinds, xlsx.Decimal2, xlsx.Integer)
	}
	filters := web.Bilingual(func(lang string) string {
		filters := web.Msg(lang, "状态：", "Status: ") + h.T(lang, "eva.status_"+v.C.Status)
		if v.Published {
			filters += web.Msg(lang, "；发布时间：", "; published ") + web.LocalTime(v.C.PublishedAt, "2006-01-02 15:04") + web.Msg(lang, "；SHA-256：", "; SHA-256: ") + v.C.ResultsSHA256
		} else {
			filters += web.Msg(lang, "；测评已结束，结果尚未发布", "; the campaign has closed, the results are not published yet")
		}
		if v.NotRating {
			filters += web.Msg(lang, "；“不参评”：该评委组不评价此测评对象，不计入其总分", "; \"not rating\": the rater group does not rate this subject, which does not count in its total")
		}
		return filters
	})
	list := i18n.Text{ZH: v.C.Name + "_测评结果", EN: v.C.Name + "_results"}
	s := xlsx.Sheet{Title: web.Msg(lang, v.C.Name+" 测评结果", v.C.Name+" results"), Exporter: web.Actor(r).Username, Time: h.Now(), Header: header, Widths: widths, Kinds: kinds}
	num := func(p *float64) any {
		if p == nil {
			return ""
		}
		return *p
	}
	pct := func(p *float64) any {
		if p == nil {
			return ""
		}
		return xlsx.Percent(web.Round1(*p))
	}
	var rows [][]any
	{
		for _, row := range v.Rows {
			rank := any("")
			if row.R.Rank > 0 {
				rank = row.R.Rank
			}
			veto, capped, why := "", "", ""
			if len(row.R.Vetoed) > 0 {
				veto = web.Msg(lang, "是", "yes")
			}
			if row.R.Capped {
				capped = web.Msg(lang, "是", "yes")
			}
			if row.R.Incomplete {
				short := make([]string, len(row.ShortNm))
				for i, n := range row.ShortNm {
					short[i] = evaluation.NameIn(n, lang)
				}
				why = web.Msg(lang, "票数不足：", "too few ballots: ") + strings.Join(short, web.Msg(lang, "、", ", "))
			}
			unit := row.S.Unit
			if row.S.Section != "" {
				unit = strings.TrimSpace(unit + " " + row.S.Section)
			}
			out := []any{rank, row.S.Name, row.S.Post, unit, num(row.R.Total), evaluation.NameIn(row.R.Grade, lang), evaluation.NameIn(row.R.ScoreGrade, lang), veto, capped, why, pct(row.R.MassesSatisfaction), pct(row.R.Dissatisfaction)}
			for i, g := range row.Groups {
				switch {
				case g.Shown:
					out = append(out, row.R.Groups[v.Rules.Groups[i].Key].Score, g.N)
				case g.NotRating:
					out = append(out, web.Msg(lang, "不参评", "not rating"), "")
				default:
					out = append(out, web.Msg(lang, "少于k人，不显示", "fewer than k, not shown"), "")
				}
			}
			rows = append(rows, out)
		}
	}
	// Post, unit, veto, cap and the reason a subject is ungraded are empty
	// in many campaigns (a village campaign has no posts or sections): such
	// a column is left out, so that the rest prints larger on the page.
	for _, col := range []int{9, 8, 7, 3, 2} {
		if slices.ContainsFunc(rows, func(r []any) bool { return r[col] != "" }) {
			continue
		}
		s.Header, s.Widths, s.Kinds = slices.Delete(s.Header, col, col+1), slices.Delete(s.Widths, col, col+1), slices.Delete(padKinds(s.Kinds, len(s.Header)), col, col+1)
		for i := range rows {
			rows[i] = slices.Delete(rows[i], col, col+1)
		}
	}
	h.SendXLSX(w, r, v.C.OwnerName, list, filters, s, func(yield func([]any) bool) {
		for _, row := range rows {
			if !yield(row) {
				return
			}
		}
	})
}

// padKinds lengthens kinds to n columns with General, so that a column can
// be cut out of it wherever it is.
func padKinds(kinds []xlsx.Kind, n int) []xlsx.Kind {
	for len(kinds) < n {
		kinds = append(kinds, xlsx.General)
	}
	return kinds
}

// EvalCommentsExport exports the voters' comments of a closed campaign as
// the results page shows them: per rater group, shuffled, none for a group
// below k, with the reason in the file.
func (h *Pages) EvalCommentsExport(w http.ResponseWriter, r *http.Request) {
	v, ok := h.evaResultsData(w, r, i18n.ZH)
	if !ok {
		return
	}
	if v.Hidden != "" {
		h.Fail(w, r, evaluation.CommentsHidden())
		return
	}
	lang := i18n.FromRequest(r)
	header := []string{"序号", "评委组", "意见建议"}
	if lang == i18n.EN {
		header = []string{"No.", "Rater group", "Comment"}
	}
	k := strconv.Itoa(v.Rules.K)
	filters := web.Bilingual(func(lang string) string {
		return web.Msg(lang, "各评委组内顺序随机打乱，与投票顺序无关；不足 "+k+" 张票的评委组不显示意见建议",
			"shuffled within each rater group, unrelated to the order of voting; groups with fewer than "+k+" ballots show none")
	})
	list := i18n.Text{ZH: v.C.Name + "_意见建议", EN: v.C.Name + "_comments"}
	s := xlsx.Sheet{Title: web.Msg(lang, v.C.Name+" 意见建议", v.C.Name+" comments"), Exporter: web.Actor(r).Username, Time: h.Now(), Header: header, Widths: []float64{8, 16, 90}, Kinds: []xlsx.Kind{xlsx.Integer, 2: xlsx.Wrap}}
	h.SendXLSX(w, r, v.C.OwnerName, list, filters, s, func(yield func([]any) bool) {
		n := 0
		for _, g := range v.Comments {
			name := evaluation.NameIn(g.Name, lang)
			if !g.Shown {
				n++
				if !yield([]any{n, name, web.Msg(lang, "该组少于 "+k+" 张票，不显示意见建议",
					"This group cast fewer than "+k+" ballots: its comments are not shown")}) {
					return
				}
				continue
			}
			for _, c := range g.Comments {
				n++
				if !yield([]any{n, name, c}) {
					return
				}
			}
		}
	})
}

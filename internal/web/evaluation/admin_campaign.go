package evaluation

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/errs"
	"jiceng/internal/evaluation"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// evaIndRow is one indicator of the rules, flattened for a table.
type evaIndRow struct {
	Depth  int
	Key    string
	Name   string
	Weight string
	Scale  string
}

// evaCampaign is the campaign page.
type evaCampaign struct {
	C         evaluation.Campaign
	Owner     org.Org
	CanManage bool
	Rules     evaluation.Rules
	Inds      []evaIndRow
	Few       string
	Vetoes    []string
	Subjects  []evaluation.Subject
	Sections  []evaSection // the subjects, person subjects by unit and section
	Files     map[int64][]evaluation.SubjectFile
	Counts    []evaluation.TokenCount
	GroupName map[string]string
	Draft     bool
	CanIssue  bool
	NoSlips   string // why no slips can be printed: the server has no public address
	HasBoard  bool
	Types     map[string]string
	Masses    map[string]bool
	Weights   map[string]string
	TopCap    string
	// CanDelete offers the deletion of a draft: to its managers, even when
	// its owner is dissolved (such a draft can never open).
	CanDelete bool
	Batches   []evaBatchRow
	Under     []evaOrgOpt // the organizations "add every … under" offers
	Levels    []evaChoice
	Kinds     []evaChoice
}

// Time writes a time as the pages show it, in Beijing time.
func (evaCampaign) Time(t time.Time) string { return t.In(org.Shanghai).Format("2006-01-02 15:04") }

// Checked reports whether the form as posted checked the group.
func (evaCampaign) Checked(form url.Values, key string) bool {
	return slices.Contains(form["groups"], key)
}

func weightText(w float64) string {
	return strconv.FormatFloat(web.Round1(w*100), 'f', -1, 64) + "%"
}

func scaleText(s evaluation.Scale, lang string) string {
	if s.Kind == evaluation.ScalePoints {
		return web.Msg(lang, "0–100 分", "0–100 points")
	}
	parts := make([]string, len(s.Levels))
	for i, l := range s.Levels {
		parts[i] = evaluation.NameIn(l.Label, lang) + " " + strconv.FormatFloat(l.Points, 'f', -1, 64)
	}
	return strings.Join(parts, " / ")
}

func flattenInds(inds []evaluation.Indicator, depth int, lang string, out *[]evaIndRow) {
	for _, in := range inds {
		row := evaIndRow{Depth: depth, Key: in.Key, Name: evaluation.NameIn(in.Name, lang), Weight: weightText(in.Weight)}
		if len(in.Children) == 0 {
			row.Scale = scaleText(in.Scale, lang)
		} else {
			row.Scale = web.Msg(lang, "按下级指标加权", "weighted from its sub-indicators")
		}
		*out = append(*out, row)
		flattenInds(in.Children, depth+1, lang, out)
	}
}

// evaLoad reads a campaign with everything its page shows.
func (h *Pages) evaLoad(w http.ResponseWriter, r *http.Request, p *web.Page) (*evaCampaign, bool) {
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
	v := &evaCampaign{C: c, Rules: c.Rules.WithDefaults(), GroupName: map[string]string{}, Types: evaTypes(p.Lang),
		Masses: map[string]bool{}, Weights: map[string]string{}}
	v.TopCap = weightText(v.Rules.TopCap)
	v.Owner, v.CanManage = h.campaignOwner(ctx, actor, c)
	v.Draft = c.Status == evaluation.StatusDraft
	v.CanDelete = v.Draft && v.CanManage
	if v.Draft && c.OwnerDissolved {
		// It can never open: offer none of the forms the domain would refuse.
		v.CanManage = false
	}
	v.CanIssue = v.CanManage && (v.Draft || c.Status == evaluation.StatusOpen)
	if _, err := h.voteURL(); v.CanIssue && err != nil {
		v.NoSlips = errs.As(err).Message(i18n.FromRequest(r))
	}
	v.HasBoard = !v.Draft
	flattenInds(v.Rules.Indicators, 0, p.Lang, &v.Inds)
	for _, g := range v.Rules.Groups {
		v.GroupName[g.Key] = g.Name
		v.Masses[g.Key] = g.Masses
		v.Weights[g.Key] = weightText(g.Weight)
	}
	if v.Rules.FewBallots == evaluation.FewRenormalize {
		v.Few = h.T(p.Lang, "eva.few_renormalize")
	} else {
		v.Few = h.T(p.Lang, "eva.few_incomplete")
	}
	for _, vt := range v.Rules.Vetoes {
		th := strconv.FormatFloat(vt.Threshold, 'f', -1, 64)
		v.Vetoes = append(v.Vetoes, web.Msg(p.Lang, fmt.Sprintf("群众类评委组满意率低于 %s%% 时，等次定为“%s”", th, vt.Grade),
			fmt.Sprintf("if the masses' satisfaction falls below %s%%, the grade is \"%s\"", th, evaluation.NameIn(vt.Grade, p.Lang))))
	}
	if v.Subjects, err = h.eval.Subjects(ctx, actor, id); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	v.Sections = subjectSections(v.Subjects)
	if v.Draft && v.CanManage {
		p.Picker("org_id", web.PickFilter{Under: v.Owner.ID})
		v.Under, v.Levels, v.Kinds = h.evaUnderPick(ctx, actor, v.Owner), levelChoices(p.Lang), kindChoices(p.Lang)
	}
	if v.Files, err = h.eval.CampaignFiles(ctx, actor, id); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	if v.Counts, err = h.eval.TokenCounts(ctx, actor, id); err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	batches, err := h.eval.Batches(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	v.Batches = batchRows(batches)
	p.Title = c.Name
	p.Crumbs = append(p.Crumbs, web.Crumb{Label: c.Name})
	p.ScopeName = c.OwnerName
	p.Data = v
	return v, true
}

// EvalShow is the campaign page: its state and actions, rules, subjects
// and ballot codes.
func (h *Pages) EvalShow(w http.ResponseWriter, r *http.Request) {
	p := h.evaPage(r, "", web.Crumb{})
	p.Crumbs = p.Crumbs[:1]
	if _, ok := h.evaLoad(w, r, p); !ok {
		return
	}
	p.Form.Set("kind", evaluation.SubjectOrg)
	h.render(w, r, http.StatusOK, "eval_admin_show", "layout", p)
}

// evaShowError shows the campaign page again with a form's problems at
// their fields.
func (h *Pages) evaShowError(w http.ResponseWriter, r *http.Request, err error, extra map[string]string) {
	p := h.evaPage(r, "", web.Crumb{})
	p.Crumbs = p.Crumbs[:1]
	if _, ok := h.evaLoad(w, r, p); !ok {
		return
	}
	p.Form = r.PostForm
	h.evaFormError(w, r, p, "eval_admin_show", err, extra)
}

// evaTransition runs Open, Close or Publish and returns to the campaign.
func (h *Pages) evaTransition(w http.ResponseWriter, r *http.Request, do func(id int64) (evaluation.Campaign, error), zh, en string) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	c, err := do(id)
	if err != nil {
		if k := errs.KindOf(err); k == errs.Conflict || k == errs.Invalid {
			h.Redirect(w, r, evaHref(id, ""), "err", errs.As(err).Message(lang))
			return
		}
		h.Fail(w, r, err)
		return
	}
	h.Redirect(w, r, evaHref(id, ""), "ok", web.Msg(lang, fmt.Sprintf(zh, c.Name), fmt.Sprintf(en, c.Name)))
}

// EvalOpen starts a campaign.
func (h *Pages) EvalOpen(w http.ResponseWriter, r *http.Request) {
	if !h.ParseForm(w, r) {
		return
	}
	h.evaTransition(w, r, func(id int64) (evaluation.Campaign, error) {
		return h.eval.OpenAt(r.Context(), web.Actor(r), id, web.FormVersion(r.PostForm))
	},
		"测评“%s”已开始，测评对象和规则已锁定", "The campaign %s has started; its subjects and rules are now fixed")
}

// EvalClose ends a campaign and counts its ballots.
func (h *Pages) EvalClose(w http.ResponseWriter, r *http.Request) {
	h.evaTransition(w, r, func(id int64) (evaluation.Campaign, error) { return h.eval.Close(r.Context(), web.Actor(r), id) },
		"测评“%s”已结束，全部选票已计入", "The campaign %s has ended; every ballot is counted")
}

// EvalPublish freezes and publishes a campaign's results.
func (h *Pages) EvalPublish(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	c, err := h.eval.Publish(r.Context(), web.Actor(r), id)
	if err != nil {
		if k := errs.KindOf(err); k == errs.Conflict || k == errs.Invalid {
			h.Redirect(w, r, evaHref(id, ""), "err", errs.As(err).Message(lang))
			return
		}
		h.Fail(w, r, err)
		return
	}
	h.Redirect(w, r, evaHref(id, "/results"), "ok", web.Msg(lang, "已发布测评“"+c.Name+"”的结果，校验值 SHA-256 "+c.ResultsSHA256,
		"Published the results of "+c.Name+", SHA-256 "+c.ResultsSHA256))
}

// EvalAddSubject adds one subject: an organization of the owner's subtree
// or a person.
func (h *Pages) EvalAddSubject(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	f := r.PostForm
	in := evaluation.SubjectInput{Kind: f.Get("kind"), Name: f.Get("name"), Post: f.Get("post"), Unit: f.Get("unit"), Section: f.Get("section"),
		ReportText: f.Get("report_text"), Groups: f["groups"]}
	extra := map[string]string{}
	if in.Kind == evaluation.SubjectOrg {
		// The picker searches the owner's subtree; typed text without a
		// choice is settled here, or the field says what to do.
		if c, err := h.eval.Get(r.Context(), web.Actor(r), id); err == nil {
			if rerr := h.ResolveOrg(r.Context(), web.Actor(r), f, "org_id", web.PickFilter{Under: c.OwnerOrgID}); rerr != nil {
				extra["org_id"] = errs.As(rerr).Message(lang)
			}
		}
		v := f.Get("org_id")
		bad := map[string]bool{}
		in.OrgID = web.IDField(v, "org_id", bad)
		switch {
		case bad["org_id"]:
			extra["org_id"] = web.Msg(lang, "党组织编号应为数字，可在党组织详情页查看", "the organization number is a number shown on the organization's page")
		case in.OrgID == 0 && extra["org_id"] == "":
			extra["org_id"] = web.Msg(lang, "请选择作为测评对象的党组织", "choose the organization to rate")
		}
	}
	if len(extra) > 0 {
		h.evaShowError(w, r, errs.New(errs.Invalid, "表单中有需要修改的地方", "the form needs fixing"), extra)
		return
	}
	subs, err := h.eval.AddSubjects(r.Context(), web.Actor(r), id, []evaluation.SubjectInput{in})
	if err != nil {
		// The form adds one subject: its messages go to the fields by name.
		e := errs.As(err)
		if e.Kind == errs.Invalid {
			var fs errs.Fields
			details := e.Details
			if len(details) == 0 {
				details = errs.Fields{e}
			}
			for _, d := range details {
				field := d.Field
				if i := strings.Index(field, "]."); i >= 0 {
					field = field[i+2:]
				}
				fs.Add(field, strings.TrimPrefix(d.ZH, "第 1 个测评对象："), strings.TrimPrefix(d.EN, "subject 1: "))
			}
			err = fs.Err()
		}
		h.evaShowError(w, r, err, nil)
		return
	}
	name := in.Name
	if len(subs) > 0 {
		name = subs[len(subs)-1].Name
	}
	h.Redirect(w, r, evaHref(id, "")+"#subjects", "ok", web.Msg(lang, "已添加测评对象“"+name+"”", "Added the subject "+name))
}

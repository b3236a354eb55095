package people

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
)

// orgFacts are the register's lines on an organization's page: its members
// with a link to their list, and the warnings the count of members implies
// for a branch's kind (《中国共产党支部工作条例》: a branch needs three full
// members; from 50 members a general branch, from 100 a committee may be
// formed).
func (h *Pages) orgFacts(r *http.Request, o org.Org) ([]web.Fact, error) {
	st, err := h.ppl.Stats(r.Context(), web.Actor(r), o.ID)
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	full, prob := st.ByKind["full"], st.ByKind["probationary"]
	f := web.Fact{Label: web.Msg(lang, "党员", "Members"), Href: "/people/stats?org=" + strconv.FormatInt(o.ID, 10),
		Value: web.Msg(lang, fmt.Sprintf("%s 名（正式党员 %s，预备党员 %s）", web.FormatInt(st.Total), web.FormatInt(full), web.FormatInt(prob)),
			fmt.Sprintf("%s %s (%s full, %s probationary)", web.FormatInt(st.Total), map[bool]string{true: "member", false: "members"}[st.Total == 1], web.FormatInt(full), web.FormatInt(prob)))}
	f.Warn = kindWarning(lang, o, st)
	facts := []web.Fact{f}
	if tr, err := h.ppl.TrainingOf(r.Context(), web.Actor(r), o.ID); err != nil {
		return nil, err
	} else if tr.Required > 0 {
		facts = append(facts, web.Fact{Label: web.Msg(lang, "培训达标", "Training"),
			Href: "/training/completion?org=" + strconv.FormatInt(o.ID, 10) + "&year=" + strconv.Itoa(tr.Year),
			Value: web.Msg(lang, fmt.Sprintf("%d 年 %.1f%%（%s / %s 人）", tr.Year, tr.Percent, web.FormatInt(tr.Completed), web.FormatInt(tr.Required)),
				fmt.Sprintf("%.1f%% in %d (%s of %s)", tr.Percent, tr.Year, web.FormatInt(tr.Completed), web.FormatInt(tr.Required)))})
	}
	posts, err := h.ppl.OrgPosts(r.Context(), web.Actor(r), o.ID)
	if err != nil {
		return nil, err
	}
	// One line per post held, in the order of the posts: 书记 李娜.
	for _, k := range people.PostKinds {
		var names []string
		for _, p := range posts {
			if p.Post == k.Key {
				names = append(names, p.PersonName)
			}
		}
		if len(names) > 0 {
			facts = append(facts, web.Fact{Label: k.In(lang), Value: strings.Join(names, web.Msg(lang, "、", ", "))})
		}
	}
	facts = append(facts, h.postFacts(r, o, st)...)
	term, err := h.ppl.CurrentTerm(r.Context(), web.Actor(r), o.ID)
	if err != nil {
		return nil, err
	}
	if term != nil {
		t := web.Fact{Label: web.Msg(lang, "本届任期", "Present term"),
			Value: web.Msg(lang, fmt.Sprintf("%s 至 %s（%d 年）", term.ElectedOn, term.DueOn, term.Years), fmt.Sprintf("%s to %s (%d years)", term.ElectedOn, term.DueOn, term.Years))}
		switch {
		case term.DaysLeft < 0:
			t.Warn = web.Msg(lang, fmt.Sprintf("%s本届任期已于 %s 届满，超期 %d 天未换届", o.Label(), term.DueOn, -term.DaysLeft),
				fmt.Sprintf("the term of %s ended on %s: the election is %d days late", o.Label(), term.DueOn, -term.DaysLeft))
		case term.DaysLeft <= 183:
			t.Warn = web.Msg(lang, fmt.Sprintf("%s本届任期将于 %s 届满（还有 %d 天），请做好换届准备", o.Label(), term.DueOn, term.DaysLeft),
				fmt.Sprintf("the term of %s ends on %s (in %d days): prepare the election", o.Label(), term.DueOn, term.DaysLeft))
		}
		facts = append(facts, t)
	}
	return facts, nil
}

// kindWarning is what the member count says about the organization's kind,
// "" when nothing (a branch with no member registered yet says nothing:
// the register may not be filled in).
func kindWarning(lang string, o org.Org, st people.Stats) string {
	if !o.Active() {
		return ""
	}
	full := st.ByKind["full"]
	switch people.KindCheck(o.Kind, st.Total, full) {
	case people.CheckFewFull:
		return web.Msg(lang, fmt.Sprintf("%s现有正式党员 %d 名，不足 3 名：党支部应有 3 名以上正式党员，请补充党员或与其他单位联合组建", o.Label(), full),
			fmt.Sprintf("%s has %d full members: a branch needs at least 3; add members or form a joint branch", o.Label(), full))
	case people.CheckCommittee:
		return web.Msg(lang, fmt.Sprintf("%s有党员 %d 名：党员 100 名以上的，经批准可设立基层党委", o.Label(), st.Total),
			fmt.Sprintf("%s has %d members: from 100, a Party committee may be formed with approval", o.Label(), st.Total))
	case people.CheckGeneral:
		return web.Msg(lang, fmt.Sprintf("%s有党员 %d 名：党员 50 名以上的，经批准可成立党总支", o.Label(), st.Total),
			fmt.Sprintf("%s has %d members: from 50, a general branch may be formed with approval", o.Label(), st.Total))
	}
	return ""
}

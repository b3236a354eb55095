package people

import (
	"fmt"
	"net/http"
	"strconv"

	"jiceng/internal/i18n"
	"jiceng/internal/org"
	"jiceng/internal/people"
	"jiceng/internal/web"
)

// postFacts are the lines of an organization's page about its posts and
// its cadres' pay: a link to its posts page, which warns of a post vacant,
// and this year's pay against the floor in its subtree, when any is
// recorded.
func (h *Pages) postFacts(r *http.Request, o org.Org, st people.Stats) []web.Fact {
	lang := i18n.FromRequest(r)
	f := web.Fact{Label: web.Msg(lang, "职务与换届", "Posts and terms"), Href: postsHref(o.ID), Value: web.Msg(lang, "查看现任、历任和空缺", "present and former holders, vacancies")}
	if missing, err := h.ppl.OrgVacancies(r.Context(), web.Actor(r), o.ID); err == nil && len(missing) > 0 && o.Active() {
		f.Warn = web.Msg(lang, fmt.Sprintf("%s空缺：%s", o.Label(), missingText(missing, lang)), fmt.Sprintf("%s lacks: %s", o.Label(), missingText(missing, lang)))
	}
	facts := []web.Fact{f}
	pay, err := h.ppl.PaySummary(r.Context(), web.Actor(r), o.ID, h.Now().In(org.Shanghai).Year())
	if err == nil && pay.Cadres > 0 {
		pf := web.Fact{Label: web.Msg(lang, fmt.Sprintf("%d 年干部基本报酬", pay.Year), fmt.Sprintf("Cadres' basic pay %d", pay.Year)),
			Href: "/people/pay?org=" + strconv.FormatInt(o.ID, 10) + "&year=" + strconv.Itoa(pay.Year),
			Value: web.Msg(lang, fmt.Sprintf("%s 人登记，达标 %s 人", web.FormatInt(pay.Cadres), web.FormatInt(pay.OK)),
				fmt.Sprintf("%s recorded, %s at or above the floor", web.FormatInt(pay.Cadres), web.FormatInt(pay.OK)))}
		if pay.Below > 0 {
			pf.Warn = web.Msg(lang, fmt.Sprintf("%s 人低于基本报酬标准，差额合计 %s 元", web.FormatInt(pay.Below), web.FormatInt(pay.Shortfall)),
				fmt.Sprintf("%s below the floor, %s yuan short in all", web.FormatInt(pay.Below), web.FormatInt(pay.Shortfall)))
		}
		facts = append(facts, pf)
	}
	return facts
}

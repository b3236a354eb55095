package server

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/testrig"
)

// TestCasesStatsPage: the statistics of 兴宁区 as its readers see them, on
// the page, on the cockpit and in the export. Four cases, received on
// 2026-09-24: a service request at 兴宁社区, accepted, answered and rated
// 满意; a mediation at 民生街道 and a service request at 三塘镇, waiting;
// an integrity report about 民生街道 and its secretary, routed to the
// county. The county's reader of both kinds counts four; the secretary's
// own account, granted the same, and the street's accounts count no
// integrity report and the county's organization department none at all.
func TestCasesStatsPage(t *testing.T) {
	t.Parallel()
	f := newStaffFixture(t)
	ctx := context.Background()
	sec := f.streetSecretary(t)
	both := f.user(t, "county_both", access.CaseHandler, f.county)
	li := f.user(t, "li_jianguo", access.CaseHandler, f.county)
	for _, g := range []struct {
		user int64
		role access.Role
		at   int64
	}{{both.ID, access.IntegrityOfficer, f.county.ID}, {li.ID, access.IntegrityOfficer, f.county.ID}} {
		if err := f.accts.Grant(ctx, testrig.Admin, g.user, g.role, g.at); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.accts.LinkPerson(ctx, testrig.Admin, li.ID, sec.ID); err != nil {
		t.Fatal(err)
	}
	svc, err := f.cs.Submit(ctx, cases.Report{Kind: cases.KindService, RegionCode: f.village.RegionCode, Body: "楼道灯坏了三个星期，晚上出入很不方便。"})
	if err != nil {
		t.Fatal(err)
	}
	vh := f.actor(t, "village_handler")
	for _, in := range []cases.StepInput{{Step: cases.StepAccept}, {Step: cases.StepStart}, {Step: cases.StepAnswer, Text: "已联系物业更换路灯，请您查看。"}} {
		if _, err := f.cs.Take(ctx, vh, svc.CaseID, in); err != nil {
			t.Fatalf("%s: %v", in.Step, err)
		}
	}
	if _, err := f.cs.Rate(ctx, svc.Code, cases.Satisfied, ""); err != nil {
		t.Fatal(err)
	}
	f.submit(t, cases.Report{Kind: cases.KindMediation, RegionCode: f.street.RegionCode, Body: "邻里之间因为楼上漏水发生纠纷，请社区调解。"})
	f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: f.town.RegionCode, Body: "镇上的公交站牌被风吹倒，请尽快修复。"})
	rep := f.submit(t, cases.Report{Kind: cases.KindIntegrity, RegionCode: f.street.RegionCode, SubjectOrgID: f.street.ID, SubjectPersonID: sec.ID,
		Body: "街道书记在老旧小区改造招标中收受好处费，请组织调查。"})
	if c, _, err := f.cs.Get(ctx, f.actor(t, "county_both"), rep); err != nil || c.OrgID != f.county.ID {
		t.Fatalf("the report went to %d: %v", c.OrgID, err)
	}
	county, street := fmt.Sprint(f.county.ID), fmt.Sprint(f.street.ID)
	kpi := func(body, label string) string {
		m := regexp.MustCompile(`<div class="v">([^<]*)</div><div class="l">` + label + `</div>(?:<div class="sub">([^<]*)</div>)?`).FindStringSubmatch(body)
		if m == nil {
			return "(none)"
		}
		return strings.TrimSpace(m[1] + " " + m[2])
	}
	row := func(body, name string) string {
		m := regexp.MustCompile(`(?s)<tr[^>]*>\s*<td class="num">\d*</td>\s*<td>(?:<a [^>]*>|<strong>)` + name + `.*?</tr>`).FindString(body)
		return text(m)
	}

	// The county's reader of both kinds.
	b := f.browser(t, "county_both")
	body := b.get(t, "/cases/stats?org="+county)
	for label, want := range map[string]string{"案件总数": "4 其中廉洁监督举报 1 件", "办理中": "4 办结及不予受理 0 件", "已超期": "0 已督办 0 件",
		"按时受理率": "100.0% 1 / 1", "按时答复率": "100.0% 1 / 1", "满意率": "100.0% 1 / 1", "重办": "0 0.0%"} {
		if got := kpi(body, label); got != want {
			t.Errorf("county_both: %s %q, want %q", label, got, want)
		}
	}
	for name, want := range map[string]string{
		"民生街道党工委": "1 民生街道党工委 2 2 0 100.0% 1 / 1 100.0% 1 / 1 100.0% 1 / 1 0 0 案件",
		"三塘镇党委":   "2 三塘镇党委 1 1 0 — 0 / 0 — 0 / 0 — 0 / 0 0 0 案件",
		"全部（含本级）": "全部（含本级） 4 4 0 100.0% 1 / 1 100.0% 1 / 1 100.0% 1 / 1 0 0 案件",
	} {
		if got := row(body, name); got != want {
			t.Errorf("county_both: row %q, want %q", got, want)
		}
	}
	// Each slice and bar links to the list it counts.
	for _, want := range []string{`{"name":"服务诉求","value":2,"href":"/cases?org=` + county + `\u0026kind=service"}`,
		`{"name":"廉洁监督举报","value":1,"href":"/cases?kind=integrity\u0026org=` + county + `"}`,
		`{"name":"待受理","value":2,"href":"/cases?org=` + county + `\u0026state=submitted"}`,
		`{"name":"待受理","value":1,"href":"/cases?kind=integrity\u0026org=` + county + `\u0026state=submitted"}`,
		`{"name":"民生街道党工委","value":2,"href":"/cases/stats?org=` + street + `"}`,
		`{"name":"2026-09","value":4}`} {
		if !strings.Contains(body, want) {
			t.Errorf("county_both: no %s", want)
		}
	}
	// The statistics API carries the same figures, each child's with them.
	code, out := f.call(t, "GET", "/api/v1/orgs/"+county+"/stats", f.token(t, "county_both"), "")
	cs, _ := out["cases"].(map[string]any)
	if code != 200 || cs["total"] != float64(4) || cs["open"] != float64(4) {
		t.Fatalf("county_both: stats API %d %v", code, out["cases"])
	}
	kids := map[string]string{}
	list, _ := cs["children"].([]any)
	for _, c := range list {
		m, _ := c.(map[string]any)
		kids[fmt.Sprint(m["org_id"])] = fmt.Sprintln(m["name"], m["total"], m["open"], m["answered"], m["answered_on_time"], m["rated"], m["satisfied"])
	}
	if got, want := kids[street], "民生街道党工委 2 2 1 1 1 1\n"; got != want {
		t.Errorf("county_both: the API's street %q, want %q", got, want)
	}
	if got, want := kids[fmt.Sprint(f.town.ID)], "三塘镇党委 1 1 0 0 0 0\n"; got != want {
		t.Errorf("county_both: the API's township %q, want %q", got, want)
	}
	if list := b.get(t, "/cases?org="+county+"&state=submitted"); len(staffListed(list)) != 2 {
		t.Errorf("the bar of 待受理 counts 2, the list shows %v", staffListed(list))
	}
	_, rows := b.xlsx(t, "/cases/stats/export.xlsx?org="+county)
	if got := statsExportRow(rows, "全部（含本级）"); len(got) < 4 || got[2] != "4" || got[3] != "4" {
		t.Errorf("county_both: export %v", rows)
	}
	if got := statsExportRow(rows, "民生街道党工委"); len(got) < 3 || got[0] != "1" || got[2] != "2" {
		t.Errorf("county_both: export's street %v", got)
	}
	if got := statsCockpit(b.get(t, "/?org="+county)); got != "4 今年收到 4 办理中 办结及不予受理 0 0 已超期 已督办 0 100.0% 按时答复率 1 / 1 100.0% 满意率 1 / 1" {
		t.Errorf("county_both: cockpit %q", got)
	}

	// The secretary's own account and the street's: no integrity report.
	for name, want := range map[string]struct{ at, total, year, integrity string }{
		"li_jianguo":   {county, "3 其中廉洁监督举报 0 件", "3", "0"},
		"county_admin": {county, "3", "3", ""},
		"street_admin": {street, "2", "2", ""},
		"handler":      {street, "2", "2", ""},
	} {
		b := f.browser(t, name)
		body := b.get(t, "/cases/stats?org="+want.at)
		if got := kpi(body, "案件总数"); got != want.total {
			t.Errorf("%s: total %q, want %q", name, got, want.total)
		}
		// Words of integrity reports only for a reader of them, and then
		// with nothing counted.
		if strings.Contains(body, "收受好处费") || want.integrity == "" && strings.Contains(body, "廉洁监督举报") ||
			strings.Contains(body, `"name":"廉洁监督举报","value":1`) || strings.Contains(body, `{"name":"待受理","value":1,"href":"/cases?kind=integrity`) {
			t.Errorf("%s learns of the report on the page", name)
		}
		if want.integrity == "0" && !strings.Contains(body, `{"name":"待受理","value":0,"href":"/cases?kind=integrity\u0026org=`+want.at+`\u0026state=submitted"}`) {
			t.Errorf("%s: no empty chart of integrity reports", name)
		}
		_, rows := b.xlsx(t, "/cases/stats/export.xlsx?org="+want.at)
		if got := statsExportRow(rows, "全部（含本级）"); len(got) < 3 || got[2] != strings.Fields(want.total)[0] {
			t.Errorf("%s: export %v", name, rows)
		}
		if got := statsCockpit(b.get(t, "/?org="+want.at)); !strings.HasPrefix(got, want.year+" 今年收到") {
			t.Errorf("%s: cockpit %q", name, got)
		}
	}
	// The cockpit of a reader of both kinds counts the report, which the
	// list of residents' cases leaves out: its figures link to no list.
	if cp := f.browser(t, "county_both").get(t, "/?org="+county); strings.Contains(cp, `href="/cases?org=`+county) || !strings.Contains(statsCockpit(cp), "4 今年收到") {
		t.Errorf("county_both: the cockpit's figures %q link to the residents' cases", statsCockpit(cp))
	}
	// Readers of integrity reports alone have the page and the card of
	// those, without the residents' cases: the county's officer counts the
	// report, the street's — inside the organization it concerns — nothing.
	for name, want := range map[string]struct{ at, total, card string }{
		"integrity":        {county, "1 其中廉洁监督举报 1 件", "1 今年收到 1 办理中 办结及不予受理 0 0 已超期 已督办 0 — 按时答复率 0 / 0 — 满意率 0 / 0"},
		"street_integrity": {street, "0 其中廉洁监督举报 0 件", "0 今年收到 0 办理中 办结及不予受理 0 0 已超期 已督办 0 — 按时答复率 0 / 0 — 满意率 0 / 0"},
	} {
		ig := f.browser(t, name)
		body := ig.get(t, "/cases/stats?org="+want.at)
		if got := kpi(body, "案件总数"); got != want.total {
			t.Errorf("%s: total %q, want %q", name, got, want.total)
		}
		if strings.Contains(body, "收受好处费") || strings.Contains(body, "服务诉求") || strings.Contains(body, `href="/cases?org=`) {
			t.Errorf("%s: the page shows residents' cases or the report's words", name)
		}
		if !strings.Contains(body, `data-key="case_stats"`) {
			t.Errorf("%s: the sidebar has no entry for the page", name)
		}
		if !strings.Contains(body, `href="/cases?kind=integrity&amp;org=`+want.at+`"`) {
			t.Errorf("%s: the figures do not link to the integrity reports", name)
		}
		_, rows := ig.xlsx(t, "/cases/stats/export.xlsx?org="+want.at)
		if got := statsExportRow(rows, "全部（含本级）"); len(got) < 3 || got[2] != strings.Fields(want.total)[0] {
			t.Errorf("%s: export %v", name, rows)
		}
		cp := ig.get(t, "/?org="+want.at)
		if got := statsCockpit(cp); got != want.card {
			t.Errorf("%s: cockpit %q, want %q", name, got, want.card)
		}
		if !strings.Contains(cp, `href="/cases?kind=integrity&amp;org=`+want.at+`&amp;overdue=1"`) || strings.Contains(cp, `href="/cases?org=`) || strings.Contains(cp, "收受好处费") {
			t.Errorf("%s: the cockpit's figures do not link to the integrity reports alone", name)
		}
	}
}

// statsExportRow is the row of an export whose second cell starts with name.
func statsExportRow(rows [][]string, name string) []string {
	for _, r := range rows {
		if len(r) > 1 && strings.HasPrefix(r[1], name) {
			return r
		}
	}
	return nil
}

// statsCockpit is the text of the figures of the channel's card on the
// cockpit, "" when there is none.
func statsCockpit(body string) string {
	m := regexp.MustCompile(`(?s)<section class="card panel"[^>]*><h2>群众诉求 .*?<div class="kpis">(.*?)</div>\s*(?:<div class="grid-2">|</section>)`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return text(m[1])
}

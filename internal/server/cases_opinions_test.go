package server

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jiceng/internal/cases"
	"jiceng/internal/testrig"
)

// The opinions' monthly report as its users meet it: the page of a
// street's October with its counts, change and quotes, the month and
// organization pickers' refusals, its Excel file of two sheets, the API,
// and one answer given to several opinions of a topic. What residents
// wrote is escaped on the page and text in Excel; an integrity report at
// the same place never shows anywhere.

// opinionsFixture is the staff fixture with, at 民生街道 (a township-level
// street): one opinion in September; in October three on the elderly (the
// longest first among the quotes, one starting with a formula and a
// script), one on transport answered, a service request and an integrity
// report; and one opinion of 三塘镇. The clock stands on 2 November 2026.
type opinionsFixture struct {
	*staffFixture
	elderly   []int64 // in the order submitted
	transport int64
	foreign   int64
}

const (
	opinionFormula  = `=HYPERLINK("http://x.example","点我")建议<script>alert(1)</script>增设老年助餐点`
	opinionLong     = "建议在社区增设老年食堂，解决独居老人吃饭难的问题，同时为行动不便的老人提供送餐上门服务，费用由政府适当补贴。"
	opinionShort    = "建议为高龄老人安装紧急呼叫设备。"
	opinionBus      = "建议增开早高峰公交班次，方便上班族。"
	opinionSecret   = "举报街道干部在旧改招标中收受好处费，请组织调查核实"
	opinionAnswered = "已协调公交公司自11月起早高峰加密班次。"
)

func newOpinionsFixture(t *testing.T) *opinionsFixture {
	t.Helper()
	f := &opinionsFixture{staffFixture: newStaffFixture(t)}
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 2, 0, 0, 0, time.UTC) }
	f.clock.Set(at(9, 28))
	f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: f.village.RegionCode, Topic: "health", Body: "九月的一条建议：增加社区医生上门服务。"})
	f.clock.Set(at(10, 9))
	for _, body := range []string{opinionFormula, opinionLong, opinionShort} {
		f.elderly = append(f.elderly, f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: f.village.RegionCode, Topic: "elderly", Place: "3栋<b>", Body: body}))
	}
	f.transport = f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: f.village.RegionCode, Topic: "transport", Body: opinionBus})
	f.submit(t, cases.Report{Kind: cases.KindService, RegionCode: f.village.RegionCode, Body: "楼道灯坏了三个星期没人修，晚上出入很不方便。"})
	f.submit(t, cases.Report{Kind: cases.KindIntegrity, RegionCode: f.street.RegionCode, SubjectOrgID: f.street.ID, Body: opinionSecret})
	f.foreign = f.submit(t, cases.Report{Kind: cases.KindOpinion, RegionCode: f.town.RegionCode, Topic: "elderly", Body: "三塘镇的老人希望增设日间照料中心。"})
	ctx := context.Background()
	county := f.actor(t, "county_handler")
	for _, in := range []cases.StepInput{{Step: cases.StepAccept}, {Step: cases.StepStart}, {Step: cases.StepAnswer, Text: opinionAnswered}} {
		if _, err := f.cs.Take(ctx, county, f.transport, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range f.elderly[:2] {
		for _, in := range []cases.StepInput{{Step: cases.StepAccept}, {Step: cases.StepStart}} {
			if _, err := f.cs.Take(ctx, county, id, in); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.deliver(t)
	f.clock.Set(at(11, 2))
	return f
}

func TestCasesOpinionReportPage(t *testing.T) {
	t.Parallel()
	f := newOpinionsFixture(t)
	b := f.browser(t, "county_handler")
	street := fmt.Sprint(f.street.ID)
	// The month before is the default.
	body := b.get(t, "/cases/opinions?org="+street)
	txt := text(body)
	for _, want := range []string{
		"群众意见建议月报 民生街道党工委 · 2026年10月",
		"4 件 本月收到意见建议 较上月 +3（上月 1 件）",
		"1 件 已答复 25.0%（1 / 4）",
		"3 件 未办结",
		"3 件 其中超期 需督办", // past the days of acceptance and of handling
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("the report lacks %q:\n%s", want, txt)
		}
	}
	for s, want := range map[string]string{
		"topic=elderly\">养老":   "1 养老服务 3 0 3 3 0.0%",
		"topic=transport\">交通": "2 交通出行 1 1 0 0 100.0%",
	} {
		if got := row(t, body, s); got != want {
			t.Errorf("row %s: %q, want %q", s, got, want)
		}
	}
	if !strings.Contains(txt, "合计 4 1 3 3 25.0%") {
		t.Errorf("no total row")
	}
	if !strings.Contains(body, `data-key="opinions" class="active"`) || !strings.Contains(body, `id="c-topics"`) {
		t.Errorf("no active sidebar entry or no chart")
	}
	// The quotes, the fullest first, each linking to its case, escaped.
	for i, id := range []int64{f.elderly[0], f.elderly[1], f.elderly[2], f.transport} {
		if !strings.Contains(body, fmt.Sprintf(`<a href="/cases/%d">第 %d 号</a>`, id, id)) {
			t.Errorf("quote %d links no case", i)
		}
	}
	if i, j, k := strings.Index(txt, "增设老年助餐点"), strings.Index(txt, opinionLong), strings.Index(txt, opinionShort); i < 0 || i > j || j > k {
		t.Errorf("the quotes are not the fullest first")
	}
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("a resident's script is not escaped")
	}
	if strings.Contains(txt, opinionSecret) || strings.Contains(txt, "楼道灯") {
		t.Errorf("the report shows a case that is not an opinion")
	}
	// The print: the organization and month on top, the lines to sign.
	if !strings.Contains(body, `<header class="print-only">`) || !strings.Contains(txt, "民生街道党工委　报告期：2026年10月") || !strings.Contains(txt, "负责人（签字）") || !strings.Contains(body, "data-print") {
		t.Errorf("no printed header or signature lines")
	}

	// A bad month is said at the field; another township's org is not found.
	st, _, bad := b.status(t, "GET", "/cases/opinions?org="+street+"&month=2026%2F10", nil)
	if st != 400 || errAt(bad, "month") != "月份格式应为 2026-10" {
		t.Errorf("a bad month: %d %q", st, errAt(bad, "month"))
	}
	town := f.browser(t, "town_handler")
	for _, path := range []string{"/cases/opinions?org=" + street, "/cases/opinions/export.xlsx?org=" + street + "&month=2026-10",
		"/cases/opinions/topic?org=" + street + "&month=2026-10&topic=elderly"} {
		if st, _, _ := town.status(t, "GET", path, nil); st != 404 {
			t.Errorf("%s for another township: %d", path, st)
		}
	}
	// The town's own report has its one opinion only.
	if txt := text(town.get(t, "/cases/opinions?month=2026-10")); !strings.Contains(txt, "1 件 本月收到意见建议 较上月 +1（上月 0 件）") || strings.Contains(txt, opinionShort) {
		t.Errorf("the town's report: %s", txt)
	}
	// An integrity officer of the street reads no residents' cases.
	if st, _, _ := f.browser(t, "street_integrity").status(t, "GET", "/cases/opinions", nil); st != 403 {
		t.Errorf("an integrity officer: %d", st)
	}
}

func TestCasesOpinionReportExport(t *testing.T) {
	t.Parallel()
	f := newOpinionsFixture(t)
	b := f.browser(t, "county_handler")
	resp, err := b.c.Get(b.base + "/cases/opinions/export.xlsx?org=" + fmt.Sprint(f.street.ID) + "&month=2026-10")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	if cd, _ := url.PathUnescape(resp.Header.Get("Content-Disposition")); !strings.Contains(cd, "民生街道党工委_群众意见建议月报2026年10月_20261102.xlsx") {
		t.Errorf("file name %q", cd)
	}
	x, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.GetSheetList(); len(got) != 2 || got[0] != "分领域统计" || got[1] != "代表性意见" {
		t.Fatalf("sheets %v", got)
	}
	topics, _ := x.GetRows("分领域统计")
	want := [][]string{{"民生街道党工委 群众意见建议月报2026年10月"}, {"报告期：2026年10月；上月合计 1"}, nil,
		{"序号", "政策领域", "件数", "已答复", "未办结", "其中超期", "答复率"},
		{"1", "养老服务", "3", "0", "3", "3", "0.0%"}, {"2", "交通出行", "1", "1", "0", "0", "100.0%"}, {"", "合计", "4", "1", "3", "3", "25.0%"}}
	if len(topics) != len(want) {
		t.Fatalf("topics %q", topics)
	}
	for i, w := range want {
		if w != nil && strings.Join(topics[i], "|") != strings.Join(w, "|") {
			t.Errorf("topics row %d: %q, want %q", i+1, topics[i], w)
		}
	}
	quotes, _ := x.GetRows("代表性意见")
	if len(quotes) != 8 || strings.Join(quotes[3], "|") != "序号|政策领域|案件编号|地点|意见建议|状态" {
		t.Fatalf("quotes %q", quotes)
	}
	if got := strings.Join(quotes[4], "|"); got != fmt.Sprintf("1|养老服务|%d|兴宁社区居委会|'%s|办理中", f.elderly[0], opinionFormula) {
		t.Errorf("the formula quote: %q", got)
	}
	if f, _ := x.GetCellFormula("代表性意见", "E5"); f != "" {
		t.Errorf("a quote became a formula: %q", f)
	}
	if got := strings.Join(quotes[7], "|"); got != fmt.Sprintf("4|交通出行|%d|兴宁社区居委会|%s|已答复", f.transport, opinionBus) {
		t.Errorf("the transport quote: %q", got)
	}
	for _, r := range append(topics, quotes...) {
		if strings.Contains(strings.Join(r, "|"), opinionSecret) {
			t.Errorf("the export holds the integrity report")
		}
	}
	if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND summary LIKE '%群众意见建议月报%'"); n != 1 {
		t.Errorf("audit entries of the export: %d", n)
	}
}

// count is a number the database holds.
func (f *opinionsFixture) count(t *testing.T, q string) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCasesOpinionReportAPI(t *testing.T) {
	t.Parallel()
	f := newOpinionsFixture(t)
	tok := f.token(t, "county_handler")
	path := "/api/v1/opinion-reports?org_id=" + fmt.Sprint(f.street.ID)
	st, out := f.call(t, "GET", path+"&month=2026-10", tok, "")
	if st != 200 || out["total"] != 4.0 || out["previous"] != 1.0 || out["month"] != "2026-10" || out["org_name"] != "中共民生街道工作委员会" {
		t.Fatalf("the report: %d %v", st, out)
	}
	topics := out["topics"].([]any)
	el := topics[0].(map[string]any)
	if len(topics) != 2 || el["topic"] != "elderly" || el["count"] != 3.0 || el["open"] != 3.0 || el["overdue"] != 3.0 || len(el["quotes"].([]any)) != 3 {
		t.Errorf("topics %v", topics)
	}
	if q := el["quotes"].([]any)[0].(map[string]any); q["text"] != opinionFormula || q["case_id"] != float64(f.elderly[0]) || q["state"] != "in_progress" {
		t.Errorf("the first quote %v", q)
	}
	st, out = f.call(t, "GET", path+"&month=2026-13", tok, "")
	if st != 400 || errMsg(out) != "月份格式应为 2026-10" {
		t.Errorf("a bad month: %d %v", st, out)
	}
	st, out = f.call(t, "GET", path+"&month=2026-10", f.token(t, "town_handler"), "")
	if st != 404 || errMsg(out) != "组织不存在或不在您的范围内" {
		t.Errorf("another township's: %d %v", st, out)
	}
	if st, _ := f.call(t, "GET", "/api/v1/opinion-reports?month=2026-10", tok, ""); st != 400 {
		t.Errorf("no org: %d", st)
	}
}

func TestCasesOpinionAnswerMany(t *testing.T) {
	t.Parallel()
	f := newOpinionsFixture(t)
	b := f.browser(t, "county_handler")
	topic := "/cases/opinions/topic?org=" + fmt.Sprint(f.street.ID) + "&month=2026-10&topic=elderly"
	body := b.get(t, topic)
	if txt := text(body); !strings.Contains(txt, "本月该领域共 3 件，其中 2 件正在办理、可以答复") || strings.Contains(txt, "三塘镇的老人") {
		t.Errorf("the topic page: %s", txt)
	}
	for i, id := range f.elderly {
		if has := strings.Contains(body, fmt.Sprintf(`name="id" value="%d"`, id)); has != (i < 2) {
			t.Errorf("case %d offered for the answer: %v", id, has)
		}
	}
	form := url.Values{"org": {fmt.Sprint(f.street.ID)}, "month": {"2026-10"}, "topic": {"elderly"}, "text": {"好"}}
	for _, id := range append(append([]int64{}, f.elderly...), f.foreign, 99999) {
		form.Add("id", fmt.Sprint(id))
	}
	st, _, bad := b.status(t, "POST", "/cases/opinions/answer", form)
	if st != 400 || errAt(bad, "text") != "请填写答复内容，反映人会看到（5 至 2000 字）" || f.state(t, f.elderly[0]) != "in_progress v3" {
		t.Errorf("a short answer: %d %q %s", st, errAt(bad, "text"), f.state(t, f.elderly[0]))
	}
	answer := "街道已协调养老服务站自11月起开放至晚上八点，并增设老年助餐点。"
	form.Set("text", answer)
	// A form whose page cannot be shown — an organization out of scope, a
	// wrong month — answers nothing.
	for key, val := range map[string]string{"org": "999999", "month": "2026-13"} {
		stale := url.Values{}
		for k, v := range form {
			stale[k] = v
		}
		stale.Set(key, val)
		if st, _, _ := b.status(t, "POST", "/cases/opinions/answer", stale); st < 400 || f.state(t, f.elderly[0]) != "in_progress v3" {
			t.Errorf("a stale form with %s=%s: %d, case %s", key, val, st, f.state(t, f.elderly[0]))
		}
	}
	st, _, done := b.status(t, "POST", "/cases/opinions/answer", form)
	txt := text(done)
	if st != 200 || !strings.Contains(txt, "已答复 2 件，3 件未答复") ||
		!strings.Contains(txt, fmt.Sprintf("第 %d 号 ：案件当前状态为“待受理”，不能答复；可以：受理、不予受理、标记重复件", f.elderly[2])) ||
		!strings.Contains(txt, fmt.Sprintf("第 %d 号 ：案件当前状态为“待受理”", f.foreign)) || !strings.Contains(txt, "第 99999 号 ：案件不存在或您无权查看") {
		t.Errorf("the answer: %d %s", st, txt)
	}
	for _, id := range f.elderly[:2] {
		if got := f.state(t, id); got != "answered v4" {
			t.Errorf("case %d: %s", id, got)
		}
		c, evs, err := f.cs.Get(context.Background(), testrig.Admin, id)
		if err != nil || c.State != cases.Answered || evs[len(evs)-1].Body != answer || !evs[len(evs)-1].Public {
			t.Errorf("case %d's last event: %+v %v", id, evs[len(evs)-1], err)
		}
	}
	if f.state(t, f.foreign) != "submitted v1" {
		t.Errorf("the town's opinion was touched: %s", f.state(t, f.foreign))
	}
	// The report counts them answered now.
	if txt := text(b.get(t, "/cases/opinions?org="+fmt.Sprint(f.street.ID)+"&month=2026-10")); !strings.Contains(txt, "3 件 已答复 75.0%（3 / 4）") {
		t.Errorf("the report after the answer: %s", txt)
	}
}

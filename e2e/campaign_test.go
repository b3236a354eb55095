package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// campaignCase is one rules template driven through a whole campaign: the
// evaluator creates it in the pages, adds its subjects, prints slips for
// every rater group and opens it; raters vote from phones (one per group
// through the pages, the rest through the public API); the evaluator closes
// it, checks the bulletin and the results, publishes and exports them.
type campaignCase struct {
	name     string // subtest and screenshot prefix
	typ      string // the campaign type, which the template gives
	template string // the form's rules template
	title    string // the campaign's name, after the year
	// ownerRegion is the division code of the territorial organization
	// that runs the campaign; it lies in the evaluator's scope (南宁市委).
	ownerRegion string
	groups      []campaignGroup
	subjects    []campaignSubject
}

// campaignGroup is a rater group of the template with the test's plan for
// it: the codes printed and the ballots cast (the first through the pages).
type campaignGroup struct {
	key    string
	name   string
	weight float64
	masses bool
	issue  int
	cast   int
}

// campaignSubject is a subject added through the campaign page's form and
// the answers its raters give it.
type campaignSubject struct {
	kind   string // "org" or "person"
	child  int    // an org subject: its index among the owner's village-level children
	name   string // a person subject: the form's fields
	post   string
	unit   string // the agency
	sect   string // the section of the agency
	report string
	groups []string // rater groups ticked on the form; none means every group
	// levels are the level indices (0 = the best) the ballots choose, in
	// turn; a scale with fewer levels takes its last one.
	levels []int
	points []float64 // the answers of a 0–100 indicator, in turn
	// The outcome a reader of the results sees.
	grade  string
	vetoed bool
	capped bool
}

var campaignCases = []campaignCase{{
	name:        "village",
	typ:         "review",
	template:    "village_secretary",
	title:       "民生街道社区党组织书记抓基层党建工作述职评议（测试）",
	ownerRegion: "450102001", // 民生街道党工委: its village-level children are community branches
	groups: []campaignGroup{
		{"superior", "上级党组织", 0.3, false, 6, 5},
		{"members", "党员代表", 0.3, false, 6, 5},
		// Seven ballots: each indicator drops its highest and lowest answer.
		{"masses", "群众代表", 0.4, true, 8, 7},
	},
	subjects: []campaignSubject{
		{kind: "org", child: 0, report: "一年来，社区党支部落实基层党建工作责任制，推进党员积分管理，办好民生实事 12 件。",
			levels: []int{0, 0, 0, 1}, grade: "好"},
		{kind: "org", child: 1, levels: []int{0, 1, 1, 2}, grade: "较好"},
		// Mostly 差 and 不满意: the masses' satisfaction veto makes it 差.
		{kind: "org", child: 2, levels: []int{1, 2, 3, 3, 2, 3, 2}, grade: "差", vetoed: true},
	},
}, {
	name:        "qianqi",
	typ:         "qianqi",
	template:    "qianqi",
	title:       "兴宁区千企议科长（测试）",
	ownerRegion: "450102", // 兴宁区委
	groups: []campaignGroup{
		{"enterprise", "企业", 0.5, true, 8, 7},
		{"owner", "项目业主", 0.3, true, 6, 5},
		{"served", "服务对象", 0.2, true, 6, 5},
	},
	subjects: []campaignSubject{
		// Earns 好, but with three subjects 10 % leaves no 好 to give.
		{kind: "person", name: "李明", post: "科长", unit: "兴宁区市场监督管理局", sect: "登记注册科",
			levels: []int{0, 0, 0, 1}, points: []float64{96, 92, 98, 94}, grade: "较好", capped: true},
		// Rated by enterprises and project owners only: their weights are renormalised.
		{kind: "person", name: "王芳", post: "科长", unit: "兴宁区市场监督管理局", sect: "综合执法科", groups: []string{"enterprise", "owner"},
			levels: []int{0, 1, 1, 0, 2}, points: []float64{85, 78, 88}, grade: "一般"},
		{kind: "person", name: "赵强", post: "副科长", unit: "兴宁区住房和城乡建设局", sect: "建筑市场管理科",
			levels: []int{1, 2, 2, 2, 1, 2}, points: []float64{55, 40, 62}, grade: "差", vetoed: true},
	},
}}

const (
	campUsedMessage   = "已经使用过"
	campClosedMessage = "测评未开始或已结束"
)

var (
	campCodeForm = regexp.MustCompile(`^([0-9A-Z]{5}-){5}[0-9A-Z][0-9A-Z*~$=]$`)
	campPathID   = regexp.MustCompile(`^/evaluation/(\d+)$`)
)

// TestCampaign runs a whole campaign of each template against a fresh demo
// database, as its users would: the evaluator on a desktop browser, the
// raters on phones and through the public API.
func TestCampaign(t *testing.T) {
	needBrowser(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	shots := shotsDir(t, tmp)
	for _, c := range campaignCases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			runCampaign(t, bin, shots, c)
			t.Logf("%s: %v; screenshots in %s", c.name, time.Since(start).Round(time.Millisecond), shots)
		})
	}
}

func runCampaign(t *testing.T, bin, shots string, c campaignCase) {
	tmp := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(tmp, c.name+".db")
	demoOut := runDemo(t, bin, dbURL)
	password := demoPassword(t, demoOut, "evaluator")
	base, serverOut := startServer(t, bin, dbURL)
	api := &campAPI{t: t, base: base, token: apiLogin(t, base, "evaluator", password)}

	// The owner and, for organization subjects, its community branches.
	owner := api.orgByRegion(c.ownerRegion)
	var children []campOrg
	for _, s := range c.subjects {
		if s.kind == "org" && children == nil {
			children = api.villageChildren(owner.ID)
		}
		if s.kind == "org" && s.child >= len(children) {
			t.Fatalf("%s has %d village-level children, the test needs %d", owner.Name, len(children), s.child+1)
		}
	}
	shot := func(b *browser, name string) { campShots(b, c.name+"-"+name) }

	// 1. The evaluator signs in and creates the campaign through the form.
	desk := newBrowser(t)
	desk.base, desk.shots = base, shots
	dialogs := acceptDialogs(t, desk)
	desk.open("/login")
	desk.do("fill the login form",
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "evaluator"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
	)
	desk.clickAndWait("sign in", `form.login-form button[type=submit]`, pathIs("/"))

	desk.open("/evaluation")
	shot(desk, "list")
	desk.clickAndWait("open the new campaign form", `a.btn[href="/evaluation/new"]`, pathIs("/evaluation/new"))
	now := time.Now().In(beijing)
	if y := desk.value(`#year`); y != strconv.Itoa(now.Year()) {
		t.Errorf("the new campaign form proposes the year %q, want %d", y, now.Year())
	}
	name := strconv.Itoa(now.Year()) + "年度" + c.title
	// The template gives the campaign its type; the owner is chosen from
	// the organizations of the evaluator's scope.
	desk.do("fill the new campaign form",
		chromedp.SetValue(chromedp.CSS(`#name`), name),
		chromedp.SetValue(chromedp.CSS(`input[name=owner_org_id]`), strconv.FormatInt(owner.ID, 10)),
		chromedp.SetValue(chromedp.CSS(`#opens_at`), now.Add(-time.Hour).Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.CSS(`#closes_at`), now.Add(48*time.Hour).Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.CSS(`input[name=template][value="`+c.template+`"]`)),
	)
	shot(desk, "new")
	desk.clickAndWait("create the campaign", `form[action="/evaluation/new"] button[type=submit]`,
		func(p string) bool { return campPathID.MatchString(p) })
	campPath := campLocationPath(desk)
	id, _ := strconv.ParseInt(campPathID.FindStringSubmatch(campPath)[1], 10, 64)
	campFlash(t, desk, "create the campaign", "已创建测评")

	camp := api.campaign(id)
	if camp.Status != "draft" || camp.Type != c.typ || camp.OwnerOrgID != owner.ID || camp.Name != name {
		t.Fatalf("the new campaign reads %+v; want a draft of type %s owned by %d named %s", camp, c.typ, owner.ID, name)
	}
	rules := camp.Rules
	checkTemplate(t, c, rules)

	// 2. Subjects, one form post each.
	for i, s := range c.subjects {
		if s.kind == "person" {
			desk.do("choose a person subject", chromedp.Click(chromedp.CSS(`input[name=kind][value=person]`)))
			desk.do("fill the person subject",
				chromedp.SetValue(chromedp.CSS(`#s-name`), s.name),
				chromedp.SetValue(chromedp.CSS(`#s-post`), s.post),
				chromedp.SetValue(chromedp.CSS(`#s-unit`), s.unit),
				chromedp.SetValue(chromedp.CSS(`#s-section`), s.sect))
		} else {
			desk.do("fill the organization subject", chromedp.SetValue(chromedp.CSS(`input[type=hidden][name=org_id]`), strconv.FormatInt(children[s.child].ID, 10)))
		}
		for _, g := range s.groups {
			desk.do("tick the rater group "+g, chromedp.Click(chromedp.CSS(`input[name=groups][value="`+g+`"]`)))
		}
		if s.report != "" {
			desk.do("fill the report", chromedp.SetValue(chromedp.CSS(`#s-report`), s.report))
		}
		desk.submitAndWait(fmt.Sprintf("add subject %d", i+1), `form[action="/evaluation/`+strconv.FormatInt(id, 10)+`/subjects"] button[type=submit]`)
		campFlash(t, desk, fmt.Sprintf("add subject %d", i+1), "已添加测评对象")
	}
	subjects := api.subjects(id)
	if len(subjects) != len(c.subjects) {
		t.Fatalf("the campaign has %d subjects after the form posts, want %d: %+v", len(subjects), len(c.subjects), subjects)
	}
	wantNames := make([]string, len(c.subjects))
	for i, s := range c.subjects {
		want := s.name
		if s.kind == "org" {
			want = children[s.child].Name
		}
		wantNames[i] = want
		got := subjects[i]
		if got.Name != want || got.Kind != s.kind || got.Post != s.post || got.Unit != s.unit || got.Section != s.sect ||
			!sameStrings(got.Groups, s.groups) || got.ReportText != s.report {
			t.Errorf("subject %d reads %+v, want %s %q (%s, %s %s, groups %v)", i+1, got, s.kind, want, s.post, s.unit, s.sect, s.groups)
		}
	}
	if rows := desk.rowTexts(`#subjects table.list tbody tr:has(> td.num)`); len(rows) != len(c.subjects) {
		t.Errorf("the campaign page lists %d subjects, want %d: %q", len(rows), len(c.subjects), rows)
	} else {
		for i, r := range rows {
			if !strings.Contains(r, wantNames[i]) {
				t.Errorf("subject row %d reads %q, want %q in it", i+1, r, wantNames[i])
			}
		}
	}
	shot(desk, "draft")

	// The draft's editor checks the rules as they are typed, with the
	// messages a save and the API give; leaving it changes nothing.
	desk.clickAndWait("open the editor", `a[href="`+campPath+`/edit"]`, pathIs(campPath+"/edit"))
	first := desk.value(`#ind-0-weight`)
	desk.do("raise the first weight",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#ind-0-weight").value = "9"`),
		chromedp.SendKeys(chromedp.CSS(`#ind-0-weight`), "9"))
	desk.waitVisible("the live check's verdict", `#edit-check .check-bad`)
	if got := desk.eval(`document.querySelector("#edit-check").innerText`); !strings.Contains(got, "一级指标权重合计为") || !strings.Contains(got, "应为 1") {
		t.Errorf("the live check reads %q, want the sum of the top weights", got)
	}
	desk.do("restore the first weight",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#ind-0-weight").value = ""`),
		chromedp.SendKeys(chromedp.CSS(`#ind-0-weight`), first))
	desk.waitVisible("the live check's approval", `#edit-check .check-ok`)
	desk.clickAndWait("leave the editor", `.editor-bar a.btn[href="`+campPath+`"]`, pathIs(campPath))

	// 3. Slips for every rater group.
	codes := map[string][]string{}
	for gi, g := range c.groups {
		desk.do("choose the group and the number of slips",
			chromedp.SetValue(chromedp.CSS(`#t-group`), g.key),
			chromedp.SetValue(chromedp.CSS(`#t-n`), strconv.Itoa(g.issue)))
		tokensPath := campPath + "/tokens"
		// Issuing redirects to the slips, so that a reload shows them again.
		desk.clickAndWait("issue codes for "+g.name, `form[action="`+tokensPath+`"] button[type=submit]`,
			func(p string) bool { return strings.HasPrefix(p, campPath+"/slips/") })
		sheet := readSlips(t, desk)
		if gi == 0 {
			desk.do("reload the slips", chromedp.Reload())
			desk.waitVisible("the slips again", `.slip-code`)
			if again := readSlips(t, desk); strings.Join(again.Codes, " ") != strings.Join(sheet.Codes, " ") {
				t.Fatalf("reloading the slips of %s shows other codes: %q, then %q", g.name, sheet.Codes, again.Codes)
			}
			if pages := slipPages(t, desk); pages != (g.issue+9)/10 {
				t.Errorf("the slips of %s print on %d A4 pages, want %d (ten a page, no blank page)", g.name, pages, (g.issue+9)/10)
			}
		}
		if len(sheet.Codes) != g.issue || sheet.QR != g.issue || sheet.Sheets != (g.issue+9)/10 {
			t.Fatalf("slips of %s: %d codes, %d SVG QR codes on %d sheets; want %d, %d on %d; page text:\n%s",
				g.name, len(sheet.Codes), sheet.QR, sheet.Sheets, g.issue, g.issue, (g.issue+9)/10, desk.bodyText())
		}
		if want := "共 " + strconv.Itoa(g.issue); !strings.Contains(sheet.Heading, g.name) || !strings.Contains(sheet.Heading, want) {
			t.Errorf("slips of %s: the heading reads %q, want the group and %q", g.name, sheet.Heading, want)
		}
		seen := map[string]bool{}
		for _, code := range sheet.Codes {
			if !campCodeForm.MatchString(code) || seen[code] {
				t.Fatalf("slips of %s: code %q is malformed or repeated (codes %q)", g.name, code, sheet.Codes)
			}
			seen[code] = true
		}
		if !strings.Contains(sheet.Note, base+"/vote") {
			t.Errorf("slips of %s: the note reads %q, want the address %s/vote", g.name, sheet.Note, base)
		}
		codes[g.key] = sheet.Codes
		if gi == 0 {
			shot(desk, "slips")
		}
		desk.clickAndWait("back to the campaign", `a[href="`+campPath+`#tokens"]`, pathIs(campPath))
	}
	checkCounts(t, desk, c, "after issuing", func(g campaignGroup) [3]int { return [3]int{g.issue, 0, 0} })

	// 4. Open the campaign; the button asks first.
	desk.submitAndWait("open the campaign", `form[action="`+campPath+`/open"] button[type=submit]`)
	dialogs.expect(t, "open the campaign", "确定开始测评")
	campFlash(t, desk, "open the campaign", "已开始")
	if st := desk.eval(`(document.querySelector(".props .tag") || {}).textContent || ""`); !strings.Contains(st, "进行中") {
		t.Errorf("after opening, the status reads %q, want 进行中", st)
	}
	shot(desk, "open")

	// 5. Ballots: the first code of each group on a phone, the rest through the API.
	leaves := campLeaves(rules.Indicators, "")
	keys := make([]string, len(subjects))
	for i, s := range subjects {
		keys[i] = s.Key
	}
	phoneB := newBrowser(t)
	phoneB.base, phoneB.shots = base, shots
	phoneB.do("emulate a phone", chromedp.Emulate(phone))
	var cast []campBallot
	var uiTrackers, allTrackers []string
	for gi, g := range c.groups {
		var mine []int // the subjects this group rates
		for si, s := range c.subjects {
			if len(s.groups) == 0 || slices.Contains(s.groups, g.key) {
				mine = append(mine, si)
			}
		}
		for b := 0; b < g.cast; b++ {
			scores := map[string]map[string]float64{}
			for _, si := range mine {
				scores[keys[si]] = c.subjects[si].answers(leaves, gi, b)
			}
			code := codes[g.key][b]
			var tracker string
			if b == 0 {
				tracker = phoneBallot(t, phoneB, g, gi == 0, code, subjects, mine, leaves, scores, shot)
				uiTrackers = append(uiTrackers, tracker)
			} else {
				tracker = api.castBallot(code, scores)
			}
			allTrackers = append(allTrackers, tracker)
			cast = append(cast, campBallot{Group: g.key, Scores: scores})
		}
	}
	// A spent code is refused, whether it voted on the phone or through the API.
	g0 := c.groups[0]
	for _, code := range codes[g0.key][:2] {
		st, body := api.cast(code, map[string]map[string]float64{keys[0]: c.subjects[0].answers(leaves, 0, 0)})
		if st != http.StatusConflict || !strings.Contains(body, campUsedMessage) {
			t.Errorf("casting again with a spent code: %d %s; want 409 with %q", st, body, campUsedMessage)
		}
	}
	// The phone that scans a spent slip is told so.
	phoneB.openSlip(strings.ReplaceAll(codes[g0.key][0], "-", ""))
	if txt := phoneB.eval(`(document.querySelector("#err-code, .field.has-error .error") || {}).textContent || ""`); !strings.Contains(txt, campUsedMessage) {
		t.Errorf("the code entry with a spent code shows %q next to the code, want %q; page text:\n%s", txt, campUsedMessage, phoneB.bodyText())
	}

	// While the campaign is open, the results page shows the count and no score.
	desk.open(campPath + "/results")
	if msg := desk.eval(`(document.querySelector("#scores-hidden") || {}).textContent || ""`); msg != "测评结束前不显示任何得分，只显示计票进度" {
		t.Errorf("the results page of an open campaign says %q; page text:\n%s", msg, desk.bodyText())
	}
	if n := desk.eval(`String(document.querySelectorAll("table.ranking, [data-chart], a[href$='/results.xlsx']").length)`); n != "0" {
		t.Errorf("the results page of an open campaign shows %s rankings, charts or exports", n)
	}

	// 6. Close the campaign: the inbox is mixed into the counted ballots.
	desk.open(campPath)
	desk.submitAndWait("close the campaign", `form[action="`+campPath+`/close"] button[type=submit]`)
	dialogs.expect(t, "close the campaign", "确定结束测评")
	campFlash(t, desk, "close the campaign", "已结束")
	checkCounts(t, desk, c, "after closing", func(g campaignGroup) [3]int { return [3]int{g.issue, g.cast, g.cast} })
	shot(desk, "closed")
	if st, body := api.cast(codes[g0.key][g0.issue-1], map[string]map[string]float64{keys[0]: c.subjects[0].answers(leaves, 0, 0)}); st != http.StatusConflict || !strings.Contains(body, campClosedMessage) {
		t.Errorf("casting an unused code after closing: %d %s; want 409 with %q", st, body, campClosedMessage)
	}

	// The bulletin on the phone: the counts per group and every tracker.
	board := "/bulletin/" + strconv.FormatInt(id, 10)
	phoneB.open(board)
	rows := readBulletin(t, phoneB)
	if len(rows) != len(c.groups) {
		t.Fatalf("the bulletin lists %d groups, want %d: %+v", len(rows), len(c.groups), rows)
	}
	for i, g := range c.groups {
		want := campBulletinRow{Name: g.name, Cells: []string{strconv.Itoa(g.issue), strconv.Itoa(g.cast), strconv.Itoa(g.cast)}}
		if rows[i].Name != want.Name || strings.Join(rows[i].Cells, "|") != strings.Join(want.Cells, "|") {
			t.Errorf("bulletin row %d reads %+v; want %+v (issued, used, counted)", i+1, rows[i], want)
		}
	}
	for i, tr := range uiTrackers {
		phoneB.searchTracker(board, tr)
		if hit := phoneB.eval(`(document.querySelector("li.hit mark") || {}).textContent || ""`); hit != tr {
			t.Errorf("bulletin: the tracker %s is not marked as found (marked %q)", tr, hit)
		}
		if ok := phoneB.eval(`(document.querySelector(".flash.ok") || {}).textContent || ""`); ok == "" {
			t.Errorf("bulletin: no confirmation that the tracker %s was found; page text:\n%s", tr, phoneB.bodyText())
		}
		if i == 0 {
			shot(phoneB, "bulletin")
		}
	}
	pub := api.bulletin(id)
	onBoard := map[string]int{}
	for _, tr := range pub.Trackers {
		onBoard[tr]++
	}
	for _, tr := range allTrackers {
		if onBoard[tr] != 1 {
			t.Errorf("the bulletin lists the tracker %s %d times, want once", tr, onBoard[tr])
		}
	}
	if len(pub.Trackers) != len(allTrackers) {
		t.Errorf("the bulletin lists %d trackers for %d ballots", len(pub.Trackers), len(allTrackers))
	}

	// 7. The results: the page, the API and the arithmetic agree.
	want, wantFlags := expectResults(rules, subjects, cast)
	logWorking(t, c, rules, keys, want)
	desk.clickAndWait("open the results", `.page-head a.btn[href="`+campPath+`/results"]`, pathIs(campPath+"/results"))
	live, liveRaw := api.results(id)
	checkResults(t, "before publication", c, rules, subjects, live, want, wantFlags)
	checkResultsPage(t, desk, rules, subjects, live)
	shot(desk, "results")

	// 8. Publish: the checksum, the frozen results, the export, the flags.
	desk.open(campPath)
	desk.submitAndWait("publish the results", `form[action="`+campPath+`/publish"] button[type=submit]`)
	dialogs.expect(t, "publish the results", "确定发布结果")
	if p := campLocationPath(desk); p != campPath+"/results" {
		t.Fatalf("publishing leads to %s, want %s/results", p, campPath)
	}
	camp = api.campaign(id)
	sum := camp.ResultsSHA256
	if camp.Status != "published" || len(sum) != 64 {
		t.Fatalf("after publishing, the campaign reads status %q, checksum %q", camp.Status, sum)
	}
	campFlash(t, desk, "publish the results", "SHA-256 "+sum)
	if shown := strings.TrimSpace(desk.eval(`(document.querySelector("dd.mono") || {}).textContent || ""`)); shown != sum {
		t.Errorf("the published results page shows the checksum %q, want %q", shown, sum)
	}
	frozen, frozenRaw := api.results(id)
	if h := sha256.Sum256(bytes.TrimSuffix(frozenRaw, []byte("\n"))); hex.EncodeToString(h[:]) != sum {
		t.Errorf("the SHA-256 of the published results as the API serves them is %x, the checksum shown is %s", h, sum)
	}
	if !bytes.Equal(frozenRaw, liveRaw) {
		t.Errorf("the published results differ from those computed before publication:\nbefore %s\nafter  %s", liveRaw, frozenRaw)
	}
	checkResults(t, "after publication", c, rules, subjects, frozen, want, wantFlags)
	checkResultsPage(t, desk, rules, subjects, frozen)
	shot(desk, "published")

	if n := desk.eval(`String(document.querySelectorAll('a.btn.export[href="` + campPath + `/results.xlsx"]').length)`); n != "1" {
		t.Errorf("the results page has %s export links to %s/results.xlsx, want 1", n, campPath)
	}
	checkExport(t, desk, base+campPath+"/results.xlsx", sum, subjects, frozen)

	flagged := api.flags(id)
	if strings.Join(flagged, ",") != strings.Join(frozen.Flags, ",") || len(flagged) == 0 {
		t.Errorf("GET /api/v1/campaigns/%d/flags lists %v, the results flag %v (want at least one)", id, flagged, frozen.Flags)
	}

	for what, b := range map[string]*browser{"desktop": desk, "phone": phoneB} {
		if ex := b.exceptions(); len(ex) > 0 {
			t.Errorf("uncaught JavaScript exceptions on the %s pages:\n%s", what, strings.Join(ex, "\n"))
		}
	}
	// 9. The organization graded 差 goes through its rectification.
	for _, s := range c.subjects {
		if s.kind == "org" && s.grade == "差" {
			rectifyFlagged(t, base, shots, demoPassword(t, demoOut, "county_admin"), children[s.child], name)
		}
	}
	// Neither codes nor trackers reach the server's log.
	out := serverOut.String()
	for _, cs := range codes {
		for _, code := range cs {
			if strings.Contains(out, code) || strings.Contains(out, strings.ReplaceAll(code, "-", "")) {
				t.Errorf("the server's output holds the code %s", code)
			}
		}
	}
	for _, tr := range allTrackers {
		if strings.Contains(out, tr) {
			t.Errorf("the server's output holds the tracker %s", tr)
		}
	}
}

// beijing is the time zone the forms are filled in.
var beijing = time.FixedZone("CST", 8*3600)

// checkTemplate checks the rules the template gave the campaign: the rater
// groups with their weights, and the masses' 40 % floor of the village
// template.
func checkTemplate(t *testing.T, c campaignCase, r campRules) {
	t.Helper()
	if len(r.Groups) != len(c.groups) {
		t.Fatalf("the %s template has %d rater groups, want %d: %+v", c.template, len(r.Groups), len(c.groups), r.Groups)
	}
	masses := 0.0
	for i, g := range c.groups {
		got := r.Groups[i]
		if got.Key != g.key || got.Name != g.name || got.Weight != g.weight || got.Masses != g.masses {
			t.Errorf("rater group %d of the %s template is %+v, want %s %s weight %v masses %v", i+1, c.template, got, g.key, g.name, g.weight, g.masses)
		}
		if got.Masses {
			masses += got.Weight
		}
	}
	if c.template == "village_secretary" && (!r.VillageTemplate || masses < 0.4-1e-9) {
		t.Errorf("the village template: village_template %v, masses weigh %v; want true and at least 0.4", r.VillageTemplate, masses)
	}
	if r.K != 5 {
		t.Errorf("the %s template has k = %d, want 5", c.template, r.K)
	}
}

// answers are the answers ballot b of group gi gives the subject, per leaf.
func (s campaignSubject) answers(leaves []campLeaf, gi, b int) map[string]float64 {
	m := map[string]float64{}
	for li, l := range leaves {
		if l.Scale.Kind == "points" {
			m[l.Key] = s.points[(b+li+gi)%len(s.points)]
			continue
		}
		idx := min(s.levels[(3*b+li+2*gi)%len(s.levels)], len(l.Scale.Levels)-1)
		m[l.Key] = l.Scale.Levels[idx].Points
	}
	return m
}

// phoneBallot casts one ballot through the public pages on the phone: the
// slip's QR address, the code entry, the ballot, the review, the receipt.
// It returns the tracker.
func phoneBallot(t *testing.T, b *browser, g campaignGroup, first bool, code string, subjects []campSubject,
	mine []int, leaves []campLeaf, scores map[string]map[string]float64, shot func(*browser, string)) string {
	t.Helper()
	qr := strings.ReplaceAll(code, "-", "") // the QR code's address carries the code without dashes
	b.openSlip(qr)
	if first {
		shot(b, "vote")
	}
	b.waitVisible("the ballot of "+g.name, `form[action="/vote/review"]`)
	if line := b.eval(`(document.querySelector(".notice strong") || {}).textContent || ""`); !strings.Contains(line, g.name) {
		t.Errorf("the ballot of %s introduces the group as %q", g.name, line)
	}
	var want []string
	for _, si := range mine {
		want = append(want, "subj-"+subjects[si].Key)
	}
	if got := b.eval(`Array.from(document.querySelectorAll("section.evp-subject h2")).map(h => h.id).join(",")`); got != strings.Join(want, ",") {
		t.Fatalf("the ballot of %s lists the subjects %q, want %q", g.name, got, strings.Join(want, ","))
	}

	// Choose each level by its label, as the rater reads it; type the points.
	type pick struct {
		Field string `json:"field"`
		Value string `json:"value"`
	}
	var picks []pick
	var typed []pick
	for _, si := range mine {
		key := subjects[si].Key
		for _, l := range leaves {
			p := pick{Field: "a:" + key + ":" + l.Key, Value: strconv.FormatFloat(scores[key][l.Key], 'f', -1, 64)}
			if l.Scale.Kind == "points" {
				typed = append(typed, p)
			} else {
				picks = append(picks, p)
			}
		}
	}
	js, _ := json.Marshal(picks)
	clicked := b.eval(`(() => {
		let n = 0;
		for (const p of ` + string(js) + `) {
			const r = document.querySelector('form[action="/vote/review"] input[type=radio][name="' + CSS.escape(p.field) + '"][value="' + p.value + '"]');
			if (r) { r.click(); if (r.checked) n++; }
		}
		return String(n);
	})()`)
	if clicked != strconv.Itoa(len(picks)) {
		t.Fatalf("the ballot of %s: %s of %d levels could be chosen", g.name, clicked, len(picks))
	}
	// Subjects fold to their line on the ballot; a rater opens one to type in it.
	b.eval(`(() => { document.querySelectorAll("section.evp-subject details").forEach(d => { d.open = true; }); return "open"; })()`)
	for _, p := range typed {
		b.do("type the points of "+p.Field, chromedp.SendKeys(chromedp.CSS(`input[name="`+p.Field+`"]`), p.Value))
	}
	comment := "希望继续加强" + g.name + "意见的收集和反馈。"
	b.do("write a comment", chromedp.SendKeys(chromedp.CSS(`#comment`), comment))
	if first {
		shot(b, "ballot")
	}

	// The review shows every answer as chosen.
	b.submitAndWait("go to the review", `form[action="/vote/review"] button[type=submit]`)
	b.waitVisible("the review", `form[action="/vote/submit"]`)
	got := b.rowTexts(`form[action="/vote/submit"] section.evp-subject dd`)
	var wantDD []string
	for _, si := range mine {
		key := subjects[si].Key
		for _, l := range leaves {
			v := scores[key][l.Key]
			if l.Scale.Kind == "points" {
				wantDD = append(wantDD, strconv.FormatFloat(v, 'f', -1, 64)+" 分")
				continue
			}
			for _, lv := range l.Scale.Levels {
				if lv.Points == v {
					wantDD = append(wantDD, lv.Label)
				}
			}
		}
	}
	if strings.Join(got, "|") != strings.Join(wantDD, "|") {
		t.Errorf("the review of %s shows\n%q\nwant\n%q", g.name, got, wantDD)
	}
	if shown := b.eval(`(document.querySelector(".evp-comment") || {}).textContent || ""`); strings.TrimSpace(shown) != comment {
		t.Errorf("the review shows the comment %q, want %q", shown, comment)
	}
	if first {
		shot(b, "review")
	}
	b.submitAndWait("submit the ballot", `form[action="/vote/submit"] button.primary`)
	b.waitVisible("the receipt", `.receipt`)
	tracker := strings.TrimSpace(b.eval(`document.querySelector(".receipt").textContent`))
	if !trackerForm.MatchString(tracker) {
		t.Fatalf("the receipt shows %q, want a tracker like 7K2QD-M9XAB; page text:\n%s", tracker, b.bodyText())
	}
	if html := b.eval(`document.documentElement.outerHTML`); strings.Contains(html, qr) || strings.Contains(html, code) {
		t.Errorf("the receipt page still holds the code")
	}
	if first {
		shot(b, "receipt")
	}
	return tracker
}

// campSlips is what the sheet of freshly issued codes shows.
type campSlips struct {
	Codes   []string `json:"codes"`
	QR      int      `json:"qr"`
	Sheets  int      `json:"sheets"`
	Heading string   `json:"heading"`
	Note    string   `json:"note"`
}

// readSlips reads the printable sheet of freshly issued codes.
func readSlips(t *testing.T, b *browser) campSlips {
	t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[campSlips](`({
		codes: Array.from(document.querySelectorAll(".slip .slip-code")).map(e => e.textContent.trim()),
		qr: Array.from(document.querySelectorAll(".slip img.slip-qr")).filter(i => i.src.startsWith("data:image/svg+xml") && i.complete && i.naturalWidth > 0).length,
		sheets: document.querySelectorAll(".slip-sheet").length,
		heading: (document.querySelector(".page-head h1") || {}).innerText || "",
		note: (document.querySelector(".slip .slip-note") || {}).textContent || ""
	})`))
	if err != nil {
		b.fail("read the slips", err)
	}
	return s
}

// checkCounts compares the campaign page's table of codes with want: per
// group the codes issued, used and the ballots counted.
func checkCounts(t *testing.T, b *browser, c campaignCase, when string, want func(campaignGroup) [3]int) {
	t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll("#tokens table.list:not(.batches) tbody tr:has(> td.num)")).map(tr =>
		Array.from(tr.children).map(td => (td.childNodes[0] ? td.childNodes[0].textContent : "").trim()))`))
	if err != nil {
		b.fail("read the table of codes", err)
	}
	if len(rows) != len(c.groups) {
		t.Fatalf("%s: the table of codes has %d rows, want %d: %q", when, len(rows), len(c.groups), rows)
	}
	for i, g := range c.groups {
		w := want(g)
		// seq, group, weight, issued, used, revoked, counted
		exp := []string{strconv.Itoa(i + 1), g.name, strconv.FormatFloat(math.Round(g.weight*1000)/10, 'f', -1, 64) + "%",
			strconv.Itoa(w[0]), strconv.Itoa(w[1]), "0", strconv.Itoa(w[2])}
		if strings.Join(rows[i], "|") != strings.Join(exp, "|") {
			t.Errorf("%s: the codes of %s read %q, want %q", when, g.name, rows[i], exp)
		}
	}
}

type campBulletinRow struct {
	Name  string   `json:"name"`
	Cells []string `json:"cells"`
}

func readBulletin(t *testing.T, b *browser) []campBulletinRow {
	t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]campBulletinRow](`Array.from(document.querySelectorAll("table.list tbody tr")).map(tr => ({
		name: tr.querySelector("th").textContent.trim(),
		cells: Array.from(tr.querySelectorAll("td")).map(td => td.textContent.trim())
	}))`))
	if err != nil {
		b.fail("read the bulletin", err)
	}
	return rows
}

// campResultRow is one line of the ranking on the results page.
type campResultRow struct {
	Rank   string   `json:"rank"`
	Name   string   `json:"name"`
	Total  string   `json:"total"`
	Grade  string   `json:"grade"`
	Marks  string   `json:"marks"`
	Groups []string `json:"groups"`
}

// checkResultsPage compares the ranking and the list for rectification on
// the results page with the API's results.
func checkResultsPage(t *testing.T, b *browser, r campRules, subjects []campSubject, res campResults) {
	t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]campResultRow](`Array.from(document.querySelector("table.list").querySelectorAll("tbody tr")).map(tr => {
		const td = Array.from(tr.children);
		const first = el => (el.childNodes[0] && el.childNodes[0].nodeType === 3 ? el.childNodes[0].textContent : "").trim();
		return {
			rank: td[0].textContent.trim(),
			name: first(td[1]),
			total: td[2].textContent.trim(),
			grade: (td[3].querySelector(".tag") || {}).textContent || "",
			marks: td[4].textContent.replace(/\s+/g, " ").trim(),
			groups: td.slice(7).map(first)
		};
	})`))
	if err != nil {
		b.fail("read the ranking", err)
	}
	byKey := map[string]campSubject{}
	for _, s := range subjects {
		byKey[s.Key] = s
	}
	if len(rows) != len(res.Subjects) {
		t.Fatalf("the results page ranks %d subjects, the API %d:\n%+v", len(rows), len(res.Subjects), rows)
	}
	for i, sr := range res.Subjects {
		row := rows[i]
		want := campResultRow{Rank: strconv.Itoa(sr.Rank), Name: byKey[sr.Subject].Name, Total: fmt2p(sr.Total), Grade: sr.Grade}
		if row.Rank != want.Rank || row.Name != want.Name || row.Total != want.Total || row.Grade != want.Grade {
			t.Errorf("ranking line %d reads %s %s %s %s; the API says %s %s %s %s", i+1, row.Rank, row.Name, row.Total, row.Grade,
				want.Rank, want.Name, want.Total, want.Grade)
		}
		if len(sr.Vetoed) > 0 != strings.Contains(row.Marks, "否决") || sr.Capped != strings.Contains(row.Marks, "限额调整") {
			t.Errorf("ranking line %d (%s): the marks read %q; vetoed %v, capped %v", i+1, row.Name, row.Marks, sr.Vetoed, sr.Capped)
		}
		for gi, g := range r.Groups {
			want := ""
			if gr, ok := sr.Groups[g.Key]; ok && sr.Shown[g.Key] {
				want = strconv.FormatFloat(gr.Score, 'f', 2, 64)
			}
			if gi >= len(row.Groups) || row.Groups[gi] != want {
				t.Errorf("ranking line %d (%s): the score of %s reads %q, want %q", i+1, row.Name, g.Name, campAt(row.Groups, gi), want)
			}
		}
	}
	flaggedJS := `Array.from(document.querySelectorAll("section.card")).filter(s => (s.querySelector("h2") || {}).textContent === "整改名单")
		.flatMap(s => Array.from(s.querySelectorAll("table.list tbody tr"))).map(r => r.innerText.replace(/\s+/g, " ").trim())`
	flagged, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](flaggedJS))
	if err != nil {
		b.fail("read the list for rectification", err)
	}
	if len(flagged) != len(res.Flags) {
		t.Errorf("the list for rectification has %d rows, the results flag %d: %q", len(flagged), len(res.Flags), flagged)
	}
	for i, k := range res.Flags {
		if i < len(flagged) && !strings.Contains(flagged[i], byKey[k].Name) {
			t.Errorf("rectification row %d reads %q, want %s", i+1, flagged[i], byKey[k].Name)
		}
	}
}

func campAt(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

// checkResults compares the API's results with those worked out from the
// ballots cast, and with the outcome the case expects.
func checkResults(t *testing.T, when string, c campaignCase, r campRules, subjects []campSubject, got campResults, want map[string]campResult, wantFlags []string) {
	t.Helper()
	if len(got.Subjects) != len(subjects) {
		t.Fatalf("%s: the API's results list %d subjects, want %d", when, len(got.Subjects), len(subjects))
	}
	for _, sr := range got.Subjects {
		w, ok := want[sr.Subject]
		if !ok {
			t.Errorf("%s: unknown subject %s in the results", when, sr.Subject)
			continue
		}
		if sr.Total == nil {
			t.Errorf("%s: %s has no total (incomplete %v, short %v)", when, sr.Subject, sr.Incomplete, sr.Short)
			continue
		}
		if sr.Grade == "" {
			t.Errorf("%s: %s has no grade", when, sr.Subject)
		}
		if fmt2p(sr.Total) != fmt2p(w.Total) || sr.Rank != w.Rank || sr.Grade != w.Grade || sr.ScoreGrade != w.ScoreGrade ||
			len(sr.Vetoed) > 0 != (len(w.Vetoed) > 0) || sr.Capped != w.Capped || fmt2p(sr.MassesSatisfaction) != fmt2p(w.MassesSatisfaction) ||
			fmt2p(sr.Dissatisfaction) != fmt2p(w.Dissatisfaction) || !sameStrings(sr.Short, w.Short) {
			t.Errorf("%s: %s: the API says total %s rank %d grade %s (by score %s) vetoed %v capped %v satisfaction %s dissatisfaction %s short %v;\n"+
				"the ballots give total %s rank %d grade %s (by score %s) vetoed %v capped %v satisfaction %s dissatisfaction %s short %v",
				when, sr.Subject, fmt2p(sr.Total), sr.Rank, sr.Grade, sr.ScoreGrade, sr.Vetoed, sr.Capped, fmt2p(sr.MassesSatisfaction), fmt2p(sr.Dissatisfaction), sr.Short,
				fmt2p(w.Total), w.Rank, w.Grade, w.ScoreGrade, w.Vetoed, w.Capped, fmt2p(w.MassesSatisfaction), fmt2p(w.Dissatisfaction), w.Short)
		}
		for _, g := range r.Groups {
			gs, ws := sr.Groups[g.Key], w.Groups[g.Key]
			if sr.Shown[g.Key] != w.Shown[g.Key] || sr.N[g.Key] != w.N[g.Key] || gs.Score != ws.Score {
				t.Errorf("%s: %s, group %s: the API says shown %v, %d ballots, score %.2f; the ballots give %v, %d, %.2f",
					when, sr.Subject, g.Key, sr.Shown[g.Key], sr.N[g.Key], gs.Score, w.Shown[g.Key], w.N[g.Key], ws.Score)
			}
		}
	}
	if strings.Join(got.Flags, ",") != strings.Join(wantFlags, ",") {
		t.Errorf("%s: the results flag %v, the ballots give %v", when, got.Flags, wantFlags)
	}
	// The outcome each subject was given its answers for.
	for i, s := range c.subjects {
		for _, sr := range got.Subjects {
			if sr.Subject != subjects[i].Key {
				continue
			}
			if sr.Grade != s.grade || len(sr.Vetoed) > 0 != s.vetoed || sr.Capped != s.capped {
				t.Errorf("%s: %s is graded %s (vetoed %v, capped %v), want %s (vetoed %v, capped %v)",
					when, subjects[i].Name, sr.Grade, sr.Vetoed, sr.Capped, s.grade, s.vetoed, s.capped)
			}
		}
	}
}

// checkExport downloads the results with the browser's session and checks
// that the workbook lists every subject with its total and grade.
func checkExport(t *testing.T, b *browser, u, sum string, subjects []campSubject, res campResults) {
	t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{u}})
	if err != nil {
		b.fail("read the browser's cookies", err)
	}
	req, _ := http.NewRequest("GET", u, nil)
	for _, ck := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode != http.StatusOK || !strings.Contains(ct, "spreadsheetml") || !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("GET %s with the browser's session: %d %s, %d bytes starting %q", u, resp.StatusCode, ct, len(body), body[:min(len(body), 16)])
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("GET %s: Content-Disposition %q, want an .xlsx attachment", u, cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the export is not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatalf("read the export: %v", err)
	}
	head, nameCol, totalCol, gradeCol := -1, -1, -1, -1
	hasSum := false
	for i, row := range rows {
		for j, cell := range row {
			switch {
			case cell == "测评对象" && head < 0:
				head, nameCol = i, j
			case cell == "总分" && head == i:
				totalCol = j
			case cell == "等次" && head == i:
				gradeCol = j
			}
			hasSum = hasSum || strings.Contains(cell, sum)
		}
	}
	if head < 0 || totalCol < 0 || gradeCol < 0 {
		t.Fatalf("the export has no header row with 测评对象, 总分 and 等次:\n%q", rows)
	}
	if !hasSum {
		t.Errorf("the export does not carry the checksum %s", sum)
	}
	names := map[string]string{}
	for _, s := range subjects {
		names[s.Key] = s.Name
	}
	data := rows[head+1:]
	if len(data) != len(res.Subjects) {
		t.Fatalf("the export has %d rows under its header, want %d subjects:\n%q", len(data), len(res.Subjects), data)
	}
	for i, sr := range res.Subjects {
		row := data[i]
		cell := func(j int) string {
			if j < len(row) {
				return row[j]
			}
			return ""
		}
		total, err := strconv.ParseFloat(cell(totalCol), 64)
		if cell(nameCol) != names[sr.Subject] || err != nil || fmt2p(&total) != fmt2p(sr.Total) || cell(gradeCol) != sr.Grade {
			t.Errorf("export row %d reads %s %s %s; the results say %s %s %s", i+1, cell(nameCol), cell(totalCol), cell(gradeCol),
				names[sr.Subject], fmt2p(sr.Total), sr.Grade)
		}
	}
}

// logWorking writes out the arithmetic of the first subject's total so
// that a reader can follow it.
func logWorking(t *testing.T, c campaignCase, r campRules, keys []string, want map[string]campResult) {
	t.Helper()
	w := want[keys[0]]
	var parts, weights []string
	for _, g := range r.Groups {
		if gr, ok := w.Groups[g.Key]; ok && w.N[g.Key] >= r.MinBallots {
			parts = append(parts, fmt.Sprintf("%v × %.4f (%s, %d ballots)", g.Weight, gr.raw, g.Name, w.N[g.Key]))
			weights = append(weights, strconv.FormatFloat(g.Weight, 'f', -1, 64))
		}
	}
	t.Logf("%s, subject %s: total = (%s) / (%s) = %s, graded %s", c.name, keys[0], strings.Join(parts, " + "), strings.Join(weights, " + "), fmt2p(w.Total), w.Grade)
}

// The API, as the evaluator's programs use it.
type campAPI struct {
	t     *testing.T
	base  string
	token string
}

func (a *campAPI) get(path string, into any) []byte {
	a.t.Helper()
	req, _ := http.NewRequest("GET", a.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		a.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("GET %s: %d %.500s", path, resp.StatusCode, body)
	}
	if into != nil {
		if err := json.Unmarshal(body, into); err != nil {
			a.t.Fatalf("GET %s: %v in %.500s", path, err, body)
		}
	}
	return body
}

type campOrg struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	Level     string `json:"level"`
}

func (a *campAPI) orgByRegion(code string) campOrg {
	a.t.Helper()
	var r struct{ Items []campOrg }
	a.get("/api/v1/orgs?region_code="+code, &r)
	if len(r.Items) != 1 {
		a.t.Fatalf("GET /api/v1/orgs?region_code=%s: %d organizations, want 1", code, len(r.Items))
	}
	return r.Items[0]
}

func (a *campAPI) villageChildren(id int64) []campOrg {
	a.t.Helper()
	var r struct{ Items []campOrg }
	a.get(fmt.Sprintf("/api/v1/orgs/%d/children?level=village&limit=50", id), &r)
	return r.Items
}

type campCampaign struct {
	ID            int64     `json:"id"`
	OwnerOrgID    int64     `json:"owner_org_id"`
	Name          string    `json:"name"`
	Type          string    `json:"type"`
	Status        string    `json:"status"`
	Rules         campRules `json:"rules"`
	ResultsSHA256 string    `json:"results_sha256"`
}

func (a *campAPI) campaign(id int64) campCampaign {
	var c campCampaign
	a.get(fmt.Sprintf("/api/v1/campaigns/%d", id), &c)
	return c
}

type campSubject struct {
	Key        string   `json:"key"`
	Kind       string   `json:"kind"`
	Name       string   `json:"name"`
	Post       string   `json:"post"`
	Unit       string   `json:"unit"`
	Section    string   `json:"section"`
	ReportText string   `json:"report_text"`
	Groups     []string `json:"groups"`
}

func (a *campAPI) subjects(id int64) []campSubject {
	var r struct{ Items []campSubject }
	a.get(fmt.Sprintf("/api/v1/campaigns/%d/subjects", id), &r)
	return r.Items
}

func (a *campAPI) results(id int64) (campResults, []byte) {
	var r campResults
	raw := a.get(fmt.Sprintf("/api/v1/campaigns/%d/results", id), &r)
	return r, raw
}

func (a *campAPI) flags(id int64) []string {
	var r struct{ Items []campSubject }
	a.get(fmt.Sprintf("/api/v1/campaigns/%d/flags", id), &r)
	keys := []string{}
	for _, s := range r.Items {
		keys = append(keys, s.Key)
	}
	return keys
}

type campBulletin struct {
	Trackers []string `json:"trackers"`
}

func (a *campAPI) bulletin(id int64) campBulletin {
	var b campBulletin
	a.get(fmt.Sprintf("/api/v1/public/campaigns/%d/bulletin", id), &b)
	return b
}

// cast posts a ballot to the public ballot box.
func (a *campAPI) cast(code string, scores map[string]map[string]float64) (int, string) {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"token": code, "scores": scores, "comment": ""})
	return apiPost(a.t, a.base+"/api/v1/public/ballots", "", string(body))
}

// castBallot casts a ballot that must be accepted and returns its tracker.
func (a *campAPI) castBallot(code string, scores map[string]map[string]float64) string {
	a.t.Helper()
	st, body := a.cast(code, scores)
	var r struct {
		Tracker string `json:"tracker"`
	}
	if st != http.StatusCreated || json.Unmarshal([]byte(body), &r) != nil || !trackerForm.MatchString(r.Tracker) {
		a.t.Fatalf("POST /api/v1/public/ballots: %d %s; want 201 with a tracker", st, body)
	}
	return r.Tracker
}

// The rules and results as the API writes them.
type campRules struct {
	Type       string    `json:"type"`
	Indicators []campInd `json:"indicators"`
	Groups     []struct {
		Key    string  `json:"key"`
		Name   string  `json:"name"`
		Weight float64 `json:"weight"`
		Masses bool    `json:"masses"`
	} `json:"groups"`
	K          int    `json:"k"`
	FewBallots string `json:"few_ballots"`
	MinBallots int    `json:"min_ballots"`
	Trim       bool   `json:"trim"`
	Grades     []struct {
		Grade string  `json:"grade"`
		Min   float64 `json:"min"`
	} `json:"grades"`
	Vetoes []struct {
		Kind      string  `json:"kind"`
		Threshold float64 `json:"threshold"`
		Grade     string  `json:"grade"`
	} `json:"vetoes"`
	TopCap          float64 `json:"top_cap"`
	VillageTemplate bool    `json:"village_template"`
}

type campScale struct {
	Kind   string `json:"kind"`
	Levels []struct {
		Label  string  `json:"label"`
		Points float64 `json:"points"`
	} `json:"levels"`
}

type campInd struct {
	Key      string    `json:"key"`
	Name     string    `json:"name"`
	Weight   float64   `json:"weight"`
	Scale    campScale `json:"scale"`
	Children []campInd `json:"children"`
}

type campLeaf struct {
	Key   string
	Name  string
	Scale campScale
}

func campLeaves(inds []campInd, parent string) []campLeaf {
	var out []campLeaf
	for _, in := range inds {
		name := in.Name
		if parent != "" {
			name = parent + " · " + in.Name
		}
		if len(in.Children) > 0 {
			out = append(out, campLeaves(in.Children, name)...)
		} else {
			out = append(out, campLeaf{in.Key, name, in.Scale})
		}
	}
	return out
}

type campBallot struct {
	Group  string
	Scores map[string]map[string]float64
}

type campGroupResult struct {
	Score float64 `json:"score"`
	raw   float64 // unrounded, for the log
}

type campResult struct {
	Subject            string                     `json:"subject"`
	Rank               int                        `json:"rank"`
	Total              *float64                   `json:"total"`
	ScoreGrade         string                     `json:"score_grade"`
	Grade              string                     `json:"grade"`
	Incomplete         bool                       `json:"incomplete"`
	Short              []string                   `json:"short"`
	Vetoed             []string                   `json:"vetoed"`
	Capped             bool                       `json:"capped"`
	MassesSatisfaction *float64                   `json:"masses_satisfaction"`
	Dissatisfaction    *float64                   `json:"dissatisfaction"`
	N                  map[string]int             `json:"n"`
	Shown              map[string]bool            `json:"shown"`
	Groups             map[string]campGroupResult `json:"groups"`
}

type campResults struct {
	Subjects []campResult `json:"subjects"`
	Flags    []string     `json:"flags"`
}

// expectResults works the results out from the ballots as the rules
// describe them: per group and leaf the mean answer (without the highest
// and the lowest when trimming and at least seven answered), weighted up
// the indicator tree; groups below k hidden, below the minimum left out
// (the subject incomplete or the other groups reweighted); the total
// rounded to two decimals and graded; the masses' satisfaction veto; the
// cap on the top grade; ranks; the flags. A group that does not rate a
// subject (its groups are ticked and that one is not) plays no part in it.
func expectResults(r campRules, subs []campSubject, ballots []campBallot) (map[string]campResult, []string) {
	subjects := make([]string, len(subs))
	rates := map[string]map[string]bool{}
	for i, sb := range subs {
		subjects[i] = sb.Key
		if len(sb.Groups) > 0 {
			rates[sb.Key] = map[string]bool{}
			for _, g := range sb.Groups {
				rates[sb.Key][g] = true
			}
		}
	}
	k, minB := r.K, r.MinBallots
	if k == 0 {
		k = 5
	}
	if minB == 0 {
		minB = k
	}
	leaves := campLeaves(r.Indicators, "")
	out := map[string]campResult{}
	var order []*campResult
	for _, s := range subjects {
		res := campResult{Subject: s, N: map[string]int{}, Shown: map[string]bool{}, Groups: map[string]campGroupResult{}}
		var wSum, massW, total float64
		var satYes, sat, lowest, ords int
		for _, g := range r.Groups {
			if rs := rates[s]; rs != nil && !rs[g.Key] {
				continue
			}
			var answers []map[string]float64
			for _, b := range ballots {
				if a, ok := b.Scores[s]; ok && b.Group == g.Key {
					answers = append(answers, a)
				}
			}
			n := len(answers)
			res.Shown[g.Key] = n >= k
			if n < minB {
				res.Short = append(res.Short, g.Key)
			}
			if n < k {
				continue
			}
			score := campTree(r.Indicators, answers, r.Trim)
			res.N[g.Key] = n
			res.Groups[g.Key] = campGroupResult{Score: campRound2(score), raw: score}
			if n < minB {
				continue
			}
			wSum += g.Weight
			total += g.Weight * score
			if g.Masses {
				massW += g.Weight
			}
			for _, a := range answers {
				for _, l := range leaves {
					if l.Scale.Kind != "levels" {
						continue
					}
					v, low, label, satLeaf := a[l.Key], math.Inf(1), "", false
					for _, lv := range l.Scale.Levels {
						low = math.Min(low, lv.Points)
						if lv.Points == v {
							label = lv.Label
						}
						satLeaf = satLeaf || lv.Label == "满意"
					}
					ords++
					if v == low {
						lowest++
					}
					if satLeaf && g.Masses {
						sat++
						if label == "满意" || label == "基本满意" || label == "非常满意" || label == "比较满意" {
							satYes++
						}
					}
				}
			}
		}
		if sat > 0 {
			v := campRound2(100 * float64(satYes) / float64(sat))
			res.MassesSatisfaction = &v
		}
		if ords > 0 {
			v := campRound2(100 * float64(lowest) / float64(ords))
			res.Dissatisfaction = &v
		}
		res.Incomplete = (len(res.Short) > 0 && r.FewBallots != "renormalize") || wSum <= 0 ||
			(r.VillageTemplate && massW/wSum < 0.4-1e-6)
		if !res.Incomplete {
			t := campRound2(total / wSum)
			res.Total = &t
			gi := len(r.Grades) - 1
			for i, gr := range r.Grades {
				if t >= gr.Min {
					gi = i
					break
				}
			}
			res.ScoreGrade = r.Grades[gi].Grade
			for _, v := range r.Vetoes {
				if res.MassesSatisfaction != nil && *res.MassesSatisfaction < v.Threshold {
					res.Vetoed = append(res.Vetoed, v.Kind)
					for i, gr := range r.Grades {
						if gr.Grade == v.Grade && i > gi {
							gi = i
						}
					}
				}
			}
			res.Grade = r.Grades[gi].Grade
		}
		order = append(order, &res)
		out[s] = res
	}
	// At most floor(cap × subjects) keep the top grade; the rest move down one.
	if r.TopCap > 0 && r.TopCap < 1 {
		var top []*campResult
		for _, p := range order {
			if p.Grade == r.Grades[0].Grade {
				top = append(top, p)
			}
		}
		slots := int(math.Floor(r.TopCap*float64(len(subjects)) + 1e-9))
		if len(top) > slots {
			sort.SliceStable(top, func(i, j int) bool { return *top[i].Total > *top[j].Total })
			cut := *top[slots].Total
			for _, p := range top {
				if *p.Total <= cut {
					p.Grade, p.Capped = r.Grades[1].Grade, true
				}
			}
		}
	}
	for _, p := range order {
		if p.Total == nil {
			continue
		}
		p.Rank = 1
		for _, q := range order {
			if q.Total != nil && *q.Total > *p.Total {
				p.Rank++
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if (a.Rank == 0) != (b.Rank == 0) {
			return a.Rank != 0
		}
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		return a.Subject < b.Subject
	})
	flags := []string{}
	for _, p := range order {
		out[p.Subject] = *p
		if p.Grade == r.Grades[len(r.Grades)-1].Grade || len(p.Vetoed) > 0 {
			flags = append(flags, p.Subject)
		}
	}
	return out, flags
}

func campTree(inds []campInd, answers []map[string]float64, trim bool) float64 {
	sum := 0.0
	for _, in := range inds {
		var v float64
		if len(in.Children) > 0 {
			v = campTree(in.Children, answers, trim)
		} else {
			vs := make([]float64, len(answers))
			for i, a := range answers {
				vs[i] = a[in.Key]
			}
			if trim && len(vs) >= 7 {
				sort.Float64s(vs)
				vs = vs[1 : len(vs)-1]
			}
			for _, x := range vs {
				v += x
			}
			v /= float64(len(vs))
		}
		sum += in.Weight * v
	}
	return sum
}

// campRound2 rounds half away from zero to two decimals, after dropping the
// binary noise below 1e-9, as a person rounding 89.995 would.
func campRound2(x float64) float64 {
	return math.Round(math.Round(x*1e9)/1e7) / 100
}

func fmt2p(p *float64) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p, 'f', 2, 64)
}

func sameStrings(a, b []string) bool {
	return strings.Join(a, ",") == strings.Join(b, ",")
}

// dialogLog accepts every JavaScript dialog of a browser, as a user
// clicking OK, and remembers their messages.
type dialogLog struct {
	mu   sync.Mutex
	msgs []string
	seen int
}

func acceptDialogs(t *testing.T, b *browser) *dialogLog {
	t.Helper()
	d := &dialogLog{}
	events := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			d.mu.Lock()
			d.msgs = append(d.msgs, ev.Message)
			d.mu.Unlock()
			_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}) // a page that failed shows in the assertions
		}
	}()
	return d
}

// expect checks that exactly one dialog came up since the last check and
// that it said want.
func (d *dialogLog) expect(t *testing.T, what, want string) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	got := d.msgs[d.seen:]
	d.seen = len(d.msgs)
	if len(got) != 1 || !strings.Contains(got[0], want) {
		t.Errorf("%s: the browser asked %q, want one question with %q", what, got, want)
	}
}

// submitAndWait clicks sel, which submits a form, and waits until the page
// that answers it has loaded, whatever its address.
func (b *browser) submitAndWait(what, sel string) {
	b.t.Helper()
	b.eval(`window.__stalePage = "1"`)
	b.do(what, chromedp.Click(chromedp.CSS(sel)))
	ctx, cancel := b.step()
	defer cancel()
	for {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__stalePage ? "stale" : document.readyState`))
		if err == nil && s == "complete" {
			return
		}
		select {
		case <-ctx.Done():
			b.fail(what+": the answering page did not load", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func campLocationPath(b *browser) string {
	b.t.Helper()
	return b.eval(`location.pathname`)
}

// campFlash checks the message the page shows after an action.
func campFlash(t *testing.T, b *browser, what, want string) {
	t.Helper()
	got := b.eval(`Array.from(document.querySelectorAll(".flash")).map(f => f.className + ": " + f.textContent.trim()).join(" | ")`)
	if !strings.Contains(got, "ok: ") || !strings.Contains(got, want) {
		t.Errorf("%s: the page says %q, want a confirmation with %q", what, got, want)
	}
}

// campShots writes name-1366.png and name-390.png of the current page: the
// desktop browser narrows to a phone's width and back, the phone widens to
// a desktop's and back. Pages with charts get time to redraw them.
func campShots(b *browser, name string) {
	b.t.Helper()
	// A page reached through an anchor (#subjects) is scrolled; a full-page
	// capture from there draws the sticky header halfway down.
	state := b.eval(`window.scrollTo(0, 0), navigator.userAgent.includes("JicengPhoneMarker") + " " + document.querySelectorAll("[data-chart]").length`)
	mobile, settle := strings.HasPrefix(state, "true "), 150*time.Millisecond
	if !strings.HasSuffix(state, " 0") {
		settle = 700 * time.Millisecond
	}
	desk := func() { b.do("desktop width", chromedp.EmulateViewport(1366, 900)) }
	narrow := func() {
		b.do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	}
	if mobile {
		campCapture(b, name+"-390.png", settle)
		desk()
		campCapture(b, name+"-1366.png", settle)
		b.do("phone again", chromedp.Emulate(phone))
		return
	}
	campCapture(b, name+"-1366.png", settle)
	narrow()
	campCapture(b, name+"-390.png", settle)
	desk()
}

// campCapture writes a full-page PNG once the page has settled.
func campCapture(b *browser, name string, settle time.Duration) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	buf, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		if _, err := chromedp.Sleep(settle)(ctx, t); err != nil {
			return nil, err
		}
		return chromedp.FullScreenshot(100)(ctx, t)
	})
	if err != nil {
		b.fail("screenshot "+name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name), buf, 0o644); err != nil {
		b.t.Fatalf("write %s: %v", name, err)
	}
}

// pdfPage finds the page objects of a PDF as Chromium writes it.
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// slipPages prints the current page to PDF as Chromium's print dialog
// would, on the page size the print style sheet asks for, and counts the
// pages.
func slipPages(t *testing.T, b *browser) int {
	t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	yes := true
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		b.fail("print the slips to PDF", err)
	}
	return len(pdfPage.FindAll(pdf.Data, -1))
}

package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// rectifyFlagged walks the organization a published campaign graded 差
// through its rectification in the pages, as the county's organization
// department (the demo's county_admin, 兴宁区委): the year's
// identification names it a candidate with the campaign's grade as its
// evidence; the county lists it, plans it, the month's progress goes in
// with a photo, the acceptance check passes with a file of evidence, and
// it is struck off; its public page, on a phone, shows the measures and
// the state, and no person.
func rectifyFlagged(t *testing.T, base, shots, password string, flagged campOrg, campaign string) {
	t.Helper()
	b := newBrowser(t)
	b.base, b.shots = base, shots
	login(b, "county_admin", password)
	shot := func(name string) { campShots(b, "rect-"+name) }
	year := time.Now().In(beijing).Year()
	photo := filepath.Join(t.TempDir(), "照片.png")
	if err := os.WriteFile(photo, rectPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}

	// 1. Identification from the published results: the county's scope
	// is its own, so the form needs the year alone.
	b.open("/rectification")
	b.do("open the identification", chromedp.Click(chromedp.CSS(`details.card > summary`)))
	b.do("choose the year", chromedp.SetValue(chromedp.CSS(`#identify_year`), strconv.Itoa(year)))
	b.submitAndWait("identify the candidates", `form[action="/rectification/identify"] button[type=submit]`)
	campFlash(t, b, "identify the candidates", fmt.Sprintf("%d 年研判完成：新增候选", year))
	shot("candidates")
	href := b.eval(`(() => { const a = [...document.querySelectorAll("table.list td a")].find(a => a.textContent.trim() === ` + strconv.Quote(flagged.Name) + ` || a.textContent.trim() === ` + strconv.Quote(flagged.ShortName) + `); return a ? a.getAttribute("href") : "" })()`)
	if !strings.HasPrefix(href, "/rectification/") {
		t.Fatalf("%s is not among the candidates after the identification", flagged.Name)
	}
	b.open(href)
	if ev := b.eval(`document.querySelector("ul.evidence").textContent`); !strings.Contains(ev, campaign+"：等次“差”") {
		t.Errorf("the candidate's evidence reads %q, want the campaign %s and its grade 差", ev, campaign)
	}
	shot("candidate")

	// 2. The county lists it and plans it.
	b.do("list it", chromedp.Click(chromedp.CSS(`input[name=decision][value=list]`)), chromedp.SetValue(chromedp.CSS(`#reason`), "life_irregular"))
	b.submitAndWait("submit the decision", `form[action="`+href+`/decide"] button[type=submit]`)
	campFlash(t, b, "list it", "已列入，待定方案")
	measures := "规范落实“三会一课”制度，每月开展主题党日，调整充实社区党支部班子。"
	b.do("fill the plan",
		chromedp.SetValue(chromedp.CSS(`#measures`), measures),
		chromedp.SetValue(chromedp.CSS(`#leader`), "张三（区委常委、组织部部长）"),
		chromedp.SetValue(chromedp.CSS(`#deadline`), fmt.Sprintf("%d-06-30", year+1)))
	b.submitAndWait("save the plan", `form[action="`+href+`/plan"] button[type=submit]`)
	campFlash(t, b, "save the plan", "整顿中")

	// 3. The month's progress with a photo.
	b.do("write the month's progress",
		chromedp.SetValue(chromedp.CSS(`#text`), "召开支部党员大会，补选支部委员 1 名，制定全年组织生活计划。"),
		chromedp.SetUploadFiles(chromedp.CSS(`#attachments-progress`), []string{photo}))
	b.submitAndWait("report the progress", `form[action="`+href+`/progress"] button[type=submit]`)
	campFlash(t, b, "report the progress", "整顿中")
	if n := b.eval(`String(document.querySelectorAll('ul.files a[href*="/files/"]').length)`); n != "1" {
		t.Errorf("the timeline lists %s attachments after the report, want 1", n)
	}
	shot("rectifying")

	// 4. The acceptance check with its evidence, then 销号.
	b.do("fill the acceptance check",
		chromedp.Click(chromedp.CSS(`input[name=decision][value=pass]`)),
		chromedp.SetValue(chromedp.CSS(`#conclusion`), "班子健全，组织生活恢复正常，群众满意，同意验收。"),
		chromedp.SetUploadFiles(chromedp.CSS(`#attachments-accept`), []string{photo}))
	b.submitAndWait("pass the check", `form[action="`+href+`/accept"] button[type=submit]`)
	campFlash(t, b, "pass the check", "已验收，待销号")
	b.submitAndWait("strike it off", `form[action="`+href+`/close"] button[type=submit]`)
	campFlash(t, b, "strike it off", "已销号")
	steps := b.eval(`[...document.querySelectorAll("ol.timeline li strong")].map(s => s.textContent.trim()).join(" ")`)
	if steps != "列为候选 研判列入 制定整顿方案 报送整顿进展 验收通过 销号" {
		t.Errorf("the timeline reads %q", steps)
	}
	shot("closed")
	cockpitDrillsAndPrints(t, b, "兴宁区委")
	shot("cockpit")

	// 5. The public page, on a phone, without a login.
	p := newBrowser(t)
	p.base, p.shots = base, shots
	p.do("emulate a phone", chromedp.Emulate(phone))
	p.open("/accountability/" + strconv.FormatInt(flagged.ID, 10))
	text := p.eval(`document.body.innerText`)
	for _, want := range []string{measures, "已销号", "兴宁区委"} {
		if !strings.Contains(text, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	if strings.Contains(text, "张三") || strings.Contains(text, campaign) {
		t.Error("the public page names the leader or the evidence")
	}
	campShots(p, "rect-public")
	t.Logf("rectification of %s: identified from %s, listed, planned, reported, accepted and struck off", flagged.Name, campaign)
	for what, br := range map[string]*browser{"desktop": b, "phone": p} {
		if ex := br.exceptions(); len(ex) > 0 {
			t.Errorf("uncaught JavaScript exceptions on the rectification's %s pages:\n%s", what, strings.Join(ex, "\n"))
		}
	}
}

// rectPNG is a small photo to upload.
func rectPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		img.Set(x, x%48, color.RGBA{R: 200, G: 30, B: 30, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var receiptForm = regexp.MustCompile(`^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{2}$`)

// TestPhoneCases files one case of each kind from a 390×844 phone at the
// demo's 兴宁社区, keeps its receipt, follows it, and takes it through the
// handlers' steps (the demo's street handler, and for the integrity report
// the county's integrity officer) to an answer; the phone rates the answer
// unsatisfied, which reopens the case, then satisfied after the second
// answer, and the case closes. The follow-up page shows every public step;
// the server's output holds no receipt and no user agent.
func TestPhoneCases(t *testing.T) {
	needBrowser(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	dbURL := "sqlite:" + filepath.Join(tmp, "cases.db")
	out := runDemo(t, bin, dbURL)
	base, serverOut := startServer(t, bin, dbURL)
	shots := shotsDir(t, tmp)
	b := newBrowser(t)
	b.base, b.shots = base, shots
	b.do("emulate a phone", chromedp.Emulate(phone))
	handler := apiLogin(t, base, "handler", demoPassword(t, out, "handler"))
	officer := apiLogin(t, base, "integrity", demoPassword(t, out, "integrity"))

	var receipts []string
	for _, k := range []struct {
		kind, body, token string
	}{
		{"service", "3栋2单元门口的路灯坏了两周，晚上出入很不方便，请尽快修理。", handler},
		{"mediation", "楼上邻居装修噪音很大，周末也不停，沟通多次没有结果，请社区调解。", handler},
		{"opinion", "建议在社区增设老年食堂，解决独居老人吃饭难的问题。", handler},
		{"integrity", "反映社区工作人员在办理居住证明时收取好处费。", officer},
	} {
		b.open("/report?place=450102001003")
		b.waitVisible("the report form", `form[action="/report"]`)
		b.do("choose "+k.kind, chromedp.Click(chromedp.CSS(`input[name=kind][value=`+k.kind+`]`)))
		switch k.kind {
		case "opinion":
			b.do("choose the topic", chromedp.SetValue(chromedp.CSS(`#topic`), "elderly"))
		case "integrity":
			b.do("name the person concerned", chromedp.SendKeys(chromedp.CSS(`#subject_text`), "社区工作人员"))
		}
		b.do("write the report", chromedp.SendKeys(chromedp.CSS(`#body`), k.body))
		b.submitAndWait("submit the report", `button[name=op][value=submit]`)
		b.waitVisible("the receipt", `#receipt`)
		receipt := strings.TrimSpace(b.eval(`document.getElementById("receipt").textContent`))
		if !receiptForm.MatchString(receipt) {
			t.Fatalf("%s: the receipt reads %q; page text:\n%s", k.kind, receipt, b.bodyText())
		}
		if strings.Contains(b.location(), receipt) {
			t.Errorf("%s: the receipt is in the address %s", k.kind, b.location())
		}
		b.screenshot("case-receipt-" + k.kind + "-390.png")
		b.do("confirm the receipt is saved", chromedp.Click(chromedp.CSS(`input[name=saved]`)))
		b.submitAndWait("continue", `form[action="/report/saved"] button[type=submit]`)
		b.waitVisible("the done page", `a[href="/track"]`)
		receipts = append(receipts, receipt)

		// The handlers take it to an answer.
		id := caseByReceipt(t, base, receipt)
		for _, step := range []string{"accept", "start", "answer"} {
			caseStep(t, base, k.token, id, step, `{"text":"已现场核实并处理，请查看。"}`)
		}
		// The phone follows it and is not satisfied: the case reopens.
		b.track(receipt)
		if !strings.Contains(b.bodyText(), "已现场核实并处理，请查看。") {
			t.Errorf("%s: the follow-up page does not show the answer; page text:\n%s", k.kind, b.bodyText())
		}
		b.do("rate unsatisfied", chromedp.Click(chromedp.CSS(`input[name=rating][value=unsatisfied]`)))
		b.submitAndWait("send the rating", `form[action="/track/rate#rate"] button[type=submit]`)
		if !strings.Contains(b.bodyText(), "重新办理") {
			t.Errorf("%s: after 不满意 the page does not say the case is handled again; page text:\n%s", k.kind, b.bodyText())
		}
		b.screenshot("case-reopened-" + k.kind + "-390.png")
		caseStep(t, base, k.token, id, "answer", `{"text":"已再次处理，问题已全部解决。"}`)
		b.track(receipt)
		b.do("rate satisfied", chromedp.Click(chromedp.CSS(`input[name=rating][value=satisfied]`)))
		b.submitAndWait("send the rating", `form[action="/track/rate#rate"] button[type=submit]`)
		caseStep(t, base, k.token, id, "visit", `{"text":"电话回访，反映人满意。"}`)
		caseStep(t, base, k.token, id, "close", `{"outcome":"resolved"}`)
		b.track(receipt)
		text := b.bodyText()
		for _, want := range []string{"已办结", "已解决", "已再次处理，问题已全部解决。"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the closed case's page lacks %q; page text:\n%s", k.kind, want, text)
			}
		}
		if got := b.eval(`String(document.querySelectorAll('form[action="/track/rate#rate"]').length)`); got != "0" {
			t.Errorf("%s: a closed and rated case still offers rating", k.kind)
		}
		b.withinScreens("the closed "+k.kind+" case", 8)
		b.screenshot("case-closed-" + k.kind + "-390.png")
	}
	if ex := b.exceptions(); len(ex) > 0 {
		t.Errorf("uncaught JavaScript exceptions on the pages:\n%s", strings.Join(ex, "\n"))
	}
	outText := serverOut.String()
	for _, r := range receipts {
		if strings.Contains(outText, r) || strings.Contains(outText, strings.ReplaceAll(r, "-", "")) {
			t.Errorf("the server's output holds the receipt %s", r)
		}
	}
	if strings.Contains(outText, "JicengPhoneMarker") || strings.Contains(outText, "path=/report") || strings.Contains(outText, "path=/track") {
		t.Errorf("the server logged a public request one by one, or the phone's user agent; output:\n%s", outText)
	}
	t.Logf("screenshots in %s", shots)
}

// track opens the follow-up page of a receipt as a resident types it.
func (b *browser) track(receipt string) {
	b.t.Helper()
	b.open("/track")
	b.waitVisible("the follow-up form", `form[action="/track"]`)
	b.do("enter the receipt", chromedp.SendKeys(chromedp.CSS(`#receipt`), strings.ToLower(strings.ReplaceAll(receipt, "-", " "))))
	b.submitAndWait("follow the case", `form[action="/track"] button[type=submit]`)
	b.waitVisible("the case", `.csp-status`)
	if strings.Contains(b.location(), "receipt") {
		b.t.Errorf("the follow-up is at %s", b.location())
	}
}

// caseByReceipt finds a case's number with its receipt, as its reporter.
func caseByReceipt(t *testing.T, base, receipt string) int64 {
	t.Helper()
	st, body := apiPost(t, base+"/api/v1/public/cases/follow", "", fmt.Sprintf(`{"receipt":%q}`, receipt))
	var c struct {
		ID int64 `json:"id"`
	}
	if st != http.StatusOK || json.Unmarshal([]byte(body), &c) != nil || c.ID == 0 {
		t.Fatalf("follow %s: %d %s", receipt, st, body)
	}
	return c.ID
}

// caseStep takes a step on a case through the API.
func caseStep(t *testing.T, base, token string, id int64, step, body string) {
	t.Helper()
	if st, out := apiPost(t, fmt.Sprintf("%s/api/v1/cases/%d/%s", base, id, step), token, body); st != http.StatusOK {
		t.Fatalf("case %d %s: %d %s", id, step, st, out)
	}
}

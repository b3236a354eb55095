package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

// phone is a 390×844 phone in portrait whose user agent carries a marker,
// so that the test can tell whether the server logged it.
var phone = device.Info{
	Name:      "jiceng test phone",
	UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 JicengPhoneMarker",
	Width:     390, Height: 844, Scale: 2, Mobile: true, Touch: true,
}

var (
	trialLine   = regexp.MustCompile(`试投一票：\S+/vote 测评码 ([0-9A-Z*~$=-]{27,40})`)
	trackerForm = regexp.MustCompile(`^[0-9A-Z]{5}-[0-9A-Z]{5}$`)
	bulletinRef = regexp.MustCompile(`^/bulletin/(\d+)$`)
)

// TestPhoneBallot casts the demo's printed ballot code from a phone: the QR
// code's URL, the ballot, the review, the receipt; then the demo evaluator
// closes the campaign through the API and the tracker is on the bulletin.
// The server's output must hold neither the code, nor the tracker, nor the
// phone's user agent.
func TestPhoneBallot(t *testing.T) {
	needBrowser(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	dbURL := "sqlite:" + filepath.Join(tmp, "ballot.db")
	password, code := seedBallotDemo(t, bin, dbURL)
	base, serverOut := startServer(t, bin, dbURL)

	shots := shotsDir(t, tmp)
	b := newBrowser(t)
	b.base, b.shots = base, shots
	b.do("emulate a phone", chromedp.Emulate(phone))

	// The slip's QR code: the code, without its dashes, is posted at once
	// and leaves the address; the ballot opens.
	qr := strings.ReplaceAll(code, "-", "")
	b.openSlip(qr)

	// The ballot as it first shows: every subject folded to its line and
	// progress but the first, within six phone screens.
	subjects := b.eval(`String(document.querySelectorAll("section.evp-subject").length)`)
	if subjects != "9" {
		t.Errorf("the village ballot shows %s subjects, want 9", subjects)
	}
	b.withinScreens("the ballot as it opens", 6)
	b.screenshot("ballot-first-390.png")
	t.Logf("screenshot of the ballot as it opens: %s", filepath.Join(shots, "ballot-first-390.png"))
	if p := b.eval(`document.querySelector("section.evp-subject .evp-progress").textContent`); p != "0/7" {
		t.Errorf("the first subject's progress reads %q, want 0/7", p)
	}
	b.levelsFit("zh")

	// Asking for the review with nothing answered: the script keeps the
	// form, opens and marks the first gap and says how many are missing.
	b.do("ask for the review too early", chromedp.Click(chromedp.CSS(`form[action="/vote/review"] button[type=submit]`)))
	if got := b.eval(`(() => { const g = document.getElementById("gap"); return location.pathname + " " + (g ? g.closest("details").open + " " + g.classList.contains("has-error") + " " + (g.querySelector("legend") || g.querySelector("label")).textContent.trim() : "none") + " | " + document.querySelector(".evp-missing").textContent })()`); !strings.HasPrefix(got, "/vote/ballot true true ") || !strings.Contains(got, "还有 63 项未评价") {
		t.Errorf("an empty ballot sent for review: %q, want the first gap of 63 opened and marked on /vote/ballot", got)
	}

	// Answer every indicator of every subject with its first level.
	answered := b.eval(`(() => {
		const names = [];
		document.querySelectorAll('form[action="/vote/review"] input[type=radio]').forEach(i => { if (!names.includes(i.name)) names.push(i.name); });
		names.forEach(n => document.querySelector('input[type=radio][name="' + CSS.escape(n) + '"]').click());
		document.querySelectorAll('form[action="/vote/review"] input[type=number]').forEach(i => { i.value = "90"; });
		const groups = document.querySelectorAll('form[action="/vote/review"] fieldset').length;
		const checked = document.querySelectorAll('form[action="/vote/review"] input[type=radio]:checked').length;
		return names.length + " " + groups + " " + checked;
	})()`)
	var radios, groups, checked int
	if _, err := fmt.Sscan(answered, &radios, &groups, &checked); err != nil || radios == 0 || radios != groups || checked != radios {
		t.Fatalf("answering the ballot of %s subjects: radio groups, fieldsets, checked = %q", subjects, answered)
	}
	if radios != 63 {
		t.Errorf("the village ballot has %d indicators to answer, want 9 × 7 = 63", radios)
	}
	// Each subject folded as its last item was answered.
	if got := b.eval(`document.querySelectorAll("section.evp-subject.done").length + " " + document.querySelectorAll("section.evp-subject details[open]").length`); got != "9 0" {
		t.Errorf("after answering: subjects done, open = %q, want 9 0", got)
	}
	t.Logf("ballot: %s subjects, %d indicators answered", subjects, radios)
	b.withinScreens("the filled ballot", 6)
	b.screenshot("ballot-390.png")
	t.Logf("screenshot of the filled ballot: %s", filepath.Join(shots, "ballot-390.png"))

	// Review; the Back gesture returns to the filled ballot — a GET, no
	// form to resubmit — with every answer still selected.
	b.do("go to the review", chromedp.Click(chromedp.CSS(`form[action="/vote/review"] button[type=submit]`)))
	b.waitVisible("the review", `form[action="/vote/submit"]`)
	if p := b.eval(`location.pathname`); p != "/vote/review" {
		t.Errorf("the review is at %q, want /vote/review", p)
	}
	b.withinScreens("the review of 63 answers", 6)
	b.screenshot("review-390.png")
	b.do("go back from the review", chromedp.NavigateBack())
	b.waitVisible("the ballot after Back", `form[action="/vote/review"]`)
	if got := b.eval(`location.pathname + " " + document.querySelectorAll('form[action="/vote/review"] input[type=radio]:checked').length`); got != fmt.Sprintf("/vote/ballot %d", radios) {
		t.Errorf("after Back from the review: %q, want /vote/ballot with %d answers selected; page text:\n%s", got, radios, b.bodyText())
	}
	b.screenshot("ballot-back-390.png")
	// In English the levels still fit their buttons, and the answers stay.
	b.open("/lang?to=en&back=/vote/ballot")
	b.waitVisible("the English ballot", `form[action="/vote/review"]`)
	if got := b.eval(`String(document.querySelectorAll('form[action="/vote/review"] input[type=radio]:checked').length)`); got != fmt.Sprint(radios) {
		t.Errorf("the English ballot has %s answers selected, want %d", got, radios)
	}
	b.levelsFit("en")
	b.screenshot("ballot-en-390.png")
	b.open("/lang?to=zh-CN&back=/vote/ballot")
	b.waitVisible("the ballot", `form[action="/vote/review"]`)

	// Review, then submit.
	b.do("go to the review", chromedp.Click(chromedp.CSS(`form[action="/vote/review"] button[type=submit]`)))
	b.waitVisible("the review", `form[action="/vote/submit"]`)
	b.do("submit the ballot", chromedp.Click(chromedp.CSS(`form[action="/vote/submit"] button.primary`)))
	b.waitVisible("the receipt", `.receipt`)
	tracker := strings.TrimSpace(b.eval(`document.querySelector(".receipt").textContent`))
	if !trackerForm.MatchString(tracker) {
		t.Fatalf("the receipt shows %q, want a tracker like 7K2QD-M9XAB", tracker)
	}
	if strings.Contains(b.bodyText(), code) || strings.Contains(b.eval(`document.documentElement.outerHTML`), code) {
		t.Errorf("the receipt page still holds the code")
	}
	b.screenshot("receipt-390.png")
	// After voting, no page the phone went through holds the code in its history.
	b.historyWithout("the ballot code", code, qr)
	var board string
	for _, l := range b.links(`a[href^="/bulletin/"]`) {
		if bulletinRef.MatchString(l.Href) {
			board = l.Href
		}
	}
	if board == "" {
		t.Fatalf("the receipt has no link to the bulletin; page text:\n%s", b.bodyText())
	}
	id := bulletinRef.FindStringSubmatch(board)[1]
	// Back from the receipt, as someone handed the phone would press it,
	// shows no answer, only the code entry and why: the pages are not kept
	// in the back-forward cache and the draft went with the vote.
	b.do("go back from the receipt", chromedp.NavigateBack())
	b.waitVisible("the page before the receipt", `main`)
	if got := b.eval(`document.querySelectorAll("input[type=radio]:checked").length + " " + document.querySelectorAll('form[action="/vote/submit"]').length`); got != "0 0" || !strings.Contains(b.bodyText(), "未找到正在填写的测评票（已提交") {
		t.Errorf("Back from the receipt shows %q answers and submit forms, want none and the note that the ballot was submitted; page text:\n%s", got, b.bodyText())
	}

	// The evaluator closes the campaign through the API; closing counts
	// every ballot still waiting to be mixed.
	token := apiLogin(t, base, "evaluator", password)
	if st, body := apiPost(t, base+"/api/v1/campaigns/"+id+"/close", token, ""); st != http.StatusOK || !strings.Contains(body, `"closed"`) {
		t.Fatalf("close campaign %s: %d %s", id, st, body)
	}

	// The tracker is on the bulletin.
	b.searchTracker(board, tracker)
	if hit := b.eval(`(document.querySelector("li.hit mark") || {}).textContent || ""`); hit != tracker {
		t.Errorf("bulletin %s: the tracker %s is not marked as found (marked %q); page text:\n%s", board, tracker, hit, b.bodyText())
	}
	if ok := b.eval(`(document.querySelector(".flash.ok") || {}).textContent || ""`); ok == "" {
		t.Errorf("bulletin %s: no confirmation that the tracker was found; page text:\n%s", board, b.bodyText())
	}
	b.screenshot("bulletin-390.png")

	if ex := b.exceptions(); len(ex) > 0 {
		t.Errorf("uncaught JavaScript exceptions on the pages:\n%s", strings.Join(ex, "\n"))
	}
	// Nothing identifying reached the server's log.
	out := serverOut.String()
	for what, s := range map[string]string{"the ballot code": code, "the code without dashes": strings.ReplaceAll(code, "-", ""),
		"the tracker": tracker, "the user agent": "JicengPhoneMarker"} {
		if strings.Contains(out, s) {
			t.Errorf("the server's output holds %s (%s)", what, s)
		}
	}
	// Public ballot requests are only counted per minute: no line of their own.
	if strings.Contains(out, "path=/vote") {
		t.Errorf("the request log has a line per ballot request; output:\n%s", out)
	}
	t.Logf("screenshots in %s", shots)
}

// withinScreens fails unless the page is at most n phone screens high.
func (b *browser) withinScreens(what string, n float64) {
	b.t.Helper()
	var h, vh float64
	if _, err := fmt.Sscan(b.eval(`document.documentElement.scrollHeight + " " + window.innerHeight`), &h, &vh); err != nil || vh == 0 {
		b.t.Fatalf("%s: cannot measure the page: %v", what, err)
	}
	b.t.Logf("%s: %.0f px high, %.2f screens of %.0f px", what, h, h/vh, vh)
	if h/vh > n {
		b.t.Errorf("%s is %.2f screens high (%.0f px), want at most %.0f", what, h/vh, h, n)
	}
}

// levelsFit unfolds every subject and checks that each level of the ballot
// is a tap target at least 44 px high whose words fit inside it, then folds
// them back as they were.
func (b *browser) levelsFit(lang string) {
	b.t.Helper()
	got := b.eval(`(() => {
		const ds = Array.from(document.querySelectorAll("section.evp-subject details"));
		const was = ds.map(d => d.open);
		ds.forEach(d => { d.open = true; });
		const bad = [];
		let n = 0, low = 1e9;
		document.querySelectorAll(".evp-levels label").forEach(l => {
			const r = l.getBoundingClientRect(), s = l.querySelector("span");
			n++;
			low = Math.min(low, r.height);
			if (r.height < 44 || s.scrollWidth > l.clientWidth || s.getBoundingClientRect().right > r.right + 0.5) bad.push(s.textContent + " " + Math.round(r.width) + "×" + Math.round(r.height));
		});
		ds.forEach((d, i) => { d.open = was[i]; });
		return (n + " " + Math.round(low) + " " + bad.slice(0, 5).join("; ")).trim();
	})()`)
	var n, low int
	if _, err := fmt.Sscan(got, &n, &low); err != nil || n == 0 || low < 44 || len(strings.Fields(got)) > 2 {
		b.t.Errorf("%s: levels of the ballot (count, lowest height, misfits): %q, want every level at least 44 px high with its words inside", lang, got)
	}
}

// seedBallotDemo runs `jiceng demo` and returns the evaluator's password and
// the ballot code printed for a visitor.
func seedBallotDemo(t *testing.T, bin, dbURL string) (password, code string) {
	t.Helper()
	out := runDemo(t, bin, dbURL)
	for _, line := range strings.Split(out, "\n") {
		if m := trialLine.FindStringSubmatch(line); m != nil {
			code = m[1]
		}
	}
	if code == "" {
		t.Fatalf("jiceng demo: want a line 试投一票 … 测评码 …; output:\n%s", out)
	}
	return demoPassword(t, out, "evaluator"), code
}

// apiLogin exchanges a password for a bearer token.
func apiLogin(t *testing.T, base, user, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	st, out := apiPost(t, base+"/api/v1/auth/login", "", string(body))
	var r struct {
		Token string `json:"token"`
	}
	if st != http.StatusOK || json.Unmarshal([]byte(out), &r) != nil || r.Token == "" {
		t.Fatalf("login as %s: %d %s", user, st, out)
	}
	return r.Token
}

func apiPost(t *testing.T, u, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, buf.String()
}

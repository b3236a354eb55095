// Package e2e drives the real binary in a headless Chromium: it builds
// jiceng, seeds the demo data of Nanning (4501), serves it, signs in as the
// street-level administrator and renames a community Party branch through
// the pages, then checks the organization page, the audit log and the
// scope boundary.
//
// The test runs only when JICENG_E2E=1; it then needs /usr/bin/chromium and
// CJK fonts (Debian: apt-get install chromium fonts-noto-cjk). Screenshots
// go to $JICENG_E2E_SHOTS when set (a relative path starts in e2e/), else to
// the test's temporary directory.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// The demo's street_admin is granted 民生街道党工委 (450102001), whose
	// subtree holds the street committee and its 13 community branches.
	streetName     = "民生街道"
	streetChildren = 13
	notFoundText   = "不存在或不在您的管理范围内"
	renameSuffix   = "（测试改名）"
	browserTimeout = 90 * time.Second
)

// needBrowser skips a browser test unless JICENG_E2E=1 and fails it when
// chromium is missing then.
func needBrowser(t *testing.T) {
	t.Helper()
	if os.Getenv("JICENG_E2E") != "1" {
		t.Skip("browser test: set JICENG_E2E=1 to run it (needs " + chromiumPath + " and fonts-noto-cjk)")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("JICENG_E2E=1 but %s is missing (apt-get install chromium fonts-noto-cjk): %v", chromiumPath, err)
	}
}

// shotsDir is where screenshots go: JICENG_E2E_SHOTS, or else tmp.
func shotsDir(t *testing.T, tmp string) string {
	t.Helper()
	dir := os.Getenv("JICENG_E2E_SHOTS")
	if dir == "" {
		return tmp
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot directory: %v", err)
	}
	return dir
}

func TestBrowserFlow(t *testing.T) {
	needBrowser(t)

	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	dbURL := "sqlite:" + filepath.Join(tmp, "e2e.db")
	password := seedDemo(t, bin, dbURL)
	base, _ := startServer(t, bin, dbURL)

	shots := shotsDir(t, tmp)

	b := newBrowser(t)
	b.base = base
	b.shots = shots

	// Sign in.
	b.open("/login")
	if lang := b.eval(`document.documentElement.lang`); lang != "zh-CN" {
		t.Fatalf("the login page is in %q, want zh-CN (the browser asks for Chinese)", lang)
	}
	b.do("fill the login form",
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "street_admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
	)
	b.clickAndWait("submit the login form",
		`form.login-form button[type=submit], form:has(input[name=password]) button[type=submit], form:has(input[name=password]) input[type=submit]`,
		func(path string) bool { return path == "/" })
	b.waitVisible("the home page", `main`)

	// The cockpit's charts are drawn by the vendored ECharts, the release
	// that scripts/vendor.sh recorded: every chart holds an SVG with shapes.
	b.waitVisible("the cockpit's charts", `[data-chart] svg`)
	drawn := b.eval(`(() => { const cs = [...document.querySelectorAll("[data-chart]")];
		return cs.length + " " + cs.filter(c => c.querySelector("svg path, svg rect")).length + " " + window.echarts.version })()`)
	versions, err := os.ReadFile(filepath.Join(moduleRoot(t), "internal/web/static/vendor/VERSIONS"))
	if err != nil {
		t.Fatal(err)
	}
	vendored := regexp.MustCompile(`(?m)^echarts\.min\.js  echarts@(\S+) `).FindStringSubmatch(string(versions))
	var charts, withShapes int
	var version string
	if _, err := fmt.Sscan(drawn, &charts, &withShapes, &version); err != nil {
		t.Fatal(err)
	}
	if charts < 2 || withShapes != charts || vendored == nil || version != vendored[1] {
		t.Errorf("cockpit: %q (charts, charts drawn, ECharts version), want every chart drawn by ECharts %v", drawn, vendored)
	}
	// The cockpit's cards name their charts in the heading (a module's card
	// names each of its charts in its own h3): the chart does not draw the
	// name a second time, and keeps it as its accessible name.
	headed := b.eval(`(() => { const cs = [...document.querySelectorAll('[data-chart-title="none"]')];
		const h = c => (c.parentElement.querySelector(":scope > h3") || c.closest("section").querySelector("h2")).textContent.trim();
		return cs.length + " " + cs.filter(c => ![...c.querySelectorAll("svg text")].some(t => t.textContent.includes(h(c)))).length +
			" " + cs.filter(c => c.getAttribute("role") === "img" && (c.getAttribute("aria-label") || "").includes(h(c))).length })()`)
	// Three of the tree and fifteen of the nine cards: a card's own charts
	// and the drill-down by child organization of most of them.
	if headed != "18 18 18" {
		t.Errorf("cockpit: %q (charts under a heading, without the heading drawn again, named by it), want 18 18 18", headed)
	}
	b.screenshot("cockpit-1366.png")

	// On a phone the module tabs are one strip that scrolls sideways: on the
	// page of the last tab, that tab is scrolled into view and the strip's
	// cut-off edge fades out.
	last := b.eval(`[...document.querySelectorAll(".sidebar nav a")].pop().getAttribute("href")`)
	b.do("phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	b.open(last)
	strip := b.eval(`(() => { const n = document.querySelector(".sidebar nav"), a = n.querySelector("a.active");
		const r = n.getBoundingClientRect(), c = a.getBoundingClientRect();
		return (n.scrollWidth > n.clientWidth) + " " + (c.left >= r.left && c.right <= r.right + 1) + " " + n.classList.contains("more-start") + " " + getComputedStyle(n).maskImage.startsWith("linear-gradient") })()`)
	if strip != "true true true true" {
		t.Errorf("phone tab strip on %s: %q (scrolls, current tab in view, faded at the start, mask drawn), want true true true true", last, strip)
	}
	b.screenshot("tabs-390.png")
	b.do("desktop width", chromedp.EmulateViewport(1366, 900))

	// Find the street committee through the search page.
	b.open("/orgs?level=township&q=" + streetName)
	links := b.links(`table.list a`)
	var street link
	for _, l := range links {
		if l.id() > 0 && strings.Contains(l.Text, streetName) && (street.Href == "" || strings.Contains(l.Text, "党工委")) {
			street = l
			if strings.Contains(l.Text, "党工委") {
				break
			}
		}
	}
	if street.Href == "" {
		t.Fatalf("search for %s: no link to /orgs/{id} whose text contains %s in table.list; links: %v\npage text:\n%s", streetName, streetName, links, b.bodyText())
	}
	b.clickAndWait("open "+street.Text, `table.list a[href="`+street.Href+`"]`, pathIs(street.Href))

	// The street's children of village level: its community branches (the
	// demo also places enterprise and joint branches under the street).
	b.open(street.Href + "?level=village")
	var kids []link
	seen := map[string]bool{}
	for _, l := range b.links(`table.list tbody tr a`) {
		if l.id() > 0 && !seen[l.Href] && l.Href != street.Href {
			seen[l.Href] = true
			kids = append(kids, l)
		}
	}
	if len(kids) != streetChildren {
		t.Errorf("%s lists %d child organizations, want %d: %v", street.Text, len(kids), streetChildren, kids)
	}
	if len(kids) == 0 {
		t.Fatalf("%s: no child links in table.list tbody; page text:\n%s", street.Text, b.bodyText())
	}
	child := kids[0]
	b.clickAndWait("open "+child.Text, `table.list tbody tr a[href="`+child.Href+`"]`, pathIs(child.Href))

	// Rename it through the edit form.
	edit := child.Href + "/edit"
	b.clickAndWait("open the edit form", `a[href="`+edit+`"]`, pathIs(edit))
	oldName := b.value(`input[name=name]`)
	if oldName == "" {
		t.Fatalf("edit form of %s: input[name=name] is empty", child.Href)
	}
	newName := oldName + renameSuffix
	b.do("type the new name", chromedp.SetValue(chromedp.CSS(`input[name=name]`), newName))
	if got := b.value(`input[name=name]`); got != newName {
		t.Fatalf("input[name=name] holds %q after typing, want %q", got, newName)
	}
	b.clickAndWait("save the edit form",
		`form:has(input[name=name]) button[type=submit], form:has(input[name=name]) input[type=submit]`,
		pathIs(child.Href))
	if h1 := b.headings(); !strings.Contains(h1, newName) {
		t.Errorf("after saving, the h1 of %s reads %q, want it to contain %q; page text:\n%s", child.Href, h1, newName, b.bodyText())
	}
	b.screenshot("org-1366.png")

	// The audit log records the change.
	b.open("/audit")
	rows := b.rowTexts(`table.list tbody tr, table tbody tr`)
	found := false
	for _, r := range rows {
		if (strings.Contains(r, "org.update") || strings.Contains(r, "修改党组织")) && strings.Contains(r, newName) {
			found = true
			break
		}
	}
	if !found {
		t.Errorf("audit log: no row with org.update (修改党组织) and %q; rows:\n%s", newName, strings.Join(rows, "\n"))
	}
	b.screenshot("audit-1366.png")

	// The organization page on a phone.
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	b.open(child.Href)
	b.screenshot("org-390.png")
	b.do("restore the viewport", chromedp.EmulateViewport(1366, 900))

	// The city root lies outside street_admin's scope.
	status := b.openStatus("/orgs/1")
	if txt := b.bodyText(); !strings.Contains(txt, notFoundText) {
		t.Errorf("/orgs/1 (outside the scope): want the not-found page with %q, got status %d and text:\n%s", notFoundText, status, txt)
	}
	if status != http.StatusNotFound {
		t.Errorf("/orgs/1 (outside the scope): status %d, want %d", status, http.StatusNotFound)
	}

	if ex := b.exceptions(); len(ex) > 0 {
		t.Errorf("uncaught JavaScript exceptions on the pages:\n%s", strings.Join(ex, "\n"))
	}
	t.Logf("screenshots in %s", shots)
}

// moduleRoot is the directory of go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, goErr := exec.Command(goTool(), "env", "GOMOD").Output()
	if goErr == nil {
		if mod := strings.TrimSpace(string(out)); mod != "" && mod != os.DevNull {
			return filepath.Dir(mod)
		}
	}
	wd, _ := os.Getwd()
	root := filepath.Dir(wd)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("cannot find the module root (go env GOMOD: %v %q; ../go.mod: %v)", goErr, out, err)
	}
	return root
}

// goTool is the go command running these tests: go test puts the bin
// folder of its own Go installation first on the test binary's PATH.
func goTool() string { return "go" }

func buildBinary(t *testing.T, tmp string) string {
	t.Helper()
	bin := filepath.Join(tmp, "jiceng")
	cmd := exec.Command(goTool(), "build", "-o", bin, "./cmd/jiceng")
	cmd.Dir = moduleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/jiceng: %v\n%s", err, out)
	}
	return bin
}

var passwordToken = regexp.MustCompile(`[A-Za-z0-9]{14,}`)

// seedDemo runs `jiceng demo` and returns street_admin's password.
func seedDemo(t *testing.T, bin, dbURL string) string {
	t.Helper()
	return demoPassword(t, runDemo(t, bin, dbURL), "street_admin")
}

// runDemo runs `jiceng demo --region 4501` on dbURL and returns its output.
func runDemo(t *testing.T, bin, dbURL string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "demo", "--region", "4501", "--db", dbURL)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("jiceng demo --region 4501: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	t.Logf("jiceng demo: %v", time.Since(start).Round(time.Millisecond))
	return stdout.String()
}

// demoPassword finds the password of a demo account in the demo's output:
// the 14-character run of letters and digits on the line that starts with
// the account's name.
func demoPassword(t *testing.T, out, user string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == user {
			for _, tok := range passwordToken.FindAllString(line, -1) {
				if len(tok) == 14 {
					return tok
				}
			}
		}
	}
	t.Fatalf("jiceng demo: no line for the %s account with a 14-character password:\n%s", user, out)
	return ""
}

// startServer runs `jiceng serve` on a free port until the test ends and
// returns its base URL once /healthz answers 200, and its output.
func startServer(t *testing.T, bin, dbURL string) (string, *syncBuffer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	out := &syncBuffer{}
	// Slips print only the configured public address.
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", dbURL, "--public-url", "http://"+addr)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start jiceng serve: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// How the server ended is logged; a test that needs it to end
		// cleanly checks that itself.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			t.Logf("jiceng serve exited: %v", err)
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Logf("jiceng serve killed after 10 s: %v", <-exited)
		}
		if t.Failed() {
			t.Logf("jiceng serve output:\n%s", out.String())
		}
	})

	base := "http://" + addr
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("jiceng serve exited before answering /healthz: %v\n%s", err, out.String())
		default:
		}
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, out
			}
		}
		if time.Now().After(deadline) {
			status := "no answer"
			if err != nil {
				status = err.Error()
			} else {
				status = resp.Status
			}
			t.Fatalf("jiceng serve: GET /healthz did not answer 200 within 20 s (%s)\n%s", status, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// browser is one headless Chromium tab with helpers that fail the test.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string

	mu  sync.Mutex
	exc []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	profile, err := os.MkdirTemp("", "jiceng-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1366, 900),
		// A user in China: the pages answer in the browser's language.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(profile),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// The browser lives as long as ctx; the deadline bounds the whole flow.
	timer := time.AfterFunc(browserTimeout, cancelCtx)
	t.Cleanup(func() {
		timer.Stop()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(profile) // best effort: Chromium helpers may still be exiting
	})
	b := &browser{t: t, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*cdpruntime.EventExceptionThrown); ok && e.ExceptionDetails != nil {
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			b.mu.Lock()
			b.exc = append(b.exc, fmt.Sprintf("%s:%d: %s", d.URL, d.LineNumber+1, msg))
			b.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("listen to the browser: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 900)); err != nil {
		t.Fatalf("set the viewport: %v", err)
	}
	return b
}

func (b *browser) exceptions() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.exc...)
}

func (b *browser) fail(what string, err error) {
	b.t.Helper()
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w (the browser flow has %v in all)", err, browserTimeout)
	}
	loc := b.location()
	b.t.Fatalf("%s: %v\nat %s; page text:\n%s", what, err, loc, b.bodyText())
}

// step bounds one action so that a missing element fails fast with its name.
func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, 20*time.Second)
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// open loads path and fails on any status but 200.
func (b *browser) open(path string) {
	b.t.Helper()
	if st := b.openStatus(path); st != http.StatusOK {
		b.t.Fatalf("GET %s: status %d; page text:\n%s", path, st, b.bodyText())
	}
}

// openSlip opens the address a slip's QR code holds, /vote#c=CODE with the
// code as the QR code carries it: the page posts the code at once and
// answers with the ballot, or with the code entry and the code's error.
// The code must have left the address and every history entry.
func (b *browser) openSlip(code string) {
	b.t.Helper()
	b.open("/vote#c=" + code)
	b.waitVisible("the answer to the slip's code", `form[action="/vote/review"], #err-code`)
	if addr := b.eval(`location.href`); !strings.HasSuffix(addr, "/vote") && !strings.HasSuffix(addr, "/vote/ballot") {
		b.t.Errorf("the address bar reads %q, want it to end in /vote or /vote/ballot (the code must leave the URL)", addr)
	}
	if got := b.value(`form input[name="code"]`); got != code {
		b.t.Fatalf("the form holds the code %q, want %q", got, code)
	}
	b.historyWithout("the slip's code", code)
}

// historyWithout checks that no entry of the tab's navigation history,
// as Chromium keeps it, holds any of secrets.
func (b *browser) historyWithout(what string, secrets ...string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	h, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		b.fail("read the navigation history", err)
	}
	if len(h.Entries) == 0 {
		b.t.Fatalf("the navigation history is empty")
	}
	for _, e := range h.Entries {
		for _, s := range secrets {
			if s != "" && (strings.Contains(e.URL, s) || strings.Contains(e.UserTypedURL, s) || strings.Contains(e.Title, s)) {
				b.t.Errorf("the navigation history holds %s: entry %q (typed %q)", what, e.URL, e.UserTypedURL)
			}
		}
	}
}

// searchTracker looks a tracker up on a bulletin through its form, which
// posts it: the tracker stays out of the address and the history.
func (b *browser) searchTracker(board, tracker string) {
	b.t.Helper()
	b.open(board)
	b.do("type the tracker", chromedp.SetValue(chromedp.CSS(`form[action="`+board+`"] input#t`), tracker))
	b.submitAndWait("search for the tracker", `form[action="`+board+`"] button[type=submit]`)
	if p := b.eval(`location.pathname + location.search`); p != board {
		b.t.Errorf("after the tracker search the address reads %q, want %q", p, board)
	}
	b.historyWithout("the tracker", tracker, strings.ReplaceAll(tracker, "-", ""))
}

func (b *browser) openStatus(path string) int {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.fail("open "+path, err)
	}
	if resp == nil {
		return 0
	}
	return int(resp.Status)
}

type pageState struct {
	Path  string `json:"path"`
	Ready string `json:"ready"`
}

// clickAndWait clicks the first element matching sel and waits until the
// page whose path satisfies want has loaded.
func (b *browser) clickAndWait(what, sel string, want func(path string) bool) {
	b.t.Helper()
	b.do(what, chromedp.Click(chromedp.CSS(sel)))
	ctx, cancel := b.step()
	defer cancel()
	var last pageState
	for {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](`({path: location.pathname, ready: document.readyState})`))
		if err == nil {
			last = s
			if want(s.Path) && s.Ready == "complete" {
				return
			}
		}
		select {
		case <-ctx.Done():
			b.fail(fmt.Sprintf("%s: the expected page did not load (last at %q, %s)", what, last.Path, last.Ready), ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func pathIs(p string) func(string) bool { return func(s string) bool { return s == p } }

func (b *browser) waitVisible(what, sel string) {
	b.t.Helper()
	b.do(what, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// headings is the text of the visible h1 elements (the print-only header
// repeats the title but is hidden on screen).
func (b *browser) headings() string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	js := `Array.from(document.querySelectorAll("h1")).filter(h => h.getClientRects().length > 0).map(h => h.innerText.trim()).join(" | ")`
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.fail("read the h1", err)
	}
	return s
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.fail("read the value of "+sel, err)
	}
	return s
}

// eval returns a string expression evaluated in the page.
func (b *browser) eval(js string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.fail("evaluate "+js, err)
	}
	return s
}

// link is an anchor on the page.
type link struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

var orgHref = regexp.MustCompile(`^/orgs/(\d+)$`)

// id is the organization an /orgs/{id} link points at, else 0.
func (l link) id() int64 {
	m := orgHref.FindStringSubmatch(l.Href)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

func (l link) String() string { return l.Text + " → " + l.Href }

func (b *browser) links(sel string) []link {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	js := `Array.from(document.querySelectorAll(` + strconv.Quote(sel) + `)).map(a => ({href: a.getAttribute("href") || "", text: a.textContent.trim()}))`
	ls, err := chromedp.Run(ctx, chromedp.Evaluate[[]link](js))
	if err != nil {
		b.fail("list the links "+sel, err)
	}
	return ls
}

func (b *browser) rowTexts(sel string) []string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	js := `Array.from(document.querySelectorAll(` + strconv.Quote(sel) + `)).map(r => r.innerText.replace(/\s+/g, " ").trim())`
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		b.fail("read the rows "+sel, err)
	}
	return rows
}

// bodyText is the visible text of the page, for failure messages.
func (b *browser) bodyText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	if len(s) > 4000 {
		s = s[:4000] + "…"
	}
	return s
}

func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown location)"
	}
	return s
}

// screenshot writes a full-page PNG of the current page after the charts
// have had a moment to draw.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Sleep(700*time.Millisecond)); err != nil {
		b.fail("wait before the screenshot "+name, err)
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fail("screenshot "+name, err)
	}
	p := filepath.Join(b.shots, name)
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Fatalf("write %s: %v", p, err)
	}
}

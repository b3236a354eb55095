package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var unitHref = regexp.MustCompile(`^/coverage/units/\d+$`)

// axeViolation is one failed axe-core rule on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s (%s): %s — %d element(s)", v.ID, v.Impact, v.Help, len(v.Nodes))
	for i, n := range v.Nodes {
		if i == 5 {
			fmt.Fprintf(&b, "\n    …")
			break
		}
		fmt.Fprintf(&b, "\n    %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

// axe runs the vendored axe-core (e2e/testdata/axe, scripts/vendor.sh) on
// the current page with its default rules, WCAG 2.x A and AA and best
// practices, and fails the test on any violation, printing each. The
// script goes in through the DevTools protocol, so the page's strict CSP
// needs no exception and the server never serves it.
func (b *browser) axe(name string) {
	b.t.Helper()
	src, err := os.ReadFile(filepath.Join(moduleRoot(b.t), "e2e/testdata/axe/axe.min.js"))
	if err != nil {
		b.t.Fatal(err)
	}
	ctx, cancel := b.step()
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+";\ntrue")); err != nil {
		b.fail("inject axe-core into "+name, err)
	}
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("run axe-core on "+name, err)
	}
	if len(vs) == 0 {
		b.t.Logf("axe: %s: 0 violations", name)
		return
	}
	lines := make([]string, len(vs))
	for i, v := range vs {
		lines[i] = v.String()
	}
	b.t.Errorf("axe: %s (%s): %d violation(s):\n%s", name, b.location(), len(vs), strings.Join(lines, "\n"))
}

// setLang switches the session's language the way the language links do.
func (b *browser) setLang(lang, back string) {
	b.t.Helper()
	b.open("/lang?to=" + lang + "&back=" + back)
	if got := b.eval(`document.documentElement.lang`); got != lang {
		b.t.Fatalf("after switching to %s the page is in %q", lang, got)
	}
}

// TestAccessibility runs axe-core on the pages a first-hour user and a
// voter meet — login, the code entry and the ballot, the bulletin, the
// coverage dashboard, the unit list and a unit, and a campaign's results — in Chinese
// and in English: 0 violations.
func TestAccessibility(t *testing.T) {
	needBrowser(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	dbURL := "sqlite:" + filepath.Join(tmp, "axe.db")
	out := runDemo(t, bin, dbURL)
	var code string
	for _, line := range strings.Split(out, "\n") {
		if m := trialLine.FindStringSubmatch(line); m != nil {
			code = strings.ReplaceAll(m[1], "-", "")
		}
	}
	if code == "" {
		t.Fatalf("jiceng demo printed no trial ballot code:\n%s", out)
	}
	base, _ := startServer(t, bin, dbURL)
	shots := shotsDir(t, tmp)
	langs := []string{"zh-CN", "en"}

	// The public pages while the campaign is open: the code entry and the
	// ballot (the code is not used up until a ballot is cast).
	pub := newBrowser(t)
	pub.base, pub.shots = base, shots
	for _, lang := range langs {
		pub.setLang(lang, "/vote")
		pub.axe("the code entry (" + lang + ")")
		// From /vote, /vote#c=… would only move to the fragment.
		pub.open("/healthz")
		pub.openSlip(code)
		pub.waitVisible("the ballot", `form[action="/vote/review"]`)
		pub.axe("the ballot (" + lang + ")")
	}

	// The evaluator closes the campaign, so that its bulletin and results
	// have their final content.
	token := apiLogin(t, base, "evaluator", demoPassword(t, out, "evaluator"))
	const campaign = "3"
	if st, body := apiPost(t, base+"/api/v1/campaigns/"+campaign+"/close", token, ""); st != http.StatusOK {
		t.Fatalf("close campaign %s: %d %s", campaign, st, body)
	}
	for _, lang := range langs {
		pub.setLang(lang, "/bulletin/"+campaign)
		pub.axe("the bulletin (" + lang + ")")
	}

	// The admin pages, each language in a browser of its own (the flow of
	// one browser has a time limit). Login as the county's administrator,
	// who sees coverage; the results as the evaluator.
	for _, lang := range langs {
		b := newBrowser(t)
		b.base, b.shots = base, shots
		b.setLang(lang, "/login")
		b.axe("the login page (" + lang + ")")
		login(b, "county_admin", demoPassword(t, out, "county_admin"))
		b.open("/coverage")
		b.waitVisible("the coverage charts", `[data-chart] svg`)
		b.axe("the coverage dashboard (" + lang + ")")
		b.open("/coverage/units")
		b.axe("the unit list (" + lang + ")")
		// A unit's page: links inside running text (axe link-in-text-block).
		var unit string
		for _, l := range b.links(`table.list a`) {
			if unitHref.MatchString(l.Href) {
				unit = l.Href
				break
			}
		}
		if unit == "" {
			t.Fatalf("the unit list links no unit; page text:\n%s", b.bodyText())
		}
		b.open(unit)
		b.axe("a unit's page (" + lang + ")")

		e := newBrowser(t)
		e.base, e.shots = base, shots
		e.setLang(lang, "/login")
		login(e, "evaluator", demoPassword(t, out, "evaluator"))
		e.open("/evaluation/" + campaign + "/results")
		e.axe("the campaign's results (" + lang + ")")
	}
	if ex := pub.exceptions(); len(ex) > 0 {
		t.Errorf("uncaught JavaScript exceptions on the public pages:\n%s", strings.Join(ex, "\n"))
	}
}

// login signs in through the login form.
func login(b *browser, user, password string) {
	b.t.Helper()
	b.open("/login")
	b.do("fill the login form",
		chromedp.WaitVisible(chromedp.CSS(`form.login-form input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`form.login-form input[name=username]`), user),
		chromedp.SendKeys(chromedp.CSS(`form.login-form input[name=password]`), password),
	)
	b.clickAndWait("sign in as "+user, `form.login-form button[type=submit]`, func(path string) bool { return path != "/login" })
}

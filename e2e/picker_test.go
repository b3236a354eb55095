package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/chromedp/chromedp/kb"
)

// TestPicker: a street's organization manager creates an account: types
// part of a community's name into the organization picker, picks the
// suggestion with the keyboard, sees its path and submits; the account
// belongs to that community. Screenshots of the open list at desk and phone
// width, in both languages.
func TestPicker(t *testing.T) {
	needBrowser(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	dbURL := "sqlite:" + filepath.Join(tmp, "pick.db")
	out := runDemo(t, bin, dbURL)
	base, _ := startServer(t, bin, dbURL)
	shots := shotsDir(t, tmp)

	b := newBrowser(t)
	b.base, b.shots = base, shots
	login(b, "street_admin", demoPassword(t, out, "street_admin"))
	for _, lang := range []string{"zh-CN", "en"} {
		b.setLang(lang, "/users/new")
		b.waitVisible("the organization picker", `#home_org_id-q`)
		b.do("type into the picker",
			chromedp.SendKeys(chromedp.CSS(`#home_org_id-q`), "兴宁社区"))
		// The list opens on focus with the top of the scope; wait for the answer to the words typed.
		b.waitVisible("the suggestions", `#home_org_id-list li[data-name^="兴宁社区"]`)
		b.screenshot("pick-users-" + lang + "-1366.png")
	}
	// The community itself first (its name starts with the words), then the
	// joint branches named after it, each with its path.
	if got := b.rowTexts(`#home_org_id-list li[data-value]`); len(got) != 7 || got[0] != "兴宁社区党支部 民生街道党工委" {
		t.Fatalf("the suggestions for 兴宁社区 are %q; want 7, the community first with its path from 民生街道党工委", got)
	}
	b.do("pick with the keyboard", chromedp.SendKeys(chromedp.CSS(`#home_org_id-q`), kb.ArrowDown+kb.Enter))
	id := b.eval(`document.querySelector("input[type=hidden][name=home_org_id]").value`)
	if !regexp.MustCompile(`^\d+$`).MatchString(id) {
		t.Fatalf("picking left the id %q", id)
	}
	if path := b.eval(`document.getElementById("home_org_id-path").textContent`); !strings.Contains(path, "民生街道党工委") {
		t.Errorf("the chosen organization's path reads %q", path)
	}
	b.do("fill the rest",
		chromedp.SendKeys(chromedp.CSS(`#username`), "pick_e2e"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "Pick-e2e-Passw0rd!"))
	b.clickAndWait("create the account", `form.form button[type=submit]`, func(path string) bool { return regexp.MustCompile(`^/users/\d+$`).MatchString(path) })
	if text := b.bodyText(); !strings.Contains(text, "兴宁社区") {
		t.Errorf("the new account's page does not name its organization")
	}

	b.do("emulate a phone", chromedp.Emulate(device.IPhone12))
	for _, lang := range []string{"zh-CN", "en"} {
		b.setLang(lang, "/coverage/units/new")
		b.waitVisible("the affiliation picker", `#affiliation_org_id-q`)
		b.eval(`(document.getElementById("affiliation_org_id-q").value = "")`)
		b.do("type into the picker",
			chromedp.SendKeys(chromedp.CSS(`#affiliation_org_id-q`), "社区"))
		b.waitVisible("the suggestions", `#affiliation_org_id-list li[data-value]`)
		b.screenshot("pick-unit-" + lang + "-390.png")
	}
}

package e2e

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// pdfMediaBox reads a page's size, in points, from a PDF as Chromium
// writes it.
var pdfMediaBox = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`)

// cockpitDrillsAndPrints opens the cockpit of the signed-in user's scope:
// every card that has a drill-down chart leads, bar by bar, to the cockpit
// of a child organization, which names that child; printed as the print
// dialog would, every sheet is A4 landscape (842 × 595 points).
func cockpitDrillsAndPrints(t *testing.T, b *browser, scope string) {
	t.Helper()
	b.open("/")
	if h := b.eval(`document.querySelector(".page-head h1").textContent`); !strings.Contains(h, scope) {
		t.Fatalf("the cockpit's heading reads %q, want %s", h, scope)
	}
	cards := b.eval(`[...document.querySelectorAll("section.panel h2")].map(h => h.firstChild.textContent.trim()).join("|")`)
	// Each drill-down chart's data: its bars' links.
	raw := b.eval(`JSON.stringify([...document.querySelectorAll('script[type="application/json"]')].filter(s => /-children$/.test(s.id)).map(s => [s.id, JSON.parse(s.textContent).items.map(i => [i.name, i.href || ""])]))`)
	var charts [][2]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &charts); err != nil {
		t.Fatalf("the drill-down charts' data %q: %v", raw, err)
	}
	if len(charts) < 3 {
		t.Errorf("the cockpit (cards %s) has %d drill-down charts, want one for most cards", cards, len(charts))
	}
	var followed []string
	for _, c := range charts {
		var id string
		var bars [][2]string
		_ = json.Unmarshal(c[0], &id)
		_ = json.Unmarshal(c[1], &bars)
		if len(bars) == 0 {
			continue
		}
		name, href := bars[0][0], bars[0][1]
		if !strings.HasPrefix(href, "/?org=") {
			t.Errorf("chart %s: the bar %s leads to %q, want a child's cockpit", id, name, href)
			continue
		}
		followed = append(followed, id+": "+name)
		b.open(href)
		if h := b.eval(`document.querySelector(".page-head h1").textContent`); !strings.Contains(h, name) {
			t.Errorf("chart %s: the bar %s leads to the cockpit of %q", id, name, h)
		}
		b.open("/")
	}
	t.Logf("cockpit of %s: cards %s; drill-downs followed: %s", scope, cards, strings.Join(followed, "; "))
	ctx, cancel := b.step()
	defer cancel()
	yes := true
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		b.fail("print the cockpit to PDF", err)
	}
	boxes := pdfMediaBox.FindAllSubmatch(pdf.Data, -1)
	if len(boxes) == 0 {
		t.Fatalf("the cockpit's PDF names no page size")
	}
	for i, m := range boxes {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if w < 841 || w > 843 || h < 594 || h > 596 {
			t.Errorf("printed cockpit, sheet %d of %d: %.0f × %.0f points, want A4 landscape 842 × 595", i+1, len(boxes), w, h)
		}
	}
	t.Logf("the cockpit prints on %d A4 landscape sheets", len(boxes))
}

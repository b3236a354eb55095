package web

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// TestQRSVG checks the shape of the QR codes the slips and posters print:
// an SVG data URI whose square view box is a QR code's size (21 + 4k
// modules) with four modules of quiet zone each side, level Q needing at
// least as many modules as level M for the same text.
func TestQRSVG(t *testing.T) {
	size := func(level QRLevel, text string) int {
		t.Helper()
		u, err := QRSVG(text, level)
		if err != nil {
			t.Fatal(err)
		}
		b64, ok := strings.CutPrefix(string(u), "data:image/svg+xml;base64,")
		if !ok {
			t.Fatalf("not an SVG data URI: %.40s", u)
		}
		svg, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		var n, m int
		if _, err := fmt.Sscanf(string(svg), `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d"`, &n, &m); err != nil || n != m || (n-8-21)%4 != 0 {
			t.Fatalf("view box %d×%d (%v): %.120s", n, m, err, svg)
		}
		if !strings.Contains(string(svg), `<path fill="#000" d="M`) || !strings.HasSuffix(string(svg), `"/></svg>`) {
			t.Fatalf("no modules drawn: %.120s", svg)
		}
		return n - 8
	}
	text := "https://dj.example.gov.cn/report?station=123456"
	m, q := size(QRMedium, text), size(QRQuartile, text)
	if m < 21 || q < m {
		t.Errorf("level M %d modules, level Q %d", m, q)
	}
	if mustQR(t, text, QRMedium) == mustQR(t, text, QRQuartile) {
		t.Errorf("levels M and Q give the same code")
	}
}

func mustQR(t *testing.T, text string, l QRLevel) string {
	t.Helper()
	u, err := QRSVG(text, l)
	if err != nil {
		t.Fatal(err)
	}
	return string(u)
}

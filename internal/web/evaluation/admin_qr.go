package evaluation

import (
	"html/template"

	"jiceng/internal/web"
)

// qrSVG encodes text as a QR code at error correction level M, enough for
// slips handed out on paper, as an SVG data URI (see web.QRSVG).
func qrSVG(text string) (template.URL, error) {
	return web.QRSVG(text, web.QRMedium)
}

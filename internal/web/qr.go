package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// QRLevel is the error correction level of a QR code: how much of a
// printed code may be lost and still read.
type QRLevel int

// The error correction levels the pages use.
const (
	// QRMedium (level M, about 15 %) suits slips handed out on paper.
	QRMedium QRLevel = iota
	// QRQuartile (level Q, about 25 %) suits a poster on a wall, which
	// gets dirty and torn.
	QRQuartile
)

// QRSVG encodes text as a QR code at level and returns it as an SVG data
// URI for an <img>: one path of unit squares with the four modules of
// quiet zone the standard asks for, crisp at any print size.
func QRSVG(text string, level QRLevel) (template.URL, error) {
	ec := qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium)
	if level == QRQuartile {
		ec = qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionQuart)
	}
	q, err := qrcode.NewWith(text, ec)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	var m qrMatrix
	if err := q.Save(&m); err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	const quiet = 4
	n := len(m.bits) + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y, row := range m.bits {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			// One run of dark modules in a row is one rectangle.
			end := x
			for end+1 < len(row) && row[end+1] {
				end++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, end-x+1, end-x+1)
			x = end
		}
	}
	b.WriteString(`"/></svg>`)
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(b.String()))), nil
}

// qrMatrix keeps the module matrix of a QR code; the library's image
// writers are not used, the pages need only the matrix.
type qrMatrix struct{ bits [][]bool }

func (m *qrMatrix) Write(mat qrcode.Matrix) error { m.bits = mat.Bitmap(); return nil }
func (m *qrMatrix) Close() error                  { return nil }

package evaluation

import (
	"fmt"
	"html/template"
	"strings"
	"testing"
)

// TestSlipQRPayload records what the slips hand to the QR encoder: the
// public address of the ballot page with the code, without its dashes, in
// the fragment — never in a query that a browser would send to a server.
func TestSlipQRPayload(t *testing.T) {
	codes := []string{"7K2QD-M9XAB-C3PQR-TV8WZ-5NMHJ-2KX4E*", "0A1B2-C3D4E-F5G6H-J7K8M-N9P0Q-RSTVW~"}
	for i := 2; i < 12; i++ {
		codes = append(codes, fmt.Sprintf("%05d-ABCDE-FGHJK-MNPQR-STVWX-YZ012=", i))
	}
	var got []string
	encode := func(s string) (template.URL, error) {
		got = append(got, s)
		return qrSVG(s)
	}
	sheets, noQR, err := slipSheets("https://dj.example.gov.cn/vote", codes, encode)
	if err != nil || noQR {
		t.Fatal(err)
	}
	if len(sheets) != 2 || len(sheets[0]) != 10 || len(sheets[1]) != 2 {
		t.Fatalf("sheets of %d and %d slips, want 10 and 2", len(sheets[0]), len(sheets[len(sheets)-1]))
	}
	if len(got) != len(codes) {
		t.Fatalf("%d QR codes for %d slips", len(got), len(codes))
	}
	if want := "https://dj.example.gov.cn/vote#c=7K2QDM9XABC3PQRTV8WZ5NMHJ2KX4E*"; got[0] != want {
		t.Errorf("QR payload %q, want %q", got[0], want)
	}
	for i, s := range got {
		if strings.Contains(s, "?") || !strings.HasPrefix(s, "https://dj.example.gov.cn/vote#c=") || !strings.HasSuffix(s, strings.ReplaceAll(codes[i], "-", "")) {
			t.Errorf("QR payload %d is %q", i, s)
		}
		want, _ := qrSVG(s)
		if slip := sheets[i/10][i%10]; slip.QR != want || slip.Code != codes[i] || slip.Seq != i+1 {
			t.Errorf("slip %d: code %q seq %d, or its QR code is not that of %q", i, slip.Code, slip.Seq, s)
		}
	}
}

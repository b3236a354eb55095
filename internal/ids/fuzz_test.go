package ids

import (
	"errors"
	"strings"
	"testing"
	"time"

	"jiceng/internal/errs"
)

// refusal fails unless err is an invalid-input error with both messages.
func refusal(t *testing.T, input string, err error) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.Invalid || e.ZH == "" || e.EN == "" {
		t.Fatalf("%q: %v is not an invalid-input error with two messages", input, err)
	}
}

// FuzzCreditCode: the validator never panics; a code it accepts is 18
// characters of the alphabet whose check characters (positions 17 and 18)
// are the ones computed, and it parses again to the same parts.
func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{"91450100MA5KX5QJ3D", "91450100ma5kx5qj3d", " 91450100MA5KX5QJ3D ", "91450100MA5KX5QJ3E",
		"51450102MJ0000000X", "", "９1450100MA5KX5QJ3D", "914501001234567890", "Y1450100MA5KX5QJ3\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = CreditCodeCheckChar(s)
		_, _ = OrgCodeCheckChar(s)
		c, err := ParseCreditCode(s)
		if err != nil {
			refusal(t, s, err)
			return
		}
		if len(c.Code) != 18 || !strings.EqualFold(strings.TrimSpace(s), c.Code) {
			t.Fatalf("%q accepted as %q", s, c.Code)
		}
		for i := 0; i < 18; i++ {
			if strings.IndexByte(creditAlphabet, c.Code[i]) < 0 {
				t.Fatalf("%q: character %d outside the alphabet", c.Code, i+1)
			}
		}
		if ch, err := CreditCodeCheckChar(c.Code[:17]); err != nil || ch != c.Code[17] {
			t.Fatalf("%q: check character %c (%v)", c.Code, ch, err)
		}
		if ch, err := OrgCodeCheckChar(c.Code[8:16]); err != nil || ch != c.Code[16] {
			t.Fatalf("%q: organization check character %c (%v)", c.Code, ch, err)
		}
		again, err := ParseCreditCode(c.Code)
		if err != nil || again != c {
			t.Fatalf("%q does not parse again: %+v %v", c.Code, again, err)
		}
		_, _ = CategoryOf(c)
	})
}

// FuzzIDCard: the validator never panics; a number it accepts has its
// check character, a real birth date between 1900 and today, and parses
// again to the same parts.
func FuzzIDCard(f *testing.F) {
	today := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"11010519491231002X", "11010519491231002x", "110105194912310021", "110105190002290020",
		"110105202612030012", "", "１10105194912310021", "11010519491231002\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = IDCardCheckChar(s)
		_ = MaskIDCard(s)
		id, err := ParseIDCard(s, today)
		if err != nil {
			refusal(t, s, err)
			return
		}
		if len(id.Number) != 18 || !strings.EqualFold(strings.TrimSpace(s), id.Number) {
			t.Fatalf("%q accepted as %q", s, id.Number)
		}
		if IDCardCheckChar(id.Number[:17]) != id.Number[17] {
			t.Fatalf("%q: wrong check character accepted", id.Number)
		}
		if id.Birth.Year() < 1900 || id.Birth.After(today) || id.Birth.Format("20060102") != id.Number[6:14] {
			t.Fatalf("%q: birth %v", id.Number, id.Birth)
		}
		again, err := ParseIDCard(id.Number, today)
		if err != nil || again != id {
			t.Fatalf("%q does not parse again: %+v %v", id.Number, again, err)
		}
	})
}

package i18n

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestMergeRefusesKeyDefinedTwice(t *testing.T) {
	a := Catalog{"x.one": {ZH: "一", EN: "one"}}
	b := Catalog{"x.one": {ZH: "壹", EN: "one"}}
	if _, err := Merge(a, b); err == nil || !strings.Contains(err.Error(), "x.one") {
		t.Fatalf("Merge of a key defined twice = %v, want an error naming x.one", err)
	}
}

func TestMergeRefusesKeyWithoutLanguage(t *testing.T) {
	for _, c := range []Catalog{
		{"x.zh_only": {ZH: "只有中文"}},
		{"x.en_only": {EN: "English only"}},
	} {
		if _, err := Merge(Catalog{"x.fine": {ZH: "好", EN: "fine"}}, c); err == nil {
			t.Errorf("Merge(%v) accepted a key without a language", c)
		}
	}
}

func TestCatalogsT(t *testing.T) {
	c, err := Merge(Catalog{"a.b": {ZH: "甲", EN: "A"}}, Catalog{"c.d": {ZH: "丙", EN: "C"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, key, want string }{
		{ZH, "a.b", "甲"}, {EN, "a.b", "A"}, {EN, "c.d", "C"}, {EN, "no.such", "no.such"},
	} {
		if got := c.T(tc.lang, tc.key); got != tc.want {
			t.Errorf("T(%s, %s) = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
}

func TestTextIn(t *testing.T) {
	x := Textf("第%d行", "row %d", 3)
	if x.In(ZH) != "第3行" || x.In(EN) != "row 3" {
		t.Errorf("Textf = %+v", x)
	}
	if got := (Text{ZH: "只有中文"}).In(EN); got != "只有中文" {
		t.Errorf("English falls back to Chinese: got %q", got)
	}
	b, _ := json.Marshal(x)
	if string(b) != `{"zh":"第3行","en":"row 3"}` {
		t.Errorf("JSON = %s", b)
	}
}

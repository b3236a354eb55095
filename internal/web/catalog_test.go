package web

import (
	"testing"

	"jiceng/internal/i18n"
)

// TestKitRefusesCatalogueClash checks that a module cannot redefine a key of
// the kit or of another module: one of the two messages would never show.
func TestKitRefusesCatalogueClash(t *testing.T) {
	if _, err := New(Deps{Catalogs: []i18n.Catalog{{"error.title": {ZH: "出错", EN: "Oops"}}}}); err == nil {
		t.Error("New accepted a module catalogue that redefines error.title")
	}
	if _, err := New(Deps{Catalogs: []i18n.Catalog{{"x.only_zh": {ZH: "只有中文"}}}}); err == nil {
		t.Error("New accepted a key without English")
	}
	k, err := New(Deps{Catalogs: []i18n.Catalog{{"x.mine": {ZH: "我的", EN: "Mine"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if k.T(i18n.EN, "x.mine") != "Mine" || k.T(i18n.ZH, "error.title") != Messages["error.title"].ZH {
		t.Error("the kit does not serve its own and the given catalogues")
	}
}

func TestFormatInt(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 665261: "665,261", -12345: "-12,345"} {
		if got := FormatInt(n); got != want {
			t.Errorf("FormatInt(%d) = %q, want %q", n, got, want)
		}
	}
}

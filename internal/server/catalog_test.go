package server

import (
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"jiceng/internal/i18n"
	"jiceng/internal/testrig"
	"jiceng/internal/web"
)

// TestCataloguesComplete checks that the page kit's catalogue and every
// module's merge (no key twice, none without either language) and that
// every message key used by a template of the kit or of a page package
// exists.
func TestCataloguesComplete(t *testing.T) {
	a, _ := newApp(t, testrig.NewTestDB(t), nil)
	kit := a.WebKit()
	if len(kit.Catalogs) != 5 {
		t.Fatalf("%d module catalogues, want one per module (5)", len(kit.Catalogs))
	}
	for _, c := range append([]i18n.Catalog{web.Messages}, kit.Catalogs...) {
		if err := c.Check(); err != nil {
			t.Error(err)
		}
	}
	msgs, err := i18n.Merge(append([]i18n.Catalog{web.Messages}, kit.Catalogs...)...)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	re := regexp.MustCompile(`[{(]t "([a-z_.]+)"`)
	// The templates of the kit and of every page package below it.
	err = fs.WalkDir(os.DirFS("../web"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, _ := os.ReadFile("../web/" + path)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		if strings.Contains(string(b), `(printf "action.%s"`) {
			for _, a := range []string{"org.create", "org.update", "org.move", "org.dissolve", "org.import", "region.init", "user.create", "user.status", "user.password", "grant.create", "grant.revoke"} {
				used["action."+a] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range kit.Nav {
		used["nav."+n.Key] = true
	}
	var missing []string
	for k := range used {
		if !msgs.Has(k) {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("keys used but missing from the catalogues: %v", missing)
	}
	if len(used) < 150 {
		t.Errorf("only %d keys found in templates: the scan is broken", len(used))
	}
}

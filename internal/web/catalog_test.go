package web

import (
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"jiceng/internal/i18n"
)

// TestCataloguesComplete checks that every message key used by a template
// exists in both languages, and that the languages have the same keys.
func TestCataloguesComplete(t *testing.T) {
	zh, en := i18n.Keys(i18n.ZH), i18n.Keys(i18n.EN)
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("key %s has no English message", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("key %s has no Chinese message", k)
		}
	}
	used := map[string]bool{}
	re := regexp.MustCompile(`[{(]t "([a-z_.]+)"`)
	// The templates of the kit and of every page package below it.
	err := fs.WalkDir(os.DirFS("."), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, _ := os.ReadFile(path)
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
	for _, k := range []string{"nav.cockpit", "nav.orgs", "nav.search", "nav.import", "nav.users", "nav.audit"} {
		used[k] = true
	}
	var missing []string
	for k := range used {
		if _, ok := zh[k]; !ok {
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

func TestFormatInt(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 665261: "665,261", -12345: "-12,345"} {
		if got := FormatInt(n); got != want {
			t.Errorf("FormatInt(%d) = %q, want %q", n, got, want)
		}
	}
}

package app

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestImportDirections holds the packages under internal/ to the directions
// docs/ARCHITECTURE.md allows: platform packages import no module; a
// module's domain imports neither pages nor handlers; its pages import the
// page kit and domains, never the API nor another module's pages, and its
// handlers the other way round; only app imports the pages and handlers,
// only server imports app, and nothing imports server. Test files are left
// out: a test may start from app. So are the rigs below testrig/ (the
// permission matrix builds the whole server), which only tests import.
func TestImportDirections(t *testing.T) {
	root := filepath.Join("..", "..")
	imports := map[string][]string{} // package under internal/ → the internal packages it imports
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(root, "internal"), filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if dep, ok := strings.CutPrefix(p, "jiceng/internal/"); ok && !slices.Contains(imports[pkg], dep) {
				imports[pkg] = append(imports[pkg], dep)
			}
		}
		if _, ok := imports[pkg]; !ok {
			imports[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The modules are the folders under web/; a module's domain is the
	// package of its name, or of its name in the singular for the
	// platform's own (orgs → org, accounts → account).
	entries, err := os.ReadDir(filepath.Join(root, "internal", "web"))
	if err != nil {
		t.Fatal(err)
	}
	domainOf := map[string]string{} // domain package → module
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "static" || e.Name() == "templates" {
			continue
		}
		m := e.Name()
		d := m
		if _, ok := imports[d]; !ok {
			d = strings.TrimSuffix(m, "s")
		}
		domainOf[d] = m
	}
	platformModule := func(d string) bool { return d == "org" || d == "account" || d == "audit" }
	type kind struct{ role, module string }
	classify := func(pkg string) kind {
		top, rest, _ := strings.Cut(pkg, "/")
		switch {
		case top == "app" || top == "server" || top == "demo":
			return kind{top, ""}
		case top == "testrig" && rest != "":
			return kind{"rig", ""}
		case (top == "web" || top == "api") && rest != "":
			m, _, _ := strings.Cut(rest, "/")
			return kind{top, m}
		case domainOf[top] != "" && !platformModule(top):
			return kind{"domain", domainOf[top]}
		}
		return kind{"platform", ""}
	}
	if len(imports) < 20 || len(domainOf) < 5 {
		t.Fatalf("found %d packages and %d modules: the walk went wrong", len(imports), len(domainOf))
	}
	for pkg, deps := range imports {
		from := classify(pkg)
		for _, dep := range deps {
			to := classify(dep)
			var why string
			switch {
			case from.role == "rig":
				// A test rig starts from wherever its tests do.
			case to.role == "rig":
				why = "the rigs under testrig/ serve tests only"
			case to.role == "server":
				why = "nothing under internal/ imports the server"
			case to.role == "app" && from.role != "server":
				why = "only the server starts from app inside internal/"
			case (to.role == "web" || to.role == "api") && from.role != "app" && from != to:
				why = "only app imports a module's pages and handlers"
			case from.role == "platform" && to.role != "platform":
				why = "a platform package imports no module, nor app, server or demo"
			case from.role == "demo" && to.role != "platform":
				why = "demo builds the tree and the accounts; modules seed their own data"
			case from.role == "domain" && (dep == "web" || dep == "api" || to.role != "platform" && to.role != "domain"):
				why = "a domain package imports neither the kits, pages nor handlers"
			case from.role == "web" && dep == "api", from.role == "api" && dep == "web":
				why = "pages use the page kit, handlers the API kit"
			case from.role == "server" && to.role != "platform" && to.role != "app":
				why = "the server gets the modules from app"
			}
			if why != "" {
				t.Errorf("%s imports %s: %s", pkg, dep, why)
			}
		}
	}
}

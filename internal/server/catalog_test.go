package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
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
	if len(kit.Catalogs) != len(a.Domains()) {
		t.Fatalf("%d module catalogues, want one per module (%d)", len(kit.Catalogs), len(a.Domains()))
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
			for _, a := range auditActions(t) {
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

// auditActions are the actions of the audit entries the program writes, read
// from its source: the Action of every audit.Entry literal, and where that
// is a parameter of the function around it, the argument given for it at
// every call of that function in the same package. The audit log names each
// with its action.* message; a new action without one showed its raw key.
func auditActions(t *testing.T) []string {
	t.Helper()
	type forwarder struct {
		dir, name string
		param     int
	}
	var forwarders []forwarder
	files := map[string][]*ast.File{} // by package folder
	fset := token.NewFileSet()
	actions := map[string]bool{}
	for _, root := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			dir := filepath.Dir(path)
			files[dir] = append(files[dir], f)
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				var params []string
				for _, p := range fn.Type.Params.List {
					for _, n := range p.Names {
						params = append(params, n.Name)
					}
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					lit, ok := n.(*ast.CompositeLit)
					if !ok || !isAuditEntry(lit.Type, f.Name.Name) {
						return true
					}
					for _, el := range lit.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok {
							continue
						}
						if k, _ := kv.Key.(*ast.Ident); k == nil || k.Name != "Action" {
							continue
						}
						switch v := kv.Value.(type) {
						case *ast.BasicLit:
							a, err := strconv.Unquote(v.Value)
							if err != nil {
								t.Fatalf("%s: %v", fset.Position(v.Pos()), err)
							}
							actions[a] = true
						case *ast.Ident:
							i := slices.Index(params, v.Name)
							if i < 0 {
								t.Errorf("%s: the action of an audit entry is neither a literal nor a parameter", fset.Position(v.Pos()))
							}
							forwarders = append(forwarders, forwarder{dir, fn.Name.Name, i})
						default:
							t.Errorf("%s: the action of an audit entry is neither a literal nor a parameter", fset.Position(v.Pos()))
						}
					}
					return true
				})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, fw := range forwarders {
		calls := 0
		for _, f := range files[fw.dir] {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || fw.param < 0 || len(call.Args) <= fw.param {
					return true
				}
				name := ""
				switch fun := call.Fun.(type) {
				case *ast.Ident:
					name = fun.Name
				case *ast.SelectorExpr:
					name = fun.Sel.Name
				}
				if name != fw.name {
					return true
				}
				calls++
				v, ok := call.Args[fw.param].(*ast.BasicLit)
				if !ok || v.Kind != token.STRING {
					t.Errorf("%s: %s is called with an action that is not a literal", fset.Position(call.Pos()), fw.name)
					return true
				}
				a, _ := strconv.Unquote(v.Value)
				actions[a] = true
				return true
			})
		}
		if calls == 0 {
			t.Errorf("%s in %s writes audit entries with the action it is given, and is never called", fw.name, fw.dir)
		}
	}
	if len(actions) < 30 {
		t.Fatalf("only %d audit actions found in the source: the scan is broken", len(actions))
	}
	return slices.Sorted(maps.Keys(actions))
}

// isAuditEntry tells whether typ, in a file of package pkg, names audit.Entry.
func isAuditEntry(typ ast.Expr, pkg string) bool {
	switch x := typ.(type) {
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		return ok && id.Name == "audit" && x.Sel.Name == "Entry"
	case *ast.Ident:
		return pkg == "audit" && x.Name == "Entry"
	}
	return false
}

// TestAuditActionsHaveMessages: every action an audit entry is written
// with has its name in the catalogues, or the audit log shows the raw key.
func TestAuditActionsHaveMessages(t *testing.T) {
	a, _ := newApp(t, testrig.NewTestDB(t), nil)
	msgs, err := i18n.Merge(append([]i18n.Catalog{web.Messages}, a.WebKit().Catalogs...)...)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, action := range auditActions(t) {
		if !msgs.Has("action." + action) {
			missing = append(missing, "action."+action)
		}
	}
	if len(missing) > 0 {
		t.Errorf("audit actions without a message: %v", missing)
	}
}

// TestEnglishCataloguesPlainQuotes: the page font sets curly quotes at the
// full width of Chinese ones, which opens gaps in an English sentence; the
// English texts of every catalogue use plain quotes and apostrophes.
func TestEnglishCataloguesPlainQuotes(t *testing.T) {
	a, _ := newApp(t, testrig.NewTestDB(t), nil)
	for _, c := range append([]i18n.Catalog{web.Messages}, a.WebKit().Catalogs...) {
		for _, k := range slices.Sorted(maps.Keys(c)) {
			if strings.ContainsAny(c[k].EN, "“”‘’") {
				t.Errorf("%s: English text with curly quotes: %s", k, c[k].EN)
			}
		}
	}
}

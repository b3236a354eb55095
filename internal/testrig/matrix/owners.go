package matrix

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// Owners reads the test files under root and returns, for every owner of
// routes (a module's name, or Kits) whose matrix is Run there, the files
// that run it. A call must name its owner with a literal, so that it can
// be found without running it.
func Owners(root string) (map[string][]string, error) {
	owners := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		name := "" // what the file calls this package
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p == "jiceng/internal/testrig/matrix" {
				name = "matrix"
				if im.Name != nil {
					name = im.Name.Name
				}
			}
		}
		if name == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Run" {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != name {
				return true
			}
			owner := ""
			switch a := call.Args[1].(type) {
			case *ast.BasicLit:
				owner, _ = strconv.Unquote(a.Value)
			case *ast.SelectorExpr: // matrix.Kits
				if x, ok := a.X.(*ast.Ident); ok && x.Name == name && a.Sel.Name == "Kits" {
					owner = Kits
				}
			}
			if owner != "" {
				owners[owner] = append(owners[owner], filepath.ToSlash(path))
			}
			return true
		})
		return nil
	})
	return owners, err
}

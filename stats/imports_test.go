package stats

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The package stays pure: the standard library (no I/O) and gonum only.
func TestImportsArePure(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	io := map[string]bool{"os": true, "io": true, "bufio": true, "net": true, "syscall": true, "os/exec": true, "io/fs": true, "io/ioutil": true, "net/http": true}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first := strings.Split(path, "/")[0]
			if io[path] || strings.Contains(first, ".") && !strings.HasPrefix(path, "gonum.org/v1/gonum/") {
				t.Errorf("%s imports %s: stats may import only the standard library (no I/O) and gonum", name, path)
			}
		}
	}
}

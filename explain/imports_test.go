package explain

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// explain reads runs and launches runtimes; the build step and the report
// stay on the other side of its boundary.
func TestImportsStayOutOfThePipeline(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"pipeline", "reports", "engine", "fleet", "cmd"}
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
			for _, p := range forbidden {
				if strings.HasPrefix(path, "github.com/rtwasm/rtwasm/"+p) {
					t.Errorf("%s imports %s: explain must not import the pipeline, the report or the engines", name, path)
				}
			}
		}
	}
}

// Package testkit builds what the adapter and pipeline tests run: MINI
// kernels for a target, through the real toolchain and its cache, once per
// test binary. It is imported by tests only, and imports the toolchain and
// the catalogue, never the pipeline (whose tests it also serves).
package testkit

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/toolchain"
)

var (
	mu    sync.Mutex
	built = map[string]toolchain.Artifact{}
)

// CacheDir is the build cache the tests share: under the user's cache
// directory, so repeated test runs compile nothing.
func CacheDir(tb testing.TB) string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = tb.TempDir()
	}
	return filepath.Join(base, "rtwasm", "test-build")
}

// Kernel builds one MINI kernel for target (or fails the test).
func Kernel(tb testing.TB, target toolchain.Target, name string) toolchain.Artifact {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	key := name + "/" + string(target)
	if a, ok := built[key]; ok {
		return a
	}
	ctx := context.Background()
	set, err := toolchain.Resolve(ctx, toolchain.Config{}, target)
	if err != nil {
		tb.Fatal(err)
	}
	k, err := kernels.Lookup(name)
	if err != nil {
		tb.Fatal(err)
	}
	srcs, err := k.SourceFiles()
	if err != nil {
		tb.Fatal(err)
	}
	a, err := toolchain.Build(ctx, set[target], toolchain.Job{Name: name, Sources: srcs, Defines: k.Defines(kernels.Mini)}, CacheDir(tb))
	if err != nil {
		tb.Fatal(err)
	}
	built[key] = a
	return a
}

// Reference returns the bundled MINI reference dump of a kernel.
func Reference(tb testing.TB, name string) []byte {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "kernels", "reference", "MINI", name+".txt"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Imports returns, per non-test Go file of the test's package directory, the
// paths it imports: for tests that hold a package to its import rules.
func Imports(tb testing.TB) map[string][]string {
	tb.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		tb.Fatal(err)
	}
	imports := map[string][]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			tb.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			imports[name] = append(imports[name], path)
		}
	}
	return imports
}

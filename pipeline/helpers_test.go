package pipeline

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rtwasm/rtwasm/kernels"
	"github.com/rtwasm/rtwasm/run"
)

var (
	testDir       string
	testBuildOnce sync.Once
	testBuild     *Builds
	testBuildErr  error
)

func TestMain(m *testing.M) {
	if data := os.Getenv(childDataEnv); data != "" {
		os.Exit(childRun(data))
	}
	testDir, _ = os.MkdirTemp("", "rtwasm-pipeline-test")
	code := m.Run()
	os.RemoveAll(testDir)
	os.Exit(code)
}

// testOptions are smoke options writing under the test directory.
func testOptions(t testing.TB) run.Options {
	o, err := ParseOptions(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	o.BuildDir = filepath.Join(testDir, "build")
	o.DataDir = t.TempDir()
	o.Reference = filepath.Join("..", "kernels", "reference", "MINI")
	o.Seed = 1
	return o
}

// builtKernels builds every kernel at MINI for every target, once per test binary.
func builtKernels(t testing.TB) *Builds {
	t.Helper()
	testBuildOnce.Do(func() {
		o := testOptions(t)
		o.Benchmarks = kernels.Names()
		testBuild, testBuildErr = Build(context.Background(), o, io.Discard)
	})
	if testBuildErr != nil {
		t.Fatal(testBuildErr)
	}
	if len(testBuild.Failures) > 0 {
		t.Fatalf("build failures: %v", testBuild.Failures)
	}
	if testBuild.Env.Runner == "" {
		t.Fatal("the runner was not built")
	}
	return testBuild
}

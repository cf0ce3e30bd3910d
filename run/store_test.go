package run

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestSamplesRoundTrip(t *testing.T) {
	want := []Sample{
		{RunID: "r1", Experiment: Startup, Benchmark: "gemm", Category: "linear-algebra/blas", Dataset: "MINI",
			Runtime: "wazero:interp", Engine: "wazero", Mode: "interp", Target: "wasm32-wasi", ColdStart: "process",
			Rep: 1, Iterations: 0, LaunchNS: 100, MainStartNS: 150, MainEndNS: 160, StartupNS: 50, ExecNS: 10, TotalNS: 60,
			Status: StatusOK},
		{RunID: "r1", Experiment: Prolonged, Benchmark: "gemm", Runtime: "native:musl", Rep: 1, Iteration: 3,
			Iterations: 5, IterationEndNS: 1 << 62, IterationNS: 7, Status: StatusError, ExitStatus: -1, Error: "trap: unreachable"},
	}
	path := filepath.Join(t.TempDir(), SamplesFile)
	if err := WriteSamples(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSamples(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, want)
	}
}

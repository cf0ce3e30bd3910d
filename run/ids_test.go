package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRun makes a run directory (a manifest is what marks one) under data.
func fakeRun(t *testing.T, data, id string) string {
	t.Helper()
	dir := filepath.Join(data, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestResolveRun: an id and latest (also the empty value) resolve to the
// run's directory; paths, the link itself and unknown ids are refused with
// the variable and the list of runs named.
func TestResolveRun(t *testing.T) {
	data := t.TempDir()
	if _, err := ResolveRun(data, ""); err == nil || !strings.Contains(err.Error(), "no complete run yet") {
		t.Errorf("empty data dir: %v, want no complete run yet", err)
	}
	old := fakeRun(t, data, "20260101T000000Z")
	newest := fakeRun(t, data, "20260102T000000Z")
	if err := os.Symlink("20260102T000000Z", filepath.Join(data, Latest)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"": newest, Latest: newest, "20260101T000000Z": old} {
		if got, err := ResolveRun(data, id); err != nil || got != want {
			t.Errorf("%s=%q: %q, %v; want %s", RunVar, id, got, err, want)
		}
	}
	for _, bad := range []string{old, "./20260101T000000Z", "../x", "..", ".", "a/b", `a\b`, "20990101T000000Z"} {
		_, err := ResolveRun(data, bad)
		if err == nil || !strings.Contains(err.Error(), RunVar+"=") || !strings.Contains(err.Error(), "20260101T000000Z, 20260102T000000Z") {
			t.Errorf("%s=%q: %v, want a refusal naming %s and listing the runs", RunVar, bad, err, RunVar)
		}
	}
}

package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plant makes dir/name a link to a fresh file outside dir holding a secret,
// and returns a check that the file was left untouched.
func plant(t *testing.T, dir, name string) (check func()) {
	t.Helper()
	target := filepath.Join(t.TempDir(), "victim")
	const secret = "root:$y$j9T$secret-hash:19000:0:99999:7:::\n"
	if err := os.WriteFile(target, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		if b, err := os.ReadFile(target); err != nil || string(b) != secret {
			t.Errorf("%s: the link's target was changed to %q (%v)", name, b, err)
		}
	}
}

func TestWritesNeverFollowLinks(t *testing.T) {
	dir := t.TempDir()
	checks := []func(){
		plant(t, dir, JournalFile), plant(t, dir, LockFile), plant(t, dir, SamplesFile),
		plant(t, dir, "manifest.json"),
	}
	if _, _, err := OpenJournal(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("OpenJournal on a linked journal: %v, want a refusal naming a non-regular file", err)
	}
	if l, err := LockRun(dir); err == nil {
		l.Unlock()
		t.Error("LockRun on a linked lock file succeeded")
	}
	if err := WriteSamples(filepath.Join(dir, SamplesFile), []Sample{{RunID: "r", Status: StatusOK}}); err != nil {
		t.Errorf("WriteSamples: %v", err)
	}
	if err := WriteManifest(dir, Manifest{RunID: "r"}); err != nil {
		t.Errorf("WriteManifest: %v", err)
	}
	for _, c := range checks {
		c()
	}
	// Written aside and renamed: the links are replaced by the run's files.
	for _, name := range []string{SamplesFile, "manifest.json"} {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("%s after the write: %v %v, want a regular file", name, fi, err)
		}
	}
}

func TestReadRefusesLinksWithoutEchoingThem(t *testing.T) {
	dir := t.TempDir()
	plant(t, dir, SamplesFile)
	_, err := ReadSamples(filepath.Join(dir, SamplesFile))
	if err == nil || strings.Contains(err.Error(), "root:") || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadSamples of a link: %v, want a refusal quoting none of the target's bytes", err)
	}
	// A regular file that is not Parquet: refused, its bytes unquoted.
	os.Remove(filepath.Join(dir, SamplesFile))
	os.WriteFile(filepath.Join(dir, SamplesFile), []byte("root:$y$secret\n"), 0o644)
	if _, err := ReadSamples(filepath.Join(dir, SamplesFile)); err == nil || strings.Contains(err.Error(), "root:") {
		t.Errorf("ReadSamples of a non-Parquet file: %v, want a refusal quoting none of its bytes", err)
	}
}

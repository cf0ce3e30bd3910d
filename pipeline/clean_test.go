package pipeline

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCleanKeepsLiveMakers: clean removes a leftover temporary directory
// only when the process that made it (the PID in its name) has exited; a
// live one — another checkout's running bundle — is kept. The compiled
// magefile's directory is a leftover too.
func TestCleanKeepsLiveMakers(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	o := testOptions(t)
	o.CacheDir, o.BuildDir = t.TempDir(), t.TempDir()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead, live := gone.Process.Pid, os.Getpid()
	keep := []string{fmt.Sprintf("rtwasm-bundle-%d-1", live), fmt.Sprintf("rtwasm-mage-%d-2", live), fmt.Sprintf("rtwasm-wasmtime-%d-3", live)}
	remove := []string{fmt.Sprintf("rtwasm-bundle-%d-4", dead), fmt.Sprintf("rtwasm-mage-%d-5", dead), fmt.Sprintf("rtwasm-runc-rootfs-%d-6", dead)}
	for _, name := range append(append([]string{}, keep...), remove...) {
		if err := os.Mkdir(filepath.Join(tmp, name), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := CleanLeftovers(o, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, name := range keep {
		if _, err := os.Stat(filepath.Join(tmp, name)); err != nil {
			t.Errorf("%s removed while its maker runs", name)
		}
	}
	for _, name := range remove {
		if _, err := os.Stat(filepath.Join(tmp, name)); err == nil {
			t.Errorf("%s kept, its maker has exited", name)
		}
	}
}

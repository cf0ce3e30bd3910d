package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDataDir(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, c := range []struct{ dir, want string }{
		{file, "not a directory"},
		{filepath.Join(file, "runs"), "cannot be created"},
		{"/proc/self", "not writable"}, // even root cannot add a file there
	} {
		err := CheckDataDir(c.dir)
		if err == nil || !strings.Contains(err.Error(), "RTWASM_DATA="+c.dir) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckDataDir(%s) = %v, want an error naming RTWASM_DATA saying %q", c.dir, err, c.want)
		}
	}
	fresh := filepath.Join(tmp, "new", "runs")
	if err := CheckDataDir(fresh); err != nil {
		t.Errorf("a creatable data dir refused: %v", err)
	}
	if entries, _ := os.ReadDir(fresh); len(entries) != 0 {
		t.Errorf("the check left %d files in the data dir", len(entries))
	}
}

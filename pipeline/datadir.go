package pipeline

import (
	"fmt"
	"os"
)

// CheckDataDir makes sure runs can be written under dir (RTWASM_DATA): it
// exists or can be made, is a directory, and takes a file. Targets that
// make runs call it before the toolchain and the build, so a wrong
// RTWASM_DATA costs seconds, not a build.
func CheckDataDir(dir string) error {
	fix := "set RTWASM_DATA to a writable directory (or unset it for data/runs)"
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("RTWASM_DATA=%s is a %s, not a directory; %s", dir, kind(fi.Mode()), fix)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("RTWASM_DATA=%s cannot be created: %w; %s", dir, err, fix)
	}
	f, err := os.CreateTemp(dir, ".rtwasm-writable-*")
	if err != nil {
		return fmt.Errorf("RTWASM_DATA=%s is not writable: %w; %s", dir, err, fix)
	}
	f.Close()
	return os.Remove(f.Name())
}

func kind(m os.FileMode) string {
	if m.IsRegular() {
		return "file"
	}
	return "non-directory (" + m.Type().String() + ")"
}

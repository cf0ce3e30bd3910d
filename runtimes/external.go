package runtimes

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Helpers shared by the runtimes that are external command-line programs
// (wamr.go, wasmer.go, wasmtime_cli.go): finding the binaries, reading their
// --help and --version once, and running them.

// toolPaths returns the binaries named by the variable envVar (a list
// separated by commas or colons) or, when it is unset, name found on PATH.
// The error says how to point rtwasm at one.
func toolPaths(envVar, name, hint string) ([]string, error) {
	value := strings.TrimSpace(os.Getenv(envVar))
	if value == "" {
		path, err := exec.LookPath(name)
		if err != nil {
			return nil, fmt.Errorf("%s not found on PATH; set %s to %s", name, envVar, hint)
		}
		return []string{path}, nil
	}
	var paths []string
	for _, p := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ':' }) {
		path, err := exec.LookPath(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%s=%s: %q is not an executable: %v", envVar, value, p, err)
		}
		paths = append(paths, path)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s=%q names no binary; set it to %s", envVar, value, hint)
	}
	return paths, nil
}

// toolPath is toolPaths for a variable that names a single binary.
func toolPath(envVar, name, hint string) (string, error) {
	paths, err := toolPaths(envVar, name, hint)
	if err != nil {
		return "", err
	}
	if len(paths) > 1 {
		return "", fmt.Errorf("%s names %d binaries; give one", envVar, len(paths))
	}
	return paths[0], nil
}

var toolOutputs sync.Map // toolKey → toolAnswer

type toolKey struct {
	path    string
	modTime time.Time
	size    int64
	args    string
}

type toolAnswer struct {
	out string
	err error
}

// toolOutput runs an informational command of a binary (--help, --version)
// and returns what it printed on stdout and stderr. The answer is remembered
// for as long as the file is unchanged. A non-zero exit is accepted when the
// program printed something (iwasm --help exits with 1).
func toolOutput(ctx context.Context, path string, args ...string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	key := toolKey{path, info.ModTime(), info.Size(), strings.Join(args, "\x00")}
	if a, ok := toolOutputs.Load(key); ok {
		return a.(toolAnswer).out, a.(toolAnswer).err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	if len(strings.TrimSpace(string(out))) > 0 {
		err = nil
	} else if err == nil {
		err = fmt.Errorf("%s %s printed nothing", path, strings.Join(args, " "))
	} else {
		err = fmt.Errorf("%s %s: %v", path, strings.Join(args, " "), err)
	}
	toolOutputs.Store(key, toolAnswer{string(out), err})
	return string(out), err
}

// firstLine returns the first non-empty line of s, trimmed.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// runCLI runs an external runtime; RunProcess's error already carries the
// end of its stdout (iwasm prints its traps there, see ErrorText).
func runCLI(ctx context.Context, argv []string) Result {
	return RunProcess(ctx, argv)
}

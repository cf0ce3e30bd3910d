package run

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Latest is the name of the link to the newest complete run.
const Latest = "latest"

// RunVar names the variable by which a user picks the run a target reads
// (report, explain, interference, status, artifact, hybrid).
const RunVar = "RTWASM_RUN"

// ResolveRun is the one resolver of RunVar: every target that reads a run
// calls it with the variable's value, so an id, latest (also the value
// when empty) and a refused path mean the same to all of them.
func ResolveRun(dataDir, id string) (string, error) {
	if id == "" {
		id = Latest
	}
	return ResolveID(dataDir, id, RunVar)
}

// ResolveID turns a run id given by the user (RTWASM_RESUME, RTWASM_RUN)
// into the run's directory under dataDir. Only ids are accepted: a path
// separator or ".." could reach outside dataDir. "latest" means the run the
// latest link points to, never the link itself.
func ResolveID(dataDir, id, variable string) (string, error) {
	if id == Latest {
		target, err := os.Readlink(filepath.Join(dataDir, Latest))
		if err != nil {
			return "", fmt.Errorf("%s=latest: no complete run yet (%v); runs: %s", variable, err, runList(dataDir))
		}
		if !validID(target) {
			return "", fmt.Errorf("%s=latest: %s points to %q, not a run id; remove the link", variable, filepath.Join(dataDir, Latest), target)
		}
		id = target
	}
	if !validID(id) {
		return "", fmt.Errorf("%s=%q: want a run id (a directory name under %s, or latest), not a path; runs: %s", variable, id, dataDir, runList(dataDir))
	}
	dir := filepath.Join(dataDir, id)
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		return "", fmt.Errorf("%s=%s: no run of that id under %s; runs: %s", variable, id, dataDir, runList(dataDir))
	}
	return dir, nil
}

func validID(id string) bool {
	return id != "" && id != "." && id != Latest && !strings.Contains(id, "..") && !strings.ContainsAny(id, `/\`+"\x00")
}

// Runs lists the ids of the runs under dataDir (directories with a
// manifest), oldest first.
func Runs(dataDir string) []string {
	entries, _ := os.ReadDir(dataDir)
	var ids []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dataDir, e.Name(), "manifest.json")); e.IsDir() && err == nil {
			ids = append(ids, e.Name())
		}
	}
	slices.Sort(ids)
	return ids
}

func runList(dataDir string) string {
	ids := Runs(dataDir)
	if len(ids) == 0 {
		return "(none under " + dataDir + ")"
	}
	return strings.Join(ids, ", ")
}

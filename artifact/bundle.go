package artifact

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/run"
)

// GuideFile is the bundle's guide for evaluators.
const GuideFile = "ARTIFACT.md"

// Remeasure is how one claim is measured again and how long that takes on
// the host that made the bundle, as the caller's plan estimates it.
type Remeasure struct {
	Command  string
	Estimate string // a wall time, or why there is none
}

// AllClaims keys Options.Remeasure's entry for re-measuring every claim at once.
const AllClaims = "*"

// Options says what to bundle.
type Options struct {
	RunDir    string               // the run directory
	SourceDir string               // the module root: a git checkout, or a plain tree
	OutDir    string               // where the .tar.gz is written
	Remeasure map[string]Remeasure // by claim_id, and AllClaims
	Log       io.Writer
}

// Written describes a bundle written by Write.
type Written struct {
	Path     string // the .tar.gz
	Bytes    int64  // its size
	Files    int    // files in it, SHA256SUMS included
	Unpacked int64  // bytes of those files
	Check    Result // the check of the bundle before it was archived
}

// Name is the archive's file name (and, without .tar.gz, its top directory).
func Name(runID string) string { return "rtwasm-artifact-" + runID }

// Write bundles the run of o.RunDir: it stages the run (without its lock
// and executables), the source tree and the guide, writes SHA256SUMS,
// checks the staged bundle as an evaluator would (a report that does not
// re-render byte for byte with this source is refused: render it again
// first), and archives it as o.OutDir/<Name>.tar.gz. The guide states the
// archive's size, so it is archived until that size no longer changes.
func Write(o Options) (Written, error) {
	m, err := run.ReadManifest(o.RunDir)
	if err != nil {
		return Written{}, err
	}
	if m.Partial() {
		return Written{}, fmt.Errorf("run %s is %s: complete it (RTWASM_RESUME=%s go tool mage resume) before bundling it", m.RunID, m.State, m.RunID)
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return Written{}, err
	}
	stage, err := os.MkdirTemp(o.OutDir, ".stage-*")
	if err != nil {
		return Written{}, err
	}
	defer os.RemoveAll(stage)
	runID := filepath.Base(o.RunDir)
	root := filepath.Join(stage, Name(runID))
	if err := copyRun(o.RunDir, filepath.Join(root, RunDirName, runID), true); err != nil {
		return Written{}, err
	}
	src, err := copySource(o.SourceDir, filepath.Join(root, "source"))
	if err != nil {
		return Written{}, err
	}
	g := guide{runID: runID, m: m, src: src, remeasure: o.Remeasure}
	if err := g.write(root); err != nil {
		return Written{}, err
	}
	if g.check, err = checkStaged(root); err != nil {
		return Written{}, err
	}
	return g.archive(root, filepath.Join(o.OutDir, Name(runID)+".tar.gz"))
}

// checkStaged checks the staged bundle, refusing one that does not verify.
func checkStaged(root string) (Result, error) {
	if _, err := writeSums(root); err != nil {
		return Result{}, err
	}
	r, err := Check(root)
	if err != nil {
		return r, err
	}
	if !r.Available() || !r.Functional() {
		var b strings.Builder
		r.Print(&b)
		return r, fmt.Errorf("the staged bundle does not verify; if its report was rendered by other code, "+
			"render it again (RTWASM_RUN=%s go tool mage report) and bundle again:\n%s", r.RunID, b.String())
	}
	return r, nil
}

// archive writes the guide with the archive's size until that size is
// stable (a few rounds at most: the size is stated to 0.1 MB).
func (g guide) archive(root, out string) (Written, error) {
	tmp := out + ".tmp"
	defer os.Remove(tmp)
	mtime := g.m.Finished
	if mtime.IsZero() {
		mtime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var w Written
	for round := 0; round < 5; round++ {
		if err := g.write(root); err != nil {
			return w, err
		}
		n, err := writeSums(root)
		if err != nil {
			return w, err
		}
		if err := writeTarGz(tmp, root, filepath.Base(root), mtime); err != nil {
			return w, err
		}
		info, err := os.Stat(tmp)
		if err != nil {
			return w, err
		}
		w = Written{Path: out, Bytes: info.Size(), Files: n + 1, Check: g.check}
		if megabytes(w.Bytes) == megabytes(g.size) {
			w.Unpacked, _ = treeBytes(root)
			w.Check.Root = out
			return w, os.Rename(tmp, out)
		}
		g.size = w.Bytes
	}
	return w, fmt.Errorf("bundle: its size did not settle after 5 rounds")
}

func treeBytes(root string) (int64, error) {
	files, _, err := listFiles(root)
	var total int64
	for _, f := range append(files, SumsFile) {
		if info, err := os.Stat(filepath.Join(root, filepath.FromSlash(f))); err == nil {
			total += info.Size()
		}
	}
	return total, err
}

// megabytes is a size as the guide states it.
func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

package artifact

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rtwasm/rtwasm/reports"
	"github.com/rtwasm/rtwasm/toolchain"
)

// RunDirName is the bundle's directory of runs: run/<run-id>/.
const RunDirName = "run"

// Result is what Check found in a bundle.
type Result struct {
	Root  string // the bundle's top directory (a temporary one for an archive)
	RunID string
	Files int // files SHA256SUMS lists

	Missing, Extra, Altered []string // against SHA256SUMS: listed but absent, present but unlisted, content changed
	SumsErr                 error    // SHA256SUMS itself unreadable
	SumsTime                time.Duration

	RenderErr             error    // the re-render failed
	Identical             int      // report files byte-identical after the re-render
	Differ                []string // report files whose re-render differs
	NotRendered, Unlisted []string // in the bundle's report but not re-rendered; re-rendered but not in the bundle
	RenderTime            time.Duration

	Verdicts map[string]int // the bundled verdict: claims per verdict word
}

// Available reports whether every file is there, unaltered, and no other.
func (r Result) Available() bool {
	return r.SumsErr == nil && len(r.Missing)+len(r.Extra)+len(r.Altered) == 0
}

// Functional reports whether the report re-rendered byte for byte.
func (r Result) Functional() bool {
	return r.RenderErr == nil && r.Identical > 0 && len(r.Differ)+len(r.NotRendered)+len(r.Unlisted) == 0
}

// Check verifies a bundle, given as its directory (or a directory holding
// exactly one bundle) or as its .tar.gz, which is unpacked into a temporary
// directory. It never writes to the bundle: the report is re-rendered from a
// copy of the bundled run's data in a temporary directory. An error means
// the bundle could not be found or read at all; everything else is in the
// Result.
func Check(path string) (Result, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Result{}, fmt.Errorf("RTWASM_ARTIFACT=%s: %w", path, err)
	}
	dir := path
	if !info.IsDir() {
		tmp, err := os.MkdirTemp("", "rtwasm-check-*")
		if err != nil {
			return Result{}, err
		}
		defer os.RemoveAll(tmp)
		if err := toolchain.UntarGz(path, tmp); err != nil {
			return Result{}, err
		}
		dir = tmp
	}
	root, err := bundleRoot(dir)
	if err != nil {
		return Result{}, fmt.Errorf("RTWASM_ARTIFACT=%s: %w", path, err)
	}
	r := Result{Root: root}
	start := time.Now()
	r.checkSums()
	r.SumsTime = time.Since(start)
	if r.RunID, err = bundledRun(root); err != nil {
		r.RenderErr = err
		return r, nil
	}
	start = time.Now()
	r.rerender()
	r.RenderTime = time.Since(start)
	r.Verdicts = verdictCounts(filepath.Join(root, RunDirName, r.RunID, reports.ReportDir, "verdict.csv"))
	if !info.IsDir() {
		r.Root = path // the temporary directory is gone
	}
	return r, nil
}

// bundleRoot is dir if it holds SHA256SUMS, else its only subdirectory
// that does (an unpacked archive's top directory).
func bundleRoot(dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, SumsFile)); err == nil {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var found []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), SumsFile)); e.IsDir() && err == nil {
			found = append(found, filepath.Join(dir, e.Name()))
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("no bundle here: want a directory with %s, or one holding exactly one such directory (found %d); "+
			"give the .tar.gz `go tool mage artifact` wrote, or its unpacked directory", SumsFile, len(found))
	}
	return found[0], nil
}

// bundledRun is the id of the one run under run/.
func bundledRun(root string) (string, error) {
	entries, err := os.ReadDir(filepath.Join(root, RunDirName))
	if err != nil {
		return "", fmt.Errorf("the bundle has no %s/ directory: %w", RunDirName, err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	if len(ids) != 1 {
		return "", fmt.Errorf("want one run under %s/, have %v", RunDirName, ids)
	}
	return ids[0], nil
}

func (r *Result) checkSums() {
	sums, err := readSums(r.Root)
	if err != nil {
		r.SumsErr = err
		return
	}
	r.Files = len(sums)
	files, odd, err := listFiles(r.Root)
	if err != nil {
		r.SumsErr = err
		return
	}
	r.Extra = odd
	for _, f := range files {
		want, listed := sums[f]
		if !listed {
			r.Extra = append(r.Extra, f)
			continue
		}
		if got, err := toolchain.FileSHA256(filepath.Join(r.Root, filepath.FromSlash(f))); err != nil || got != want {
			r.Altered = append(r.Altered, f)
		}
	}
	for f := range sums {
		if !slices.Contains(files, f) {
			r.Missing = append(r.Missing, f)
		}
	}
	slices.Sort(r.Missing)
	slices.Sort(r.Extra)
}

// rerender renders the report from a copy of the bundled run's data (every
// file but its report) and compares the result with the bundled report.
func (r *Result) rerender() {
	bundled := filepath.Join(r.Root, RunDirName, r.RunID)
	tmp, err := os.MkdirTemp("", "rtwasm-rerender-*")
	if err != nil {
		r.RenderErr = err
		return
	}
	defer os.RemoveAll(tmp)
	copyDir := filepath.Join(tmp, r.RunID)
	if err := copyRun(bundled, copyDir, false); err != nil {
		r.RenderErr = err
		return
	}
	out, err := reports.Render(copyDir)
	if err != nil {
		r.RenderErr = err
		return
	}
	r.compareReports(filepath.Join(bundled, reports.ReportDir), out)
}

func (r *Result) compareReports(bundled, rendered string) {
	want, _, _ := listFiles(bundled)
	got, _, err := listFiles(rendered)
	if err != nil {
		r.RenderErr = err
		return
	}
	name := func(f string) string {
		return filepath.ToSlash(filepath.Join(RunDirName, r.RunID, reports.ReportDir, f))
	}
	for _, f := range want {
		if !slices.Contains(got, f) {
			r.NotRendered = append(r.NotRendered, name(f))
			continue
		}
		a, errA := os.ReadFile(filepath.Join(bundled, f))
		b, errB := os.ReadFile(filepath.Join(rendered, f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			r.Differ = append(r.Differ, name(f))
			continue
		}
		r.Identical++
	}
	for _, f := range got {
		if !slices.Contains(want, f) {
			r.Unlisted = append(r.Unlisted, name(f))
		}
	}
}

// copyRun copies a run directory's bundled files into dst: with report
// true everything keepRunFile keeps, else all but the report.
func copyRun(src, dst string, report bool) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if !report && rel == reports.ReportDir {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil || !keepRunFile(filepath.ToSlash(rel), info.Mode()) {
			return err
		}
		return copyFile(p, filepath.Join(dst, rel))
	})
}

func verdictCounts(path string) map[string]int {
	rows, err := reports.ReadVerdicts(path)
	if err != nil {
		return nil
	}
	counts := map[string]int{}
	for _, v := range rows {
		counts[v.Verdict]++
	}
	return counts
}

// Print writes the findings and the ACM badge table.
func (r Result) Print(w io.Writer) {
	fmt.Fprintf(w, "bundle %s (run %s)\n", r.Root, orNone(r.RunID))
	for _, l := range []struct {
		what  string
		files []string
	}{{"missing (listed in SHA256SUMS, not in the bundle)", r.Missing}, {"extra (not listed in SHA256SUMS)", r.Extra},
		{"altered (SHA-256 differs)", r.Altered}, {"re-render differs", r.Differ},
		{"in the bundled report but not re-rendered", r.NotRendered}, {"re-rendered but not in the bundled report", r.Unlisted}} {
		for _, f := range l.files {
			fmt.Fprintf(w, "  %s: %s\n", l.what, f)
		}
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "badge\tstatus\twhat this check found")
	fmt.Fprintf(tw, "available\t%s\t%s\n", yesNo(r.Available()), r.availableText())
	fmt.Fprintf(tw, "functional\t%s\t%s\n", yesNo(r.Functional()), r.functionalText())
	fmt.Fprintf(tw, "results reproduced\tnot by this check\t%s\n", r.reproducedText())
	tw.Flush()
}

func (r Result) availableText() string {
	if r.SumsErr != nil {
		return "SHA256SUMS unreadable: " + r.SumsErr.Error()
	}
	bad := len(r.Missing) + len(r.Extra) + len(r.Altered)
	if bad == 0 {
		return fmt.Sprintf("all %d files present and their SHA-256 match (%s)", r.Files, r.SumsTime.Round(time.Millisecond))
	}
	return fmt.Sprintf("%d of %d files wrong: %d missing, %d extra, %d altered (named above)", bad, r.Files, len(r.Missing), len(r.Extra), len(r.Altered))
}

func (r Result) functionalText() string {
	switch {
	case r.RenderErr != nil:
		return "the report did not re-render from the bundled data: " + firstLine(r.RenderErr.Error())
	case r.Functional():
		return fmt.Sprintf("report re-rendered from samples.parquet and manifest.json: all %d files byte-identical (%s)", r.Identical, r.RenderTime.Round(time.Millisecond))
	}
	return fmt.Sprintf("re-rendered report: %d identical, %d differ, %d not re-rendered, %d not in the bundle (named above)",
		r.Identical, len(r.Differ), len(r.NotRendered), len(r.Unlisted))
}

func (r Result) reproducedText() string {
	if len(r.Verdicts) == 0 {
		return "no verdict.csv in the bundled report; re-measure with the commands in ARTIFACT.md"
	}
	var parts []string
	for _, w := range []string{"holds", "partly", "does not hold", "not checked"} {
		if n := r.Verdicts[w]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, w))
		}
	}
	return "the bundled run's verdict: " + strings.Join(parts, ", ") + "; re-measure each claim with its command in ARTIFACT.md and compare the new run's verdict.csv"
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}

func orNone(s string) string {
	if s == "" {
		return "none found"
	}
	return s
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

package artifact

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rtwasm/rtwasm/reports"
	"github.com/rtwasm/rtwasm/run"
)

// guide is ARTIFACT.md: what the bundle holds, the evaluator's three steps
// with their times on the host that made it, and per claim of the verdict
// its evidence and commands.
type guide struct {
	runID     string
	m         run.Manifest
	src       source
	remeasure map[string]Remeasure
	check     Result // zero until the staged bundle was checked
	size      int64  // the archive's size, once known
}

func (g guide) write(root string) error {
	verdicts, err := reports.ReadVerdicts(filepath.Join(root, RunDirName, g.runID, reports.ReportDir, "verdict.csv"))
	if err != nil {
		return fmt.Errorf("the run has no readable verdict (render its report first: RTWASM_RUN=%s go tool mage report): %w", g.runID, err)
	}
	var b strings.Builder
	g.header(&b)
	g.steps(&b)
	g.claims(&b, verdicts)
	g.provenance(&b)
	return os.WriteFile(filepath.Join(root, GuideFile), []byte(b.String()), 0o644)
}

func (g guide) header(b *strings.Builder) {
	o := g.m.Options
	size := "stated once archived"
	if g.size > 0 {
		size = megabytes(g.size)
	}
	fmt.Fprintf(b, "# Artifact: rtwasm run %s\n\n", g.runID)
	fmt.Fprintf(b, "One run of rtwasm, which measures PolyBench/C kernels as WebAssembly under several runtimes against native code and containers, "+
		"and judges the claims of *WebAssembly runtimes vs. containers for real-time serverless edge computing* on it.\n\n")
	fmt.Fprintf(b, "| | |\n|---|---|\n")
	fmt.Fprintf(b, "| run | `%s`: profile %s, dataset %s, %d kernels, %d repetitions; %s – %s |\n", g.runID, o.Profile, o.Dataset,
		len(o.Benchmarks), o.Reps, g.m.Started.UTC().Format(time.RFC3339), g.m.Finished.UTC().Format(time.RFC3339))
	fmt.Fprintf(b, "| measured by | commit %s (the manifest's project_commit) |\n", g.m.Project)
	fmt.Fprintf(b, "| source | `source/`: %s |\n", g.src)
	fmt.Fprintf(b, "| bundle | `%s.tar.gz`, %s; left out and rebuilt by `go tool mage build`: the runner binaries, the kernel build cache, the toolchain cache |\n\n",
		Name(g.runID), size)
	fmt.Fprintf(b, "Layout: `run/%s/` (samples.parquet, manifest.json, the journal, report/ with index.html, verdict.csv and figures/), "+
		"`source/` (with the Dockerfile of the environment), `%s` (SHA-256 of every other file; `sha256sum -c %s` checks it too), this file.\n\n",
		g.runID, SumsFile, SumsFile)
}

func (g guide) steps(b *strings.Builder) {
	dur := func(d time.Duration) string {
		if d == 0 {
			return "not measured yet"
		}
		return d.Round(10 * time.Millisecond).String()
	}
	all := g.remeasure[AllClaims]
	fmt.Fprintf(b, "## Three steps\n\nTimes are those on the host that made this bundle.\n\n")
	fmt.Fprintf(b, "1. **Get the artifact** (ACM: available). Unpack it and copy the source out (checking never writes into the bundle):\n\n")
	fmt.Fprintf(b, "   ```sh\n   tar xzf %s.tar.gz\n   cp -r %s/source rtwasm && cd rtwasm\n   RTWASM_ARTIFACT=$PWD/../%s go tool mage check-artifact\n   ```\n\n",
		Name(g.runID), Name(g.runID), Name(g.runID))
	fmt.Fprintf(b, "   It verifies every checksum (here %s) and names any missing, extra or altered file. "+
		"The environment: `docker build -t rtwasm . && docker run --rm rtwasm` in `source/` (Debian, the toolchain's packages, Go from the module proxy).\n\n",
		dur(g.check.SumsTime))
	fmt.Fprintf(b, "2. **Regenerate the figures from the data** (functional). The same command re-renders the report from `samples.parquet` and "+
		"`manifest.json` alone into a temporary directory and compares every file byte for byte (here %s). To look at the figures, render a copy:\n\n", dur(g.check.RenderTime))
	fmt.Fprintf(b, "   ```sh\n   mkdir -p /tmp/runs && cp -r ../%s/run/%s /tmp/runs/\n   %s\n   ```\n\n", Name(g.runID), g.runID, regenerate(g.runID))
	fmt.Fprintf(b, "3. **Re-run a reduced experiment and see the verdict** (results reproduced). Each claim below has the command that measures "+
		"its cells again with the claims profile (LARGE, as the paper) and the plan's estimate here; the new run's `report/verdict.csv` judges it again. "+
		"All claims at once, within `RTWASM_BUDGET` (default 90m): `%s` (estimate: %s).\n\n", orDash(all.Command), orDash(all.Estimate))
}

func regenerate(runID string) string {
	return fmt.Sprintf("RTWASM_DATA=/tmp/runs RTWASM_RUN=%s go tool mage report", runID)
}

func (g guide) claims(b *strings.Builder, verdicts []reports.VerdictRow) {
	fmt.Fprintf(b, "## Claims\n\n| claim | this run's verdict | evidence | re-measure estimate |\n|---|---|---|---|\n")
	for _, v := range verdicts {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", cell(v.Claim), cell(v.Verdict), cell(g.evidence(v.ID)), cell(orDash(g.remeasure[v.ID].Estimate)))
	}
	for _, v := range verdicts {
		r := g.remeasure[v.ID]
		fmt.Fprintf(b, "\n### %s (`%s`)\n\n", v.Claim, v.ID)
		fmt.Fprintf(b, "- paper: %s\n- this run: %s — **%s**", v.Paper, orDash(v.Run), v.Verdict)
		if v.Detail != "" {
			fmt.Fprintf(b, ": %s", v.Detail)
		}
		fmt.Fprintf(b, "\n- evidence: %s\n", g.evidence(v.ID))
		fmt.Fprintf(b, "- regenerate from the data: `%s` (step 2)\n", regenerate(g.runID))
		fmt.Fprintf(b, "- re-measure: `%s`\n- estimate here: %s\n", orDash(r.Command), orDash(r.Estimate))
	}
	b.WriteString("\n")
}

// evidence lists a claim's figures and files as paths in the bundle.
func (g guide) evidence(id string) string {
	paths := reports.ClaimEvidence[id]
	if len(paths) == 0 {
		return "the verdict table (report/index.html, verdict.csv)"
	}
	var parts []string
	for _, p := range paths {
		p = "run/" + g.runID + "/" + p
		if strings.Contains(p, "/"+reports.FiguresDir+"/") {
			p += ".{" + strings.Join(trimDots(reports.FigureFormats), ",") + "}"
		}
		parts = append(parts, "`"+p+"`")
	}
	return strings.Join(parts, ", ")
}

func trimDots(exts []string) []string {
	out := slices.Clone(exts)
	for i, e := range out {
		out[i] = strings.TrimPrefix(e, ".")
	}
	return out
}

func (g guide) provenance(b *strings.Builder) {
	fmt.Fprintf(b, "## Build provenance (from the manifest)\n\nCompilers:\n\n| target | compiler | version | flags | source |\n|---|---|---|---|---|\n")
	for _, p := range g.m.Compilers {
		fmt.Fprintf(b, "| %s | %s | %s | `%s` | %s |\n", p.Target, p.Name, cell(p.Version), strings.Join(append(slices.Clone(p.Flags), p.Libs...), " "), cell(p.Source))
	}
	fmt.Fprintf(b, "\nKernel binaries the run measured (left out of the bundle; `go tool mage build` rebuilds them):\n\n"+
		"| kernel | dataset | target | bytes | SHA-256 |\n|---|---|---|---|---|\n")
	arts := slices.Clone(g.m.Artifacts)
	slices.SortFunc(arts, func(a, b run.ArtifactRecord) int {
		return strings.Compare(a.Benchmark+"/"+a.Target, b.Benchmark+"/"+b.Target)
	})
	for _, a := range arts {
		fmt.Fprintf(b, "| %s | %s | %s | %d | `%s` |\n", a.Benchmark, a.Dataset, a.Target, a.Bytes, a.SHA256)
	}
}

// cell makes text safe in a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

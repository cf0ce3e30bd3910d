package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/runtimes"
	"github.com/rtwasm/rtwasm/toolchain"
)

// WAMRConfig is where the options say WAMR's sources and builds are.
func WAMRConfig(o run.Options, log io.Writer) toolchain.WAMRConfig {
	return toolchain.WAMRConfig{CacheDir: o.CacheDir, SrcDir: o.WAMRSrc, Log: log}
}

// WAMRModesFor lists the WAMR builds the selected runtimes need that no
// RTWASM_IWASM / RTWASM_WAMRC provides: wamr:aot needs wamrc and an iwasm
// (the interp build, the leanest), each other mode its own build.
func WAMRModesFor(o run.Options) []string {
	var modes []string
	add := func(m string) {
		if !slices.Contains(modes, m) {
			modes = append(modes, m)
		}
	}
	iwasmSet, wamrcSet := os.Getenv("RTWASM_IWASM") != "", os.Getenv("RTWASM_WAMRC") != ""
	for _, id := range o.Runtimes {
		mode, ok := strings.CutPrefix(id, "wamr:")
		if !ok {
			continue
		}
		if mode == "aot" {
			if !wamrcSet {
				add("wamrc")
			}
			mode = "interp"
		}
		if !iwasmSet {
			add(mode)
		}
	}
	return modes
}

// BuildWAMR builds (or finds in the cache) the given WAMR modes.
func BuildWAMR(ctx context.Context, o run.Options, modes []string, log io.Writer) ([]toolchain.WAMRBuild, error) {
	cfg := WAMRConfig(o, log)
	cfg.Modes = modes
	return toolchain.BuildWAMR(ctx, cfg)
}

// cachedWAMR returns the WAMR builds already made for the selected
// runtimes (never building: that is go tool mage wamr's step, which takes
// minutes) and, when there are none, why.
func cachedWAMR(ctx context.Context, o run.Options) *runtimes.WAMRBuilds {
	cfg := WAMRConfig(o, io.Discard)
	builds, err := toolchain.CachedWAMR(ctx, cfg)
	if err != nil {
		return &runtimes.WAMRBuilds{WhyNot: err.Error()}
	}
	builds = slices.DeleteFunc(builds, func(b toolchain.WAMRBuild) bool { // what RTWASM_IWASM / RTWASM_WAMRC replace
		return os.Getenv(map[bool]string{true: "RTWASM_WAMRC", false: "RTWASM_IWASM"}[b.Mode == "wamrc"]) != ""
	})
	if len(builds) > 0 {
		return &runtimes.WAMRBuilds{Builds: builds}
	}
	if o.WAMRSrc == "" {
		return &runtimes.WAMRBuilds{WhyNot: fmt.Sprintf("none built yet: set %s to the directory of its source archives (or go online), then go tool mage wamr", toolchain.WAMRSrcVar)}
	}
	return &runtimes.WAMRBuilds{WhyNot: fmt.Sprintf("none built yet from %s=%s: run go tool mage wamr", toolchain.WAMRSrcVar, o.WAMRSrc)}
}

// PrintWAMRBuilds lists each built mode's binary, version and provenance.
func PrintWAMRBuilds(w io.Writer, builds []toolchain.WAMRBuild) {
	for _, b := range builds {
		here := "given"
		if b.BuiltHere {
			here = "built here"
		}
		fmt.Fprintf(w, "  %-10s %s — %s, %s (%.1f MB, %.0f s); LLVM: %s\n             source: %s\n", b.Mode, b.Path, b.Version,
			here, float64(b.Bytes)/1e6, b.Seconds, b.LLVM, b.Source)
	}
}

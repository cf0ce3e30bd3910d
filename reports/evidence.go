package reports

// ClaimEvidence names, per claim of the verdict (its claim_id in
// verdict.csv), where a run shows what the verdict judged, as paths in the
// run directory: a figure by its path without extension (written as PNG,
// SVG and PDF, FigureFormats), or a file. An evaluator follows a claim from
// its row to these; a test holds the map to the verdict's claims and to the
// files a render writes.
var ClaimEvidence = map[string][]string{
	"startup-independent":        {"report/figures/fig1_startup", "report/summary.csv"},
	"fast-jits-start-first":      {"report/figures/fig1_paper", "report/figures/fig1_startup", "report/summary.csv"},
	"wasmtime-next":              {"report/figures/fig1_paper", "report/figures/fig1_startup", "report/summary.csv"},
	"llvm-jit-slower-start":      {"report/figures/fig1_paper", "report/summary.csv"},
	"short-llvm-container-worst": {"report/figures/fig2_paper", "report/figures/fig2_total", "report/pairwise.csv"},
	"long-llvm-container-win":    {"report/figures/fig2_paper", "report/figures/fig2_total", "report/pairwise.csv"},
	"prolonged-winners":          {"report/figures/fig3_paper", "report/figures/fig3_prolonged", "report/summary.csv"},
	"wasm-faster-than-native":    {"report/figures/fig3_paper", "report/figures/fig3_prolonged_all", "report/breakeven.csv"},
	"binary-size":                {"report/verdict.csv", "manifest.json"}, // the manifest's artifacts: bytes per kernel binary
}

// FigureFormats are the files each figure is written as.
var FigureFormats = []string{".png", ".svg", ".pdf"}

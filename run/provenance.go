package run

// Provenance says which compiler built one target, and how it was obtained.
// The toolchain fills it; the run records it in its manifest, where the
// report reads it.
type Provenance struct {
	Target  string   `json:"target"`
	Name    string   `json:"name"`           // e.g. wasi-sdk-21, debian-clang-19, cc, musl-gcc
	Path    string   `json:"path"`           // the compiler executable
	Version string   `json:"version"`        // first line of --version
	Flags   []string `json:"flags"`          // before the sources
	Libs    []string `json:"libs"`           // after the sources
	Source  string   `json:"source"`         // how it was obtained
	Note    string   `json:"note,omitempty"` // e.g. why a fallback was used
}

// WAMRBuild is one built WAMR mode and its provenance, as recorded in
// provenance.json beside the binary and in a run's manifest.
type WAMRBuild struct {
	Mode       string   `json:"mode"`
	Path       string   `json:"path"`
	Version    string   `json:"version"`
	CMakeFlags []string `json:"cmake_flags"`
	LLVM       string   `json:"llvm"`   // how LLVM is linked, or "none"
	Source     string   `json:"source"` // RTWASM_WAMR_SRC's directory or the download URLs
	BuiltHere  bool     `json:"built_here"`
	Key        string   `json:"key"`
	Bytes      int64    `json:"bytes"`
	Seconds    float64  `json:"build_seconds"` // wall time of configure + compile
}

// TargetWasm is the WebAssembly build's target as Sample.Target records it
// (toolchain.Wasm).
const TargetWasm = "wasm32-wasi"

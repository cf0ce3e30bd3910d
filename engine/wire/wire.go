// Package wire is what the pipeline and rtwasm's runner program
// (cmd/rtwasm-run, package engine) must agree on: the runtime ids the runner
// serves, the files its build step writes, and the JSON lines of its --serve
// mode. It imports the standard library only, so the pipeline can talk to the
// runner without linking the engines, and the runner links nothing else.
package wire

import "strings"

// IDs lists every embedded engine's runtime id, in report order, whether or
// not this binary was built with it (Wasmtime needs cgo).
var IDs = []string{
	"wazero:interp", "wazero:compiler", "wazero:cache",
	"wasmtime:cranelift", "wasmtime:pulley", "wasmtime:aot", "wasmtime:cache",
	"hybrid:interp+compiler", "hybrid:pulley+cranelift", "hybrid:interp+cranelift",
}

// NeedsCgo reports whether the engine of a runtime id is Wasmtime's (a C
// library through cgo): only those run on the cgo build of the runner.
func NeedsCgo(id string) bool {
	return strings.HasPrefix(id, "wasmtime:") || strings.HasSuffix(id, "+cranelift")
}

// PreparedExtension names the file type an engine's build step writes, or
// "" for engines that run the .wasm itself.
func PreparedExtension(id string) string {
	switch id {
	case "wasmtime:aot":
		return ".cwasm"
	case "wazero:cache", "wasmtime:cache":
		return ".wasm"
	}
	return ""
}

// Request and Response are the runner's --serve protocol, one JSON line
// each: the embedded cold-start model sends one request per sample.
type Request struct {
	Module    string   `json:"module"`
	Args      []string `json:"args"`
	MaxOutput int64    `json:"max_output,omitempty"` // cap on each captured stream; 0: no cap
}

// Response carries the launch time, taken in the runner just before it
// loads the module, what the guest wrote, and what the OS counted for the
// runner during the request.
type Response struct {
	LaunchNS int64  `json:"launch_ns"`
	Stdout   []byte `json:"stdout"`
	Stderr   []byte `json:"stderr"`
	Exit     int    `json:"exit"`
	Error    string `json:"error,omitempty"`
	Usage    Usage  `json:"usage"`
}

// Usage is getrusage(RUSAGE_SELF) of the runner after a request minus
// before it; MaxRSSKB is the runner's peak so far (KiB), not a difference.
type Usage struct {
	MinorFaults       int64 `json:"minor_faults"`
	MajorFaults       int64 `json:"major_faults"`
	VoluntarySwitch   int64 `json:"voluntary_switches"`
	InvoluntarySwitch int64 `json:"involuntary_switches"`
	MaxRSSKB          int64 `json:"max_rss_kb"`
	UserNS            int64 `json:"user_ns"`
	SystemNS          int64 `json:"system_ns"`
}

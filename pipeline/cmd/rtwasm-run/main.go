// Command rtwasm-run runs a WebAssembly kernel in one of rtwasm's embedded
// engines, in a fresh process per sample: rtwasm-run ENGINE:MODE MODULE [ARGS…].
package main

import (
	"os"

	"github.com/rtwasm/rtwasm/pipeline"
)

func main() { os.Exit(pipeline.RunnerMain(os.Args[1:])) }

// Command rtwasm-run runs a WebAssembly kernel in one of rtwasm's embedded
// engines: rtwasm-run ENGINE:MODE MODULE [ARGS…] (see engine.Main). It is
// the program whose start-up the process cold-start model measures, so it
// imports the engine package and nothing else of rtwasm.
package main

import (
	"os"

	"github.com/rtwasm/rtwasm/engine"
)

func main() { os.Exit(engine.Main(os.Args[1:])) }

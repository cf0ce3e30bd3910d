// Command engine runs one of rtwasm's engines directly — ID MODULE
// [ARGS…] — without the runner's command line, for the engines that have no
// outside minimal program (the hybrids are rtwasm's own): it measures what
// rtwasm-run adds around engine.New(…).Run.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/rtwasm/rtwasm/engine"
)

func main() {
	e, err := engine.New(os.Args[1], "")
	if err == nil {
		var status int
		if status, err = e.Run(context.Background(), os.Args[2], os.Args[3:], os.Stdout, os.Stderr); err == nil {
			os.Exit(status)
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(70)
}

package harness

import (
	"fmt"
	"strconv"
)

// Args returns the harness arguments for a run of n init+kernel iterations
// (0: start-up only), with the result dump when dump is set.
func Args(n int, dump bool) []string {
	args := []string{"--iterations", strconv.Itoa(n)}
	if dump {
		args = append(args, "--dump")
	}
	return args
}

// ParseArgs reads harness arguments back: executors that run the jobs
// themselves (the hybrid tier-up) must split a run into its iterations.
func ParseArgs(args []string) (iterations int, dump bool, err error) {
	iterations = 1
	for i := 0; i < len(args); i++ {
		switch {
		case args[i] == "--dump":
			dump = true
		case args[i] == "--iterations" && i+1 < len(args):
			i++
			if iterations, err = strconv.Atoi(args[i]); err != nil || iterations < 0 {
				return 0, false, fmt.Errorf("bad --iterations %q", args[i])
			}
		default:
			return 0, false, fmt.Errorf("unknown harness argument %q", args[i])
		}
	}
	return iterations, dump, nil
}

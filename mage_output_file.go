//go:build ignore
// +build ignore

package main

import (
	_context "context"
	_flag "flag"
	_fmt "fmt"
	_io "io"
	_log "log"
	_os "os"
	_signal "os/signal"
	_filepath "path/filepath"
	_sort "sort"
	_strconv "strconv"
	_strings "strings"
	_syscall "syscall"
	_tabwriter "text/tabwriter"
	_time "time"
	
)

func main() {
	// Use local types and functions in order to avoid name conflicts with additional magefiles.
	type arguments struct {
		Verbose       bool          // print out log statements
		List          bool          // print out a list of targets
		Help          bool          // print out help for a specific target
		Timeout       _time.Duration // set a timeout to running the targets
		Args          []string      // args contain the non-flag command-line arguments
	}

	parseBool := func(env string) bool {
		val := _os.Getenv(env)
		if val == "" {
			return false
		}		
		b, err := _strconv.ParseBool(val)
		if err != nil {
			_log.Printf("warning: environment variable %s is not a valid bool value: %v", env, val)
			return false
		}
		return b
	}

	parseDuration := func(env string) _time.Duration {
		val := _os.Getenv(env)
		if val == "" {
			return 0
		}		
		d, err := _time.ParseDuration(val)
		if err != nil {
			_log.Printf("warning: environment variable %s is not a valid duration value: %v", env, val)
			return 0
		}
		return d
	}
	args := arguments{}
	fs := _flag.FlagSet{}
	fs.SetOutput(_os.Stdout)

	// default flag set with ExitOnError and auto generated PrintDefaults should be sufficient
	fs.BoolVar(&args.Verbose, "v", parseBool("MAGEFILE_VERBOSE"), "show verbose output when running targets")
	fs.BoolVar(&args.List, "l", parseBool("MAGEFILE_LIST"), "list targets for this binary")
	fs.BoolVar(&args.Help, "h", parseBool("MAGEFILE_HELP"), "print out help for a specific target")
	fs.DurationVar(&args.Timeout, "t", parseDuration("MAGEFILE_TIMEOUT"), "timeout in duration parsable format (e.g. 5m30s)")
	fs.Usage = func() {
		_fmt.Fprintf(_os.Stdout, `
%s [options] [target]

Commands:
  -l    list targets in this binary
  -h    show this help

Options:
  -h    show description of a target
  -t <string>
        timeout in duration parsable format (e.g. 5m30s)
  -v    show verbose output when running targets
 `[1:], _filepath.Base(_os.Args[0]))
	}
	if err := fs.Parse(_os.Args[1:]); err != nil {
		// flag will have printed out an error already.
		return
	}
	args.Args = fs.Args()
	if args.Help && len(args.Args) == 0 {
		fs.Usage()
		return
	}
		
	var printName = func(str string) string {
	// color is ANSI color type
	type color int

	// If you add/change/remove any items in this constant,
	// you will need to run "stringer -type=color" in this directory again.
	// NOTE: Please keep the list in an alphabetical order.
	const (
		black color = iota
		red
		green
		yellow
		blue
		magenta
		cyan
		white
		brightblack
		brightred
		brightgreen
		brightyellow
		brightblue
		brightmagenta
		brightcyan
		brightwhite
	)

	// AnsiColor are ANSI color codes for supported terminal colors.
	var ansiColor = map[color]string{
		black:         "\u001b[30m",
		red:           "\u001b[31m",
		green:         "\u001b[32m",
		yellow:        "\u001b[33m",
		blue:          "\u001b[34m",
		magenta:       "\u001b[35m",
		cyan:          "\u001b[36m",
		white:         "\u001b[37m",
		brightblack:   "\u001b[30;1m",
		brightred:     "\u001b[31;1m",
		brightgreen:   "\u001b[32;1m",
		brightyellow:  "\u001b[33;1m",
		brightblue:    "\u001b[34;1m",
		brightmagenta: "\u001b[35;1m",
		brightcyan:    "\u001b[36;1m",
		brightwhite:   "\u001b[37;1m",
	}

	const colorName = "blackredgreenyellowbluemagentacyanwhitebrightblackbrightredbrightgreenbrightyellowbrightbluebrightmagentabrightcyanbrightwhite"

	var colorIndex = [...]uint8{0, 5, 8, 13, 19, 23, 30, 34, 39, 50, 59, 70, 82, 92, 105, 115, 126}

	colorToLowerString := func(i color) string {
		if i < 0 || i >= color(len(colorIndex)-1) {
			return "color(" + _strconv.FormatInt(int64(i), 10) + ")"
		}
		return colorName[colorIndex[i]:colorIndex[i+1]]
	}

	// ansiColorReset is an ANSI color code to reset the terminal color.
	const ansiColorReset = "\033[0m"

	// defaultTargetAnsiColor is a default ANSI color for colorizing targets.
	// It is set to Cyan as an arbitrary color, because it has a neutral meaning
	var defaultTargetAnsiColor = ansiColor[cyan]

	getAnsiColor := func(color string) (string, bool) {
		colorLower := _strings.ToLower(color)
		for k, v := range ansiColor {
			colorConstLower := colorToLowerString(k)
			if colorConstLower == colorLower {
				return v, true
			}
		}
		return "", false
	}

	// Terminals which  don't support color:
	//
	//	TERM=vt100
	//	TERM=cygwin
	//	TERM=xterm-mono
	var noColorTerms = map[string]bool{
		"vt100":      false,
		"cygwin":     false,
		"xterm-mono": false,
	}

	// terminalSupportsColor checks if the current console supports color output
	//
	// Supported:
	//
	//	linux, mac, or windows's ConEmu, Cmder, putty, git-bash.exe, pwsh.exe
	//
	// Not supported:
	//
	//	windows cmd.exe, powerShell.exe
	terminalSupportsColor := func() bool {
		envTerm := _os.Getenv("TERM")
		if _, ok := noColorTerms[envTerm]; ok {
			return false
		}
		return true
	}

	// enableColor reports whether the user has requested to enable a color output.
	enableColor := func() bool {
		b, _ := _strconv.ParseBool(_os.Getenv("MAGEFILE_ENABLE_COLOR"))
		return b
	}

	// targetColor returns the ANSI color which should be used to colorize targets.
	targetColor := func() string {
		s, exists := _os.LookupEnv("MAGEFILE_TARGET_COLOR")
		if exists {
			if c, ok := getAnsiColor(s); ok {
				return c
			}
		}
		return defaultTargetAnsiColor
	}

	// store the color terminal variables, so that the detection isn't repeated for each target
	var enableColorValue = enableColor() && terminalSupportsColor()
	var targetColorValue = targetColor()

	if enableColorValue {
		return _fmt.Sprintf("%s%s%s", targetColorValue, str, ansiColorReset)
	}

	return str
}


	list := func() error {
		_fmt.Println(`rtwasm's tasks: 'go tool mage -l' lists them, 'go tool mage -h TARGET' explains one. Options are RTWASM_* environment variables (RTWASM_PROFILE, RTWASM_BENCHMARKS, RTWASM_RUNTIMES, RTWASM_DATASET, …); 'go tool mage doctor' and the README list them all with their defaults.
`)
		targets := map[string]string{
			"all": "is the main job: toolchain → build → startup, total and prolonged in one run → report.",
			"build": "compiles the selected kernels for every target the selected runtimes need, plus the runner program; unchanged inputs compile nothing.",
			"clean": "removes every container rtwasm left behind and its cached kernel images (labelled rtwasm=1), the temporary directories and unfinished toolchain builds of killed runs, and the build directory.",
			"doctor": "prints the profiles, the compilers and runtimes this host has (or why not), Docker's state, the CPU frequency state and a fixed-frequency verdict.",
			"explain": "says why a series is faster or slower than native for the kernels RTWASM_BENCHMARKS names (default: those where a WASM series beat native in the prolonged test) of the run RTWASM_RUN (default $RTWASM_DATA/latest): per series the steady-state time and page faults per job and peak RSS from the run, and one job's instruction count under valgrind's callgrind (native and every runtime that runs under valgrind).",
			"fixHost": "fixes the CPU frequency where Linux allows it (root, cpufreq): performance governor, min = max = base frequency, turbo off.",
			"hybrid": "is the hybrid executor's benchmark: the hybrids and the runtimes they are measured against run the startup and prolonged experiments (process model, all CPUs unless RTWASM_CPUS says otherwise), then it prints per kernel job-1 latency ÷ the fastest-start runtime's and steady state ÷ Cranelift's.",
			"interference": "compares the tails of RTWASM_RUN (default $RTWASM_DATA/latest) with those of the run RTWASM_COMPARE=<run-id> (another stress condition): ratios of p99 and pWCET per series × cell with bootstrap CIs, written to <run>/report/interference-<id>/.",
			"merge": "completes a fleet run once every shard finished: it checks each planned trial was journaled exactly once, writes samples.parquet and the manifest with every host's fingerprint, and renders the report.",
			"plan": "prints, for the current options, the trials and samples per experiment and series and the estimated wall time, from earlier runs on this host; what they lack is first measured by a short calibration run (under $RTWASM_DATA/calibration).",
			"prolonged": "reruns init+kernel RTWASM_ITERATIONS times per process into a new run.",
			"report": "renders the report of the run RTWASM_RUN=<run-id> (or latest; default: the run just made, else latest) from its samples.parquet and manifest.json alone.",
			"resume": "completes the interrupted run RTWASM_RESUME=<run-id> with the options it was started with, skipping every sample already taken, then renders its report.",
			"shard": "measures one shard of a fleet run: run by the fleet's Slurm job script with RTWASM_RUN_DIR and RTWASM_SHARD set, never by hand.",
			"startup": "measures cold-start time (launch → main) into a new run.",
			"status": "shows the progress of RTWASM_RUN (default $RTWASM_DATA/latest) from its journals — done/total per shard and per host for a fleet run — and the state of its Slurm jobs.",
			"tail": "runs the tail profile (RTWASM_PROFILE defaults to tail here): 1,000 cold starts and 1,000 jobs per cell, spaced by RTWASM_GAP, under RTWASM_STRESS, into a new run, then its report.",
			"test": "installs what the tests need (the compilers), then runs go test ./...",
			"toolchain": "finds (downloading or installing where it may) the WASI, glibc and musl C compilers and prints their provenance.",
			"total": "measures launch → end of main with one kernel run into a new run.",
			"verify": "runs every kernel with its dump switch on every available runtime and compares the output byte for byte with the reference dumps, or with RTWASM_VERIFY=cross with native:glibc's dump (any dataset).",
		}

		keys := make([]string, 0, len(targets))
		for name := range targets {
			keys = append(keys, name)
		}
		_sort.Strings(keys)

		_fmt.Println("Targets:")
		w := _tabwriter.NewWriter(_os.Stdout, 0, 4, 4, ' ', 0)
		for _, name := range keys {
			_fmt.Fprintf(w, "  %v\t%v\n", printName(name), targets[name])
		}
		err := w.Flush()
		return err
	}

	var ctx _context.Context
	ctxCancel := func(){}

	// by deferring in a closure, we let the cancel function get replaced
	// by the getContext function.
	defer func() {
		ctxCancel()
	}()

	getContext := func() (_context.Context, func()) {
		if ctx == nil {
			if args.Timeout != 0 {
				ctx, ctxCancel = _context.WithTimeout(_context.Background(), args.Timeout)
			} else {
				ctx, ctxCancel = _context.WithCancel(_context.Background())
			}
		}

		return ctx, ctxCancel
	}

	runTarget := func(logger *_log.Logger, fn func(_context.Context) error) interface{} {
		var err interface{}
		ctx, cancel := getContext()
		d := make(chan interface{})
		go func() {
			defer func() {
				err := recover()
				d <- err
			}()
			err := fn(ctx)
			d <- err
		}()
		sigCh := make(chan _os.Signal, 1)
		_signal.Notify(sigCh, _syscall.SIGINT)
		select {
		case <-sigCh:
			logger.Println("cancelling mage targets, waiting up to 5 seconds for cleanup...")
			cancel()
			cleanupCh := _time.After(5 * _time.Second)

			select {
			// target exited by itself
			case err = <-d:
				return err
			// cleanup timeout exceeded
			case <-cleanupCh:
				return _fmt.Errorf("cleanup timeout exceeded")
			// second SIGINT received
			case <-sigCh:
				logger.Println("exiting mage")
				return _fmt.Errorf("exit forced")
			}
		case <-ctx.Done():
			cancel()
			e := ctx.Err()
			_fmt.Printf("ctx err: %v\n", e)
			return e
		case err = <-d:
			// we intentionally don't cancel the context here, because
			// the next target will need to run with the same _context.
			return err
		}
	}
	// This is necessary in case there aren't any targets, to avoid an unused
	// variable error.
	_ = runTarget

	handleError := func(logger *_log.Logger, err interface{}) {
		if err != nil {
			logger.Printf("Error: %+v\n", err)
			type code interface {
				ExitStatus() int
			}
			if c, ok := err.(code); ok {
				_os.Exit(c.ExitStatus())
			}
			_os.Exit(1)
		}
	}
	_ = handleError

	// Set MAGEFILE_VERBOSE so mg.Verbose() reflects the flag value.
	if args.Verbose {
		_os.Setenv("MAGEFILE_VERBOSE", "1")
	} else {
		_os.Setenv("MAGEFILE_VERBOSE", "0")
	}

	_log.SetFlags(0)
	if !args.Verbose {
		_log.SetOutput(_io.Discard)
	}
	logger := _log.New(_os.Stderr, "", 0)
	if args.List {
		if err := list(); err != nil {
			_log.Println(err)
			_os.Exit(1)
		}
		return
	}

	if args.Help {
		if len(args.Args) < 1 {
			logger.Println("no target specified")
			_os.Exit(2)
		}
		switch _strings.ToLower(args.Args[0]) {
			case "all":
				_fmt.Println("All is the main job: toolchain → build → startup, total and prolonged in one run → report. With RTWASM_EXECUTOR=slurm it plans the run and submits it to RTWASM_SLURM_PARTITION; the merge job renders the report.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 all\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "build":
				_fmt.Println("Build compiles the selected kernels for every target the selected runtimes need, plus the runner program; unchanged inputs compile nothing.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 build\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "clean":
				_fmt.Println("Clean removes every container rtwasm left behind and its cached kernel images (labelled rtwasm=1), the temporary directories and unfinished toolchain builds of killed runs, and the build directory. It refuses while a run is being written.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 clean\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "doctor":
				_fmt.Println("Doctor prints the profiles, the compilers and runtimes this host has (or why not), Docker's state, the CPU frequency state and a fixed-frequency verdict.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 doctor\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "explain":
				_fmt.Println("Explain says why a series is faster or slower than native for the kernels RTWASM_BENCHMARKS names (default: those where a WASM series beat native in the prolonged test) of the run RTWASM_RUN (default $RTWASM_DATA/latest): per series the steady-state time and page faults per job and peak RSS from the run, and one job's instruction count under valgrind's callgrind (native and every runtime that runs under valgrind). It writes explain.csv into the run directory (the report's \"Why\" section) and prints it.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 explain\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "fixhost":
				_fmt.Println("FixHost fixes the CPU frequency where Linux allows it (root, cpufreq): performance governor, min = max = base frequency, turbo off.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 fixhost\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "hybrid":
				_fmt.Println("Hybrid is the hybrid executor's benchmark: the hybrids and the runtimes they are measured against run the startup and prolonged experiments (process model, all CPUs unless RTWASM_CPUS says otherwise), then it prints per kernel job-1 latency ÷ the fastest-start runtime's and steady state ÷ Cranelift's. Use RTWASM_DATASET=SMALL or MEDIUM for the issue's targets.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 hybrid\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "interference":
				_fmt.Println("Interference compares the tails of RTWASM_RUN (default $RTWASM_DATA/latest) with those of the run RTWASM_COMPARE=<run-id> (another stress condition): ratios of p99 and pWCET per series × cell with bootstrap CIs, written to <run>/report/interference-<id>/.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 interference\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "merge":
				_fmt.Println("Merge completes a fleet run once every shard finished: it checks each planned trial was journaled exactly once, writes samples.parquet and the manifest with every host's fingerprint, and renders the report. The fleet's merge job runs it with RTWASM_RUN_DIR set.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 merge\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "plan":
				_fmt.Println("Plan prints, for the current options, the trials and samples per experiment and series and the estimated wall time, from earlier runs on this host; what they lack is first measured by a short calibration run (under $RTWASM_DATA/calibration). The claims profile prints the cells it fits to RTWASM_BUDGET.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 plan\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "prolonged":
				_fmt.Println("Prolonged reruns init+kernel RTWASM_ITERATIONS times per process into a new run.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 prolonged\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "report":
				_fmt.Println("Report renders the report of the run RTWASM_RUN=<run-id> (or latest; default: the run just made, else latest) from its samples.parquet and manifest.json alone. An interrupted run renders from its journal under a \"partial run\" banner.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 report\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "resume":
				_fmt.Println("Resume completes the interrupted run RTWASM_RESUME=<run-id> with the options it was started with, skipping every sample already taken, then renders its report.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 resume\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "shard":
				_fmt.Println("Shard measures one shard of a fleet run: run by the fleet's Slurm job script with RTWASM_RUN_DIR and RTWASM_SHARD set, never by hand. It takes the run's options from its manifest and skips the trials its journal holds.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 shard\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "startup":
				_fmt.Println("Startup measures cold-start time (launch → main) into a new run.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 startup\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "status":
				_fmt.Println("Status shows the progress of RTWASM_RUN (default $RTWASM_DATA/latest) from its journals — done/total per shard and per host for a fleet run — and the state of its Slurm jobs.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 status\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "tail":
				_fmt.Println("Tail runs the tail profile (RTWASM_PROFILE defaults to tail here): 1,000 cold starts and 1,000 jobs per cell, spaced by RTWASM_GAP, under RTWASM_STRESS, into a new run, then its report. It prints a time estimate first.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 tail\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "test":
				_fmt.Println("Test installs what the tests need (the compilers), then runs go test ./...")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 test\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "toolchain":
				_fmt.Println("Toolchain finds (downloading or installing where it may) the WASI, glibc and musl C compilers and prints their provenance.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 toolchain\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "total":
				_fmt.Println("Total measures launch → end of main with one kernel run into a new run.")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 total\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			case "verify":
				_fmt.Println("Verify runs every kernel with its dump switch on every available runtime and compares the output byte for byte with the reference dumps, or with RTWASM_VERIFY=cross with native:glibc's dump (any dataset).")
				_fmt.Println()
				
				_fmt.Print("Usage:\n\n\tf2af6c097ab83376 verify\n\n")
				var aliases []string
				if len(aliases) > 0 {
					_sort.Strings(aliases)
					_fmt.Printf("Aliases: %s\n\n", _strings.Join(aliases, ", "))
				}
				return
			default:
				logger.Printf("Unknown target: %q\n", args.Args[0])
				_os.Exit(2)
		}
	}
	if len(args.Args) < 1 {
		if err := list(); err != nil {
			logger.Println("Error:", err)
			_os.Exit(1)
		}
		return
	}
	for x := 0; x < len(args.Args); {
		target := args.Args[x]
		x++

		// resolve aliases
		switch _strings.ToLower(target) {
		
		}

		switch _strings.ToLower(target) {
		
			case "all":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"All\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "All")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return All(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "build":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Build\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Build")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Build(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "clean":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Clean\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Clean")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Clean(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "doctor":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Doctor\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Doctor")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Doctor(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "explain":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Explain\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Explain")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Explain(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "fixhost":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"FixHost\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "FixHost")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return FixHost()
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "hybrid":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Hybrid\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Hybrid")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Hybrid(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "interference":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Interference\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Interference")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Interference()
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "merge":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Merge\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Merge")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Merge()
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "plan":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Plan\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Plan")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Plan(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "prolonged":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Prolonged\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Prolonged")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Prolonged(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "report":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Report\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Report")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Report()
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "resume":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Resume\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Resume")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Resume(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "shard":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Shard\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Shard")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Shard(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "startup":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Startup\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Startup")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Startup(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "status":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Status\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Status")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Status(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "tail":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Tail\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Tail")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Tail(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "test":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Test\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Test")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Test(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "toolchain":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Toolchain\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Toolchain")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Toolchain(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "total":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Total\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Total")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Total(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
			case "verify":
				expected := x + 0
				if expected > len(args.Args) {
					// note that expected and args at this point include the arg for the target itself
					// so we subtract 1 here to show the number of args without the target.
					logger.Printf("not enough arguments for target \"Verify\", expected %v, got %v\n", expected-1, len(args.Args)-1)
					_os.Exit(2)
				}
				if args.Verbose {
					logger.Println("Running target:", "Verify")
				}
				
				wrapFn := func(ctx _context.Context) error {
					return Verify(ctx)
				}
				ret := runTarget(logger, wrapFn)
				handleError(logger, ret)
		
		default:
			logger.Printf("Unknown target specified: %q\n", target)
			_os.Exit(2)
		}
	}
}





// Package kernels is rtwasm's benchmark suite: the 30 PolyBench-style kernels
// (C sources written from the behavioural specification) and the apps
// category of edge workloads, plus the catalogue that the build, the runner
// and the report all read. Adding a kernel means adding its C file under src/
// and one Kernel entry in the file of its category. It imports only run, whose
// record owns the dataset names and the apps category; everything else that
// builds or runs kernels imports it.
package kernels

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/rtwasm/rtwasm/run"
)

//go:embed src/*.c src/*.h
var sources embed.FS

// Dataset is a PolyBench problem size, chosen at compile time; the run
// record owns the names (run.Dataset), the catalogue sizes kernels by them.
type Dataset = run.Dataset

// The five dataset sizes, smallest first.
const (
	Mini       = run.Mini
	Small      = run.Small
	Medium     = run.Medium
	Large      = run.Large
	ExtraLarge = run.ExtraLarge
)

// Datasets lists every size in ascending order.
var Datasets = run.Datasets

// ParseDataset accepts a dataset name in any case.
func ParseDataset(name string) (Dataset, error) { return run.ParseDataset(name) }

// Sizes holds one parameter vector per dataset, in Datasets order.
type Sizes [5][]int

// Kernel describes one benchmark.
type Kernel struct {
	Name     string   // PolyBench name, e.g. "gemm"
	Category string   // e.g. "linear-algebra/blas"
	Elem     string   // element type: "double", "float" or "int"
	Params   []string // size macro names, e.g. NI, NJ, NK
	Sizes    Sizes    // values of Params per dataset
}

// Defines returns the -D compiler flags that fix the kernel's sizes.
func (k Kernel) Defines(d Dataset) []string {
	values := k.Sizes[datasetIndex(d)]
	flags := make([]string, len(k.Params))
	for i, p := range k.Params {
		flags[i] = fmt.Sprintf("-D%s=%d", p, values[i])
	}
	return flags
}

// SourceFiles returns the kernel's C file, the harness and the shared
// headers, as file name → contents.
func (k Kernel) SourceFiles() (map[string][]byte, error) {
	files := map[string][]byte{}
	headers, err := fs.Glob(sources, "src/*.h")
	if err != nil {
		return nil, err
	}
	for _, name := range append([]string{"harness.c", k.Name + ".c"}, trimDir(headers)...) {
		b, err := sources.ReadFile("src/" + name)
		if err != nil {
			return nil, fmt.Errorf("kernel %s: %w", k.Name, err)
		}
		files[name] = b
	}
	return files, nil
}

func trimDir(paths []string) []string {
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = path.Base(p)
	}
	return names
}

func datasetIndex(d Dataset) int {
	for i, x := range Datasets {
		if x == d {
			return i
		}
	}
	panic("kernels: unknown dataset " + string(d))
}

// All returns every kernel, sorted by name.
func All() []Kernel {
	var all []Kernel
	for _, group := range [][]Kernel{datamining, blas, linearAlgebraKernels, solvers, medley, stencils, apps} {
		all = append(all, group...)
	}
	slices.SortFunc(all, func(a, b Kernel) int { return cmp.Compare(a.Name, b.Name) })
	return all
}

// Names returns the names of all kernels, sorted.
func Names() []string {
	var names []string
	for _, k := range All() {
		names = append(names, k.Name)
	}
	return names
}

// Lookup finds a kernel by name.
func Lookup(name string) (Kernel, error) {
	for _, k := range All() {
		if k.Name == name {
			return k, nil
		}
	}
	return Kernel{}, fmt.Errorf("unknown benchmark %q; valid: %s", name, strings.Join(Names(), ", "))
}

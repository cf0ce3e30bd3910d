package kernels

import (
	"slices"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

func TestCatalogIsComplete(t *testing.T) {
	all := All()
	if len(all) != 35 {
		t.Fatalf("%d kernels, want PolyBench's 30 and 5 apps", len(all))
	}
	categories := map[string]bool{"datamining": true, "linear-algebra/blas": true, "linear-algebra/kernels": true,
		"linear-algebra/solvers": true, "medley": true, "stencils": true, Apps: true}
	perCategory := map[string]int{}
	for _, k := range all {
		perCategory[k.Category]++
	}
	if perCategory[Apps] != 5 || len(all)-perCategory[Apps] != 30 {
		t.Errorf("kernels per category %v, want 30 PolyBench and 5 %s", perCategory, Apps)
	}
	for _, k := range all {
		if !categories[k.Category] {
			t.Errorf("%s: unknown category %q", k.Name, k.Category)
		}
		if k.Elem != "double" && k.Elem != "float" && k.Elem != "int" {
			t.Errorf("%s: element type %q", k.Name, k.Elem)
		}
		for i, d := range Datasets {
			if len(k.Sizes[i]) != len(k.Params) {
				t.Errorf("%s %s: %d sizes for %d parameters", k.Name, d, len(k.Sizes[i]), len(k.Params))
			}
		}
		files, err := k.SourceFiles()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(files[k.Name+".c"]), "kernel_run") || files["harness.c"] == nil {
			t.Errorf("%s: sources incomplete: %v", k.Name, keys(files))
		}
	}
}

func TestDefinesAndLookup(t *testing.T) {
	k, err := Lookup("gemm")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(k.Defines(Large), " "); got != "-DNI=1000 -DNJ=1100 -DNK=1200" {
		t.Fatalf("LARGE defines %q", got)
	}
	if _, err := Lookup("gemmm"); err == nil || !strings.Contains(err.Error(), "valid: 2mm") {
		t.Fatalf("unknown kernel error %v", err)
	}
	if d, err := ParseDataset("medium"); err != nil || d != Medium {
		t.Fatalf("ParseDataset(medium) = %v, %v", d, err)
	}
}

func keys(m map[string][]byte) []string {
	var list []string
	for k := range m {
		list = append(list, k)
	}
	return list
}

// run.AppKernels names the apps for the report, which must not import the
// catalogue: it must list exactly the catalogue's apps, in its order.
func TestAppKernelsMatchCatalogue(t *testing.T) {
	var apps []string
	for _, k := range All() {
		if k.Category == Apps {
			apps = append(apps, k.Name)
		}
	}
	if !slices.Equal(apps, run.AppKernels) {
		t.Errorf("run.AppKernels = %v, the catalogue's apps are %v", run.AppKernels, apps)
	}
}

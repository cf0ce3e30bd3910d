package run

import (
	"fmt"
	"strings"
)

// Dataset is a PolyBench problem size, chosen at compile time. The run
// records it in its options; the catalogue (kernels) sizes its kernels by it.
type Dataset string

// The five dataset sizes, smallest first.
const (
	Mini       Dataset = "MINI"
	Small      Dataset = "SMALL"
	Medium     Dataset = "MEDIUM"
	Large      Dataset = "LARGE"
	ExtraLarge Dataset = "EXTRALARGE"
)

// Datasets lists every size in ascending order.
var Datasets = []Dataset{Mini, Small, Medium, Large, ExtraLarge}

// ParseDataset accepts a dataset name in any case.
func ParseDataset(name string) (Dataset, error) {
	for _, d := range Datasets {
		if strings.EqualFold(name, string(d)) {
			return d, nil
		}
	}
	return "", fmt.Errorf("unknown dataset %q; valid: %s", name, joinDatasets())
}

func joinDatasets() string {
	names := make([]string, len(Datasets))
	for i, d := range Datasets {
		names[i] = string(d)
	}
	return strings.Join(names, ", ")
}

// CategoryApps is the category (Sample.Category) of rtwasm's own
// application benchmarks (kernels.Apps).
const CategoryApps = "apps"

// AppKernels names the apps category's kernels, in catalogue order, for a
// report that says which were not measured; kernels' test holds it to the
// catalogue.
var AppKernels = []string{"cnn", "imgpipe", "jsonparse", "lz77", "sha256"}

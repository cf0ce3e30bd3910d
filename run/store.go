package run

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"
)

// SamplesFile is the name of a run's sample table.
const SamplesFile = "samples.parquet"

// WriteSamples writes rows to path atomically (a temporary file, then rename).
func WriteSamples(path string, rows []Sample) error {
	tmp := path + ".tmp"
	if err := parquet.WriteFile(tmp, rows); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// ReadSamples reads every row of a samples file.
func ReadSamples(path string) ([]Sample, error) {
	rows, err := parquet.ReadFile[Sample](path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return rows, nil
}

// ReadRun reads a run directory's manifest and samples.
func ReadRun(dir string) (Manifest, []Sample, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return m, nil, err
	}
	rows, err := ReadSamples(filepath.Join(dir, SamplesFile))
	return m, rows, err
}

package run

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/rtwasm/rtwasm/internal/safefile"
)

// SamplesFile is the name of a run's sample table.
const SamplesFile = "samples.parquet"

// WriteSamples writes rows to path atomically and without following links
// (see WriteWith).
func WriteSamples(path string, rows []Sample) error {
	return safefile.WriteWith(filepath.Dir(path), filepath.Base(path), func(w io.Writer) error {
		return parquet.Write(w, rows)
	})
}

// parquetMagic opens every Parquet file.
var parquetMagic = []byte("PAR1")

// ReadSamples reads every row of a samples file. A file that is not
// Parquet is refused without quoting its bytes (it may be a planted link's
// target or a secret).
func ReadSamples(path string) ([]Sample, error) {
	f, err := safefile.OpenRegular(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	head := make([]byte, len(parquetMagic))
	if _, err := f.ReadAt(head, 0); err != nil || !bytes.Equal(head, parquetMagic) {
		return nil, fmt.Errorf("read %s: not a Parquet file (%d bytes); remove it and resume the run to rewrite it", path, fi.Size())
	}
	rows, err := parquet.Read[Sample](f, fi.Size())
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

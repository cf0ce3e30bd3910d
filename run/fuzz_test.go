package run

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzOpenJournal: a journal of arbitrary bytes (a torn write, a disk
// error, a hostile file) opens without a panic; it is cut to its valid
// prefix, reopening reads the same trials, and a new record is readable
// after the cut. Seed corpus: testdata/fuzz/FuzzOpenJournal.
func FuzzOpenJournal(f *testing.F) {
	f.Add([]byte(`{"trial":"startup|gemm|wazero:interp|1","samples":[{"run_id":"r","status":"ok"}]}` + "\n"))
	f.Add([]byte(`{"trial":"a","samples":[]}` + "\n" + `{"trial":"b","sam`))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, JournalFile)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		j, done, err := OpenJournal(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := j.Record("fuzz|new|x|1", []Sample{{RunID: "fuzz", Status: StatusOK}}); err != nil {
			t.Fatal(err)
		}
		j.Close()
		j2, again, err := OpenJournal(dir)
		if err != nil {
			t.Fatal(err)
		}
		j2.Close()
		if _, ok := again["fuzz|new|x|1"]; !ok {
			t.Fatalf("the record written after opening is lost (journal %q)", data)
		}
		delete(again, "fuzz|new|x|1")
		if _, had := done["fuzz|new|x|1"]; !had && !reflect.DeepEqual(normalize(done), normalize(again)) {
			t.Fatalf("reopening changed the trials: %v, then %v", done, again)
		}
	})
}

// normalize treats nil and empty sample lists alike.
func normalize(m map[string][]Sample) map[string]int {
	n := map[string]int{}
	for k, v := range m {
		n[k] = len(v)
	}
	return n
}

// FuzzReadJournal: the reader under OpenJournal, in memory (thousands of
// inputs a second where OpenJournal's syncs allow dozens): the valid prefix
// is whole lines, and reading just that prefix gives the same trials.
func FuzzReadJournal(f *testing.F) {
	f.Add([]byte(`{"trial":"a","samples":[{"status":"ok"}]}` + "\n" + `{"trial":"b"`))
	f.Add([]byte("{\"trial\":\"\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		done, valid := readJournal(bytes.NewReader(data))
		if valid < 0 || valid > int64(len(data)) || (valid > 0 && data[valid-1] != '\n') {
			t.Fatalf("valid prefix %d of %q", valid, data)
		}
		again, v2 := readJournal(bytes.NewReader(data[:valid]))
		if v2 != valid || !reflect.DeepEqual(normalize(done), normalize(again)) {
			t.Fatalf("prefix re-read: %d trials / %d bytes, then %d / %d", len(done), valid, len(again), v2)
		}
	})
}

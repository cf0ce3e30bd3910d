package run

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"

	"github.com/rtwasm/rtwasm/internal/safefile"
)

// JournalFile holds a run's samples as they are taken, one trial per line,
// each line written and synced before the next sample starts.
const JournalFile = "journal.jsonl"

type journalEntry struct {
	Trial   string   `json:"trial"`
	Samples []Sample `json:"samples"`
}

// Journal is a run's open journal; one writer at a time.
type Journal struct{ f *os.File }

// OpenJournal opens the run's journal for appending and returns the trials it
// already holds. A torn last line (a kill mid-write) is dropped.
func OpenJournal(dir string) (*Journal, map[string][]Sample, error) {
	return OpenJournalFile(dir, JournalFile)
}

// ShardJournalFile is the journal of one fleet shard: each shard writes its
// own file, so shards on different hosts never contend for one.
func ShardJournalFile(shard int) string { return fmt.Sprintf("journal-%d.jsonl", shard) }

// OpenJournalFile is OpenJournal for the journal called name in dir.
func OpenJournalFile(dir, name string) (*Journal, map[string][]Sample, error) {
	done, valid, err := readJournalFile(filepath.Join(dir, name))
	if err != nil {
		return nil, nil, err
	}
	f, err := safefile.OpenInPlace(dir, name, os.O_WRONLY)
	if err != nil {
		return nil, nil, err
	}
	if err := f.Truncate(valid); err != nil {
		return nil, nil, err
	}
	if _, err := f.Seek(valid, 0); err != nil {
		return nil, nil, err
	}
	return &Journal{f}, done, nil
}

// ReadJournal returns the trials the journal called name in dir holds,
// without opening it for writing (a running writer may hold it); a missing
// journal holds none.
func ReadJournal(dir, name string) (map[string][]Sample, error) {
	done, _, err := readJournalFile(filepath.Join(dir, name))
	return done, err
}

// readJournalFile reads a journal file (a missing one holds nothing).
func readJournalFile(path string) (map[string][]Sample, int64, error) {
	f, err := safefile.OpenRegular(path)
	if os.IsNotExist(err) {
		return map[string][]Sample{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	done, valid := readJournal(f)
	return done, valid, nil
}

// ReadJournals returns the trials of every journal of a run (the local
// journal and any fleet shard's), for a report of a partial run.
func ReadJournals(dir string) (map[string][]Sample, error) {
	names, err := filepath.Glob(filepath.Join(dir, "journal*.jsonl"))
	if err != nil {
		return nil, err
	}
	all := map[string][]Sample{}
	for _, path := range names {
		done, _, err := readJournalFile(path)
		if err != nil {
			return nil, err
		}
		maps.Copy(all, done)
	}
	return all, nil
}

// readJournal reads whole, well-formed lines up to the first that is not
// (a torn write), returning the trials and the length of the valid prefix.
func readJournal(f io.Reader) (map[string][]Sample, int64) {
	done := map[string][]Sample{}
	valid := int64(0)
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		var e journalEntry
		if err != nil || json.Unmarshal(line, &e) != nil || e.Trial == "" {
			return done, valid
		}
		done[e.Trial] = e.Samples
		valid += int64(len(line))
	}
}

// Record appends one trial's samples and syncs them to disk.
func (j *Journal) Record(trial string, samples []Sample) error {
	line, err := json.Marshal(journalEntry{trial, samples})
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(line, '\n')); err != nil {
		return err
	}
	return j.f.Sync()
}

// Close closes the journal file.
func (j *Journal) Close() error { return j.f.Close() }

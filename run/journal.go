package run

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
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
	path := filepath.Join(dir, JournalFile)
	done, valid := map[string][]Sample{}, int64(0)
	if f, err := os.Open(path); err == nil {
		done, valid = readJournal(f)
		f.Close()
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, err
	}
	if err := f.Truncate(valid); err != nil {
		f.Close()
		return nil, nil, err
	}
	if _, err := f.Seek(valid, 0); err != nil {
		f.Close()
		return nil, nil, err
	}
	return &Journal{f}, done, nil
}

// ReadJournal returns the trials a run's journal holds without opening it
// for writing (a report of a partial run).
func ReadJournal(dir string) (map[string][]Sample, error) {
	f, err := os.Open(filepath.Join(dir, JournalFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	done, _ := readJournal(f)
	return done, nil
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

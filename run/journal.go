package run

import (
	"bufio"
	"encoding/json"
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
	done := map[string][]Sample{}
	valid := int64(0)
	if f, err := os.Open(path); err == nil {
		r := bufio.NewReader(f)
		for {
			line, err := r.ReadBytes('\n')
			var e journalEntry
			if err != nil || json.Unmarshal(line, &e) != nil {
				break
			}
			done[e.Trial] = e.Samples
			valid += int64(len(line))
		}
		f.Close()
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
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

package pipeline

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
)

// JournalFile holds a run's samples as they are taken, one cell per line,
// each line written and synced before the next sample starts.
const JournalFile = "journal.jsonl"

type journalEntry struct {
	Cell    string   `json:"cell"`
	Samples []Sample `json:"samples"`
}

type journal struct{ f *os.File }

// openJournal opens the run's journal for appending and returns the cells it
// already holds. A torn last line (a kill mid-write) is dropped.
func openJournal(run string) (*journal, map[string][]Sample, error) {
	path := filepath.Join(run, JournalFile)
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
			done[e.Cell] = e.Samples
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
	return &journal{f}, done, nil
}

func (j *journal) record(cell string, samples []Sample) error {
	line, err := json.Marshal(journalEntry{cell, samples})
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(line, '\n')); err != nil {
		return err
	}
	return j.f.Sync()
}

func (j *journal) Close() error { return j.f.Close() }

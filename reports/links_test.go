package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/run"
)

// A report written over planted links replaces the links and leaves their
// targets alone, even a report directory that links out of the run.
func TestReportNeverFollowsLinks(t *testing.T) {
	for _, link := range []string{"report/index.html", "report/summary.csv", "report/figures/fig1.svg"} {
		t.Run(link, func(t *testing.T) {
			dir := t.TempDir()
			writeFixture(t, dir, fixtureOptions{})
			target := filepath.Join(t.TempDir(), "victim")
			os.WriteFile(target, []byte("keep me"), 0o600)
			os.MkdirAll(filepath.Dir(filepath.Join(dir, link)), 0o755)
			if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
				t.Fatal(err)
			}
			Render(dir)
			if b, _ := os.ReadFile(target); string(b) != "keep me" {
				t.Errorf("rendering over the link %s changed its target to %.40q", link, b)
			}
		})
	}
	t.Run("report dir", func(t *testing.T) {
		dir := t.TempDir()
		writeFixture(t, dir, fixtureOptions{})
		outside := t.TempDir()
		if err := os.Symlink(outside, filepath.Join(dir, ReportDir)); err != nil {
			t.Fatal(err)
		}
		if _, err := Render(dir); err == nil {
			t.Error("Render through a report link leaving the run succeeded")
		}
		if entries, _ := os.ReadDir(outside); len(entries) > 0 {
			t.Errorf("Render wrote %d entries outside the run, through the report link", len(entries))
		}
	})
}

// A fleet run that was planned but never submitted has nothing to report:
// refused, saying how to resubmit, instead of an empty report.
func TestReportRefusesRunNeverStarted(t *testing.T) {
	for _, state := range []string{run.StatePlanned, run.StateSubmissionFailed} {
		dir := t.TempDir()
		if err := run.WriteManifest(dir, run.Manifest{RunID: "20260101T000000Z", State: state}); err != nil {
			t.Fatal(err)
		}
		_, err := Render(dir)
		if err == nil || !strings.Contains(err.Error(), "never started") || !strings.Contains(err.Error(), "RTWASM_RESUME=20260101T000000Z") {
			t.Errorf("Render of a %s run: %v, want a refusal naming resume", state, err)
		}
		if _, err := os.Stat(filepath.Join(dir, ReportDir)); err == nil {
			t.Errorf("a %s run got a report directory", state)
		}
	}
}

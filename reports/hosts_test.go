package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/host"
	"github.com/rtwasm/rtwasm/run"
)

// TestHostsSectionFindsSlowNode: one host twice as slow and on another
// kernel gives the warning, significant comparisons and names that host.
func TestHostsSectionFindsSlowNode(t *testing.T) {
	rec := func(name, kernel string, shard int) []run.HostRecord {
		st := host.State{CPUModel: "Test CPU", Cores: 4, Kernel: kernel, Turbo: "off"}
		rts := []run.RuntimeInfo{{ID: "native:musl", Available: true, Version: "1"}}
		return []run.HostRecord{{Shard: shard, Attempt: 1, Phase: "start", Host: name, State: st, Runtimes: rts},
			{Shard: shard, Attempt: 1, Phase: "end", Host: name, State: st, Runtimes: rts}}
	}
	m := run.Manifest{RunID: "hosts", Hosts: append(rec("n1", "6.1", 0), rec("n2", "6.2", 1)...)}
	var rows []run.Sample
	for rep := 1; rep <= 6; rep++ {
		for i, h := range []string{"n1", "n2"} {
			rows = append(rows, run.Sample{Experiment: run.Startup, Benchmark: "gemm", Runtime: "native:musl",
				ColdStart: run.ColdProcess, Rep: int32(rep), Host: h, Shard: int32(i), Status: run.StatusOK,
				StartupNS: int64((1 + i) * (1000000 + rep*1000))})
		}
	}
	c := newRun(m, rows).hostsSection()
	if !strings.Contains(c.Warning, "not identical") {
		t.Errorf("warning %q, want one saying the hosts are not identical", c.Warning)
	}
	text := strings.Join(c.Paragraphs, " ")
	if !strings.Contains(text, "1 of 1 comparisons differ") || !strings.Contains(text, "n2 is the slower host") {
		t.Errorf("narrative %q, want the one comparison to differ with n2 slower", text)
	}
	if !strings.Contains(text, "the slowest here, n2, is at 1.33") {
		t.Errorf("narrative %q, want n2's speed index 2/1.5 = 1.33", text)
	}
	if len(c.Tables) != 3 || len(c.Tables[0].Rows) != 2 || len(c.Tables[1].Rows) != 2 || len(c.Tables[2].Rows) != 1 {
		t.Fatalf("tables %+v, want 2 fingerprints, 2 speeds and 1 comparison", c.Tables)
	}
	if got := fmt.Sprint(c.Tables[2].Rows[0][3:5], c.Tables[2].Rows[0][6:8]); got != "[n1 6] [n2 6]" {
		t.Errorf("comparison row hosts %s", got)
	}

	// Identical hosts with the same distribution: no warning, no difference.
	m.Hosts = append(rec("n1", "6.1", 0), rec("n2", "6.1", 1)...)
	for i := range rows {
		rows[i].StartupNS = int64(1000000 + int(rows[i].Rep)*1000 + int(rows[i].Shard))
	}
	c = newRun(m, rows).hostsSection()
	if c.Warning != "" || !strings.Contains(strings.Join(c.Paragraphs, " "), "0 of 1 comparisons differ") {
		t.Errorf("identical hosts: warning %q, paragraphs %q", c.Warning, c.Paragraphs)
	}
	// A local run: one host, no records.
	for i := range rows {
		rows[i].Host = "here"
	}
	if c := newRun(run.Manifest{}, rows).hostsSection(); !strings.Contains(c.Empty, "one host (here)") {
		t.Errorf("local run: %+v", c)
	}
}

package host

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The host's own latency floor: rt-tests' cyclictest wakes a thread on
// each sampled CPU every millisecond at the run's scheduling policy and
// records how late it woke. Whatever a series' tail holds beyond this, the
// host alone already produces.

// Latency is one cyclictest measurement, before or after a run.
type Latency struct {
	Phase     string        `json:"phase"` // before | after
	At        time.Time     `json:"at"`
	Available bool          `json:"available"`
	Reason    string        `json:"reason,omitempty"` // why not, when unavailable
	Command   string        `json:"command,omitempty"`
	Duration  time.Duration `json:"duration_ns"`
	Policy    string        `json:"policy,omitempty"` // other | fifo:<prio>
	CPUs      []int         `json:"cpus,omitempty"`
	Cycles    int64         `json:"cycles"`
	MinUS     int64         `json:"min_us"`
	AvgUS     float64       `json:"avg_us"`
	MaxUS     int64         `json:"max_us"` // exact, even beyond the histogram
	P99US     int64         `json:"p99_us"`
	P999US    int64         `json:"p999_us"`
	// Histogram counts wake-ups per µs of latency, pooled over threads;
	// Overflows lie beyond HistogramUS.
	Histogram   map[int]int64 `json:"histogram_us"`
	HistogramUS int           `json:"histogram_range_us"`
	Overflows   int64         `json:"overflows"`
}

// histogramUS is the histogram's range: 10 ms, beyond any sane wake-up.
const histogramUS = 10000

// CyclictestArgs are cyclictest's arguments for a measurement of d on cpus
// (none: one thread, unpinned) at policy sched ("", other, fifo:<prio>),
// writing its results to jsonPath.
func CyclictestArgs(d time.Duration, cpus []int, sched, jsonPath string) []string {
	secs := max(1, int(math.Ceil(d.Seconds())))
	args := []string{"-m", "-q", "-D", strconv.Itoa(secs), "-i", "1000", "-h", strconv.Itoa(histogramUS), "--json=" + jsonPath}
	if len(cpus) > 0 {
		args = append(args, "-t", strconv.Itoa(len(cpus)), "-a", FormatCPUs(cpus))
	}
	if prio, ok := strings.CutPrefix(sched, "fifo:"); ok {
		return append(args, "--policy=fifo", "-p", prio)
	}
	return append(args, "--policy=other", "-p", "0")
}

// Cyclictest measures the host's wake-up latency for d. A missing or
// failing cyclictest is a result (Available false, Reason), never an error:
// the run goes on without its floor.
func Cyclictest(ctx context.Context, phase string, d time.Duration, cpus []int, sched string) Latency {
	l := Latency{Phase: phase, At: time.Now().UTC(), Duration: d, Policy: orDefault(sched, "other"), CPUs: slices.Clone(cpus)}
	path, err := exec.LookPath("cyclictest")
	if err != nil {
		l.Reason = "cyclictest not found (Debian: apt-get install rt-tests)"
		return l
	}
	tmp, err := os.MkdirTemp("", "rtwasm-cyclictest")
	if err != nil {
		l.Reason = err.Error()
		return l
	}
	defer os.RemoveAll(tmp)
	jsonPath := filepath.Join(tmp, "result.json")
	args := CyclictestArgs(d, cpus, sched, jsonPath)
	l.Command = "cyclictest " + strings.Join(args, " ")
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	if err != nil {
		l.Reason = fmt.Sprintf("%s: %v: %s", l.Command, err, lastLine(string(out)))
		return l
	}
	b, err := os.ReadFile(jsonPath)
	if err == nil {
		err = l.parse(b)
	}
	if err != nil {
		l.Reason = fmt.Sprintf("%s: %v", l.Command, err)
		return l
	}
	l.Available = true
	return l
}

// parse reads cyclictest's --json output into l.
func (l *Latency) parse(b []byte) error {
	var doc struct {
		Threads map[string]struct {
			Histogram map[string]int64 `json:"histogram"`
			Cycles    int64            `json:"cycles"`
			Min, Max  int64
			Avg       float64
		} `json:"thread"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("cyclictest's JSON: %w", err)
	}
	if len(doc.Threads) == 0 {
		return fmt.Errorf("cyclictest's JSON has no thread")
	}
	l.Histogram, l.HistogramUS, l.MinUS = map[int]int64{}, histogramUS, math.MaxInt64
	var sum float64
	var inRange int64
	for _, t := range doc.Threads {
		l.Cycles += t.Cycles
		l.MinUS, l.MaxUS = min(l.MinUS, t.Min), max(l.MaxUS, t.Max)
		sum += t.Avg * float64(t.Cycles)
		for k, n := range t.Histogram {
			us, err := strconv.Atoi(k)
			if err != nil {
				return fmt.Errorf("cyclictest's histogram bucket %q", k)
			}
			l.Histogram[us] += n
			inRange += n
		}
	}
	if l.Cycles == 0 {
		return fmt.Errorf("cyclictest counted no wake-up")
	}
	l.AvgUS, l.Overflows = sum/float64(l.Cycles), max(0, l.Cycles-inRange)
	l.P99US, l.P999US = l.Quantile(0.99), l.Quantile(0.999)
	return nil
}

// Quantile is the smallest latency (µs) with at least a fraction q of the
// wake-ups at or below it; in the overflow it is the maximum.
func (l Latency) Quantile(q float64) int64 {
	need := int64(math.Ceil(q * float64(l.Cycles)))
	var seen int64
	for _, us := range slices.Sorted(maps.Keys(l.Histogram)) {
		if seen += l.Histogram[us]; seen >= need {
			return int64(us)
		}
	}
	return l.MaxUS
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

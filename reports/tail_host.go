package reports

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/rtwasm/rtwasm/host"
)

// The host's own tail beside the series': cyclictest's wake-up latency on
// the sampled CPUs before and after the run (manifest.HostLatency). A
// series' bound whose excess over its median is no larger than the host's
// worst wake-up is within the host's noise: the host alone can produce it,
// so it says nothing about the runtime.

// hostColor draws the host's curve: grey, apart from every series' colour.
var hostColor = color.RGBA{0x55, 0x55, 0x55, 0xff}

// hostLatencies are the run's available cyclictest measurements.
func (r *runData) hostLatencies() []host.Latency {
	var list []host.Latency
	for _, l := range r.manifest.HostLatency {
		if l.Available {
			list = append(list, l)
		}
	}
	return list
}

// hostNoiseMS is the host's worst wake-up (ms) over the measurements; NaN without one.
func (r *runData) hostNoiseMS() float64 {
	worst := math.NaN()
	for _, l := range r.hostLatencies() {
		if ms := float64(l.MaxUS) / 1000; math.IsNaN(worst) || ms > worst {
			worst = ms
		}
	}
	return worst
}

// hostTable lists the cyclictest measurements, or why there are none.
func (r *runData) hostTable() table {
	t := table{Caption: "The host's own wake-up latency on the sampled CPUs (cyclictest, 1 ms period, at the run's scheduling policy)",
		Header: []string{"Phase", "Policy", "CPUs", "Wake-ups", "p99 (µs)", "p99.9 (µs)", "Max (µs)", "Beyond 10 ms"}}
	for _, l := range r.manifest.HostLatency {
		if !l.Available {
			t.Rows = append(t.Rows, []string{l.Phase, l.Policy, orDash(host.FormatCPUs(l.CPUs)), "unavailable: " + l.Reason, "–", "–", "–", "–"})
			continue
		}
		t.Rows = append(t.Rows, []string{l.Phase, l.Policy, orDash(host.FormatCPUs(l.CPUs)), strconv.FormatInt(l.Cycles, 10),
			strconv.FormatInt(l.P99US, 10), strconv.FormatInt(l.P999US, 10), strconv.FormatInt(l.MaxUS, 10), strconv.FormatInt(l.Overflows, 10)})
	}
	if len(t.Rows) == 0 {
		t.Note = "Not measured in this run (RTWASM_CYCLICTEST=off; the tail profile measures 10 s before and after)."
	}
	return t
}

// cellBound is the bound shown for a cell at 1e-6 and where it comes from:
// the GEV budget, else MBPTA-CV's, else the observed maximum.
func (c tailCell) cellBound() (float64, string) {
	switch {
	case c.fitted():
		return c.Budget[budgetIndex].V, "GEV"
	case c.CVBound != nil:
		return c.CVBound[budgetIndex], "MBPTA-CV"
	}
	return c.Max, "observed max"
}

// withinHostNoise reports whether the cell's bound exceeds its median by no
// more than the host's worst wake-up.
func (c tailCell) withinHostNoise(noiseMS float64) bool {
	b, _ := c.cellBound()
	return !math.IsNaN(noiseMS) && b-c.Median <= noiseMS
}

// beside is the series' tails beside the host's: p99, p99.9 and the bound at
// 1e-6, with the bound's excess over the median against the host's noise.
func (r *runData) besideTable(cells []tailCell) table {
	noise := r.hostNoiseMS()
	t := table{Caption: "Each series' tail beside the host's own: is a bound more than the host's worst wake-up above the median? (ms)",
		Header: []string{"Metric", "Benchmark", "Series", "Stress", "p99", "p99.9", "Bound 1e-6", "Bound − median", "Host max", "Within the host's noise"}}
	for _, c := range cells {
		b, from := c.cellBound()
		within := "–"
		if !math.IsNaN(noise) {
			within = "no"
			if c.withinHostNoise(noise) {
				within = "yes"
			}
		}
		t.Rows = append(t.Rows, []string{c.Metric.Name, c.Benchmark, c.Series, c.Stress, formatMS(c.P99), formatMS(c.P999),
			formatMS(b) + " (" + from + ")", formatMS(b - c.Median), orDash(formatMS(noise)), within})
	}
	return t
}

// hostNarrative says which bounds the host alone could produce.
func (r *runData) hostNarrative(cells []tailCell) string {
	noise := r.hostNoiseMS()
	if math.IsNaN(noise) {
		return "The host's own latency was not measured in this run, so no bound can be told apart from the host's noise " +
			"(RTWASM_CYCLICTEST; `go tool mage doctor` shows the host's real-time readiness)."
	}
	var within []string
	for _, c := range cells {
		if c.withinHostNoise(noise) {
			within = append(within, fmt.Sprintf("%s %s %s (%s)", c.Series, c.Metric.Name, c.Benchmark, c.Stress))
		}
	}
	text := fmt.Sprintf("The host itself woke the sampled CPUs up to %s ms late (cyclictest's maximum over %d measurement(s)). ",
		formatMS(noise), len(r.hostLatencies()))
	if len(within) == 0 {
		return text + fmt.Sprintf("Every one of the %d cells' bounds exceeds its median by more than that: their tails are the runtimes', not only the host's.", len(cells))
	}
	return text + fmt.Sprintf("In %d of %d cells the bound at 1e-6 exceeds the median by no more than that, so it lies within the host's "+
		"noise and says nothing about the runtime: %s.", len(within), len(cells), strings.Join(within, ", "))
}

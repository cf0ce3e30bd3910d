package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/rtwasm/rtwasm/run"
	"github.com/rtwasm/rtwasm/stats"
)

// Hosts are data: a fleet run's samples come from several machines, which
// should be identical. This section lists each host's fingerprint (from the
// manifest's shard records), warns when they differ, and compares the same
// cell's samples between hosts with a two-sample Kolmogorov–Smirnov test, so
// a slow or misconfigured node shows instead of being averaged away.

const headingHosts = "Hosts"

// ksAlpha is the level at which a per-host difference is reported.
const ksAlpha = 0.05

// hostComparison is one cell's samples on two hosts.
type hostComparison struct {
	metric, benchmark, series string
	hostA, hostB              string
	nA, nB                    int
	medianA, medianB          float64
	d, p                      float64 // KS statistic and its p-value
}

func (r *runData) hostsSection() section {
	c := section{ID: "hosts", Heading: headingHosts}
	hosts := r.sampleHosts()
	if len(hosts) <= 1 && len(r.manifest.Hosts) == 0 {
		c.Empty = "Every sample ran on one host" + onHost(hosts) + ": no per-host comparison."
		return c
	}
	c.Tables = append(c.Tables, hostFingerprintTable(r.manifest.Hosts, r.hostSampleCounts()))
	c.Warning = hostsWarning(r.manifest.Hosts)
	comps := r.compareHosts()
	speeds := r.hostSpeeds()
	c.Paragraphs = append(c.Paragraphs, fmt.Sprintf("%d hosts took this run's samples: %s.", len(hosts), strings.Join(hosts, ", ")),
		speedNarrative(speeds), hostsNarrative(comps))
	if len(speeds) > 0 {
		c.Tables = append(c.Tables, speedTable(speeds))
	}
	if len(comps) > 0 {
		c.Tables = append(c.Tables, hostComparisonTable(comps))
	}
	return c
}

func onHost(hosts []string) string {
	if len(hosts) == 1 && hosts[0] != "" {
		return " (" + hosts[0] + ")"
	}
	return ""
}

// sampleHosts lists the hosts named by the samples, sorted.
func (r *runData) sampleHosts() []string {
	var hs []string
	for _, s := range slices.Concat(r.ok, r.errors) {
		hs = append(hs, s.Host)
	}
	slices.Sort(hs)
	return slices.Compact(hs)
}

func (r *runData) hostSampleCounts() map[string]int {
	n := map[string]int{}
	for _, s := range r.ok {
		n[s.Host]++
	}
	return n
}

// fingerprint is what must be equal between the hosts of one run.
func fingerprint(h run.HostRecord) string {
	var rts []string
	for _, rt := range h.Runtimes {
		rts = append(rts, rt.ID+" "+rt.Version)
	}
	return strings.Join([]string{h.State.CPUModel, fmt.Sprint(h.State.Cores), h.State.Kernel, frequencyText(h.State),
		h.State.Turbo, strings.Join(rts, "; ")}, " | ")
}

// hostsWarning names what differs between the hosts, or within one host
// between a shard's start and end.
func hostsWarning(recs []run.HostRecord) string {
	byHost := map[string][]string{}
	for _, h := range recs {
		if f := fingerprint(h); !slices.Contains(byHost[h.Host], f) {
			byHost[h.Host] = append(byHost[h.Host], f)
		}
	}
	var parts []string
	var changed []string
	distinct := map[string]bool{}
	for _, name := range sortedKeys(byHost) {
		if len(byHost[name]) > 1 {
			changed = append(changed, name)
		}
		distinct[byHost[name][0]] = true
	}
	if len(distinct) > 1 {
		parts = append(parts, fmt.Sprintf("the %d hosts are not identical (CPU, cores, kernel, frequency state, turbo or runtime versions differ; see the table)", len(byHost)))
	}
	if len(changed) > 0 {
		parts = append(parts, "the state of "+strings.Join(changed, ", ")+" changed between a shard's start and end")
	}
	if len(parts) == 0 {
		return ""
	}
	return "WARNING: " + strings.Join(parts, "; and ") + ": per-host differences below may be the machines', not the runtimes'."
}

// hostFingerprintTable lists each host's fingerprint at its first record.
func hostFingerprintTable(recs []run.HostRecord, samples map[string]int) table {
	t := table{Caption: "Hosts: fingerprint at each shard attempt's start (from the manifest)",
		Header: []string{"host", "shard/attempt", "samples", "CPU", "cores", "kernel", "frequency", "turbo", "runtimes"}}
	seen := map[string]bool{}
	for _, h := range recs {
		key := fmt.Sprintf("%s/%d/%d", h.Host, h.Shard, h.Attempt)
		if h.Phase != "start" || seen[key] {
			continue
		}
		seen[key] = true
		var rts []string
		for _, rt := range h.Runtimes {
			if rt.Available {
				rts = append(rts, rt.ID+" "+rt.Version)
			} else {
				rts = append(rts, rt.ID+" unavailable")
			}
		}
		t.Rows = append(t.Rows, []string{h.Host, fmt.Sprintf("%d/%d", h.Shard, h.Attempt), fmt.Sprint(samples[h.Host]),
			orDash(h.State.CPUModel), fmt.Sprint(h.State.Cores), orDash(h.State.Kernel), frequencyText(h.State),
			orDash(h.State.Turbo), strings.Join(rts, "; ")})
	}
	if len(t.Rows) == 0 {
		t.Note = "The manifest records no host fingerprints (a local run, or one made before fleet mode)."
	}
	return t
}

// compareHosts runs a KS test for every metric × benchmark × series and every
// pair of hosts with at least two samples each of that cell.
func (r *runData) compareHosts() []hostComparison {
	var out []hostComparison
	for _, m := range metrics {
		for _, b := range r.benchmarks {
			for _, id := range r.series {
				byHost := map[string][]float64{}
				for _, s := range r.samples(m.Experiment, b, id) {
					if v, ok := m.value(s); ok && !math.IsNaN(v) {
						byHost[s.Host] = append(byHost[s.Host], v)
					}
				}
				hs := sortedKeys(byHost)
				for i, a := range hs {
					for _, bh := range hs[i+1:] {
						x, y := byHost[a], byHost[bh]
						if len(x) < 2 || len(y) < 2 {
							continue
						}
						d, p := stats.KS(x, y)
						out = append(out, hostComparison{m.title(), b, id, a, bh, len(x), len(y), stats.Median(x), stats.Median(y), d, p})
					}
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b hostComparison) int { return cmp.Compare(a.p, b.p) })
	return out
}

// hostsNarrative counts the differing cells and names the host that is
// slower in most of them.
func hostsNarrative(comps []hostComparison) string {
	if len(comps) == 0 {
		return "No cell has at least two samples on each of two hosts, so hosts cannot be compared; more repetitions or fewer shards give them."
	}
	slower := map[string]int{}
	differ := 0
	for _, c := range comps {
		if c.p >= ksAlpha {
			continue
		}
		differ++
		if c.medianA > c.medianB {
			slower[c.hostA]++
		} else {
			slower[c.hostB]++
		}
	}
	text := fmt.Sprintf("Same cell, different host: %d of %d comparisons differ at p < %.2f (two-sample Kolmogorov–Smirnov; "+
		"exact permutation p-value for small samples; not corrected for multiple tests, so about %.1f would by chance).",
		differ, len(comps), ksAlpha, ksAlpha*float64(len(comps)))
	if differ == 0 {
		return text
	}
	worst := ""
	for _, h := range sortedKeys(slower) {
		if worst == "" || slower[h] > slower[worst] {
			worst = h
		}
	}
	return text + fmt.Sprintf(" %s is the slower host in %d of them.", worst, slower[worst])
}

// hostSpeed is how a host's medians compare with the same cells' medians
// over all hosts: a slow node is above 1 in most cells.
type hostSpeed struct {
	host     string
	cells    int
	geoMean  float64 // geometric mean over cells of host median ÷ cell median
	min, max float64
}

// hostSpeeds works with any number of samples per host, so it shows a slow
// node even where the KS test has too few samples per cell.
func (r *runData) hostSpeeds() []hostSpeed {
	logs := map[string][]float64{}
	for _, m := range metrics {
		for _, b := range r.benchmarks {
			for _, id := range r.series {
				byHost := map[string][]float64{}
				var all []float64
				for _, s := range r.samples(m.Experiment, b, id) {
					if v, ok := m.value(s); ok && v > 0 {
						byHost[s.Host] = append(byHost[s.Host], v)
						all = append(all, v)
					}
				}
				if len(byHost) < 2 {
					continue
				}
				cell := stats.Median(all)
				for h, v := range byHost {
					logs[h] = append(logs[h], math.Log(stats.Median(v)/cell))
				}
			}
		}
	}
	var out []hostSpeed
	for _, h := range sortedKeys(logs) {
		l := logs[h]
		out = append(out, hostSpeed{host: h, cells: len(l), geoMean: math.Exp(stat.Mean(l, nil)),
			min: math.Exp(slices.Min(l)), max: math.Exp(slices.Max(l))})
	}
	return out
}

func speedNarrative(speeds []hostSpeed) string {
	if len(speeds) == 0 {
		return "No cell ran on two hosts, so the hosts' speeds cannot be compared."
	}
	slow := speeds[0]
	for _, s := range speeds[1:] {
		if s.geoMean > slow.geoMean {
			slow = s
		}
	}
	return fmt.Sprintf("Host speed: in the cells that ran on several hosts, a host's median over the cell's median is "+
		"1 for identical hosts; the slowest here, %s, is at %.3g (geometric mean over %d cells).", slow.host, slow.geoMean, slow.cells)
}

func speedTable(speeds []hostSpeed) table {
	t := table{Caption: "Host speed: host median ÷ cell median over all hosts, per cell that ran on several hosts",
		Header: []string{"host", "cells", "geometric mean", "min", "max"}}
	for _, s := range speeds {
		t.Rows = append(t.Rows, []string{s.host, fmt.Sprint(s.cells), fmt.Sprintf("%.3g", s.geoMean),
			fmt.Sprintf("%.3g", s.min), fmt.Sprintf("%.3g", s.max)})
	}
	return t
}

const maxHostRows = 25

func hostComparisonTable(comps []hostComparison) table {
	t := table{Caption: "Per-host distributions of the same cell (smallest p first)",
		Header: []string{"metric", "benchmark", "series", "host A", "n A", "median A", "host B", "n B", "median B", "KS D", "p"}}
	for i, c := range comps {
		if i == maxHostRows {
			t.Note = fmt.Sprintf("%d more comparisons, all with p ≥ %.3g.", len(comps)-maxHostRows, c.p)
			break
		}
		t.Rows = append(t.Rows, []string{c.metric, c.benchmark, c.series, c.hostA, fmt.Sprint(c.nA), formatTime(c.medianA),
			c.hostB, fmt.Sprint(c.nB), formatTime(c.medianB), fmt.Sprintf("%.2f", c.d), fmt.Sprintf("%.3g", c.p)})
	}
	return t
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package reports

import (
	"maps"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// hostCurve is the host's per-wake-up exceedance (ms) from the pooled
// histograms, a step per µs bucket: the fraction of wake-ups at least that
// late, plotted like the series' points (k/(n+1)).
func (r *runData) hostCurve() (plotter.XYs, bool) {
	counts := map[int]int64{}
	var total, overflow int64
	for _, l := range r.hostLatencies() {
		for us, n := range l.Histogram {
			counts[us] += n
		}
		total += l.Cycles
		overflow += l.Overflows
	}
	if total == 0 {
		return nil, false
	}
	var pts plotter.XYs
	atOrAbove := total - overflow // the overflow lies beyond the histogram
	for _, us := range slices.Sorted(maps.Keys(counts)) {
		if us > 0 {
			// As the series' points: the k-th largest of n at k/(n+1).
			pts = append(pts, plotter.XY{X: float64(us) / 1000, Y: float64(atOrAbove+overflow) / float64(total+1)})
		}
		atOrAbove -= counts[us]
	}
	return pts, len(pts) > 1
}

// hostLine is the host's curve as drawn, with its key entry.
func (r *runData) hostLine() (*plotter.Line, keyEntry, error) {
	pts, ok := r.hostCurve()
	if !ok {
		return nil, keyEntry{}, nil
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return nil, keyEntry{}, err
	}
	line.LineStyle = draw.LineStyle{Color: hostColor, Width: vg.Points(1.4), Dashes: []vg.Length{vg.Points(4), vg.Points(2)}}
	line.StepStyle = plotter.PreStep
	return line, keyEntry{Name: "host: cyclictest wake-up latency (probability per wake-up)", Style: seriesStyle{Color: hostColor, Shape: draw.BoxGlyph{}}}, nil
}

package stats

import "math"

// AAPair is two series known to execute identical code after start-up
// (e.g. native:musl and docker:engine running one static binary), for one
// benchmark.
type AAPair struct {
	Benchmark string
	Name      string // e.g. "native:musl vs docker:engine"; seeds the bootstrap
	A, B      []float64
}

// MinNoiseSamples is the fewest samples per side of an A/A pair that give
// a floor: those a 95 % CI of a median needs (MinPrecisionSamples). With
// fewer, the bootstrap CI of the ratio spans most of the range and the
// "floor" is the sample's spread, not the host's noise.
var MinNoiseSamples = MinPrecisionSamples(PrecisionLevel)

// Noise is the noise floor a run measured on its A/A pairs.
type Noise struct {
	Floor     map[string]float64 // per benchmark: the largest |ratio − 1| any of its A/A CIs allows
	Pairs     []Comparison       // one per AAPair, in order, Holm-corrected over all of them
	Differing []string           // names of A/A pairs judged Different: host noise, not findings
}

// Noisy reports whether some A/A pair differed significantly: then the
// host was noisy and differences below the floor are not findings.
func (n Noise) Noisy() bool { return len(n.Differing) > 0 }

// MeasureNoise compares every A/A pair (one Holm family for the run, at
// margin DefaultMargin) and returns each benchmark's noise floor.
//
// Opinion: the floor is what the data cannot tell from identical code —
// the farthest bound of the (1−2α) bootstrap CI of the A/A ratio of
// medians, max(High − 1, 1 − Low), the larger over a benchmark's pairs.
// It includes sampling uncertainty on purpose: with few samples the floor
// is wide, and so is what counts as a tie. A pair with fewer than
// MinNoiseSamples on a side gives no floor (NaN, which Margin maps to
// DefaultMargin): the floor is not determinable at that size.
func MeasureNoise(pairs []AAPair, opt Options) Noise {
	family := make([]Pair, len(pairs))
	for i, p := range pairs {
		family[i] = Pair{Name: p.Benchmark + "\x00" + p.Name, A: p.A, B: p.B, Margin: DefaultMargin}
	}
	n := Noise{Floor: map[string]float64{}, Pairs: CompareFamily(family, opt)}
	for i, c := range n.Pairs {
		n.Pairs[i].Name = pairs[i].Name
		bench := pairs[i].Benchmark
		floor := max(c.High-1, 1-c.Low)
		if min(c.NA, c.NB) < MinNoiseSamples {
			floor = math.NaN()
		}
		if old, ok := n.Floor[bench]; !ok || math.IsNaN(old) || floor > old {
			n.Floor[bench] = floor
		}
		if c.Verdict == Different {
			n.Differing = append(n.Differing, bench+": "+pairs[i].Name)
		}
	}
	return n
}

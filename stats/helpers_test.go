package stats

import (
	"math"
	"math/rand/v2"
)

// lognormal draws n times around base with a coefficient of variation of
// about cv (σ of ln t), from seed.
func lognormal(n int, base, cv float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = base * math.Exp(cv*rng.NormFloat64())
	}
	return x
}

func scaled(x []float64, f float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = v * f
	}
	return y
}

package stats

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Levels is the plan of a two-level experiment — processes, and jobs in
// each — after Kalibera & Jones (2013, "Rigorous benchmarking in reasonable
// time"), from a dimensioning round's jobs.
type Levels struct {
	Within  float64 // S₁²: variance of log job times within a process
	Between float64 // S₂²: variance of the process means beyond what Within explains (≥ 0)
	// JobsPerProcess is the optimal number of measured jobs per process,
	// ⌈√(c₂·S₁² / (c₁·S₂²))⌉, given a process's fixed cost c₂ and a job's
	// c₁ (every job when Between is 0: more processes buy nothing).
	JobsPerProcess int
	// Processes is how many processes of JobsPerProcess jobs bring the 95 %
	// CI of the grand mean within the target (relative).
	Processes int
	// HalfWidth is the CI's relative half-width now.
	HalfWidth float64
}

// PlanLevels estimates the variance components of processes (each one
// process's steady job times, all positive; at least two processes of two
// jobs) and plans the levels for a relative CI half-width of target, with
// costProcess and costJob the seconds a new process and one more job cost.
// ok is false when there are too few processes or jobs.
//
// Opinion: on log times, so variances are relative and the grand mean is a
// geometric mean; T₁ is the mean of the processes' sample variances and T₂
// the sample variance of their means, S₂² = max(0, T₂ − T₁/n₁) (Kalibera &
// Jones' estimator); the CI uses the t quantile on processes − 1 degrees of
// freedom, because processes are the independent units.
func PlanLevels(processes [][]float64, costProcess, costJob, target float64) (Levels, bool) {
	if len(processes) < 2 || target <= 0 {
		return Levels{}, false
	}
	var means, variances []float64
	jobs := math.MaxInt
	for _, p := range processes {
		if len(p) < 2 {
			return Levels{}, false
		}
		logs := make([]float64, len(p))
		for i, v := range p {
			if !(v > 0) {
				return Levels{}, false
			}
			logs[i] = math.Log(v)
		}
		m, v := stat.MeanVariance(logs, nil)
		means, variances = append(means, m), append(variances, v)
		jobs = min(jobs, len(p))
	}
	l := Levels{Within: stat.Mean(variances, nil)}
	l.Between = max(0, stat.Variance(means, nil)-l.Within/float64(jobs))
	l.JobsPerProcess = jobs
	if l.Between > 0 && costJob > 0 {
		l.JobsPerProcess = max(1, int(math.Ceil(math.Sqrt(costProcess*l.Within/(costJob*l.Between)))))
	}
	n := float64(len(processes))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975)
	perProcess := l.Between + l.Within/float64(jobs)
	l.HalfWidth = math.Expm1(t * math.Sqrt(perProcess/n))
	planned := l.Between + l.Within/float64(l.JobsPerProcess)
	delta := math.Log1p(target)
	l.Processes = max(2, int(math.Ceil(sq(distuv.UnitNormal.Quantile(0.975))*planned/sq(delta))))
	return l, true
}

package stats

import (
	"math"
	"testing"
)

// processes makes n processes of jobs each: a per-process level with CV
// between, and jobs around it with CV within.
func processes(n, jobs int, between, within float64, seed uint64) [][]float64 {
	levels := lognormal(n, 1, between, seed)
	var ps [][]float64
	for i, level := range levels {
		ps = append(ps, scaled(lognormal(jobs, 1, within, seed*100+uint64(i)), level))
	}
	return ps
}

func TestPlanLevels(t *testing.T) {
	// Processes differ by 5 %, jobs by 1 %: the between level dominates.
	l, ok := PlanLevels(processes(30, 20, 0.05, 0.01, 1), 1, 0.01, 0.05)
	if !ok || math.Abs(l.Between/0.0025-1) > 0.5 || math.Abs(l.Within/0.0001-1) > 0.3 {
		t.Fatalf("variance components %+v; want ≈ 0.0025 between, 0.0001 within", l)
	}
	// √(1·0.0001 / (0.01·0.0025)) = 2 jobs; processes ≈ 1.96²·(0.0025 + 0.0001/2) / ln(1.05)² ≈ 4.
	if l.JobsPerProcess < 1 || l.JobsPerProcess > 4 || l.Processes < 3 || l.Processes > 8 {
		t.Errorf("plan %d jobs × %d processes; want about 2 × 4", l.JobsPerProcess, l.Processes)
	}
	// Identical processes: more processes buy nothing, keep every job.
	same, ok := PlanLevels(processes(4, 20, 0, 0.01, 2), 1, 0.01, 0.05)
	if !ok || same.Between > 1e-5 || same.Processes != 2 || same.JobsPerProcess != 20 || !(same.HalfWidth < 0.05) {
		t.Errorf("identical processes: %+v", same)
	}
	if _, ok := PlanLevels(processes(1, 20, 0.05, 0.01, 3), 1, 0.01, 0.05); ok {
		t.Error("one process cannot give a between-process variance")
	}
}

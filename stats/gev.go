package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// GEV is the generalised extreme value distribution of block maxima,
// G(x) = exp(−(1 + ξ(x−μ)/σ)^(−1/ξ)), with Xi = 0 the Gumbel limit
// exp(−e^(−(x−μ)/σ)). Xi > 0 has a heavy (Fréchet) tail, Xi < 0 a finite
// upper end μ − σ/ξ (Weibull type).
type GEV struct {
	Mu, Sigma, Xi float64
}

// gumbelXi is the |ξ| below which the Gumbel formulas are used: the GEV
// ones lose precision there and the difference is below 1e-7 relative.
const gumbelXi = 1e-7

// t is (1 + ξz)^(−1/ξ), the GEV's "−log G"; +Inf/0 outside the support.
func (g GEV) t(x float64) float64 {
	z := (x - g.Mu) / g.Sigma
	if math.Abs(g.Xi) < gumbelXi {
		return math.Exp(-z)
	}
	u := 1 + g.Xi*z
	if u <= 0 {
		if g.Xi > 0 {
			return math.Inf(1) // below the lower end
		}
		return 0 // above the upper end
	}
	return math.Exp(-math.Log(u) / g.Xi)
}

// CDF is G(x).
func (g GEV) CDF(x float64) float64 { return math.Exp(-g.t(x)) }

// Survival is 1 − G(x), exact in the far tail.
func (g GEV) Survival(x float64) float64 { return -math.Expm1(-g.t(x)) }

// Quantile is the x with G(x) = p.
func (g GEV) Quantile(p float64) float64 { return g.ReturnLevel(1 - p) }

// ReturnLevel is the x exceeded with probability p per block, G(x) = 1−p,
// computed through −log(1−p) so that it stays exact for p far below
// machine epsilon.
func (g GEV) ReturnLevel(p float64) float64 {
	return g.Mu + g.Sigma*returnFactor(g.Xi, math.Log(-math.Log1p(-p)))
}

// returnFactor is (y^(−ξ) − 1)/ξ with L = ln y, and its limit −L at ξ = 0.
func returnFactor(xi, l float64) float64 {
	if math.Abs(xi) < gumbelXi {
		return -l + xi*l*l/2
	}
	return math.Expm1(-xi*l) / xi
}

// returnGradient is ∂x_p/∂(μ, σ, ξ).
func (g GEV) returnGradient(p float64) [3]float64 {
	l := math.Log(-math.Log1p(-p))
	if math.Abs(g.Xi) < gumbelXi {
		return [3]float64{1, -l, g.Sigma * (l*l/2 - g.Xi*l*l*l/3)}
	}
	a := math.Expm1(-g.Xi*l) / g.Xi
	return [3]float64{1, a, g.Sigma * (-l*math.Exp(-g.Xi*l)/g.Xi - a/g.Xi)}
}

// Rand draws one value by inverse CDF.
func (g GEV) Rand(rng *rand.Rand) float64 { return g.Quantile(rng.Float64()) }

// nll is the negative log-likelihood of x; +Inf outside the parameter
// space or when a value lies outside the support.
func (g GEV) nll(x []float64) float64 {
	if !(g.Sigma > 0) {
		return math.Inf(1)
	}
	s := float64(len(x)) * math.Log(g.Sigma)
	gumbel := math.Abs(g.Xi) < gumbelXi
	for _, v := range x {
		z := (v - g.Mu) / g.Sigma
		if gumbel {
			s += z + math.Exp(-z)
			continue
		}
		u := 1 + g.Xi*z
		if u <= 0 {
			return math.Inf(1)
		}
		lu := math.Log(u)
		s += (1+1/g.Xi)*lu + math.Exp(-lu/g.Xi)
	}
	return s
}

// PerBlock converts a per-run exceedance probability to a per-block one
// for blocks of b runs: 1 − (1−p)^b.
func PerBlock(p float64, b int) float64 { return -math.Expm1(float64(b) * math.Log1p(-p)) }

// PerRun is PerBlock's inverse: the per-run exceedance probability of a
// per-block one q for blocks of b runs, 1 − (1−q)^(1/b).
func PerRun(q float64, b int) float64 { return -math.Expm1(math.Log1p(-q) / float64(b)) }

// FitStatus says whether a GEV fit can be used.
type FitStatus int

const (
	// Fitted: converged and not rejected by the goodness-of-fit test.
	Fitted FitStatus = iota
	// TooFew: fewer than MinMaxima block maxima.
	TooFew
	// NotConverged: the optimiser failed or the observed information is
	// not positive definite; Model and its errors are not usable.
	NotConverged
	// Rejected: the fit converged but the goodness-of-fit test rejects it;
	// report the observed maximum only.
	Rejected
)

func (s FitStatus) String() string {
	return [...]string{"fitted", "too few maxima", "not converged", "rejected by goodness of fit"}[s]
}

// MinMaxima is the fewest block maxima FitGEV fits. Below about 30 the
// standard errors are rough; below 10 three parameters are not estimable.
const MinMaxima = 10

// GEVOptions tune FitGEV; the zero value is the default.
type GEVOptions struct {
	Alpha     float64 // level of the ξ = 0 and goodness-of-fit tests; 0 means 0.05
	Bootstrap int     // parametric bootstrap replicates of the GoF p-value; 0 means 200
	Seed      uint64  // seed of the parametric bootstrap
}

// GEVFit is the result of FitGEV.
type GEVFit struct {
	Status FitStatus
	Err    error // why, when Status is not Fitted

	N   int     // block maxima
	Max float64 // the observed maximum: the only honest figure when the fit fails

	Full        GEV // three-parameter ML fit
	FullCov     [3][3]float64
	Gumbel      bool    // ξ not significant: Model is the Gumbel fit
	XiP         float64 // likelihood-ratio p-value of ξ = 0
	XiLow, XiHi float64 // Wald CI of ξ at 1−α

	Model GEV           // the model used: Full, or the Gumbel fit (Xi = 0)
	Cov   [3][3]float64 // covariance of Model's (μ, σ, ξ); ξ's row is zero for Gumbel

	AD  float64 // Anderson–Darling A² of the maxima against Model
	ADP float64 // its parametric-bootstrap p-value

	alpha float64
}

// FitGEV fits the GEV to block maxima by maximum likelihood.
//
// Opinion:
//   - ML on standardised data with Nelder–Mead (restarted once at its
//     optimum), standard errors from the observed information (a central
//     finite-difference Hessian of the negative log-likelihood). The ML
//     asymptotics hold for ξ > −0.5; below that the CIs are indicative.
//   - The shape is kept only when it matters: a likelihood-ratio test of
//     ξ = 0 (χ²₁) at level α; otherwise the Gumbel fit is the Model. Extrapolating
//     to 1e-9 with a shape that is noise would be worse than with none.
//   - The Model is tested: Anderson–Darling A² with its p-value from a
//     parametric bootstrap (Bootstrap samples of the same size drawn from
//     the Model with Seed, each refitted in the same family), because
//     tabulated critical values do not hold with estimated parameters.
//     p < α gives Status Rejected.
//   - Failures are results (Status, Err), never panics.
func FitGEV(maxima []float64, opt GEVOptions) GEVFit {
	alpha := orDefault(opt.Alpha, 0.05)
	f := GEVFit{N: len(maxima), Max: math.NaN(), XiP: math.NaN(), AD: math.NaN(), ADP: math.NaN(), alpha: alpha}
	if len(maxima) > 0 {
		f.Max = slices.Max(maxima)
	}
	if len(maxima) < MinMaxima {
		f.Status, f.Err = TooFew, fmt.Errorf("stats: %d block maxima, need %d for a GEV fit (use more samples or smaller blocks)", len(maxima), MinMaxima)
		return f
	}
	full, fullCov, fullNLL, err := fitFamily(maxima, true)
	if err != nil {
		f.Status, f.Err = NotConverged, err
		return f
	}
	gum, gumCov, gumNLL, err := fitFamily(maxima, false)
	if err != nil {
		f.Status, f.Err = NotConverged, err
		return f
	}
	f.Full, f.FullCov = full, fullCov
	f.XiP = distuv.ChiSquared{K: 1}.Survival(2 * max(0, gumNLL-fullNLL))
	z := distuv.UnitNormal.Quantile(1 - alpha/2)
	se := math.Sqrt(fullCov[2][2])
	f.XiLow, f.XiHi = full.Xi-z*se, full.Xi+z*se
	f.Model, f.Cov = full, fullCov
	if f.XiP >= alpha {
		f.Gumbel, f.Model, f.Cov = true, gum, gumCov
	}
	f.AD = andersonDarling(maxima, f.Model)
	f.ADP = bootstrapADP(f.AD, len(maxima), f.Model, !f.Gumbel, int(orDefault(float64(opt.Bootstrap), 200)), opt.Seed)
	if f.ADP < alpha {
		f.Status, f.Err = Rejected, fmt.Errorf("stats: Anderson–Darling rejects the %s fit (A² = %.3g, p = %.3g); report the observed maximum only", f.family(), f.AD, f.ADP)
	}
	return f
}

func (f GEVFit) family() string {
	if f.Gumbel {
		return "Gumbel"
	}
	return "GEV"
}

// SE is the standard error of Model's μ, σ and ξ (ξ's is 0 for Gumbel).
func (f GEVFit) SE() [3]float64 {
	return [3]float64{math.Sqrt(f.Cov[0][0]), math.Sqrt(f.Cov[1][1]), math.Sqrt(f.Cov[2][2])}
}

// ReturnLevel is the level exceeded with probability p per block under the
// Model, with its delta-method CI at 1−α. Opinion: the delta method is
// symmetric and so understates the upper uncertainty of far-tail levels
// (a profile likelihood would widen it); read the CI as a lower bound on
// the uncertainty. NaN unless Status is Fitted.
func (f GEVFit) ReturnLevel(p float64) (level, low, high float64) {
	if f.Status != Fitted {
		return math.NaN(), math.NaN(), math.NaN()
	}
	level = f.Model.ReturnLevel(p)
	g := f.Model.returnGradient(p)
	variance := 0.0
	for i := range 3 {
		for j := range 3 {
			variance += g[i] * f.Cov[i][j] * g[j]
		}
	}
	half := distuv.UnitNormal.Quantile(1-f.alpha/2) * math.Sqrt(max(0, variance))
	return level, level - half, level + half
}

// FitGumbel fits the Gumbel (ξ = 0) to x by maximum likelihood, without the
// checks FitGEV makes: for refitting bootstrap replicates in a family chosen
// before.
func FitGumbel(x []float64) (GEV, error) {
	g, _, _, err := fitFamily(x, false)
	return g, err
}

// fitFamily fits the GEV (shape true) or the Gumbel to x by ML and returns
// the model, the covariance of (μ, σ, ξ) and the minimised negative
// log-likelihood.
func fitFamily(x []float64, shape bool) (GEV, [3][3]float64, float64, error) {
	var cov [3][3]float64
	center, scale := stat.MeanStdDev(x, nil)
	if !(scale > 0) {
		return GEV{}, cov, 0, errors.New("stats: the block maxima are all equal; no GEV can be fitted (report the observed maximum)")
	}
	std := make([]float64, len(x))
	for i, v := range x {
		std[i] = (v - center) / scale
	}
	// θ = (μ', ln σ', ξ) on standardised data; start from the Gumbel moments.
	model := func(th []float64) GEV {
		g := GEV{Mu: th[0], Sigma: math.Exp(th[1])}
		if shape {
			g.Xi = th[2]
		}
		return g
	}
	sigma0 := math.Sqrt(6) / math.Pi
	start := []float64{-0.5772 * sigma0, math.Log(sigma0)}
	if shape {
		start = append(start, 0.1)
		if math.IsInf(model(start).nll(std), 1) {
			start[2] = 0
		}
	}
	problem := optimize.Problem{Func: func(th []float64) float64 { return model(th).nll(std) }}
	var res *optimize.Result
	for range 2 { // a restart at the optimum guards against a collapsed simplex
		r, err := optimize.Minimize(problem, start, &optimize.Settings{FuncEvaluations: 20000}, &optimize.NelderMead{SimplexSize: 0.1})
		if err != nil || r == nil || r.Status.Early() || math.IsInf(r.F, 0) || math.IsNaN(r.F) {
			return GEV{}, cov, 0, fmt.Errorf("stats: %s ML fit did not converge (%v); report the observed maximum only", familyName(shape), optimizeReason(r, err))
		}
		res, start = r, r.X
	}
	g := model(res.X)
	// Observed information in (μ', σ', ξ), then back to data units.
	params := []float64{g.Mu, g.Sigma, g.Xi}[:len(start)]
	h := mat.NewSymDense(len(params), nil)
	fd.Hessian(h, func(p []float64) float64 {
		q := GEV{Mu: p[0], Sigma: p[1]}
		if shape {
			q.Xi = p[2]
		}
		return q.nll(std)
	}, params, &fd.Settings{Formula: fd.Central, Step: 1e-4})
	var chol mat.Cholesky
	if !chol.Factorize(h) {
		return GEV{}, cov, 0, fmt.Errorf("stats: %s fit: observed information is not positive definite (ξ̂ = %.3g); the ML estimate is on a boundary", familyName(shape), g.Xi)
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return GEV{}, cov, 0, fmt.Errorf("stats: %s fit: %v", familyName(shape), err)
	}
	unit := [3]float64{scale, scale, 1}
	for i := range params {
		for j := range params {
			cov[i][j] = inv.At(i, j) * unit[i] * unit[j]
		}
	}
	out := GEV{Mu: center + scale*g.Mu, Sigma: scale * g.Sigma, Xi: g.Xi}
	return out, cov, res.F + float64(len(x))*math.Log(scale), nil
}

func optimizeReason(r *optimize.Result, err error) string {
	switch {
	case err != nil:
		return err.Error()
	case r == nil:
		return "no result"
	case r.Status.Early():
		return r.Status.String()
	default:
		return "infinite negative log-likelihood"
	}
}

func familyName(shape bool) string {
	if shape {
		return "GEV"
	}
	return "Gumbel"
}

// andersonDarling is A² of x against g:
// −n − (1/n) Σ (2i−1)[ln G(x₍ᵢ₎) + ln(1 − G(x₍ₙ₊₁₋ᵢ₎))].
func andersonDarling(x []float64, g GEV) float64 {
	sorted := slices.Sorted(slices.Values(x))
	n := len(sorted)
	s := 0.0
	for i := range n {
		lower := -g.t(sorted[i])                                    // ln G
		upper := math.Log(g.Survival(sorted[n-1-i]))                // ln(1 − G)
		s += float64(2*i+1) * (max(lower, -745) + max(upper, -745)) // clamp ln 0
	}
	return -float64(n) - s/float64(n)
}

// bootstrapADP is the parametric-bootstrap p-value of A² = observed: the
// share of samples from g, refitted in the same family, with A² at least
// as large (counting the observed one, so never 0). NaN when no replicate
// could be refitted.
func bootstrapADP(observed float64, n int, g GEV, shape bool, replicates int, seed uint64) float64 {
	rng := rand.New(rand.NewPCG(seed, 0xad))
	sample := make([]float64, n)
	exceed, valid := 1, 1
	for range replicates {
		for i := range sample {
			sample[i] = g.Rand(rng)
		}
		fit, _, _, err := fitFamily(sample, shape)
		if err != nil {
			continue
		}
		valid++
		if andersonDarling(sample, fit) >= observed {
			exceed++
		}
	}
	if valid == 1 {
		return math.NaN()
	}
	return float64(exceed) / float64(valid)
}

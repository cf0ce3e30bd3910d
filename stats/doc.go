// Package stats holds the statistical judgements the reports make about
// timing samples: whether two series are tied, different or undecided
// (equivalence with a Holm-corrected difference test), the noise floor
// measured on A/A pairs, a median's CI and the samples a precision target
// needs (the stopping rule of adaptive sampling), where warm-up ends and
// which steady-state class (flat, warm-up, slowdown, none) a prolonged
// process has, the i.i.d. check (Ljung–Box, two-half KS) and block maxima
// behind the GEV fit of pWCET, the bootstrap CI of a break-even point and
// of a ratio, and a sample's description (Describe: median, mean and its
// t interval, quantiles).
//
// Every function takes plain float64 samples and returns plain values;
// bootstraps and simulations take an explicit seed, so results are
// reproducible. The package owns the statistics only: it must import
// nothing but the standard library and gonum — never pipeline, reports or
// any I/O.
//
// Opinions, stated once here and again where they apply:
//   - Medians and their ratio, not means: timing samples are skewed and
//     have outliers.
//   - "Not significantly different" is not "the same": a tie must be shown
//     (the CI of the ratio inside the margin), else the answer is undecided.
//   - A tie beats a difference: a significant difference smaller than the
//     margin (the noise floor) is not a finding.
//   - A fit or a test that cannot be done says so in its result; nothing
//     here panics on data.
package stats

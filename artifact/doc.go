// Package artifact makes and checks the bundle of one run for artifact
// evaluation (ACM's "artifact"; in rtwasm's words a bundle, since an
// artifact is a built kernel): one tar.gz holding the run (samples,
// manifest, journal, report), the exact source tree, the kernels' build
// provenance, SHA256SUMS of every file and a generated ARTIFACT.md that
// leads an evaluator from each claim of the verdict to its evidence, the
// command that regenerates it and the one that re-measures it. Check
// verifies a bundle without writing to it: checksums, then a re-render of
// the report from the bundled data into a temporary directory, compared
// byte for byte.
//
// It imports package run (to read runs), package reports (to re-render)
// and package toolchain (its file SHA-256 and its os.Root untar), and must not import pipeline, runtimes, runtimes/container
// or engine: checking a bundle needs no compiler and no runtime, and the
// commands and time estimates of re-measuring come in as data from the
// caller (the magefile asks pipeline for them).
package artifact

package pipeline

import (
	"iter"
	"math/bits"
	"math/rand/v2"
	"sort"
)

// A run's plan is streamed, not listed: RTWASM_REPS=1000000000 under
// RTWASM_CONFIRM=1 plans billions of trials, and a slice of them grows
// until the OOM killer ends the run. The plan holds one group per cell
// (experiment, benchmark, series) and maps a position of the run order to
// its trial on demand; the seeded shuffle is a keyed permutation of the
// index space, so it needs no memory per trial and the same seed gives the
// same order (resume replays it exactly).

// trialGroup is one cell of the plan: its trial (rep 0) and how many trials
// it makes: reps repetitions of copies trials each (2 with the A/A replicate).
type trialGroup struct {
	c      trial
	reps   int
	copies int
}

// trialPlan is the run's trials in seeded random order. With a stress
// condition the plain trials and a stressed copy of each (shuffled on their
// own) alternate in blocks, plain first, like alternate.
type trialPlan struct {
	groups []trialGroup
	ends   []int // ends[g]: plain trials in groups 0..g
	plain  int
	perm   permutation // plain trials' order
	stress string      // "" or the stress kind
	sperm  permutation // the stressed copies' order
	block  int
}

func newTrialPlan(groups []trialGroup, seed uint64, stress string) *trialPlan {
	p := &trialPlan{stress: stress}
	for _, g := range groups {
		if n := g.reps * g.copies; n > 0 {
			p.plain += n
			p.groups, p.ends = append(p.groups, g), append(p.ends, p.plain)
		}
	}
	p.perm = newPermutation(p.plain, seed, 0)
	if stress != "" {
		p.sperm, p.block = newPermutation(p.plain, seed, 1), stressBlock(p.plain)
	}
	return p
}

// Len is the number of trials.
func (p *trialPlan) Len() int {
	if p.stress != "" {
		return 2 * p.plain
	}
	return p.plain
}

// At is the trial at position pos of the run order.
func (p *trialPlan) At(pos int) trial {
	if p.stress == "" {
		return p.plainAt(p.perm.at(pos))
	}
	blk := pos / (2 * p.block)
	start := blk * p.block
	size := min(p.block, p.plain-start)
	w := pos - 2*start
	if w < size {
		return p.plainAt(p.perm.at(start + w))
	}
	c := p.plainAt(p.sperm.at(start + w - size))
	c.stress = p.stress
	return c
}

// plainAt is plain trial i in group order: group by group, repetition by
// repetition, the replicate right after its original.
func (p *trialPlan) plainAt(i int) trial {
	g := sort.Search(len(p.ends), func(g int) bool { return p.ends[g] > i })
	within := i
	if g > 0 {
		within -= p.ends[g-1]
	}
	c := p.groups[g].c
	c.rep, c.replicate = within/p.groups[g].copies+1, int32(within%p.groups[g].copies)
	return c
}

// All yields every trial with its position, in run order.
func (p *trialPlan) All() iter.Seq2[int, trial] {
	return func(yield func(int, trial) bool) {
		for pos := range p.Len() {
			if !yield(pos, p.At(pos)) {
				return
			}
		}
	}
}

// cells maps each cell to its trial (rep 0, not stressed) and its
// repetitions: adaptive sampling's rounds grow the cells from there.
func (p *trialPlan) cells() (map[string]trial, map[string]int) {
	templates, reps := map[string]trial{}, map[string]int{}
	for _, g := range p.groups {
		id := g.c.cellID()
		templates[id], reps[id] = g.c, g.reps
	}
	return templates, reps
}

// seqOf yields a listed round's trials with their positions order[i].
func seqOf(trials []trial, order []int) iter.Seq2[int, trial] {
	return func(yield func(int, trial) bool) {
		for i, c := range trials {
			if !yield(order[i], c) {
				return
			}
		}
	}
}

// permutation is a seeded bijection of [0, n): a balanced Feistel network
// over the smallest even power of two ≥ n, walked until it lands inside
// [0, n) (cycle walking: at most 4 steps expected, since the domain is
// below 4n). Each Feistel network is a bijection whatever its round
// function, so the walk is one too.
type permutation struct {
	n    int
	half uint // bits per half
	keys [feistelRounds]uint64
}

const feistelRounds = 6

func newPermutation(n int, seed, stream uint64) permutation {
	p := permutation{n: n, half: uint(bits.Len64(uint64(max(n, 2)-1))+1) / 2}
	r := rand.New(rand.NewPCG(seed, stream))
	for i := range p.keys {
		p.keys[i] = r.Uint64()
	}
	return p
}

// at is the position that index i moves to.
func (p permutation) at(i int) int {
	x := uint64(i)
	for {
		x = p.encrypt(x)
		if x < uint64(p.n) {
			return int(x)
		}
	}
}

func (p permutation) encrypt(x uint64) uint64 {
	mask := uint64(1)<<p.half - 1
	l, r := x>>p.half, x&mask
	for _, k := range p.keys {
		l, r = r, l^(mix64(r^k)&mask)
	}
	return l<<p.half | r
}

// mix64 is SplitMix64's finaliser: every input bit flips about half the
// output bits, which a Feistel round function needs.
func mix64(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

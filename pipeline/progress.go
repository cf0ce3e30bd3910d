package pipeline

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rtwasm/rtwasm/run"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows the matrix's advance: a bar with ETA and the current trial
// on a terminal, plain log lines every tenth of the work otherwise. Errors
// are always logged as lines.
type progress struct {
	log     io.Writer
	bar     *progressbar.ProgressBar // nil when not on a terminal
	total   int
	resumed int // samples taken by an earlier, interrupted invocation
	taken   int
	start   time.Time
	nextLog int
}

func newProgress(log io.Writer, total, resumed int) *progress {
	p := &progress{log: log, total: total, resumed: resumed, start: time.Now()}
	if resumed > 0 {
		fmt.Fprintf(log, "resuming: %d of %d samples already taken\n", resumed, total)
	}
	if f, ok := log.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(f), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionFullWidth(), progressbar.OptionClearOnFinish())
		p.bar.Set(resumed)
	}
	return p
}

func (p *progress) step(c trial, s run.Sample) {
	p.taken++
	done := p.resumed + p.taken
	label := fmt.Sprintf("%s %s %s", c.exp, c.kernel.Name, run.Series(c.rt.ID(), c.rt.ColdStart()))
	if s.Status == run.StatusError {
		fmt.Fprintf(p.log, "\nerror: %s rep %d: %s\n", label, c.rep, s.Error)
	}
	if p.bar != nil {
		p.bar.Describe(label)
		p.bar.Set(done)
		return
	}
	if done*10 >= p.nextLog*p.total || done == p.total {
		p.nextLog = done*10/max(p.total, 1) + 1
		elapsed := time.Since(p.start)
		eta := time.Duration(float64(elapsed) / float64(p.taken) * float64(p.total-done))
		fmt.Fprintf(p.log, "[%d/%d] %s — elapsed %s, eta %s\n", done, p.total, label,
			elapsed.Round(time.Second), eta.Round(time.Second))
	}
}

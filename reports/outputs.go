package reports

import (
	"path/filepath"
	"time"

	"github.com/rtwasm/rtwasm/internal/safefile"
)

// output is one file of a report beside its page: a table as CSV or LaTeX.
type output struct {
	name string
	data []byte
}

// writeReport writes a report into dir/sub (see safefile): the page's
// figures under figures/ (PDFs dated date), the page as index.html and
// report.md, then outputs. The run report and the interference report are
// both written here, so they share one set of notebook writers.
func writeReport(dir, sub string, pg page, date time.Time, outputs []output) error {
	for _, f := range pg.figures() {
		if err := f.save(dir, filepath.Join(sub, FiguresDir), date); err != nil {
			return err
		}
	}
	html, err := renderHTML(pg)
	if err != nil {
		return err
	}
	md, err := renderMarkdown(pg)
	if err != nil {
		return err
	}
	for _, f := range append(outputs, output{"index.html", html}, output{"report.md", md}) {
		if err := safefile.WriteFile(dir, filepath.Join(sub, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

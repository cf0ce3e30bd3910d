package reports

import (
	"fmt"
	"strings"
)

// The notebook shows what a reader needs; per-cell tables (one row per
// benchmark × series) live in the CSV and LaTeX files and are linked, so
// report.md stays small (under 100 KB for a full smoke run).

// maxInlineRows is the longest table shown inline.
const maxInlineRows = 40

// sectionFiles are the files holding each section's full tables.
var sectionFiles = map[string][]string{
	"summary":   {"summary.csv", "summary.tex"},
	"pairwise":  {"pairwise.csv"},
	"realtime":  {"realtime.csv"},
	"breakeven": {"breakeven.csv"},
	"verdict":   {"verdict.csv"},
}

// compactTables replaces a section's long tables by a link to their files.
func compactTables(c *section) {
	files, ok := sectionFiles[c.ID]
	if !ok {
		return
	}
	for i, t := range c.Tables {
		if len(t.Rows) <= maxInlineRows {
			t.Files = files
			c.Tables[i] = t
			continue
		}
		t.Note = strings.TrimSpace(fmt.Sprintf("%d rows, one per cell: not shown here. %s", len(t.Rows), t.Note))
		t.Rows, t.Files = nil, files
		c.Tables[i] = t
	}
}

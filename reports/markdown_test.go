package reports

import (
	"regexp"
	"strings"
	"testing"
)

// A hostile cell (a runtime's version string with a bare CR, image and link
// syntax, pipes, HTML) stays one cell of one row and makes no image, link
// or tag.
func TestMarkdownCellsStayCells(t *testing.T) {
	hostile := []string{"wasmtime 1.0\rinjected | row", `![pwn](http://evil.example/p.png)`, "[click](javascript:alert(1))",
		`a \| b`, "<img src=x onerror=alert(1)>", "x\r\n| y |"}
	md := markdownTable(table{Caption: "c", Header: []string{"a", "b"}, Rows: [][]string{{hostile[0], hostile[1]}, {hostile[2], hostile[3]}, {hostile[4], hostile[5]}}})
	lines := strings.Split(strings.TrimRight(md, "\n"), "\n")
	if strings.ContainsAny(md, "\r") || len(lines) != 2+2+3 {
		t.Fatalf("%d lines (want 7), CR present %v:\n%q", len(lines), strings.Contains(md, "\r"), md)
	}
	unescapedPipe := regexp.MustCompile(`(^|[^\\])(\\\\)*\|`)
	for _, row := range lines[4:] {
		if n := len(unescapedPipe.FindAllString(row, -1)); n != 3 {
			t.Errorf("row %q has %d cell separators, want 3", row, n)
		}
		if regexp.MustCompile(`(^|[^\\])(\\\\)*(!?\[|<img)`).MatchString(row) {
			t.Errorf("row %q opens an image, link or tag", row)
		}
	}
}

package explain

import (
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/internal/testkit"
)

// explain reads runs and launches runtimes; the build step and the report
// stay on the other side of its boundary.
func TestImportsStayOutOfThePipeline(t *testing.T) {
	forbidden := []string{"pipeline", "reports", "engine", "fleet", "cmd"}
	for name, paths := range testkit.Imports(t) {
		for _, path := range paths {
			for _, p := range forbidden {
				if strings.HasPrefix(path, "github.com/rtwasm/rtwasm/"+p) {
					t.Errorf("%s imports %s: explain must not import the pipeline, the report or the engines", name, path)
				}
			}
		}
	}
}

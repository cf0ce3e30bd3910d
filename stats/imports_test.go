package stats

import (
	"strings"
	"testing"

	"github.com/rtwasm/rtwasm/internal/testkit"
)

// The package stays pure: the standard library (no I/O) and gonum only.
func TestImportsArePure(t *testing.T) {
	io := map[string]bool{"os": true, "io": true, "bufio": true, "net": true, "syscall": true, "os/exec": true, "io/fs": true, "io/ioutil": true, "net/http": true}
	for name, paths := range testkit.Imports(t) {
		for _, path := range paths {
			first := strings.Split(path, "/")[0]
			if io[path] || strings.Contains(first, ".") && !strings.HasPrefix(path, "gonum.org/v1/gonum/") {
				t.Errorf("%s imports %s: stats may import only the standard library (no I/O) and gonum", name, path)
			}
		}
	}
}

// Package rooms holds the test that keeps the Rooms section of the root
// RATIONALE.md true to the imports. It imports nothing of rtwasm.
package rooms

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/rtwasm/rtwasm/"

// roomLine is one line of the Rooms section: "- `pkg` owns …. Imports: `a`, `b`."
var roomLine = regexp.MustCompile("^- `([^`]+)` owns .*Imports: (.*)$")

// rooms parses the Rooms section into package → its rtwasm imports.
func rooms(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("../../RATIONALE.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, in := map[string][]string{}, false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Rooms"
			continue
		}
		m := roomLine.FindStringSubmatch(line)
		if !in || m == nil {
			continue
		}
		imports := []string{}
		for _, q := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(m[2], -1) {
			imports = append(imports, q[1])
		}
		got[m[1]] = imports
	}
	return got
}

// imports is package → its rtwasm imports (tests excluded), from go list.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	got := map[string][]string{}
	for dec := json.NewDecoder(strings.NewReader(string(out))); dec.More(); {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		own := []string{}
		for _, i := range p.Imports {
			if strings.HasPrefix(i, module) {
				own = append(own, strings.TrimPrefix(i, module))
			}
		}
		slices.Sort(own)
		got[strings.TrimPrefix(p.ImportPath, module)] = own
	}
	return got
}

// TestRoomsMatchImports: every package has its line, every line a package,
// and each line lists exactly the package's rtwasm imports.
func TestRoomsMatchImports(t *testing.T) {
	said, real := rooms(t), imports(t)
	if len(said) == 0 {
		t.Fatal("no Rooms lines parsed from RATIONALE.md")
	}
	for pkg, imps := range real {
		s, ok := said[pkg]
		if !ok {
			t.Errorf("RATIONALE.md Rooms: no line for %s (imports %v)", pkg, imps)
			continue
		}
		if sorted := slices.Sorted(slices.Values(s)); !slices.Equal(sorted, imps) {
			t.Errorf("RATIONALE.md Rooms: %s says it imports %v; it imports %v", pkg, sorted, imps)
		}
	}
	for pkg := range said {
		if _, ok := real[pkg]; !ok {
			t.Errorf("RATIONALE.md Rooms: %s is no package of the module", pkg)
		}
	}
}

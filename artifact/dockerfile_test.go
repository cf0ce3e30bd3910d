package artifact

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/command"
	dockerfile "github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/rtwasm/rtwasm/toolchain"
)

const repoRoot = ".."

// instruction is one parsed Dockerfile instruction: its name and arguments.
type instruction struct {
	name string
	args []string
}

// parseDockerfile parses the repository's Dockerfile with BuildKit's
// parser, refusing warnings and unknown instructions.
func parseDockerfile(t *testing.T) []instruction {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := dockerfile.Parse(f)
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("Dockerfile warning: %s", w.Short)
	}
	var list []instruction
	for _, n := range res.AST.Children {
		name := strings.ToLower(n.Value)
		if _, ok := command.Commands[name]; !ok {
			t.Errorf("Dockerfile line %d: unknown instruction %q", n.StartLine, n.Value)
		}
		in := instruction{name: name}
		for a := n.Next; a != nil; a = a.Next {
			in.args = append(in.args, a.Value)
		}
		list = append(list, in)
	}
	return list
}

// aptPackages are the words after `apt-get install` in RUN instructions,
// up to the end of that command, without options.
func aptPackages(list []instruction) []string {
	var pkgs []string
	for _, in := range list {
		if in.name != command.Run {
			continue
		}
		for _, cmd := range strings.Split(strings.Join(in.args, " "), "&&") {
			_, rest, ok := strings.Cut(cmd, "apt-get install")
			if !ok {
				continue
			}
			for _, w := range strings.Fields(rest) {
				if !strings.HasPrefix(w, "-") && w != `\` {
					pkgs = append(pkgs, w)
				}
			}
		}
	}
	return pkgs
}

// ensuredPackages are the Debian packages the code installs through
// debian.Ensure with a literal or a package-level constant, by call site.
func ensuredPackages(t *testing.T) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	files := map[string][]*ast.File{} // by directory
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != repoRoot && (slices.Contains([]string{"testdata", "build", "data"}, d.Name()) || strings.HasPrefix(d.Name(), ".")):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		files[filepath.Dir(path)] = append(files[filepath.Dir(path)], f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	for _, dir := range slices.Sorted(maps.Keys(files)) {
		consts := stringConsts(files[dir])
		for _, f := range files[dir] {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Ensure" || !isIdent(sel.X, "debian") {
					return true
				}
				site := fset.Position(call.Pos()).String()
				found[site] = nil
				for _, a := range call.Args {
					if v, ok := stringValue(a, consts); ok {
						found[site] = append(found[site], v)
					}
				}
				return true
			})
		}
	}
	return found
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// stringConsts are the package-level string constants of a package's files.
func stringConsts(files []*ast.File) map[string]string {
	consts := map[string]string{}
	for _, f := range files {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if v, ok := stringValue(vs.Values[i], nil); ok {
							consts[name.Name] = v
						}
					}
				}
			}
		}
	}
	return consts
}

// stringValue is a string literal's value, or a known constant's.
func stringValue(e ast.Expr, consts map[string]string) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			v, err := strconv.Unquote(x.Value)
			return v, err == nil
		}
	case *ast.Ident:
		v, ok := consts[x.Name]
		return v, ok
	}
	return "", false
}

// TestDockerfile parses the Dockerfile and holds it to the code: it
// installs every Debian package the toolchain and the runtimes' set-up
// install, fetches the go.mod's Go version, and runs `go tool mage all`.
func TestDockerfile(t *testing.T) {
	list := parseDockerfile(t)
	installed := aptPackages(list)
	ensured := ensuredPackages(t)
	want := toolchain.DebianPackages()
	sites := 0
	for site, pkgs := range ensured {
		if len(pkgs) > 0 {
			sites++
		}
		t.Logf("debian.Ensure at %s: %v", site, pkgs)
		want = append(want, pkgs...)
	}
	if sites < 4 {
		t.Errorf("found debian.Ensure with known packages at %d call sites (%v); the scan is broken", sites, ensured)
	}
	for _, p := range slices.Compact(slices.Sorted(slices.Values(want))) {
		if !slices.Contains(installed, p) {
			t.Errorf("the Dockerfile does not install %s, which the code installs (apt-get install lists %v)", p, installed)
		}
	}
	gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var goVersion string
	for _, line := range strings.Split(string(gomod), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok {
			goVersion = strings.TrimSpace(v)
		}
	}
	args := map[string]string{}
	var from, cmd []string
	for _, in := range list {
		switch in.name {
		case command.Arg:
			for _, a := range in.args {
				k, v, _ := strings.Cut(a, "=")
				args[k] = v
			}
		case command.From:
			from = in.args
		case command.Cmd:
			cmd = in.args
		}
	}
	if args["GO_VERSION"] != goVersion || goVersion == "" {
		t.Errorf("Dockerfile GO_VERSION %q; go.mod says go %q", args["GO_VERSION"], goVersion)
	}
	if !strings.HasPrefix(args["DEBIAN_IMAGE"], "debian:bookworm") || len(from) == 0 || from[0] != "${DEBIAN_IMAGE}" {
		t.Errorf("FROM %v with DEBIAN_IMAGE %q; want debian:bookworm through the DEBIAN_IMAGE argument", from, args["DEBIAN_IMAGE"])
	}
	if !slices.Equal(cmd, []string{"go", "tool", "mage", "all"}) {
		t.Errorf("CMD %v; want go tool mage all", cmd)
	}
}

// TestDockerBuild builds the image where Docker runs and a Debian 12 base
// image is there already (there is no registry to pull one from).
func TestDockerBuild(t *testing.T) {
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("docker not installed: the Dockerfile is checked by TestDockerfile only")
	}
	out, err := exec.Command("docker", "images", "--format", "{{.Repository}}:{{.Tag}}").Output()
	if err != nil {
		t.Skipf("docker images: %v: the Dockerfile is checked by TestDockerfile only", err)
	}
	var base string
	for _, img := range strings.Fields(string(out)) {
		if img == "debian:bookworm" || img == "debian:12" || strings.HasPrefix(img, "debian:bookworm-") {
			base = img
		}
	}
	if base == "" {
		t.Skipf("no local Debian 12 base image (docker images: %q) and no registry to pull one: "+
			"the Dockerfile's syntax and package list are checked by TestDockerfile only", strings.Fields(string(out)))
	}
	tag := "rtwasm-dockerfile-test:" + strconv.Itoa(os.Getpid())
	args := []string{"build", "--pull=false", "--build-arg", "DEBIAN_IMAGE=" + base, "-t", tag}
	if ca := hostExtraCAs(t); ca != "" {
		args = append(args, "--build-arg", "EXTRA_CA_CERT="+ca) // this host's TLS-intercepting proxy, if any
	}
	build := exec.Command("docker", append(args, repoRoot)...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build FROM %s: %v\n%s", base, err, out)
	}
	defer exec.Command("docker", "rmi", "-f", tag).Run()
	if out, err := exec.Command("docker", "run", "--rm", tag, "go", "version").CombinedOutput(); err != nil {
		t.Errorf("go in the image: %v %s", err, out)
	}
}

// hostExtraCAs are the CA certificates this host added to the system's
// (/usr/local/share/ca-certificates), which a proxy in the way may need.
func hostExtraCAs(t *testing.T) string {
	files, _ := filepath.Glob("/usr/local/share/ca-certificates/*.crt")
	var pem []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pem = append(pem, strings.TrimSpace(string(b)))
	}
	return strings.Join(pem, "\n")
}

package reports

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rtwasm/rtwasm/internal/debian"
)

var screenshotTo = flag.String("screenshot-to", "", "also copy the headless Chromium screenshot of index.html to this file")

// chromium returns the headless browser, installing Debian's package when
// possible, or skips the test saying why it cannot.
func chromium(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := debian.Ensure(ctx, "chromium"); err != nil {
		t.Skipf("headless Chromium is not available: %v", err)
	}
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skipf("package chromium is installed but no chromium binary is on PATH: %v", err)
	}
	return bin
}

// runChromium runs headless Chromium on url with a private profile and
// returns its standard output.
func runChromium(t *testing.T, bin, url string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}, append(args, url)...)
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// TestIndexInChromium renders the fixture's index.html in headless Chromium
// and checks the rendered DOM for every section and figure, then takes a
// screenshot and checks that it shows something.
func TestIndexInChromium(t *testing.T) {
	bin := chromium(t)
	r := renderFixture(t, fixtureOptions{})
	url := "file://" + filepath.Join(r.outDir, "index.html")

	dom := string(runChromium(t, bin, url, "--dump-dom"))
	for _, h := range wantHeadings {
		if !strings.Contains(dom, "<h2>"+h+"</h2>") {
			t.Errorf("rendered DOM lacks section %q", h)
		}
	}
	svgFiles, _ := filepath.Glob(filepath.Join(r.outDir, "figures", "*.svg"))
	if got := strings.Count(dom, "<svg"); got != len(wantFigures) || got != len(svgFiles) {
		t.Errorf("rendered DOM has %d <svg> elements, want %d (one per figure file: %d)", got, len(wantFigures), len(svgFiles))
	}
	for _, fig := range wantFigures {
		if !regexp.MustCompile(`<figure id="` + fig + `">\s*<svg`).MatchString(dom) {
			t.Errorf("figure %s is missing or has no inline SVG in the rendered DOM", fig)
		}
	}

	shot := filepath.Join(t.TempDir(), "index.png")
	runChromium(t, bin, url, "--screenshot="+shot, "--window-size=1280,2400")
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	colours := map[uint32]bool{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 7 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>12<<8|g>>12<<4|b>>12] = true
		}
	}
	if bounds.Dx() != 1280 || len(colours) < 20 {
		t.Errorf("screenshot %v with %d colours looks empty", bounds, len(colours))
	}
	if *screenshotTo != "" {
		if err := os.WriteFile(*screenshotTo, b, 0o644); err != nil {
			t.Error(err)
		}
	}
}

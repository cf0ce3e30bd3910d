package reports

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rtwasm/rtwasm/paper"
	"github.com/rtwasm/rtwasm/stats"
)

var imageSizeRE = regexp.MustCompile(`image FROM ([^,;]+), ([0-9.]+) MB`)

// containerImage returns the docker image's base and size in bytes from its probe.
func (r *runData) containerImage() (base string, bytes float64, ok bool) {
	info, known := r.seriesInfo(paper.Container)
	if !known {
		return "", 0, false
	}
	m := imageSizeRE.FindStringSubmatch(info.Version)
	if m == nil {
		return "", 0, false
	}
	mb, err := strconv.ParseFloat(m[2], 64)
	return m[1], mb * 1e6, err == nil
}

func (r *runData) binarySizes() claimVerdict {
	c := newClaim(paper.BinarySize)
	var sizes []float64
	for _, a := range r.manifest.Artifacts {
		if strings.HasPrefix(a.Target, "wasm") && a.Bytes > 0 {
			sizes = append(sizes, float64(a.Bytes))
		}
	}
	base, image, ok := r.containerImage()
	if len(sizes) == 0 {
		c.Verdict, c.Detail = verdictNotChecked, "no WASM artifact sizes in the manifest"
		return c
	}
	largest := slices.Max(sizes)
	c.Run = fmt.Sprintf("WASM artifacts: median %.1f kB, largest %.1f kB (%d)", stats.Median(sizes)/1e3, largest/1e3, len(sizes))
	if !ok {
		c.Verdict, c.Detail = verdictNotChecked, "container image size not recorded (docker:engine not measured)"
		return c
	}
	c.Run += fmt.Sprintf("; image FROM %s %.1f MB (%.0f× the median)", base, image/1e6, image/stats.Median(sizes))
	// Kilobytes vs megabytes: the median binary under 100 kB and the image
	// at least ten times the largest binary.
	switch {
	case stats.Median(sizes) < 100e3 && image >= 10*largest:
		c.Verdict = verdictHolds
	case image > largest:
		c.Verdict, c.Detail = verdictPartly, "the image is larger, but not by the paper's orders of magnitude"
	default:
		c.Verdict, c.Detail = verdictFails, "a WASM binary is as large as the image"
	}
	return c
}

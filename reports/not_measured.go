package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// unavailability is why one series could not run, and where it was seen.
type unavailability struct {
	series, target string
	reasons        []string
	inManifest     bool
	rows           int
}

func (r *runData) notMeasuredSection() section {
	c := section{ID: "not-measured", Heading: headingNotMeasured}
	list := r.unavailabilities()
	if len(list) == 0 {
		c.Empty = "Every series could run on this host."
		return c
	}
	c.Paragraphs = []string{fmt.Sprintf("%d series could not run on this host, so they are missing from the figures and analyses.", len(list))}
	t := table{Caption: "Unavailable series", Header: []string{"Series", "Target", "Reason", "Recorded in"}}
	for _, u := range list {
		t.Rows = append(t.Rows, []string{u.series, orDash(u.target), orDash(strings.Join(u.reasons, "; ")), u.source()})
	}
	c.Tables = []table{t}
	return c
}

// unavailabilities merges the manifest's unavailable runtimes with the
// unavailable sample rows, by series.
func (r *runData) unavailabilities() []unavailability {
	bySeries := map[string]*unavailability{}
	get := func(series, target string) *unavailability {
		if bySeries[series] == nil {
			bySeries[series] = &unavailability{series: series, target: target}
		}
		return bySeries[series]
	}
	for _, rt := range r.manifest.Runtimes {
		if !rt.Available {
			u := get(infoSeries(rt), rt.Target)
			u.inManifest = true
			u.reasons = appendUnique(u.reasons, rt.Reason)
		}
	}
	for _, s := range r.unavailable {
		u := get(s.Series(), s.Target)
		u.rows++
		u.reasons = appendUnique(u.reasons, s.Error)
	}
	var list []unavailability
	for _, u := range bySeries {
		list = append(list, *u)
	}
	slices.SortFunc(list, func(a, b unavailability) int { return cmp.Compare(a.series, b.series) })
	return list
}

func (u unavailability) source() string {
	var where []string
	if u.inManifest {
		where = append(where, "manifest")
	}
	if u.rows > 0 {
		where = append(where, fmt.Sprintf("%d sample row(s)", u.rows))
	}
	return strings.Join(where, ", ")
}

func appendUnique(list []string, s string) []string {
	s = strings.TrimSpace(s)
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

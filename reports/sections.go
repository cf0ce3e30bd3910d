package reports

// page is the report: a title and a sequence of notebook sections.
type page struct {
	Title    string
	Intro    string
	Sections []section
}

// section is one notebook section: a heading, a narrative generated from the data,
// then its figures and tables.
type section struct {
	ID         string
	Heading    string
	Paragraphs []string
	Warning    string // shown in a warning box when set
	Empty      string // shown instead of figures and tables when set
	Figures    []*figure
	Tables     []table
}

// table is a captioned table of text cells.
type table struct {
	Caption string
	Header  []string
	Rows    [][]string
	Note    string   // below the table, e.g. "12 more rows in summary.csv"
	Files   []string // files holding the full table, linked below it
}

// Section headings, in report order.
const (
	headingSetup       = "Setup"
	headingStartup     = "Fig. 1: Startup time"
	headingTotal       = "Fig. 2: Total time"
	headingProlonged   = "Fig. 3: Prolonged test"
	headingSummary     = "Summary tables"
	headingPairwise    = "Pairwise comparisons"
	headingRealTime    = "Real-time view: observed maxima and pWCET"
	headingBreakEven   = "Break-even guidance: which series for which task"
	headingHybrid      = "Hybrid tier-up runtimes"
	headingErrors      = "Errors"
	headingNotMeasured = "Not measured on this host"
)

const noSamples = "No samples for this experiment."

// buildPage assembles every section; figures are built but not yet saved.
func (r *runData) buildPage(a analysis) (page, error) {
	pg := page{
		Title: "rtwasm report: run " + orDash(r.manifest.RunID),
		Intro: "WebAssembly runtimes vs native code and containers on PolyBench/C kernels: " +
			"startup time, total time and a prolonged test, following Sect. IV of the paper; " +
			"then pairwise tests, a real-time (pWCET) view and break-even guidance.",
	}
	pg.Sections = append(pg.Sections, r.setupSection(a.noise), r.verdictSection(a.verdicts))
	builders := []func() (section, error){
		r.startupSection, r.totalSection, r.prolongedSection,
		func() (section, error) { return r.glanceSection(), nil },
		func() (section, error) { return summarySection(a.summary), nil },
		func() (section, error) { return r.appsSection(), nil },
		func() (section, error) { return pairwiseSection(a.comparisons), nil },
		func() (section, error) { return r.realTimeSection(a.evt) },
		func() (section, error) { return r.breakEvenSection(a.breakEven) },
		r.tailSection,
		r.hybridSection,
		func() (section, error) { return r.whySection(), nil },
		func() (section, error) { return r.hostsSection(), nil }, // hosts.go
	}
	for _, build := range builders {
		c, err := build()
		if err != nil {
			return pg, err
		}
		pg.Sections = append(pg.Sections, c)
	}
	pg.Sections = append(pg.Sections, r.errorsSection(), r.notMeasuredSection())
	for i := range pg.Sections {
		compactTables(&pg.Sections[i])
	}
	return pg, nil
}

// figures lists the page's figures in order.
func (pg page) figures() []*figure {
	var figs []*figure
	for _, c := range pg.Sections {
		figs = append(figs, c.Figures...)
	}
	return figs
}

// figureSection is the frame of the Fig. 1–3 sections: empty without
// samples of the experiment (ok false), else the paper's form of the figure
// first, then own's figures of every series. A failed paper figure is
// returned with the section, which keeps its other figures.
func (r *runData) figureSection(id, heading, experiment string, paper func() (*figure, error),
	own ...func() (*figure, error)) (c section, ok bool, err error) {
	c = section{ID: id, Heading: heading}
	if !r.hasExperiment(experiment) {
		c.Empty = noSamples
		return c, false, nil
	}
	var figs []*figure
	for _, build := range own {
		f, err := build()
		if err != nil {
			return c, false, err
		}
		figs = append(figs, f)
	}
	p, err := paper()
	c.Figures = withPaper(p, figs...)
	return c, true, err
}

package reports

import (
	"bytes"
	"encoding/base64"
	htmltemplate "html/template"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"

	"codeberg.org/go-fonts/liberation/liberationserifregular"
)

var pageFuncs = map[string]any{
	"numeric":  isNumeric,
	"mdTable":  markdownTable,
	"fontFace": fontFaceCSS,
}

// fontFaceCSS embeds the figures' font (Liberation Serif, SIL OFL), so that
// the inline SVGs render with the metrics gonum laid them out with, on any
// machine: a substitute font is wider and text would overflow the figures.
var fontFaceCSS = sync.OnceValue(func() htmltemplate.CSS {
	return htmltemplate.CSS(`@font-face { font-family: "Liberation Serif"; src: url(data:font/ttf;base64,` +
		base64.StdEncoding.EncodeToString(liberationserifregular.TTF) + `) format("truetype"); }`)
})

// htmlPage is index.html: one self-contained file, CSS and SVG inline.
var htmlPage = htmltemplate.Must(htmltemplate.New("index.html").Funcs(pageFuncs).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
{{fontFace}}
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; background: #f6f6f4; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
nav ol { columns: 2; padding-left: 1.2rem; }
.cell { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 1rem 1.4rem; margin: 1.2rem 0; }
.cell h2 { font-size: 1.25rem; margin-top: .2rem; border-bottom: 1px solid #eee; padding-bottom: .3rem; }
.warning { background: #fff4e5; border: 2px solid #e69f00; border-left-width: 8px; padding: .7rem 1rem; margin: .8rem 0; font-weight: 600; }
.empty { color: #777; font-style: italic; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { display: block; } /* natural size; wide figures scroll */
figcaption { font-size: .9rem; color: #444; margin-top: .4rem; }
.table { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: .85rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid #e4e4e4; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f0f0ee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { font-size: .85rem; color: #666; }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>{{.Intro}}</p>
<nav><ol>{{range .Sections}}<li><a href="#{{.ID}}">{{.Heading}}</a></li>{{end}}</ol></nav>
{{range .Sections}}
<section class="cell" id="{{.ID}}">
<h2>{{.Heading}}</h2>
{{with .Warning}}<div class="warning" role="alert">{{.}}</div>
{{end}}{{range .Paragraphs}}{{if .}}<p>{{.}}</p>
{{end}}{{end}}{{if .Empty}}<p class="empty">{{.Empty}}</p>
{{else}}{{range .Figures}}<figure id="{{.Name}}">
{{.SVG}}
<figcaption><strong>{{.Title}}.</strong> {{.Caption}} Files: <a href="figures/{{.Name}}.png">PNG</a> · <a href="figures/{{.Name}}.svg">SVG</a> · <a href="figures/{{.Name}}.pdf">PDF</a></figcaption>
</figure>
{{end}}{{range .Tables}}<div class="table">
<table>
<caption>{{.Caption}}</caption>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td{{if numeric .}} class="num"{{end}}>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{with .Note}}<p class="note">{{.}}</p>
{{end}}{{with .Files}}<p class="note">Full table: {{range $i, $f := .}}{{if $i}} · {{end}}<a href="{{$f}}">{{$f}}</a>{{end}}</p>
{{end}}</div>
{{end}}{{end}}</section>
{{end}}</main>
</body>
</html>
`))

// markdownPage is report.md, linking the PNG figures.
var markdownPage = texttemplate.Must(texttemplate.New("report.md").Funcs(pageFuncs).Parse(`# {{.Title}}

{{.Intro}}
{{range .Sections}}
## {{.Heading}}
{{with .Warning}}
> **{{.}}**
{{end}}{{range .Paragraphs}}{{if .}}
{{.}}
{{end}}{{end}}{{if .Empty}}
*{{.Empty}}*
{{else}}{{range .Figures}}
![{{.Title}}](figures/{{.Name}}.png)

*{{.Title}}.* {{.Caption}} Also as [SVG](figures/{{.Name}}.svg) and [PDF](figures/{{.Name}}.pdf).
{{end}}{{range .Tables}}
{{mdTable .}}{{end}}{{end}}{{end}}`))

func renderHTML(pg page) ([]byte, error) {
	var buf bytes.Buffer
	err := htmlPage.Execute(&buf, pg)
	return buf.Bytes(), err
}

func renderMarkdown(pg page) ([]byte, error) {
	var buf bytes.Buffer
	err := markdownPage.Execute(&buf, pg)
	return buf.Bytes(), err
}

// markdownTable renders t as a GitHub-flavoured Markdown table.
func markdownTable(t table) string {
	var b strings.Builder
	b.WriteString("**" + t.Caption + "**\n\n")
	if len(t.Rows) == 0 && len(t.Files) > 0 {
		return b.String() + t.Note + " Full table: " + markdownLinks(t.Files) + "\n"
	}
	writeMarkdownRow(&b, t.Header)
	b.WriteString("|" + strings.Repeat("---|", len(t.Header)) + "\n")
	for _, row := range t.Rows {
		writeMarkdownRow(&b, row)
	}
	if t.Note != "" {
		b.WriteString("\n" + t.Note + "\n")
	}
	if len(t.Files) > 0 {
		b.WriteString("\nFull table: " + markdownLinks(t.Files) + "\n")
	}
	return b.String()
}

func markdownLinks(files []string) string {
	var links []string
	for _, f := range files {
		links = append(links, "["+f+"]("+f+")")
	}
	return strings.Join(links, " · ")
}

func writeMarkdownRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + markdownCell(c) + " |")
	}
	b.WriteString("\n")
}

// markdownCellReplacer keeps a cell one cell of one row whatever it holds
// (a runtime's version string, an error): line breaks of any kind become
// spaces, a pipe ends no cell, and no HTML, image or link is made from it.
var markdownCellReplacer = strings.NewReplacer("\\", `\\`, "|", `\|`, "<", "&lt;", "\r\n", " ", "\r", " ", "\n", " ",
	"[", `\[`, "]", `\]`, "!", `\!`)

func markdownCell(s string) string { return markdownCellReplacer.Replace(s) }

// isNumeric reports whether a table cell holds a number (right-aligned).
func isNumeric(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

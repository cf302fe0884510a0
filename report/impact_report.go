package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/anzexian/anzexian/portfolio"
	"github.com/shopspring/decimal"
)

// WriteImpact writes the impact report for a terminal.
func WriteImpact(w io.Writer, r *portfolio.ImpactReport) error {
	ew := &errWriter{w: w}
	ew.printf("Impact on %s, as of %s", r.Portfolio, r.AsOf)
	if r.Insurer != "" {
		ew.printf(", insurer %s", r.Insurer)
	}
	ew.printf("\n\nChanged rulesets:\n")
	if len(r.Changes) == 0 {
		ew.printf("  none: the two registries hold the same rulesets\n")
	}
	for _, c := range r.Changes {
		ew.printf("  %-9s %s: %s → %s\n", c.Change, c.ID, orDash(c.Before), orDash(c.After))
	}
	ew.printf("\nEnterprises: %s assessed under both stacks, %s in scope of a changed ruleset, %s changed",
		groupInt(r.Enterprises), groupInt(r.InScope), groupInt(r.Changed))
	ew.printf("; %s skipped (facts), %s errors (a stack could not assess)\n", groupInt(r.Skipped), groupInt(r.Errors))
	for _, e := range r.SkippedLines {
		ew.printf("  skipped line %d: %s\n", e.Line, e.Error)
	}
	for _, e := range r.ErrorLines {
		ew.printf("  error on line %d (%s): %s\n", e.Line, e.Stack, e.Error)
	}

	ew.printf("\nObligation (rows: before; columns: after), %s changed:\n", groupInt(r.Obligations.Changed))
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, l := range r.Obligations.Levels {
		fmt.Fprintf(tw, "%s\t", l)
	}
	fmt.Fprintln(tw)
	for i, l := range r.Obligations.Levels {
		fmt.Fprintf(tw, "%s\t", l)
		for _, n := range r.Obligations.Counts[i] {
			fmt.Fprintf(tw, "%s\t", groupInt(n))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()

	p := r.Premium
	ew.printf("\nPremium: %s priced under both stacks: %s unchanged, %s increased, %s decreased; %s priced only after, %s only before\n",
		groupInt(p.PricedBoth), groupInt(p.Unchanged), groupInt(p.Increased), groupInt(p.Decreased), groupInt(p.BecamePriced), groupInt(p.NoLongerPriced))
	ew.printf("  total %s → %s CNY (%s%s)\n", money(p.TotalBefore), money(p.TotalAfter), signed(p.TotalAfter.Sub(p.TotalBefore)), pctOf(p.TotalBefore, p.TotalAfter))
	if p.Change.Count > 0 {
		d := p.Change
		ew.printf("  change of the %s premiums that changed (CNY): min %s, median %s, p90 %s, max %s, mean %s\n",
			groupInt(d.Count), signed(d.Min), signed(d.Median), signed(d.P90), signed(d.Max), signed(d.Mean))
		if q := p.Percent; q.Count > 0 {
			ew.printf("  in per cent of the premium before: min %s%%, median %s%%, p90 %s%%, max %s%%, mean %s%%\n",
				q.Min.StringFixed(2), q.Median.StringFixed(2), q.P90.StringFixed(2), q.Max.StringFixed(2), q.Mean.StringFixed(2))
		}
		ew.printf("  histogram of the changes (CNY):\n")
		textHistogram(ew, p.Histogram, signed)
		if len(p.PercentHistogram) > 0 {
			ew.printf("  histogram of the changes (%% of the premium before):\n")
			textHistogram(ew, p.PercentHistogram, signedPct)
		}
	}

	if len(r.Movers) > 0 {
		ew.printf("\nLargest movers:\n")
		tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  line\tenterprise\tregion\tsectors\tbefore\tafter\tchange\t%\tmoved by")
		for _, m := range r.Movers {
			pct := "—"
			if m.Percent != nil {
				pct = signedPct(*m.Percent)
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Line, m.Enterprise, m.Region, strings.Join(m.Sectors, ","),
				money(m.Before), money(m.After), signed(m.Change), pct, movesText(m.MovedBy))
		}
		tw.Flush()
	}

	ew.printf("\nPenalties:\n")
	for _, sec := range []struct {
		name string
		list []portfolio.PenaltyCount
	}{{"new", r.Penalties.New}, {"vanished", r.Penalties.Vanished}, {"fine range changed", r.Penalties.Changed}} {
		if len(sec.list) == 0 {
			ew.printf("  %s: none\n", sec.name)
			continue
		}
		ew.printf("  %s:\n", sec.name)
		for _, c := range sec.list {
			ew.printf("    %s (%s, %s): %s enterprises\n", c.Title, c.Violation, c.Target, groupInt(c.Enterprises))
		}
	}
	return ew.err
}

func textHistogram(ew *errWriter, bins []portfolio.Bin, label func(decimal.Decimal) string) {
	most := 0
	for _, b := range bins {
		most = max(most, b.Count)
	}
	for _, b := range bins {
		bar := 0
		if most > 0 {
			bar = (b.Count*40 + most - 1) / most
		}
		ew.printf("    %-30s %-40s %s\n", binLabel(b, label), strings.Repeat("█", bar), groupInt(b.Count))
	}
}

// binLabel is "[from, to)", or "[from, max]" for the last bar of a long
// tail.
func binLabel(b portfolio.Bin, label func(decimal.Decimal) string) string {
	if b.Rest || b.From.Equal(b.To) {
		return "[" + label(b.From) + ", " + label(b.To) + "]"
	}
	return "[" + label(b.From) + ", " + label(b.To) + ")"
}

func movesText(ms []portfolio.Move) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s %s→%s", m.Step, orDash(m.Before), orDash(m.After)))
	}
	return strings.Join(parts, "; ")
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

// printf writes a line of the report, with the text that came from the
// portfolio and the rulesets made printable (see printable).
func (e *errWriter) printf(format string, args ...any) {
	io.WriteString(e, printable(fmt.Sprintf(format, args...)))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// groupInt writes n with thousands separators.
func groupInt(n int) string { return groupDigits(fmt.Sprint(n)) }

func groupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		sign, s = s[:1], s[1:]
	}
	frac := ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + b.String() + frac
}

// money is an amount in CNY with two places and separators.
func money(d decimal.Decimal) string { return groupDigits(d.StringFixed(2)) }

// signed is money with its sign.
func signed(d decimal.Decimal) string {
	if d.Sign() > 0 {
		return "+" + money(d)
	}
	return money(d)
}

func signedPct(d decimal.Decimal) string {
	s := d.StringFixed(2) + "%"
	if d.Sign() > 0 {
		return "+" + s
	}
	return s
}

// pctOf is the change from a to b in per cent, ", +x.xx%"; empty when a is 0.
func pctOf(a, b decimal.Decimal) string {
	if a.Sign() == 0 {
		return ""
	}
	return ", " + signedPct(b.Sub(a).Mul(decimal.NewFromInt(100)).DivRound(a, 2))
}

// WriteHTML writes the report as one self-contained HTML page: styles and
// the histogram (inline SVG) included, nothing fetched, so it opens offline
// and can be mailed as one file.
func WriteImpactHTML(w io.Writer, r *portfolio.ImpactReport) error {
	return impactHTML.Execute(w, r)
}

// histogramSVG draws the histogram as an SVG bar chart.
func histogramSVG(bins []portfolio.Bin, unit string) template.HTML {
	label := signed
	if unit == "%" {
		label = signedPct
	}
	if len(bins) == 0 {
		return ""
	}
	const width, height, left, bottom, top = 760, 260, 60, 70, 16
	most := 0
	for _, b := range bins {
		most = max(most, b.Count)
	}
	var s strings.Builder
	plotW := width - left - 10
	plotH := height - bottom - top
	barW := plotW / len(bins)
	fmt.Fprintf(&s, `<svg class="histogram" role="img" aria-label="Histogram of premium changes" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d">`, width, height, width, height)
	fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, left, top+plotH, left+plotW, top+plotH)
	fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, left, top, left, top+plotH)
	fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" font-size="11">%s</text>`, left-6, top+8, template.HTMLEscapeString(groupInt(most)))
	fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" font-size="11">0</text>`, left-6, top+plotH)
	for i, b := range bins {
		h := 0
		if most > 0 {
			h = b.Count * plotH / most
			if b.Count > 0 && h == 0 {
				h = 1
			}
		}
		x := left + i*barW
		title := binLabel(b, label) + ": " + groupInt(b.Count)
		fill := "#3b6ea8"
		if b.Rest {
			fill = "#a86b3b"
		}
		fmt.Fprintf(&s, `<rect class="bar" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s</title></rect>`,
			x+1, top+plotH-h, max(barW-2, 1), h, fill, template.HTMLEscapeString(title))
		if b.Count > 0 {
			fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="middle" font-size="10">%s</text>`, x+barW/2, top+plotH-h-3, template.HTMLEscapeString(groupInt(b.Count)))
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="10" text-anchor="end" transform="rotate(-40 %d %d)">%s</text>`,
			x+barW/2, top+plotH+14, x+barW/2, top+plotH+14, template.HTMLEscapeString(label(b.From)))
	}
	axis := "change of premium (CNY)"
	if unit == "%" {
		axis = "change of premium (% of the premium before)"
	}
	fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="middle" font-size="11">%s</text>`, left+plotW/2, height-4, axis)
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

var impactHTML = template.Must(template.New("impact").Funcs(template.FuncMap{
	"group":  groupInt,
	"money":  money,
	"signed": signed,
	"pct": func(d *decimal.Decimal) string {
		if d == nil {
			return "—"
		}
		return signedPct(*d)
	},
	"fixed":     func(d decimal.Decimal) string { return d.StringFixed(2) },
	"histogram": histogramSVG,
	"moves":     movesText,
	"rest":      func(bins []portfolio.Bin) bool { return len(bins) > 0 && bins[len(bins)-1].Rest },
	"join":      strings.Join,
	"dash":      orDash,
	"totalpct": func(p portfolio.PremiumImpact) string {
		return strings.TrimPrefix(pctOf(p.TotalBefore, p.TotalAfter), ", ")
	},
	"diff": func(p portfolio.PremiumImpact) string { return signed(p.TotalAfter.Sub(p.TotalBefore)) },
	"heat": func(n, total int) template.CSS {
		if total == 0 || n == 0 {
			return ""
		}
		return template.CSS(fmt.Sprintf("background: rgba(59,110,168,0.%02d)", 12+60*n/total))
	},
	"offdiag": func(i, j int) bool { return i != j },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Impact on {{.Portfolio}} as of {{.AsOf}} — anzexian</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .5em 0; } th, td { padding: .25em .6em; border: 1px solid #ddd; text-align: right; }
th { background: #f4f6f8; } td.text, th.text { text-align: left; } .changed { font-weight: bold; color: #a33; }
.summary { display: flex; gap: 1em; flex-wrap: wrap; } .summary div { background: #f4f6f8; padding: .6em 1em; border-radius: 6px; }
.summary b { display: block; font-size: 1.4em; } .muted { color: #777; } code { font-size: 90%; }
#changes code { word-break: break-all; } #changes td { max-width: 24em; }
</style>
</head>
<body>
<h1>Impact of the rule change on <code>{{.Portfolio}}</code></h1>
<p class="muted">Both stacks assessed as of {{.AsOf}}{{if .Insurer}}, insurer {{.Insurer}}{{end}}. Generated by anzexian impact.</p>
<div class="summary">
<div><b>{{group .Enterprises}}</b>enterprises assessed</div>
<div><b>{{group .InScope}}</b>in scope of a changed ruleset</div>
<div><b>{{group .Changed}}</b>changed</div>
<div><b>{{group .Skipped}}</b>skipped (bad facts)</div>
<div><b>{{group .Errors}}</b>errors</div>
</div>

<h2>Changed rulesets</h2>
<table id="changes"><tr><th class="text">ruleset</th><th class="text">change</th><th class="text">before</th><th class="text">after</th></tr>
{{range .Changes}}<tr><td class="text"><code>{{.ID}}</code></td><td class="text">{{.Change}}</td><td class="text"><code>{{dash .Before}}</code></td><td class="text"><code>{{dash .After}}</code></td></tr>
{{else}}<tr><td class="text" colspan="4">none: the two registries hold the same rulesets</td></tr>{{end}}
</table>

<h2>Obligation to insure</h2>
<p>Rows: before the change; columns: after. {{group .Obligations.Changed}} enterprises changed.</p>
<table id="obligations"><tr><th class="text">before \ after</th>{{range .Obligations.Levels}}<th>{{.}}</th>{{end}}</tr>
{{$total := .Enterprises}}{{range $i, $l := .Obligations.Levels}}<tr><th class="text">{{$l}}</th>{{range $j, $n := index $.Obligations.Counts $i}}<td style="{{heat $n $total}}"{{if and (offdiag $i $j) $n}} class="changed"{{end}}>{{group $n}}</td>{{end}}</tr>
{{end}}</table>

<h2>Premium</h2>
{{with .Premium}}
<table id="premium">
<tr><th class="text">priced under both stacks</th><td>{{group .PricedBoth}}</td></tr>
<tr><th class="text">unchanged / increased / decreased</th><td>{{group .Unchanged}} / {{group .Increased}} / {{group .Decreased}}</td></tr>
<tr><th class="text">priced only after / only before</th><td>{{group .BecamePriced}} / {{group .NoLongerPriced}}</td></tr>
<tr><th class="text">total before → after (CNY)</th><td>{{money .TotalBefore}} → {{money .TotalAfter}} ({{diff .}}{{with totalpct .}}, {{.}}{{end}})</td></tr>
</table>
{{if .Change.Count}}
<table id="distribution"><tr><th class="text">premiums that changed</th><th>count</th><th>min</th><th>median</th><th>p90</th><th>max</th><th>mean</th></tr>
<tr><th class="text">change (CNY)</th><td>{{group .Change.Count}}</td><td>{{signed .Change.Min}}</td><td>{{signed .Change.Median}}</td><td>{{signed .Change.P90}}</td><td>{{signed .Change.Max}}</td><td>{{signed .Change.Mean}}</td></tr>
{{if .Percent.Count}}<tr><th class="text">change (% of before)</th><td>{{group .Percent.Count}}</td><td>{{fixed .Percent.Min}}</td><td>{{fixed .Percent.Median}}</td><td>{{fixed .Percent.P90}}</td><td>{{fixed .Percent.Max}}</td><td>{{fixed .Percent.Mean}}</td></tr>{{end}}
</table>
<p>Histograms of the changes; each bar counts the premiums whose change lies in [from, to){{if rest .Histogram}}; the last, brown bar holds the long tail, every change from its start up to the largest{{end}}. Hover a bar for its range and count.</p>
<h3>In CNY</h3>
{{histogram .Histogram "CNY"}}
{{if .PercentHistogram}}<h3>In per cent of the premium before</h3>
{{histogram .PercentHistogram "%"}}{{end}}
{{else}}<p>No premium changed.</p>{{end}}
{{end}}

<h2>Largest movers</h2>
{{if .Movers}}<table id="movers"><tr><th>line</th><th class="text">enterprise</th><th class="text">region</th><th class="text">sectors</th><th>before</th><th>after</th><th>change</th><th>%</th><th class="text">moved by</th></tr>
{{range .Movers}}<tr><td>{{.Line}}</td><td class="text">{{.Enterprise}}</td><td class="text">{{.Region}}</td><td class="text">{{join .Sectors ", "}}</td><td>{{money .Before}}</td><td>{{money .After}}</td><td>{{signed .Change}}</td><td>{{pct .Percent}}</td><td class="text">{{moves .MovedBy}}</td></tr>
{{end}}</table>{{else}}<p>No premium changed.</p>{{end}}

<h2>Penalties</h2>
<table id="penalties"><tr><th class="text">change</th><th class="text">penalty</th><th class="text">violation</th><th class="text">target</th><th>enterprises</th></tr>
{{range .Penalties.New}}<tr><td class="text">new</td><td class="text">{{.Title}}</td><td class="text"><code>{{.Violation}}</code></td><td class="text">{{.Target}}</td><td>{{group .Enterprises}}</td></tr>
{{end}}{{range .Penalties.Vanished}}<tr><td class="text">vanished</td><td class="text">{{.Title}}</td><td class="text"><code>{{.Violation}}</code></td><td class="text">{{.Target}}</td><td>{{group .Enterprises}}</td></tr>
{{end}}{{range .Penalties.Changed}}<tr><td class="text">fine range changed</td><td class="text">{{.Title}}</td><td class="text"><code>{{.Violation}}</code></td><td class="text">{{.Target}}</td><td>{{group .Enterprises}}</td></tr>
{{end}}{{if not (or .Penalties.New .Penalties.Vanished .Penalties.Changed)}}<tr><td class="text" colspan="5">no penalty appears, vanishes or changes</td></tr>{{end}}
</table>
{{if .SkippedLines}}<h2>Skipped records</h2><ul>{{range .SkippedLines}}<li>line {{.Line}}: {{.Error}}</li>{{end}}</ul>{{end}}
{{if .ErrorLines}}<h2>Errors</h2><ul>{{range .ErrorLines}}<li>line {{.Line}} ({{.Stack}}): {{.Error}}</li>{{end}}</ul>{{end}}
</body>
</html>
`))

package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/rulesets"
)

// MaxChangedShown is how many changed enterprises the impact page lists;
// all of those the report holds are in the page's download.
const MaxChangedShown = 200

// WriteImpactHTML writes the report as one self-contained HTML page, in
// English as it always has (the CLI writes it in Chinese, see
// WriteImpactHTMLLang): styles and charts (inline SVG) included, nothing
// fetched, so it opens offline and can be mailed as one file.
func WriteImpactHTML(w io.Writer, r *portfolio.ImpactReport) error {
	return WriteImpactHTMLLang(w, r, English)
}

// WriteImpactHTMLLang writes the page in lang: the summary, the rule diff
// (rules, factors and values added, removed or changed), the obligation
// matrix, the premium distribution with histograms on labelled axes, the
// breakdowns by province, city, sector family and obligation, the largest
// movers, the penalties, and the changed enterprises with a download of
// the whole list (CSV, for Excel).
func WriteImpactHTMLLang(w io.Writer, r *portfolio.ImpactReport, lang Lang) error {
	var csv bytes.Buffer
	cw := portfolio.NewChangedWriter(&csv, portfolio.CSV)
	for _, c := range r.ChangedList {
		if err := cw.Write(c); err != nil {
			return err
		}
	}
	if err := cw.Close(); err != nil {
		return err
	}
	shown := r.ChangedList
	if len(shown) > MaxChangedShown {
		shown = shown[:MaxChangedShown]
	}
	return impactHTML.Execute(w, htmlPage{R: r, L: lang, Shown: shown,
		Download: template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(csv.Bytes()))})
}

type htmlPage struct {
	R        *portfolio.ImpactReport
	L        Lang
	Shown    []portfolio.ChangedEnterprise
	Download template.URL
}

// T picks the page's text in its language.
func (p htmlPage) T(zh, en string) string { return p.L.t(zh, en) }

func (p htmlPage) Obligation(o rulesets.Obligation) string { return p.L.obligation(o) }

func (p htmlPage) Change(c string) string {
	if p.L == English {
		return c
	}
	return changeLabel[c]
}

func (p htmlPage) Kind(k string) string {
	if p.L == English {
		return k
	}
	return kindLabel[k]
}

func (p htmlPage) Breakdown(by string) string {
	t := map[string][2]string{"province": {"按省份", "By province"}, "city": {"按城市（地级）", "By city"},
		"sector_family": {"按行业大类", "By sector family"}, "obligation": {"按投保义务（修改后）", "By obligation (after)"}}[by]
	return p.L.t(t[0], t[1])
}

func (p htmlPage) Target(t string) string { return p.L.pick(targetLabel, t) }

// histogramSVG draws a histogram as an SVG bar chart with a labelled y-axis
// (round ticks and grid lines) and x-axis (each bar's lower bound).
func histogramSVG(bins []portfolio.Bin, unit string, l Lang) template.HTML {
	label := signed
	if unit == "%" {
		label = signedPct
	}
	if len(bins) == 0 {
		return ""
	}
	const width, height, left, bottom, top = 760, 280, 70, 86, 16
	most := 0
	for _, b := range bins {
		most = max(most, b.Count)
	}
	tick := niceTick(most, 5)
	ymax := max((most+tick-1)/tick*tick, tick)
	var s strings.Builder
	plotW := width - left - 10
	plotH := height - bottom - top
	barW := plotW / len(bins)
	fmt.Fprintf(&s, `<svg class="histogram" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d">`,
		template.HTMLEscapeString(l.t("保费变化分布", "Histogram of premium changes")), width, height, width, height)
	for y := 0; y <= ymax; y += tick {
		py := top + plotH - y*plotH/ymax
		fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e3e3e3"/>`, left, py, left+plotW, py)
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" font-size="11">%s</text>`, left-6, py+4, template.HTMLEscapeString(groupInt(y)))
	}
	fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, left, top+plotH, left+plotW, top+plotH)
	fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, left, top, left, top+plotH)
	fmt.Fprintf(&s, `<text x="14" y="%d" text-anchor="middle" font-size="11" transform="rotate(-90 14 %d)">%s</text>`,
		top+plotH/2, top+plotH/2, template.HTMLEscapeString(l.t("企业数", "enterprises")))
	for i, b := range bins {
		h := b.Count * plotH / ymax
		if b.Count > 0 && h == 0 {
			h = 1
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
	axis := l.t("保费变化（元），每条为 [下限, 上限)", "change of premium (CNY), each bar [from, to)")
	if unit == "%" {
		axis = l.t("保费变化（占修改前保费的百分比）", "change of premium (% of the premium before)")
	}
	fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="middle" font-size="11">%s</text>`, left+plotW/2, height-4, template.HTMLEscapeString(axis))
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// niceTick is a round step (1, 2 or 5 × 10^k) giving about n ticks up to
// most.
func niceTick(most, n int) int {
	if most <= n {
		return 1
	}
	raw := (most + n - 1) / n
	step := 1
	for step*10 <= raw {
		step *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if step*m >= raw {
			return step * m
		}
	}
	return step * 10
}

var impactHTML = template.Must(template.New("impact").Funcs(template.FuncMap{
	"group":  groupInt,
	"money":  money,
	"signed": signed,
	"yuan":   func(d decimal.Decimal) string { return yuan(d, 2) },
	"short":  yuanShort,
	"pct": func(d *decimal.Decimal) string {
		if d == nil {
			return "—"
		}
		return signedPct(*d)
	},
	"optMoney": func(d *decimal.Decimal) string {
		if d == nil {
			return "—"
		}
		return money(*d)
	},
	"fixed":     func(d decimal.Decimal) string { return d.StringFixed(2) },
	"histogram": histogramSVG,
	"moves":     movesTextZh,
	"rest":      func(bins []portfolio.Bin) bool { return len(bins) > 0 && bins[len(bins)-1].Rest },
	"join":      strings.Join,
	"dash":      orDash,
	"region":    regionText,
	"sectors":   sectorLabels,
	"totalpct": func(p portfolio.PremiumImpact) string {
		return strings.TrimPrefix(pctOf(p.TotalBefore, p.TotalAfter), ", ")
	},
	"diff": func(p portfolio.PremiumImpact) string { return signed(p.TotalAfter.Sub(p.TotalBefore)) },
	"sub":  func(a, b decimal.Decimal) string { return signed(b.Sub(a)) },
	"heat": func(n, total int) template.CSS {
		if total == 0 || n == 0 {
			return ""
		}
		return template.CSS(fmt.Sprintf("background: rgba(59,110,168,0.%02d)", 12+60*n/total))
	},
	"share": func(n, total int) template.CSS {
		if total == 0 {
			return "width: 0"
		}
		return template.CSS(fmt.Sprintf("width: %dpx", 120*n/total))
	},
	"offdiag": func(i, j int) bool { return i != j },
}).Parse(`<!DOCTYPE html>
<html lang="{{if eq .L "en"}}en{{else}}zh-CN{{end}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.T "规则修改影响分析" "Impact of a rule change"}} — {{.R.Portfolio}}（{{.R.AsOf}}）</title>
<style>
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 1180px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: .5em 0; } th, td { padding: .25em .6em; border: 1px solid #ddd; text-align: right; vertical-align: top; }
th { background: #f4f6f8; } td.text, th.text { text-align: left; } .changed { font-weight: bold; color: #a33; }
.summary { display: flex; gap: 1em; flex-wrap: wrap; } .summary div { background: #f4f6f8; padding: .6em 1em; border-radius: 6px; }
.summary b { display: block; font-size: 1.4em; } .muted { color: #777; } code { font-size: 90%; }
.share { display: inline-block; height: .8em; background: #3b6ea8; vertical-align: middle; }
.download { display: inline-block; background: #3b6ea8; color: #fff; padding: .4em .9em; border-radius: 4px; text-decoration: none; }
#changes code, #diff code, #rulesets code { word-break: break-all; } #changes td, #rulesets td { max-width: 30em; } #diff td { max-width: 30em; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 0 2em; }
</style>
</head>
<body>
{{$ := .}}{{$r := .R}}
<h1>{{.T "规则修改影响分析：" "Impact of the rule change on "}}<code>{{$r.Portfolio}}</code></h1>
<p class="muted">{{.T "修改前后都按评估日" "Both stacks assessed as of"}} {{$r.AsOf}}{{if $r.Insurer}}{{.T "，保险机构 " ", insurer "}}{{$r.Insurer}}{{end}}{{.T "。由 anzexian impact 生成。" ". Generated by anzexian impact."}}</p>
<div class="summary">
<div><b>{{group $r.Enterprises}}</b>{{.T "家企业评估" "enterprises assessed"}}</div>
<div><b>{{group $r.InScope}}</b>{{.T "家适用被修改的规则集" "in scope of a changed ruleset"}}</div>
<div><b>{{group $r.Changed}}</b>{{.T "家答案有变化" "changed"}}</div>
<div><b>{{diff $r.Premium}}</b>{{.T "保费合计变化（元）" "change of the total premium (CNY)"}}</div>
<div><b>{{group $r.Skipped}}</b>{{.T "条跳过（事实有误）" "skipped (bad facts)"}}</div>
<div><b>{{group $r.Errors}}</b>{{.T "条无法评估" "errors"}}</div>
</div>

<h2>{{.T "修改了什么" "What changed in the rules"}}</h2>
<table id="rulesets"><tr><th class="text">{{.T "规则集" "ruleset"}}</th><th class="text">{{.T "变化" "change"}}</th><th class="text">{{.T "修改前" "before"}}</th><th class="text">{{.T "修改后" "after"}}</th></tr>
{{range $r.Changes}}<tr><td class="text"><code>{{.ID}}</code></td><td class="text">{{$.Change .Change}}</td><td class="text"><code>{{dash .Before}}</code></td><td class="text"><code>{{dash .After}}</code></td></tr>
{{else}}<tr><td class="text" colspan="4">{{.T "无：两套规则相同" "none: the two registries hold the same rulesets"}}</td></tr>{{end}}
</table>
<table id="diff"><tr><th class="text">{{.T "规则集" "ruleset"}}</th><th class="text">{{.T "变化" "change"}}</th><th class="text">{{.T "种类" "kind"}}</th><th class="text">{{.T "编号与名称" "id and title"}}</th><th class="text">{{.T "修改前" "before"}}</th><th class="text">{{.T "修改后" "after"}}</th></tr>
{{range $d := $r.RuleDiffs}}{{range $d.Items}}<tr><td class="text"><code>{{$d.Ruleset}}</code></td><td class="text">{{$.Change .Change}}</td><td class="text">{{$.Kind .Kind}}</td><td class="text"><code>{{.ID}}</code> {{.Title}}</td><td class="text"><code>{{.Before}}</code></td><td class="text"><code>{{.After}}</code></td></tr>
{{else}}<tr><td class="text"><code>{{$d.Ruleset}}</code></td><td class="text" colspan="5">{{$.T "规则内容相同（只有注释、说明或格式不同）" "the same rules (comments, notes or layout differ)"}}</td></tr>
{{end}}{{end}}</table>

<h2>{{.T "投保义务" "Obligation to insure"}}</h2>
<p>{{.T "行：修改前；列：修改后。" "Rows: before the change; columns: after."}} {{group $r.Obligations.Changed}} {{.T "家变化。" "enterprises changed."}}</p>
<table id="obligations"><tr><th class="text">{{.T "修改前 \\ 修改后" "before \\ after"}}</th>{{range $r.Obligations.Levels}}<th>{{$.Obligation .}}</th>{{end}}</tr>
{{$total := $r.Enterprises}}{{range $i, $l := $r.Obligations.Levels}}<tr><th class="text">{{$.Obligation $l}}</th>{{range $j, $n := index $r.Obligations.Counts $i}}<td style="{{heat $n $total}}"{{if and (offdiag $i $j) $n}} class="changed"{{end}}>{{group $n}}</td>{{end}}</tr>
{{end}}</table>

<h2>{{.T "保费" "Premium"}}</h2>
{{with $r.Premium}}
<table id="premium">
<tr><th class="text">{{$.T "两套规则下都可计算保费" "priced under both stacks"}}</th><td>{{group .PricedBoth}}</td></tr>
<tr><th class="text">{{$.T "不变 / 上升 / 下降" "unchanged / increased / decreased"}}</th><td>{{group .Unchanged}} / {{group .Increased}} / {{group .Decreased}}</td></tr>
<tr><th class="text">{{$.T "仅修改后 / 仅修改前可计算" "priced only after / only before"}}</th><td>{{group .BecamePriced}} / {{group .NoLongerPriced}}</td></tr>
<tr><th class="text">{{$.T "保费合计：修改前 → 修改后" "total before → after (CNY)"}}</th><td>{{yuan .TotalBefore}} → {{yuan .TotalAfter}}（{{diff .}}{{with totalpct .}}, {{.}}{{end}}；{{short .TotalBefore}} → {{short .TotalAfter}}）</td></tr>
{{if .Provisional}}<tr><th class="text">{{$.T "仅暂定计价（缺少事实，不计入上列）/ 其中变化" "priced only provisionally, a fact missing (not above) / changed"}}</th><td>{{group .Provisional}} / {{group .ProvisionalChanged}}</td></tr>
<tr><th class="text">{{$.T "暂定合计：修改前 → 修改后（元，含范围）" "provisional total before → after (CNY), with ranges"}}</th><td>{{yuan .ProvisionalBefore.Amount}} ({{yuan .ProvisionalBefore.Min}}–{{yuan .ProvisionalBefore.Max}}) → {{yuan .ProvisionalAfter.Amount}} ({{yuan .ProvisionalAfter.Min}}–{{yuan .ProvisionalAfter.Max}})</td></tr>{{end}}
</table>
{{if .Change.Count}}
<table id="distribution"><tr><th class="text">{{$.T "变化的保费" "premiums that changed"}}</th><th>{{$.T "家数" "count"}}</th><th>{{$.T "最小" "min"}}</th><th>{{$.T "中位数" "median"}}</th><th>{{$.T "90%分位" "p90"}}</th><th>{{$.T "最大" "max"}}</th><th>{{$.T "平均" "mean"}}</th></tr>
<tr><th class="text">{{$.T "变化（元）" "change (CNY)"}}</th><td>{{group .Change.Count}}</td><td>{{signed .Change.Min}}</td><td>{{signed .Change.Median}}</td><td>{{signed .Change.P90}}</td><td>{{signed .Change.Max}}</td><td>{{signed .Change.Mean}}</td></tr>
{{if .Percent.Count}}<tr><th class="text">{{$.T "变化（占修改前的%）" "change (% of before)"}}</th><td>{{group .Percent.Count}}</td><td>{{fixed .Percent.Min}}</td><td>{{fixed .Percent.Median}}</td><td>{{fixed .Percent.P90}}</td><td>{{fixed .Percent.Max}}</td><td>{{fixed .Percent.Mean}}</td></tr>{{end}}
</table>
<p>{{$.T "每条柱子是变化落在 [下限, 上限) 内的企业数" "Each bar counts the premiums whose change lies in [from, to)"}}{{if rest .Histogram}}{{$.T "；最后一条棕色柱子是长尾：从其下限到最大变化的全部" "; the last, brown bar holds the long tail, every change from its start up to the largest"}}{{end}}{{$.T "。鼠标停在柱子上显示范围和家数。" ". Hover a bar for its range and count."}}</p>
<h3>{{$.T "按金额（元）" "In CNY"}}</h3>
{{histogram .Histogram "CNY" $.L}}
{{if .PercentHistogram}}<h3>{{$.T "按占修改前保费的百分比" "In per cent of the premium before"}}</h3>
{{histogram .PercentHistogram "%" $.L}}{{end}}
{{else}}<p>{{$.T "没有保费变化。" "No premium changed."}}</p>{{end}}
{{end}}

<h2>{{.T "分组" "Breakdowns"}}</h2>
<div class="grid">
{{range $r.Breakdowns}}<div><h3>{{$.Breakdown .By}}</h3>
<table class="breakdown" id="by-{{.By}}"><tr><th class="text">{{$.T "名称" "name"}}</th><th>{{$.T "企业" "enterprises"}}</th><th class="text">{{$.T "有变化" "changed"}}</th><th>{{$.T "义务变化" "obligation"}}</th><th>{{$.T "上升" "up"}}</th><th>{{$.T "下降" "down"}}</th><th>{{$.T "保费合计变化（元）" "change of the total (CNY)"}}</th></tr>
{{range .Rows}}<tr><td class="text">{{.Label}} <span class="muted">{{.Key}}</span></td><td>{{group .Enterprises}}</td><td class="text"><span class="share" style="{{share .Changed .Enterprises}}"></span> {{group .Changed}}</td><td>{{group .ObligationChanged}}</td><td>{{group .Increased}}</td><td>{{group .Decreased}}</td><td>{{sub .PremiumBefore .PremiumAfter}}</td></tr>
{{end}}</table></div>
{{end}}</div>

<h2>{{.T "变化最大的企业" "Largest movers"}}</h2>
{{if $r.Movers}}<table id="movers"><tr><th>{{.T "行号" "line"}}</th><th class="text">{{.T "企业" "enterprise"}}</th><th class="text">{{.T "地区" "region"}}</th><th class="text">{{.T "行业" "sectors"}}</th><th>{{.T "修改前" "before"}}</th><th>{{.T "修改后" "after"}}</th><th>{{.T "变化" "change"}}</th><th>%</th><th class="text">{{.T "原因" "moved by"}}</th></tr>
{{range $r.Movers}}<tr><td>{{.Line}}</td><td class="text">{{.Enterprise}}</td><td class="text">{{region .Region}}</td><td class="text">{{sectors .Sectors}}</td><td>{{money .Before}}</td><td>{{money .After}}</td><td>{{signed .Change}}</td><td>{{pct .Percent}}</td><td class="text">{{moves .MovedBy}}</td></tr>
{{end}}</table>{{else}}<p>{{.T "没有保费变化。" "No premium changed."}}</p>{{end}}

<h2>{{.T "处罚" "Penalties"}}</h2>
<table id="penalties"><tr><th class="text">{{.T "变化" "change"}}</th><th class="text">{{.T "处罚" "penalty"}}</th><th class="text">{{.T "违法行为" "violation"}}</th><th class="text">{{.T "对象" "target"}}</th><th>{{.T "企业数" "enterprises"}}</th></tr>
{{range $r.Penalties.New}}<tr><td class="text">{{$.T "新增" "new"}}</td><td class="text">{{.Title}}</td><td class="text"><code>{{.Violation}}</code></td><td class="text">{{$.Target .Target}}</td><td>{{group .Enterprises}}</td></tr>
{{end}}{{range $r.Penalties.Vanished}}<tr><td class="text">{{$.T "不再有" "vanished"}}</td><td class="text">{{.Title}}</td><td class="text"><code>{{.Violation}}</code></td><td class="text">{{$.Target .Target}}</td><td>{{group .Enterprises}}</td></tr>
{{end}}{{range $r.Penalties.Changed}}<tr><td class="text">{{$.T "罚款幅度变化" "fine range changed"}}</td><td class="text">{{.Title}}</td><td class="text"><code>{{.Violation}}</code></td><td class="text">{{$.Target .Target}}</td><td>{{group .Enterprises}}</td></tr>
{{end}}{{if not (or $r.Penalties.New $r.Penalties.Vanished $r.Penalties.Changed)}}<tr><td class="text" colspan="5">{{.T "没有处罚出现、消失或变化" "no penalty appears, vanishes or changes"}}</td></tr>{{end}}
</table>

<h2 id="changed-enterprises">{{.T "答案有变化的企业" "Enterprises that changed"}}</h2>
{{if $r.ChangedList}}<p><a class="download" download="{{.T "变化企业" "changed"}}.csv" href="{{.Download}}">{{.T "下载全部" "Download all"}} {{group (len $r.ChangedList)}} {{.T "家（CSV，可用 Excel 打开）" "(CSV, opens in Excel)"}}</a>
{{if $r.ChangedListTruncated}}<span class="changed">{{.T "本页只含前" "The page holds the first"}} {{group (len $r.ChangedList)}} {{.T "家；全部清单用 anzexian impact --changed 变化企业.xlsx 导出。" "only; anzexian impact --changed FILE.xlsx exports them all."}}</span>{{end}}
{{if lt (len .Shown) (len $r.ChangedList)}}<span class="muted">{{.T "下表列出前" "The table shows the first"}} {{len .Shown}} {{.T "家。" "."}}</span>{{end}}</p>
<table id="changed"><tr><th>{{.T "行号" "line"}}</th><th class="text">{{.T "企业" "enterprise"}}</th><th class="text">{{.T "地区" "region"}}</th><th class="text">{{.T "投保义务" "obligation"}}</th><th>{{.T "保费（修改前）" "premium before"}}</th><th>{{.T "保费（修改后）" "after"}}</th><th>{{.T "变化" "change"}}</th><th class="text">{{.T "原因" "why"}}</th><th class="text">{{.T "处罚变化" "penalties"}}</th></tr>
{{range .Shown}}<tr><td>{{.Line}}</td><td class="text">{{.Enterprise}}</td><td class="text">{{region .Region}}</td><td class="text">{{$.Obligation .Before}}{{if ne .Before .After}} → <span class="changed">{{$.Obligation .After}}</span>{{end}}</td><td>{{optMoney .PremiumBefore}}</td><td>{{optMoney .PremiumAfter}}</td><td>{{optMoney .Change}}</td><td class="text">{{moves .MovedBy}}</td><td class="text">{{range .PenaltiesNew}}＋{{.}} {{end}}{{range .PenaltiesVanished}}－{{.}} {{end}}{{range .PenaltiesChanged}}±{{.}} {{end}}</td></tr>
{{end}}</table>{{else}}<p>{{.T "没有企业的答案变化。" "No enterprise changed."}}</p>{{end}}
{{if $r.SkippedLines}}<h2>{{.T "跳过的记录" "Skipped records"}}</h2><ul>{{range $r.SkippedLines}}<li>{{$.T "第" "line "}}{{.Line}}{{$.T " 行：" ": "}}{{.Error}}</li>{{end}}</ul>{{end}}
{{if $r.ErrorLines}}<h2>{{.T "无法评估的记录" "Errors"}}</h2><ul>{{range $r.ErrorLines}}<li>{{$.T "第" "line "}}{{.Line}}（{{.Stack}}）：{{.Error}}</li>{{end}}</ul>{{end}}
</body>
</html>
`))

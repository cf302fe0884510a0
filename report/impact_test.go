package report_test

import (
	"context"
	"encoding/base64"
	"html"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/portfolio"
	"github.com/anzexian/anzexian/report"
)

func exampleImpact(t *testing.T) *portfolio.ImpactReport {
	t.Helper()
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../examples/rulesets/baseline-blacklist-30.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited, err := eng.Registry().With(diag.File{Name: "baseline-blacklist-30.yaml", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	book, err := os.Open("../examples/workbooks/企业清单.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rep, err := portfolio.Impact(context.Background(), eng, book, edited, portfolio.ImpactOptions{
		Name: "企业清单.xlsx", Format: portfolio.XLSX, At: facts.MustParseDate("2026-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The impact page is in Chinese, with the rule diff, the breakdowns, the
// changed enterprises and a download of them, and histograms whose y-axis
// has round ticks.
func TestImpactPage(t *testing.T) {
	rep := exampleImpact(t)
	if rep.Changed != 3 || len(rep.ChangedList) != 3 {
		t.Fatalf("%d changed, %d listed", rep.Changed, len(rep.ChangedList))
	}
	var b strings.Builder
	if err := report.WriteImpactHTMLLang(&b, rep, report.Chinese); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`<html lang="zh-CN">`, "规则修改影响分析", "<td class=\"text\">修改</td><td class=\"text\">浮动因子</td>",
		"当 blacklisted → 0.10", "当 blacklisted → 0.30", `id="by-province"`, `id="by-city"`, `id="by-sector_family"`, `id="by-obligation"`,
		"山西省晋中市", "煤矿", `download="变化企业.csv"`, "下载全部 3 家", "晋中某煤矿有限公司", `<rect class="bar"`, ">企业数</text>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// No style reaches the histogram's rect.bar: CSS height would override
	// the rect's (SVG 2 geometry properties), as once drew every bar as a
	// thin line in Chromium.
	style := page[strings.Index(page, "<style>"):strings.Index(page, "</style>")]
	if regexp.MustCompile(`(^|[\s,}])(rect)?\.bar\b`).MatchString(style) {
		t.Error("a style rule targets .bar, the histogram's bars")
	}
	// y-axis ticks: 0, 1, 2 … up to the tallest bar, not only 0 and the maximum
	ticks := regexp.MustCompile(`text-anchor="end" font-size="11">(\d+)</text>`).FindAllStringSubmatch(page, -1)
	if len(ticks) < 3 {
		t.Errorf("the histograms have %d y-axis labels", len(ticks))
	}
	// The download holds every changed enterprise, as CSV for Excel.
	m := regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no download link")
	}
	csv, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1])) // the page writes + as &#43;
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(csv), "\n"); n != 4 || !strings.HasPrefix(string(csv), "\ufeff行号,企业名称") {
		t.Errorf("the download has %d lines:\n%s", n, csv)
	}

	b.Reset()
	if err := report.WriteImpactLang(&b, rep, report.Chinese); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"修改的规则集：", "cn/rating/baseline 的变化", "修改前：当 blacklisted → 0.10", "按省份", "按行业", "变化最大的企业："} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the Chinese text lacks %q", want)
		}
	}
}

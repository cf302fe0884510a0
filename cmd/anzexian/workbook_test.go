package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite examples/workbooks (the filled workbook, the results and impact workbooks and their golden cell texts)")

// The analyst's path without JSON: anzexian template → a filled workbook →
// batch --out 结果.xlsx → impact --format xlsx, on real XLSX files written
// and read back with excelize. examples/workbooks holds each step's file;
// the .tsv files beside them are the golden cell texts of every sheet (go
// test ./cmd/anzexian -update rewrites them all).
func TestWorkbookPath(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "examples", "workbooks")
	tmp := t.TempDir()

	// 1. The template: Chinese headers, one column per fact, text cells,
	// drop-down lists, a notes sheet.
	tmpl := filepath.Join(tmp, "模板.xlsx")
	if code, _, errs := runCLI(t, "", "template", "--out", tmpl); code != 0 {
		t.Fatalf("template: exit %d: %s", code, errs)
	}
	tf, err := excelize.OpenFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if got := tf.GetSheetList(); !cmp.Equal(got, []string{"企业清单", "说明", "代码表"}) {
		t.Errorf("template sheets %v", got)
	}
	head, _ := tf.GetRows("企业清单")
	for i, want := range []string{"企业名称", "地区代码", "行业", "经营状态", "季节性生产", "位于城市中心区", "从业人员数"} {
		if len(head) == 0 || len(head[0]) <= i || head[0][i] != want {
			t.Fatalf("template header %d: want %q in %v", i, want, head)
		}
	}
	dvs, err := tf.GetDataValidations("企业清单")
	if err != nil || len(dvs) < 10 {
		t.Errorf("template has %d drop-down lists (%v)", len(dvs), err)
	}
	if notes, _ := tf.GetRows("说明"); len(notes) < len(head[0]) {
		t.Errorf("the notes sheet has %d rows for %d columns", len(notes), len(head[0]))
	}

	// 2. Filled in as an analyst would: labels from the drop-down lists,
	// 是/否, dates with slashes, amounts with separators, a region code
	// as text.
	filled := filepath.Join(tmp, "企业清单.xlsx")
	fillTemplate(t, tf, filled)
	tf.Close()
	goldenWorkbook(t, filled, filepath.Join(dir, "企业清单.xlsx"), filepath.Join(dir, "企业清单.tsv"))
	book := "examples/workbooks/企业清单.xlsx" // relative: the reports name it

	// 3. batch → 结果.xlsx
	results := filepath.Join(tmp, "结果.xlsx")
	code, _, errs := runCLI(t, "", "batch", "--at", "2026-01-01", "--out", results, book)
	if code != 0 {
		t.Fatalf("batch: exit %d: %s", code, errs)
	}
	goldenWorkbook(t, results, filepath.Join(dir, "结果.xlsx"), filepath.Join(dir, "结果.tsv"))

	// 4. impact → 影响.xlsx, and the changed list as CSV.
	impact := filepath.Join(tmp, "影响.xlsx")
	changed := filepath.Join(tmp, "变化企业.csv")
	code, _, errs = runCLI(t, "", "impact", "--with", "examples/rulesets/baseline-blacklist-30.yaml", "--at", "2026-01-01",
		"--format", "xlsx", "--out", impact, "--changed", changed, book)
	if code != 0 {
		t.Fatalf("impact: exit %d: %s", code, errs)
	}
	goldenWorkbook(t, impact, filepath.Join(dir, "影响.xlsx"), filepath.Join(dir, "影响.tsv"))
	csv, err := os.ReadFile(changed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(csv, []byte("\ufeff行号,企业名称,地区代码,地区名称")) || !strings.Contains(string(csv), "列入联合惩戒名单") && !strings.Contains(string(csv), "blacklist") {
		t.Errorf("changed list CSV:\n%s", csv)
	}
}

// fillTemplate writes the example enterprises into the template's sheet.
func fillTemplate(t *testing.T, f *excelize.File, out string) {
	t.Helper()
	head, err := f.GetRows("企业清单")
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head[0] {
		col[h] = i + 1
	}
	rows := []map[string]string{
		{"企业名称": "长沙某危险化学品储存有限公司", "地区代码": "430111", "行业": "危险化学品（储存） hazardous_chemicals.storage",
			"从业人员数": "120", "年营业收入（元）": "35,000,000", "安全风险等级": "较大风险 high", "安全生产标准化等级": "2",
			"已投保安责险": "是", "承保机构": "中国人民财产保险股份有限公司", "保险起期": "2025/7/1", "保险止期": "2026/6/30",
			"投保人数": "100", "每人死亡赔偿限额（元）": "300,000", "每人伤残赔偿限额（元）": "300,000",
			"职业病危害": "高毒作业 high_toxicity"},
		{"企业名称": "株洲某电梯维保有限公司", "地区代码": "430200", "行业": "special_equipment.elevator", "从业人员数": "12",
			"安全风险等级": "低风险 low"},
		{"企业名称": "长沙地铁某标段项目部", "地区代码": "430100", "行业": "建筑施工（民用建筑） construction.civil", "从业人员数": "300",
			"安全风险等级": "一般风险 moderate", "工程项目名称": "长沙地铁某号线某标段", "工程造价（元）": "50,000,000",
			"含危险性较大的分部分项工程": "是", "地铁工程": "是", "工程开工日期": "2025/3/1", "工程竣工日期": "2027/12/31"},
		{"企业名称": "温州某烟花爆竹批发有限公司", "地区代码": "330300", "行业": "烟花爆竹（批发） fireworks.wholesale", "从业人员数": "30",
			"安全风险等级": "较大风险 high", "列入联合惩戒名单": "是", "已投保安责险": "是", "保险起期": "2025-05-01", "保险止期": "2026-04-30",
			"投保人数": "30", "每人死亡赔偿限额（元）": "400000", "每人伤残赔偿限额（元）": "400000"},
		{"企业名称": "乐清某船舶修造有限公司", "地区代码": "330382", "行业": "other", "从业人员数": "80", "安全风险等级": "一般风险 moderate",
			"特殊作业场所": `[{"kind": "ship_repair", "workers": 40}]`},
		{"企业名称": "晋中某煤矿有限公司", "地区代码": "140700", "行业": "煤矿 coal_mine", "从业人员数": "800", "安全风险等级": "重大风险 major",
			"生产安全事故":   `[{"date": "2024-06-12", "deaths": 1, "serious_injuries": 2, "direct_loss": "1500000", "unit_liable": true}]`,
			"列入联合惩戒名单": "是", "主要负责人上年年收入（元）": "600,000", "开始经营日期": "2010/1/1"},
		{"企业名称": "深圳某餐饮管理有限公司", "地区代码": "440304", "行业": "商贸（餐饮） commerce.catering", "从业人员数": "25",
			"安全风险等级": "低风险 low"},
		{"企业名称": "衡阳某危险化学品经营部", "地区代码": "430400", "行业": "hazardous_chemicals.trade", "从业人员数": "15",
			"安全风险等级": "一般风险 moderate", "已投保安责险": "否", "开始经营日期": "2023/3/15",
			"责令改正日期": "2025/10/1", "整改期限": "2025/10/31"},
		{"企业名称": "成都某道路运输有限公司", "地区代码": "510100", "行业": "交通运输（道路运输） transport.road", "从业人员数": "60",
			"安全风险等级": "一般风险 moderate", "已投保安责险": "是", "保险起期": "2025/9/1", "保险止期": "2026/8/31", "投保人数": "60",
			"每人死亡赔偿限额（元）": "400,000", "每人伤残赔偿限额（元）": "400,000", "列入联合惩戒名单": "是"},
		{"企业名称": "湘潭某机械制造有限公司", "地区代码": "430300", "行业": "机械 machinery", "从业人员数": "200"},
	}
	for r, row := range rows {
		for h, v := range row {
			c, ok := col[h]
			if !ok {
				t.Fatalf("the template has no column %q", h)
			}
			cell, _ := excelize.CoordinatesToCellName(c, r+2)
			if err := f.SetCellStr("企业清单", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
}

// goldenWorkbook compares the cell texts of every sheet of got with the
// golden TSV; with -update it copies got to keep and rewrites the TSV.
func goldenWorkbook(t *testing.T, got, keep, tsv string) {
	t.Helper()
	text := workbookText(t, got)
	if *update {
		data, err := os.ReadFile(got)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tsv, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(tsv)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/anzexian -run TestWorkbookPath -update)", err)
	}
	if d := cmp.Diff(string(want), text); d != "" {
		t.Errorf("%s: cell texts differ from %s (-want +got):\n%s", filepath.Base(got), filepath.Base(tsv), d)
	}
	// The committed workbook is the one the code makes.
	if kept := workbookText(t, keep); kept != text {
		t.Errorf("%s is stale: run go test ./cmd/anzexian -run TestWorkbookPath -update", keep)
	}
}

// workbookText is every sheet's cells as Excel shows them, tab-separated.
func workbookText(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s ==\n", sh)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t"))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// The example edit is the bundled baseline with one change, the blacklist
// surcharge from +10% to +30%: when the baseline changes, the copy must
// follow, or the example impact compares two different things.
func TestBlacklistEditFollowsTheBaseline(t *testing.T) {
	base, err := os.ReadFile("../../rulesets/bundled/cn/rating-baseline.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edit, err := os.ReadFile("../../examples/rulesets/baseline-blacklist-30.yaml")
	if err != nil {
		t.Fatal(err)
	}
	body := func(b []byte) []string {
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(l, "#") {
				out = append(out, l)
			}
		}
		return out
	}
	b, e := body(base), body(edit)
	if len(b) != len(e) {
		t.Fatalf("the edit has %d lines, the baseline %d: regenerate examples/rulesets/baseline-blacklist-30.yaml from the baseline", len(e), len(b))
	}
	var diff []string
	for i := range b {
		if b[i] != e[i] {
			diff = append(diff, b[i]+" → "+e[i])
		}
	}
	want := `        - {id: listed, when: blacklisted, value: "0.10", reason: 被纳入联合惩戒名单，上调保险费率} → ` +
		`        - {id: listed, when: blacklisted, value: "0.30", reason: 被纳入联合惩戒名单，上调保险费率}`
	if len(diff) != 1 || diff[0] != want {
		t.Errorf("the edit differs from the baseline in %d lines, want the blacklist value only:\n%s", len(diff), strings.Join(diff, "\n"))
	}
}

package report_test

import (
	"os"
	"strings"
	"testing"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/report"
)

func assessExample(t *testing.T, file string, opts ...anzexian.Option) *anzexian.Assessment {
	t.Helper()
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := facts.Decode(file, data)
	if err != nil {
		t.Fatal(err)
	}
	a, err := eng.Assess(fs[0], append(opts, anzexian.At(facts.MustParseDate("2026-01-01")))...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The Chinese text form labels every code, groups amounts and names its
// unit, and shows the formula and the provenance in words; the trace shows
// each condition and the values it read.
func TestTextForPeople(t *testing.T) {
	a := assessExample(t, "../examples/enterprises/hunan-hazchem-storage.yaml", anzexian.WithTrace())
	var b strings.Builder
	if err := report.WriteAssessment(&b, a); err != nil {
		t.Fatal(err)
	}
	zh := b.String()
	for _, want := range []string{
		"地区：湖南省长沙市（430100）",
		"四、时间线（2014-12-01至2026-01-01）",
		"未投保（323日）",
		"未满足 覆盖全体从业人员（含劳务派遣人员）（cover_all_employees）",
		"事件：2014-12-01 规则集施行 cn/law/safety-production@2014",
		"2024-08-12 事故 accidents[0]",
		"一、投保义务：应当投保（国家规定的高危行业、领域） [mandatory]",
		"· [鼓励投保] ",
		"二、保费：19,584.00 元",
		"基准保费：每人年基准保费 × 从业人员数 = 23,040 元",
		"行业类别 第一类（class_1）",
		"公式：费率 × 从业人员数",
		"安全风险程度 = +5%（较大风险）",
		"因子 risk-level，情形 high",
		"= -10%（默认：上一年度未发生生产安全事故）",
		"事故预防服务费用上限：保费 × 0.21 = 4,112.64 元",
		"※ 非官方数值：示例数值：基准保费“每人年基准保费 × 从业人员数”",
		"罚款（生产经营单位）：",
		"规则评估记录（",
		"条件：in_sector(\"coal_mine\", \"non_coal_mine\")",
		"读取：行业（sectors） = [危险化学品（储存）（hazardous_chemicals.storage）]",
		"读取：hazchem_national = 是",
	} {
		if !strings.Contains(zh, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
	for _, bad := range []string{" CNY", "default：", "illustrative: ", "（default", "class=class_1", "rate * employees"} {
		if strings.Contains(zh, bad) {
			t.Errorf("the Chinese text has %q", bad)
		}
	}

	b.Reset()
	if err := report.WriteAssessmentLang(&b, a, report.English); err != nil {
		t.Fatal(err)
	}
	en := b.String()
	for _, want := range []string{"1. Obligation to insure: must insure (a national high-risk sector) [mandatory]", "2. Premium: 19,584.00 元",
		"Rules evaluated (", "      when: "} {
		if !strings.Contains(en, want) {
			t.Errorf("the English text lacks %q", want)
		}
	}
}

// Names come from the facts, texts from rulesets: control characters in
// them are printed escaped, never sent to the terminal (a name that clears
// the screen, or reverses the text after it).
func TestTextFormEscapesControlCharacters(t *testing.T) {
	eng, err := anzexian.New()
	if err != nil {
		t.Fatal(err)
	}
	f := &facts.Facts{Name: "\x1b[2J\x1b[31m长沙\u202e某公司\r", Region: "430100", Sectors: []string{"other"}, Employees: facts.Int(4)}
	a, err := eng.Assess(f, anzexian.At(facts.MustParseDate("2026-01-01")))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := report.WriteAssessment(&b, a); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\u202e\r") {
		t.Errorf("control characters printed raw:\n%q", out[:200])
	}
	if !strings.Contains(out, `企业：\x1b[2J\x1b[31m长沙\u202e某公司\x0d　地区`) {
		t.Errorf("the name is not escaped:\n%s", strings.SplitN(out, "\n", 2)[0])
	}
}

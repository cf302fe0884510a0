package portfolio

import (
	"strings"

	"github.com/anzexian/anzexian/facts"
)

// ColumnKind is how a column's cells are read and written.
type ColumnKind string

const (
	KindText    ColumnKind = "text"    // free text
	KindCode    ColumnKind = "code"    // one code of a vocabulary
	KindCodes   ColumnKind = "codes"   // codes separated by ";"
	KindInt     ColumnKind = "int"     // a whole number
	KindDecimal ColumnKind = "decimal" // an exact decimal (an amount in 元 when Money)
	KindBool    ColumnKind = "bool"    // true/false, 是/否
	KindDate    ColumnKind = "date"    // YYYY-MM-DD
	KindJSON    ColumnKind = "json"    // a list of objects, as JSON
)

// A Column is a fact path a book's table may have: its English path (the
// facts contract's name, dotted for nested facts) and its Chinese header.
// CSV and XLSX books accept either as the column's header.
type Column struct {
	Path   string
	Header string
	Kind   ColumnKind
	// Vocab lists the codes of a code column (nil for credit_grade, whose
	// codes the rulesets declare).
	Vocab facts.Vocabulary
	// Money marks an amount in 元.
	Money bool
	// Note explains the column on a template's notes sheet.
	Note string
}

// Columns are the core fact paths in the order books are written, each with
// its Chinese header.
var Columns = []Column{
	{Path: "name", Header: "企业名称", Kind: KindText},
	{Path: "region", Header: "地区代码", Kind: KindText, Note: "GB/T 2260 行政区划代码（6位），如 430100 湖南省长沙市；按文本填写，保留前导零"},
	{Path: "sectors", Header: "行业", Kind: KindCodes, Vocab: facts.Sectors, Note: "必填；行业代码，多个用分号（;）分隔，如 hazardous_chemicals.storage;transport.road；也可写下拉列表中的“名称 代码”"},
	{Path: "status", Header: "经营状态", Kind: KindCode, Vocab: facts.Statuses, Note: "默认 operating（生产经营中）"},
	{Path: "seasonal", Header: "季节性生产", Kind: KindBool},
	{Path: "urban_center", Header: "位于城市中心区", Kind: KindBool},
	{Path: "employees", Header: "从业人员数", Kind: KindInt, Note: "全部从业人员，含劳务派遣人员"},
	{Path: "dispatched_workers", Header: "劳务派遣人员数", Kind: KindInt},
	{Path: "workers_without_injury_insurance", Header: "不能参加工伤保险人数", Kind: KindInt},
	{Path: "annual_revenue", Header: "年营业收入（元）", Kind: KindDecimal, Money: true},
	{Path: "risk_level", Header: "安全风险等级", Kind: KindCode, Vocab: facts.RiskLevels},
	{Path: "standardization_level", Header: "安全生产标准化等级", Kind: KindInt, Note: "1、2、3 为一级、二级、三级（一级最好），0 为未达标"},
	{Path: "credit_grade", Header: "安全生产信用等级", Kind: KindCode, Note: "代码由所在地规则集规定"},
	{Path: "blacklisted", Header: "列入联合惩戒名单", Kind: KindBool},
	{Path: "loss_ratio", Header: "赔付率", Kind: KindDecimal, Note: "近年赔款 ÷ 保费，如 0.45"},
	{Path: "occupational_hazards", Header: "职业病危害", Kind: KindCodes, Vocab: facts.OccupationalHazardCodes},
	{Path: "principal_income", Header: "主要负责人上年年收入（元）", Kind: KindDecimal, Money: true},
	{Path: "claims_unpaid_to_victims", Header: "保险金未支付给受害人", Kind: KindBool},
	{Path: "other_safety_insurance", Header: "其他安全相关保险", Kind: KindCodes, Vocab: facts.OtherInsuranceCodes},
	{Path: "operating_since", Header: "开始经营日期", Kind: KindDate},
	{Path: "closed_on", Header: "关闭日期", Kind: KindDate, Note: "不再生产经营的第一日（状态须为 关闭）"},
	{Path: "sites", Header: "特殊作业场所", Kind: KindJSON, Note: `JSON，如 [{"kind": "confined_space", "workers": 5}]`},
	{Path: "accidents", Header: "生产安全事故", Kind: KindJSON, Note: `JSON，如 [{"date": "2024-05-01", "deaths": 1, "direct_loss": "800000"}]；迟报、瞒报的加 "reported_on"`},
	{Path: "policy_history", Header: "历史保单", Kind: KindJSON, Note: `JSON，如 [{"start": "2024-01-01", "end": "2024-12-31"}]`},
	{Path: "park.name", Header: "所在园区", Kind: KindText},
	{Path: "park.factory_in_factory", Header: "厂中厂", Kind: KindBool},
	{Path: "project.name", Header: "工程项目名称", Kind: KindText},
	{Path: "project.contract_value", Header: "工程造价（元）", Kind: KindDecimal, Money: true},
	{Path: "project.high_risk_works", Header: "含危险性较大的分部分项工程", Kind: KindBool},
	{Path: "project.metro", Header: "地铁工程", Kind: KindBool},
	{Path: "project.start", Header: "工程开工日期", Kind: KindDate},
	{Path: "project.end", Header: "工程竣工日期", Kind: KindDate},
	{Path: "work_injury_rank.year", Header: "工伤事故排名年度", Kind: KindInt},
	{Path: "work_injury_rank.rank", Header: "工伤事故排名", Kind: KindInt, Note: "在所在城市按工伤事故起数的排名，1 为最多"},
	{Path: "hazards.major_unrectified", Header: "重大事故隐患未整改", Kind: KindBool},
	{Path: "hazards.refused_rectification", Header: "拒不整改事故隐患", Kind: KindBool},
	{Path: "hazards.refused_on", Header: "拒不整改日期", Kind: KindDate},
	{Path: "policy.insured", Header: "已投保安责险", Kind: KindBool, Note: "填写了保单起止日期即视为已投保；否 表示没有保单"},
	{Path: "policy.insurer", Header: "承保机构", Kind: KindText},
	{Path: "policy.concluded_on", Header: "投保日期", Kind: KindDate, Note: "签订或续保之日；缺省为保险起期"},
	{Path: "policy.start", Header: "保险起期", Kind: KindDate},
	{Path: "policy.end", Header: "保险止期", Kind: KindDate, Note: "保险期间最后一日（24时止）"},
	{Path: "policy.insured_employees", Header: "投保人数", Kind: KindInt},
	{Path: "policy.death_limit", Header: "每人死亡赔偿限额（元）", Kind: KindDecimal, Money: true},
	{Path: "policy.disability_limit", Header: "每人伤残赔偿限额（元）", Kind: KindDecimal, Money: true},
	{Path: "policy.medical_limit", Header: "每人医疗费用限额（元）", Kind: KindDecimal, Money: true},
	{Path: "policy.uniform_limits", Header: "同一保险金额标准", Kind: KindBool},
	{Path: "policy.occupational_disease_cover", Header: "含职业病责任", Kind: KindBool},
	{Path: "policy.prevention_service", Header: "含事故预防服务", Kind: KindBool},
	{Path: "policy.premium_charged_to_employees", Header: "保费向从业人员摊派", Kind: KindBool},
	{Path: "policy.premium", Header: "保单保费（元）", Kind: KindDecimal, Money: true},
	{Path: "enforcement.ordered_on", Header: "责令改正日期", Kind: KindDate},
	{Path: "enforcement.deadline", Header: "整改期限", Kind: KindDate},
	{Path: "enforcement.rectified_on", Header: "整改完成日期", Kind: KindDate},
	{Path: "enforcement.fined_on", Header: "罚款决定日期", Kind: KindDate},
	{Path: "enforcement.fine_amount", Header: "罚款金额（元）", Kind: KindDecimal, Money: true},
	{Path: "enforcement.reinspected_on", Header: "复查日期", Kind: KindDate, Note: "复查发现仍未改正的日期"},
	{Path: "enforcement_records", Header: "执法记录", Kind: KindJSON, Note: `JSON，如 [{"kind": "order", "date": "2025-03-01", "subject": "insurance", "deadline": "2025-03-31"}]`},
}

var columnByKey = func() map[string]*Column {
	m := map[string]*Column{}
	for i := range Columns {
		c := &Columns[i]
		m[c.Path] = c
		m[c.Header] = c
		m[bareHeader(c.Header)] = c
	}
	return m
}()

// ColumnOf returns the column a header names: a fact path (policy.start) or
// its Chinese header (保险起期), with or without its unit (年营业收入 for
// 年营业收入（元）). It returns nil for any other header (a declared fact).
func ColumnOf(header string) *Column { return columnByKey[strings.TrimSpace(header)] }

// bareHeader drops a trailing unit in brackets: 年营业收入（元） → 年营业收入.
func bareHeader(h string) string {
	for _, open := range []string{"（", "("} {
		if i := strings.LastIndex(h, open); i > 0 && (strings.HasSuffix(h, "）") || strings.HasSuffix(h, ")")) {
			return h[:i]
		}
	}
	return h
}

// normalizeCell turns what an analyst types in a cell of the column into
// the text the facts contract reads: 是/否 for booleans, 2025/1/1 for
// dates, thousands separators in amounts, and for codes a code's Chinese
// label or the "label code" items of a template's drop-down lists.
func (c *Column) normalizeCell(cell string) string {
	s := strings.TrimSpace(cell)
	switch c.Kind {
	case KindBool:
		switch s {
		case "是", "Y", "y", "yes", "Yes", "YES", "√":
			return "true"
		case "否", "N", "n", "no", "No", "NO", "×":
			return "false"
		}
	case KindDate:
		return normalizeDate(s)
	case KindInt, KindDecimal:
		if strings.ContainsAny(s, ",，") {
			s = strings.NewReplacer(",", "", "，", "").Replace(s)
		}
	case KindCode:
		return c.code(s)
	case KindCodes:
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '、' || r == '\n' })
		for i, p := range parts {
			parts[i] = c.code(strings.TrimSpace(p))
		}
		return strings.Join(parts, ";")
	}
	return s
}

// code reads a code cell: a code, its Chinese label, or "label code".
func (c *Column) code(s string) string {
	if i := strings.LastIndexAny(s, " \t"); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	for _, e := range c.Vocab {
		if e.Label == s {
			return e.Code
		}
	}
	return s
}

// normalizeDate reads 2025-1-1, 2025/1/1, 2025.1.1 and 2025年1月1日 as
// 2025-01-01; anything else is left for the facts reader to judge.
func normalizeDate(s string) string {
	t := strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-", "日", "").Replace(s)
	parts := strings.Split(t, "-")
	if len(parts) != 3 || len(parts[0]) != 4 {
		return s
	}
	for i := 1; i < 3; i++ {
		switch len(parts[i]) {
		case 1:
			parts[i] = "0" + parts[i]
		case 2:
		default:
			return s
		}
	}
	for _, p := range parts {
		for _, r := range p {
			if r < '0' || r > '9' {
				return s
			}
		}
	}
	return strings.Join(parts, "-")
}

// Label returns the Chinese label of a fact path for people: its header
// without the unit, or the path itself for a fact the table does not know.
func Label(path string) string {
	if c := columnByKey[path]; c != nil {
		return bareHeader(c.Header)
	}
	if l, ok := objectLabels[path]; ok {
		return l
	}
	return path
}

// objectLabels name the facts that are objects, whose parts are columns.
var objectLabels = map[string]string{"policy": "当前安责险保单", "project": "建设项目", "park": "所在园区",
	"work_injury_rank": "工伤事故排名", "hazards": "事故隐患", "enforcement": "责令改正与罚款记录"}

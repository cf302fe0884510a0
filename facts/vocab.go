package facts

import (
	"maps"
	"slices"
	"strings"
	"sync"
)

// A Code is one entry of a vocabulary: the code used in facts and rules, and
// its Chinese label for people.
type Code struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Vocabulary is an ordered list of codes.
type Vocabulary []Code

// Has reports whether c is in v.
func (v Vocabulary) Has(c string) bool {
	for _, e := range v {
		if e.Code == c {
			return true
		}
	}
	return false
}

// sectorSet is the codes of Sectors as a set: facts are checked against
// it on every assessment, and a scan of the vocabulary compared every code.
var sectorSet = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, len(Sectors))
	for _, c := range Sectors {
		m[c.Code] = struct{}{}
	}
	return m
})

// Label returns the label of c, or c itself if it has none.
func (v Vocabulary) Label(c string) string {
	for _, e := range v {
		if e.Code == c {
			return e.Label
		}
	}
	return c
}

// Codes returns the codes of v.
func (v Vocabulary) Codes() []string {
	out := make([]string, len(v))
	for i, e := range v {
		out[i] = e.Code
	}
	return out
}

// Sectors is the sector vocabulary of the facts contract. Codes are
// hierarchical with dots; a parent code alone is valid input, and rules match
// by prefix (hazardous_chemicals matches hazardous_chemicals.storage).
var Sectors = Vocabulary{
	// National high-risk categories (安责险实施办法 2017 第六条, 2025 第二条).
	{"coal_mine", "煤矿"},
	{"non_coal_mine", "非煤矿山"},
	{"non_coal_mine.underground", "非煤矿山（地下矿）"},
	{"non_coal_mine.open_pit", "非煤矿山（露天矿）"},
	{"non_coal_mine.tailings_pond", "非煤矿山（尾矿库）"},
	{"hazardous_chemicals", "危险化学品"},
	{"hazardous_chemicals.production", "危险化学品（生产）"},
	{"hazardous_chemicals.storage", "危险化学品（储存）"},
	{"hazardous_chemicals.use", "危险化学品（使用危化品的化工企业）"},
	{"hazardous_chemicals.key_user", "危险化学品（重点使用单位，非化工企业）"},
	{"hazardous_chemicals.trade", "危险化学品（经营）"},
	{"hazardous_chemicals.pipeline", "成品油与天然气长输管线管理和经营"},
	{"fireworks", "烟花爆竹"},
	{"fireworks.production", "烟花爆竹（生产）"},
	{"fireworks.storage", "烟花爆竹（仓储）"},
	{"fireworks.wholesale", "烟花爆竹（批发）"},
	{"fireworks.retail_store", "烟花爆竹（专店销售）"},
	{"fireworks.retail_counter", "烟花爆竹（专柜销售）"},
	{"transport", "交通运输"},
	{"transport.highway_construction", "交通运输（公路建设）"},
	{"transport.port_construction", "交通运输（港口码头建设）"},
	{"transport.waterway_construction", "交通运输（航道建设）"},
	{"transport.station_construction", "交通运输（站场建设）"},
	{"transport.water", "交通运输（水路运输）"},
	{"transport.road", "交通运输（道路运输）"},
	{"transport.port_service", "交通运输（港口站场服务）"},
	{"transport.driver_training", "交通运输（驾培服务）"},
	{"transport.vehicle_repair", "交通运输（汽车维修服务）"},
	{"construction", "建筑施工"},
	{"construction.municipal", "建筑施工（市政工程）"},
	{"construction.civil", "建筑施工（民用建筑）"},
	{"construction.water_conservancy", "建筑施工（水利建设工程）"},
	{"construction.rail_aviation", "建筑施工（高铁及民航建设工程）"},
	{"civil_explosives", "民用爆炸物品"},
	{"metal_smelting", "金属冶炼"},
	{"fishery", "渔业生产"},
	// Hunan's own compulsory category (湖南 二(一)).
	{"special_equipment", "特种设备"},
	{"special_equipment.boiler", "特种设备（锅炉）"},
	{"special_equipment.pressure_vessel", "特种设备（压力容器）"},
	{"special_equipment.gas_cylinder", "特种设备（气瓶）"},
	{"special_equipment.pressure_pipeline", "特种设备（压力管道）"},
	{"special_equipment.elevator", "特种设备（电梯）"},
	{"special_equipment.lifting_machinery", "特种设备（起重机械）"},
	{"special_equipment.passenger_ropeway", "特种设备（客运索道）"},
	{"special_equipment.amusement_facility", "特种设备（大型游乐设施）"},
	{"special_equipment.site_vehicle", "特种设备（场内专用机动车辆）"},
	// Other sectors.
	{"metallurgy", "冶金"},
	{"nonferrous", "有色"},
	{"machinery", "机械"},
	{"light_industry", "轻工"},
	{"chemical", "化工"},
	{"pharmaceutical", "医药"},
	{"textile", "纺织"},
	{"building_materials", "建材"},
	{"tobacco", "烟草"},
	{"commerce", "商贸"},
	{"commerce.catering", "商贸（餐饮）"},
	{"power", "电力"},
	{"agricultural_machinery", "农业机械（运输作业）"},
	{"crowded_place", "人员密集场所"},
	{"crowded_place.mall", "人员密集场所（商场）"},
	{"crowded_place.underground_mall", "人员密集场所（地下商场）"},
	{"crowded_place.subway", "人员密集场所（地铁）"},
	{"crowded_place.complex", "人员密集场所（大型综合体）"},
	{"other", "其他"},
}

// Core vocabularies of the facts contract. A ruleset may add codes to a
// vocabulary in its codes: section (credit_grade is declared only there).
var (
	Statuses = Vocabulary{
		{"operating", "生产经营中"},
		{"suspended", "停产停业"},
		{"closed", "依法关闭取缔或完全停止生产经营活动"},
	}
	RiskLevels = Vocabulary{
		{"major", "重大风险"},
		{"high", "较大风险"},
		{"moderate", "一般风险"},
		{"low", "低风险"},
	}
	OccupationalHazardCodes = Vocabulary{
		{"high_dust", "高危粉尘作业"},
		{"high_toxicity", "高毒作业"},
		{"severe_occupational_disease", "其他严重职业病危害"},
	}
	SiteKinds = Vocabulary{
		{"ammonia_refrigeration", "涉氨制冷"},
		{"ship_repair", "船舶修造"},
		{"ship_dismantling", "船舶拆解"},
		{"explosive_dust", "涉爆粉尘作业场所"},
		{"spray_painting", "喷涂作业场所"},
		{"confined_space", "有限空间作业场所"},
	}
	OtherInsuranceCodes = Vocabulary{
		{"employer_liability", "雇主责任保险"},
		{"public_liability", "公众责任保险"},
		{"group_accident", "团体意外伤害保险"},
		{"construction_accident", "建筑施工人员团体意外伤害保险"},
		{"hazardous_chemicals_liability", "危险化学品安全责任保险"},
		{"fireworks_liability", "烟花爆竹安全责任保险"},
		{"risk_deposit", "安全生产风险抵押金"},
		{"other", "其他与安全生产相关的保险"},
	}
	Grades = Vocabulary{
		{"ordinary", "一般事故"},
		{"relatively_major", "较大事故"},
		{"major", "重大事故"},
		{"especially_major", "特别重大事故"},
	}
	// RecordKinds, RecordSubjects, InspectionResults and FineTiers are the
	// codes of enforcement records.
	RecordKinds = Vocabulary{
		{"order", "责令（限期）改正"},
		{"deadline", "延长整改期限"},
		{"fine", "罚款"},
		{"inspection", "检查（复查）"},
		{"decision", "其他决定"},
	}
	RecordSubjects = Vocabulary{
		{"insurance", "安全生产责任保险（未投保或未按照国家规定投保）"},
		{"hazard", "事故隐患"},
		{"premium_charged", "保费摊派给从业人员"},
		{"claims_unpaid", "赔偿保险金未支付给受害人"},
		{"accident", "生产安全事故"},
		{"other", "其他"},
	}
	InspectionResults = Vocabulary{
		{"compliant", "已改正"},
		{"not_compliant", "仍未改正"},
		{"refused", "拒不改正（拒不执行）"},
	}
	FineTiers = Vocabulary{
		{"first", "第一百零九条前段（五万元以上十万元以下）"},
		{"overdue", "第一百零九条后段：逾期未改正（十万元以上二十万元以下）"},
	}
	Obligations = Vocabulary{
		{"mandatory", "应当投保（国家规定的高危行业、领域）"},
		{"required", "应当投保（地方规定）"},
		{"encouraged", "鼓励投保"},
		{"none", "无规定"},
	}
)

// coreVocabularies names the vocabulary that each code-valued fact path
// takes its codes from. Rulesets may extend these and add new ones.
var coreVocabularies = map[string]Vocabulary{
	"sectors":                     Sectors,
	"status":                      Statuses,
	"risk_level":                  RiskLevels,
	"occupational_hazards":        OccupationalHazardCodes,
	"sites.kind":                  SiteKinds,
	"other_safety_insurance":      OtherInsuranceCodes,
	"obligation":                  Obligations,
	"accidents.grade":             Grades,
	"credit_grade":                nil, // declared by rulesets
	"enforcement_records.kind":    RecordKinds,
	"enforcement_records.subject": RecordSubjects,
	"enforcement_records.result":  InspectionResults,
	"enforcement_records.tier":    FineTiers,
}

// CoreVocabulary returns the vocabulary a code-valued fact path takes its
// codes from ("sectors", "risk_level", "sites.kind" …, and "obligation",
// which rules read), and whether the path is one. Rulesets may extend these
// vocabularies and add new ones.
func CoreVocabulary(path string) (Vocabulary, bool) {
	v, ok := coreVocabularies[path]
	return v, ok
}

// CoreVocabularyPaths returns the fact paths that have a core vocabulary,
// sorted.
func CoreVocabularyPaths() []string { return slices.Sorted(maps.Keys(coreVocabularies)) }

// SectorMatch reports whether the sector code matches prefix: equal, or a
// sub-code of it (prefix followed by a dot).
func SectorMatch(code, prefix string) bool {
	return code == prefix || (len(code) > len(prefix) && code[len(prefix)] == '.' && strings.HasPrefix(code, prefix))
}

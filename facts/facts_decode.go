package facts

import (
	"fmt"
	"slices"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/suggest"
	"github.com/anzexian/anzexian/internal/yamlx"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// Error reports problems in a facts document. Each diagnostic names the
// field path (accidents[1].date) and its line:column. Test for it with
// errors.As.
type Error struct {
	Diagnostics diag.Diagnostics
}

func (e *Error) Error() string { return "facts: " + e.Diagnostics.Error() }

// Unwrap returns the diagnostics, so errors.As can reach a *Diagnostic.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		out[i] = d
	}
	return out
}

// MaxSize is the largest facts document Decode accepts.
const MaxSize = 1 << 20

// Decode reads the enterprises in a YAML or JSON document (a YAML stream
// may hold several, separated by ---). Numbers are read from their text, never
// through float64. All problems are reported at once in an *Error.
func Decode(name string, data []byte) ([]*Facts, error) {
	if len(data) > MaxSize {
		return nil, &Error{diag.Diagnostics{{Severity: diag.SeverityError, Code: "facts.too_large",
			Summary: fmt.Sprintf("document is %d bytes; the limit is %d", len(data), MaxSize),
			Hint:    "split the portfolio into one document per enterprise, or use batch with JSONL",
			Subject: diag.Range{File: name}}}}
	}
	docs, diags := yamlx.ParseStream(name, data, "facts", 0)
	budget := yamlx.NewBudget()
	var out []*Facts
	for _, doc := range docs {
		if d := jsonDocument(name, data, doc); d != nil {
			diags = append(diags, d)
			continue
		}
		f, ds := decodeFacts(name, data, doc, budget)
		diags = append(diags, ds...)
		if f != nil {
			out = append(out, f)
		}
	}
	if budget.Dropped > 0 {
		diags = append(diags, yamlx.TooManyErrors(name, "facts", budget.Dropped))
	}
	if diags.HasErrors() {
		diags.Sort()
		return out, &Error{diags}
	}
	if len(out) == 0 {
		return nil, &Error{diag.Diagnostics{{Severity: diag.SeverityError, Code: "facts.empty",
			Summary: "no enterprise in the document", Subject: diag.Range{File: name},
			Hint: "an enterprise is a mapping such as region: \"430100\" and sectors: [other]; several are separated by ---"}}}
	}
	return out, nil
}

// FieldNames returns the names of the core facts (the top-level fields of
// the input contract).
func FieldNames() []string { return slices.Clone(factsKeys) }

var factsKeys = []string{
	"name", "region", "sectors", "status", "seasonal", "urban_center", "sites", "park",
	"employees", "dispatched_workers", "workers_without_injury_insurance", "annual_revenue",
	"project", "risk_level", "accidents", "work_injury_rank", "standardization_level",
	"credit_grade", "blacklisted", "hazards", "loss_ratio", "occupational_hazards",
	"principal_income", "policy", "policy_history", "other_safety_insurance",
	"claims_unpaid_to_victims", "enforcement", "operating_since", "closed_on", "enforcement_records",
}

// notFacts says why n is no facts document at all, or "" when it may be
// one: it must be a mapping, and some key must be a core fact or look like
// one (a typo gets its "did you mean").
func notFacts(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode {
		return "its top level is " + yamlx.KindOf(n) + ", not a mapping"
	}
	if len(n.Content) == 0 {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if slices.Contains(factsKeys, k) || suggest.Closest(k, factsKeys) != "" {
			return ""
		}
	}
	return "none of its keys is a fact of the input contract (region, sectors, employees …)"
}

// decodeFactsNode decodes one enterprise document.
func decodeFactsNode(name string, src []byte, n *yaml.Node) (*Facts, diag.Diagnostics) {
	return decodeFacts(name, src, n, yamlx.NewBudget())
}

// decodeFacts decodes one enterprise document, reporting at most the
// errors budget allows.
func decodeFacts(name string, src []byte, n *yaml.Node, budget *yamlx.Budget) (*Facts, diag.Diagnostics) {
	r := &reader{&yamlx.Reader{File: name, Src: src, Prefix: "facts", Budget: budget}}
	r.CheckAliases(n, "")
	if len(r.Diags) > 0 {
		return nil, r.Diags
	}
	f := &Facts{Status: "operating"}
	if p := notFacts(n); p != "" {
		// Whatever the file is, its content is not quoted (no snippet):
		// the name may point anywhere (a facts_file: of a case file).
		r.Diags = append(r.Diags, &diag.Diagnostic{Severity: diag.SeverityError, Code: "facts.type",
			Summary: "not a facts document: " + p, Subject: diag.Range{File: name, Start: diag.Pos{Line: n.Line, Column: n.Column}},
			Hint: "an enterprise is a mapping such as {region: \"430100\", sectors: [...]}"})
		return nil, r.Diags
	}
	// Split core keys from extra facts declared by rulesets; a key that looks
	// like a typo of a core field is an error here, the rest are checked
	// against the stack's declarations later.
	core := &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		known := false
		for _, c := range factsKeys {
			if k.Value == c {
				known = true
				break
			}
		}
		if known || k.Kind != yaml.ScalarNode {
			core.Content = append(core.Content, k, v)
			continue
		}
		if s := suggest.Closest(k.Value, factsKeys); s != "" {
			r.Errorf(k, k.Value, "facts.unknown_field", fmt.Sprintf("did you mean %q?", s), "unknown field %q", k.Value)
			continue
		}
		if !ValidFactName(k.Value) {
			r.Errorf(k, k.Value, "facts.unknown_field", "fact names are lowercase words joined by _", "unknown field %q", k.Value)
			continue
		}
		if f.Extra == nil {
			f.Extra = map[string]ExtraValue{}
		}
		if _, dup := f.Extra[k.Value]; dup {
			r.Errorf(k, k.Value, "facts.duplicate_key", "keep one", "duplicate key %q", k.Value)
			continue
		}
		f.Extra[k.Value] = extraValue(r, k.Value, v)
	}
	fs, _ := r.Fields(core, "", "the enterprise", factsKeys...)
	defer yamlx.PutFields(fs)
	get := func(key string) *yaml.Node {
		if v, ok := fs[key]; ok && !yamlx.IsNull(v.Val) {
			return v.Val
		}
		return nil
	}

	if v := get("name"); v != nil {
		f.Name = r.Str(v, "name", "name")
	}
	if v := get("region"); v != nil {
		before := len(r.Diags)
		f.Region = r.Str(v, "region", "region")
		switch {
		case len(r.Diags) != before:
		case !ValidRegion(f.Region):
			r.Errorf(v, "region", "facts.region", "a GB/T 2260 code has 2, 4, 6, 9 or 12 digits, e.g. \"330382\"; quote it", "region %q is not a GB/T 2260 code", f.Region)
		default:
			if summary, hint := checkRegion(f.Region); summary != "" {
				r.Errorf(v, "region", "facts.region", hint, "%s", summary)
			}
		}
	} else {
		r.Errorf(n, "region", "facts.missing", "add region: \"<GB/T 2260 code>\", e.g. region: \"430100\"", "region is required: it chooses the rulesets that apply")
	}
	if v := get("sectors"); v != nil {
		items := r.Seq(v, "sectors", "sectors")
		for i, it := range items {
			p := yamlx.Index("sectors", i)
			s := r.Str(it, p, "a sector")
			if s == "" {
				r.Errorf(it, p, "facts.missing", "write a sector code, e.g. hazardous_chemicals.storage", "a sector code must not be empty")
				continue
			}
			if r.CheckCode(it, p, "sector", s, Sectors) {
				f.Sectors = append(f.Sectors, s)
			}
		}
		if len(items) == 0 && v.Kind == yaml.SequenceNode {
			r.Errorf(v, "sectors", "facts.missing", "list at least one sector code, e.g. [hazardous_chemicals.storage]; use [other] if none fits", "sectors must not be empty")
		}
	} else {
		r.Errorf(n, "sectors", "facts.missing", "add sectors: [<code>], e.g. sectors: [hazardous_chemicals.storage]; use [other] if none fits", "sectors is required")
	}
	if v := get("status"); v != nil {
		if s := r.Str(v, "status", "status"); s != "" && r.CheckCode(v, "status", "status", s, Statuses) {
			f.Status = s
		}
	}
	if v := get("seasonal"); v != nil {
		f.Seasonal, _ = r.Bool(v, "seasonal", "seasonal")
	}
	if v := get("urban_center"); v != nil {
		f.UrbanCenter, _ = r.Bool(v, "urban_center", "urban_center")
	}
	if v := get("sites"); v != nil {
		for i, it := range r.Seq(v, "sites", "sites") {
			p := yamlx.Index("sites", i)
			sf, ok := r.Fields(it, p, "a site", "kind", "workers")
			if !ok {
				continue
			}
			var s Site
			if k := sf["kind"].Val; !yamlx.IsNull(k) {
				s.Kind = r.Str(k, p+".kind", "kind")
				if s.Kind != "" {
					r.CheckCode(k, p+".kind", "site kind", s.Kind, SiteKinds)
				}
			} else {
				r.Errorf(it, p+".kind", "facts.missing", "add kind: <code>, e.g. kind: confined_space", "a site needs a kind")
			}
			if w := sf["workers"].Val; !yamlx.IsNull(w) {
				s.Workers, _ = r.Int(w, p+".workers", "workers", 0, yamlx.MaxInt)
			}
			f.Sites = append(f.Sites, s)
			yamlx.PutFields(sf)
		}
	}
	if v := get("park"); v != nil {
		pf, ok := r.Fields(v, "park", "park", "name", "factory_in_factory")
		defer yamlx.PutFields(pf)
		if ok {
			f.Park = &Park{}
			if x := pf["name"].Val; !yamlx.IsNull(x) {
				f.Park.Name = r.Str(x, "park.name", "park name")
			}
			if x := pf["factory_in_factory"].Val; !yamlx.IsNull(x) {
				f.Park.FactoryInFactory, _ = r.Bool(x, "park.factory_in_factory", "factory_in_factory")
			}
		}
	}
	if v := get("employees"); v != nil {
		if x, ok := r.Int(v, "employees", "employees", 0, yamlx.MaxInt); ok {
			f.Employees = &x
		}
	}
	if v := get("dispatched_workers"); v != nil {
		f.DispatchedWorkers, _ = r.Int(v, "dispatched_workers", "dispatched_workers", 0, yamlx.MaxInt)
		if f.Employees != nil && f.DispatchedWorkers > *f.Employees {
			r.Errorf(v, "dispatched_workers", "facts.inconsistent", "employees counts all workers, dispatched included", "dispatched_workers (%d) exceeds employees (%d)", f.DispatchedWorkers, *f.Employees)
		}
	}
	if v := get("workers_without_injury_insurance"); v != nil {
		f.WorkersWithoutInjuryInsurance, _ = r.Int(v, "workers_without_injury_insurance", "workers_without_injury_insurance", 0, yamlx.MaxInt)
		if f.Employees != nil && f.WorkersWithoutInjuryInsurance > *f.Employees {
			r.Errorf(v, "workers_without_injury_insurance", "facts.inconsistent", "employees counts all workers, these included", "workers_without_injury_insurance (%d) exceeds employees (%d)", f.WorkersWithoutInjuryInsurance, *f.Employees)
		}
	}
	if v := get("annual_revenue"); v != nil {
		f.AnnualRevenue = r.nonNegDec(v, "annual_revenue", "annual_revenue")
	}
	if v := get("project"); v != nil {
		pf, ok := r.Fields(v, "project", "project", "name", "contract_value", "high_risk_works", "metro", "start", "end")
		defer yamlx.PutFields(pf)
		if ok {
			p := &Project{}
			if x := pf["name"].Val; !yamlx.IsNull(x) {
				p.Name = r.Str(x, "project.name", "project name")
			}
			if x := pf["contract_value"].Val; !yamlx.IsNull(x) {
				p.ContractValue = r.nonNegDec(x, "project.contract_value", "contract_value")
			}
			if x := pf["high_risk_works"].Val; !yamlx.IsNull(x) {
				p.HighRiskWorks, _ = r.Bool(x, "project.high_risk_works", "high_risk_works")
			}
			if x := pf["metro"].Val; !yamlx.IsNull(x) {
				p.Metro, _ = r.Bool(x, "project.metro", "metro")
			}
			p.Start = r.optDate(pf["start"].Val, "project.start", "project start")
			p.End = r.optDate(pf["end"].Val, "project.end", "project end")
			if p.Start != nil && p.End != nil && p.End.Before(*p.Start) {
				r.Errorf(pf["end"].Val, "project.end", "facts.inconsistent", "end is the project's last day and cannot precede start", "project ends (%s) before it starts (%s)", p.End, p.Start)
			}
			f.Project = p
		}
	}
	if v := get("risk_level"); v != nil {
		if s := r.Str(v, "risk_level", "risk_level"); s != "" && r.CheckCode(v, "risk_level", "risk_level", s, RiskLevels) {
			f.RiskLevel = s
		}
	}
	if v := get("accidents"); v != nil {
		for i, it := range r.Seq(v, "accidents", "accidents") {
			p := yamlx.Index("accidents", i)
			af, ok := r.Fields(it, p, "an accident", "date", "deaths", "serious_injuries", "direct_loss", "unit_liable", "especially_serious", "reported_on")
			if !ok {
				continue
			}
			var a Accident
			if x := af["date"].Val; !yamlx.IsNull(x) {
				a.Date, _ = readFactDate(r, x, p+".date", "accident date")
			} else {
				r.Errorf(it, p+".date", "facts.missing", "add date: YYYY-MM-DD", "an accident needs its date")
			}
			if x := af["deaths"].Val; !yamlx.IsNull(x) {
				a.Deaths, _ = r.Int(x, p+".deaths", "deaths", 0, yamlx.MaxInt)
			}
			if x := af["serious_injuries"].Val; !yamlx.IsNull(x) {
				a.SeriousInjuries, _ = r.Int(x, p+".serious_injuries", "serious_injuries", 0, yamlx.MaxInt)
			}
			if x := af["direct_loss"].Val; !yamlx.IsNull(x) {
				// a zero loss is no loss, whatever places it was written
				// with (0.00 would otherwise not survive JSON, which omits
				// a zero direct_loss)
				if d := r.nonNegDec(x, p+".direct_loss", "direct_loss"); d != nil && !d.IsZero() {
					a.DirectLoss = *d
				}
			}
			if x := af["unit_liable"].Val; !yamlx.IsNull(x) {
				a.UnitLiable, _ = r.Bool(x, p+".unit_liable", "unit_liable")
			}
			if x := af["especially_serious"].Val; !yamlx.IsNull(x) {
				a.EspeciallySerious, _ = r.Bool(x, p+".especially_serious", "especially_serious")
			}
			a.ReportedOn = r.optDate(af["reported_on"].Val, p+".reported_on", "reported_on")
			if a.ReportedOn != nil && !a.Date.IsZero() && a.ReportedOn.Before(a.Date) {
				r.Errorf(af["reported_on"].Val, p+".reported_on", "facts.inconsistent", "reported_on is the day the authorities learned of the accident, on or after it", "reported_on (%s) is before the accident (%s)", a.ReportedOn, a.Date)
			}
			f.Accidents = append(f.Accidents, a)
			yamlx.PutFields(af)
		}
	}
	if v := get("work_injury_rank"); v != nil {
		wf, ok := r.Fields(v, "work_injury_rank", "work_injury_rank", "year", "rank")
		defer yamlx.PutFields(wf)
		if ok {
			w := &WorkInjuryRank{}
			okY, okR := false, false
			if x := wf["year"].Val; !yamlx.IsNull(x) {
				w.Year, okY = r.Int(x, "work_injury_rank.year", "year", MinDate.Year(), MaxDate.Year())
			} else {
				r.Errorf(v, "work_injury_rank.year", "facts.missing", "add year: 2021", "work_injury_rank needs the year of the statistics")
			}
			if x := wf["rank"].Val; !yamlx.IsNull(x) {
				w.Rank, okR = r.Int(x, "work_injury_rank.rank", "rank", 1, yamlx.MaxInt)
			} else {
				r.Errorf(v, "work_injury_rank.rank", "facts.missing", "add rank: <1 = most work injuries>", "work_injury_rank needs the rank")
			}
			if okY && okR {
				f.WorkInjuryRank = w
			}
		}
	}
	if v := get("standardization_level"); v != nil {
		f.StandardizationLevel, _ = r.Int(v, "standardization_level", "standardization_level", 0, 3)
	}
	if v := get("credit_grade"); v != nil {
		f.CreditGrade = r.Str(v, "credit_grade", "credit_grade")
	}
	if v := get("blacklisted"); v != nil {
		f.Blacklisted, _ = r.Bool(v, "blacklisted", "blacklisted")
	}
	if v := get("hazards"); v != nil {
		hf, ok := r.Fields(v, "hazards", "hazards", "major_unrectified", "refused_rectification", "refused_on")
		defer yamlx.PutFields(hf)
		if ok {
			if x := hf["major_unrectified"].Val; !yamlx.IsNull(x) {
				f.Hazards.MajorUnrectified, _ = r.Bool(x, "hazards.major_unrectified", "major_unrectified")
			}
			if x := hf["refused_rectification"].Val; !yamlx.IsNull(x) {
				f.Hazards.RefusedRectification, _ = r.Bool(x, "hazards.refused_rectification", "refused_rectification")
			}
			f.Hazards.RefusedOn = r.optDate(hf["refused_on"].Val, "hazards.refused_on", "refused_on")
			if f.Hazards.RefusedOn != nil && !f.Hazards.RefusedRectification {
				r.Errorf(hf["refused_on"].Val, "hazards.refused_on", "facts.inconsistent", "set refused_rectification: true, or remove refused_on", "refused_on is given but refused_rectification is not true")
			}
		}
	}
	if v := get("loss_ratio"); v != nil {
		f.LossRatio = r.nonNegDec(v, "loss_ratio", "loss_ratio")
	}
	if v := get("occupational_hazards"); v != nil {
		for i, it := range r.Seq(v, "occupational_hazards", "occupational_hazards") {
			p := yamlx.Index("occupational_hazards", i)
			if s := r.Str(it, p, "an occupational hazard"); s != "" && r.CheckCode(it, p, "occupational hazard", s, OccupationalHazardCodes) {
				f.OccupationalHazards = append(f.OccupationalHazards, s)
			}
		}
	}
	if v := get("principal_income"); v != nil {
		f.PrincipalIncome = r.nonNegDec(v, "principal_income", "principal_income")
	}
	if v := get("policy"); v != nil {
		f.Policy = r.policy(v)
	}
	if v := get("policy_history"); v != nil {
		for i, it := range r.Seq(v, "policy_history", "policy_history") {
			p := yamlx.Index("policy_history", i)
			hf, ok := r.Fields(it, p, "an earlier policy", "start", "end", "surrendered_on", "insurer")
			if !ok {
				continue
			}
			var h PolicyPeriod
			okS, okE := false, false
			if x := hf["start"].Val; !yamlx.IsNull(x) {
				h.Start, okS = readFactDate(r, x, p+".start", "policy start")
			} else {
				r.Errorf(it, p+".start", "facts.missing", "add start: YYYY-MM-DD", "an earlier policy needs its start date")
			}
			if x := hf["end"].Val; !yamlx.IsNull(x) {
				h.End, okE = readFactDate(r, x, p+".end", "policy end")
			} else {
				r.Errorf(it, p+".end", "facts.missing", "add end: YYYY-MM-DD (the last day covered)", "an earlier policy needs its end date")
			}
			if okS && okE && h.End.Before(h.Start) {
				r.Errorf(hf["end"].Val, p+".end", "facts.inconsistent", "end is the last day covered and cannot precede start", "policy ends (%s) before it starts (%s)", h.End, h.Start)
			}
			h.SurrenderedOn = r.optDate(hf["surrendered_on"].Val, p+".surrendered_on", "surrendered_on")
			if h.SurrenderedOn != nil && okS && okE && (h.SurrenderedOn.Before(h.Start) || h.SurrenderedOn.After(h.End)) {
				r.Errorf(hf["surrendered_on"].Val, p+".surrendered_on", "facts.inconsistent", "a policy is surrendered (退保) between its start and end", "surrendered_on (%s) lies outside the policy period %s–%s", h.SurrenderedOn, h.Start, h.End)
			}
			if x := hf["insurer"].Val; !yamlx.IsNull(x) {
				h.Insurer = r.Str(x, p+".insurer", "insurer")
			}
			f.PolicyHistory = append(f.PolicyHistory, h)
			yamlx.PutFields(hf)
		}
	}
	if v := get("other_safety_insurance"); v != nil {
		for i, it := range r.Seq(v, "other_safety_insurance", "other_safety_insurance") {
			p := yamlx.Index("other_safety_insurance", i)
			if s := r.Str(it, p, "an insurance code"); s != "" && r.CheckCode(it, p, "other_safety_insurance", s, OtherInsuranceCodes) {
				f.OtherSafetyInsurance = append(f.OtherSafetyInsurance, s)
			}
		}
	}
	if v := get("claims_unpaid_to_victims"); v != nil {
		f.ClaimsUnpaidToVictims, _ = r.Bool(v, "claims_unpaid_to_victims", "claims_unpaid_to_victims")
	}
	if v := get("enforcement"); v != nil {
		f.Enforcement = r.enforcement(v)
	}
	f.OperatingSince = r.optDate(get("operating_since"), "operating_since", "operating_since")
	if v := get("closed_on"); v != nil {
		f.ClosedOn = r.optDate(v, "closed_on", "closed_on")
		if f.ClosedOn != nil && f.Status != "closed" {
			r.Errorf(v, "closed_on", "facts.inconsistent", "add status: closed (依法关闭取缔、完全停止生产经营活动), or remove closed_on", "closed_on is given but status is %q, not closed", f.Status)
		}
		if f.ClosedOn != nil && f.OperatingSince != nil && !f.ClosedOn.After(*f.OperatingSince) {
			r.Errorf(v, "closed_on", "facts.inconsistent", "closed_on is the first day it no longer operated", "closed_on (%s) is not after operating_since (%s)", f.ClosedOn, f.OperatingSince)
		}
	}
	if v := get("enforcement_records"); v != nil {
		for i, it := range r.Seq(v, "enforcement_records", "enforcement_records") {
			if rec, ok := r.record(it, yamlx.Index("enforcement_records", i)); ok {
				f.EnforcementRecords = append(f.EnforcementRecords, rec)
			}
		}
		if len(r.Diags) == 0 {
			for _, p := range checkRecords(f) {
				n := v
				if p.index >= 0 && p.index < len(v.Content) {
					n = v.Content[p.index]
				}
				if p.path == "enforcement" {
					n = get("enforcement")
				}
				r.Errorf(n, p.path, "facts.inconsistent", p.hint, "%s", p.msg)
			}
		}
	}
	return f, r.Diags
}

// record reads one enforcement record.
func (r *reader) record(it *yaml.Node, p string) (Record, bool) {
	rf, ok := r.Fields(it, p, "an enforcement record", "kind", "date", "subject", "deadline", "rectified_on", "amount", "tier", "result", "measure", "period")
	defer yamlx.PutFields(rf)
	if !ok {
		return Record{}, false
	}
	var rec Record
	okAll := true
	code := func(key, what string, vocab Vocabulary, dst *string) {
		x := rf[key].Val
		if yamlx.IsNull(x) {
			return
		}
		if s := r.Str(x, p+"."+key, what); s != "" && r.CheckCode(x, p+"."+key, what, s, vocab) {
			*dst = s
		} else {
			okAll = false
		}
	}
	code("kind", "record kind", RecordKinds, &rec.Kind)
	if yamlx.IsNull(rf["kind"].Val) {
		r.Errorf(it, p+".kind", "facts.missing", "add kind: order, deadline, fine, inspection or decision", "an enforcement record needs its kind")
		okAll = false
	}
	code("subject", "record subject", RecordSubjects, &rec.Subject)
	if yamlx.IsNull(rf["subject"].Val) {
		r.Errorf(it, p+".subject", "facts.missing", "add subject: insurance, hazard, premium_charged, claims_unpaid, accident or other", "an enforcement record needs its subject: a record is evidence only of what it is about")
		okAll = false
	}
	if x := rf["date"].Val; !yamlx.IsNull(x) {
		var okD bool
		rec.Date, okD = readFactDate(r, x, p+".date", "record date")
		okAll = okAll && okD
	} else {
		r.Errorf(it, p+".date", "facts.missing", "add date: YYYY-MM-DD, the day the decision was made (作出之日)", "an enforcement record needs its date")
		okAll = false
	}
	rec.Deadline = r.optDate(rf["deadline"].Val, p+".deadline", "deadline")
	rec.RectifiedOn = r.optDate(rf["rectified_on"].Val, p+".rectified_on", "rectified_on")
	if x := rf["amount"].Val; !yamlx.IsNull(x) {
		// an amount given but wrong is reported once, not again as missing
		if rec.Amount = r.nonNegDec(x, p+".amount", "amount"); rec.Amount == nil {
			okAll = false
		}
	}
	code("tier", "fine tier", FineTiers, &rec.Tier)
	code("result", "inspection result", InspectionResults, &rec.Result)
	if x := rf["measure"].Val; !yamlx.IsNull(x) {
		rec.Measure = r.Str(x, p+".measure", "measure")
	}
	if x := rf["period"].Val; !yamlx.IsNull(x) {
		pf, ok := r.Fields(x, p+".period", "a period", "from", "to")
		defer yamlx.PutFields(pf)
		if ok {
			from := r.optDate(pf["from"].Val, p+".period.from", "period start")
			to := r.optDate(pf["to"].Val, p+".period.to", "period end")
			if from == nil || to == nil {
				r.Errorf(x, p+".period", "facts.missing", "write period: {from: YYYY-MM-DD, to: YYYY-MM-DD}", "a record's period needs from and to")
				okAll = false
			} else {
				rec.Period = &Period{From: *from, To: *to}
			}
		}
	}
	if !okAll {
		return rec, false
	}
	for _, e := range rec.check() {
		n := rf[e.key].Val
		if n == nil {
			n = it
		}
		r.Errorf(n, p+"."+e.key, "facts.inconsistent", e.hint, "%s", e.msg)
	}
	return rec, true
}

func (r *reader) optDate(n *yaml.Node, path, what string) *Date {
	if yamlx.IsNull(n) {
		return nil
	}
	d, ok := readFactDate(r, n, path, what)
	if !ok {
		return nil
	}
	return &d
}

func (r *reader) nonNegDec(n *yaml.Node, path, what string) *decimal.Decimal {
	d, ok := r.Dec(n, path, what)
	if !ok {
		return nil
	}
	if d.IsNegative() {
		r.Errorf(n, path, "facts.range", "amounts and ratios are 0 or more", "%s must not be negative: %s", what, n.Value)
		return nil
	}
	return &d
}

func (r *reader) policy(v *yaml.Node) *Policy {
	pf, ok := r.Fields(v, "policy", "policy", "insured", "insurer", "concluded_on", "start", "end", "insured_employees",
		"death_limit", "disability_limit", "medical_limit", "uniform_limits", "occupational_disease_cover",
		"prevention_service", "premium_charged_to_employees", "premium")
	defer yamlx.PutFields(pf)
	if !ok {
		return nil
	}
	p := &Policy{}
	if x := pf["insured"].Val; !yamlx.IsNull(x) {
		if b, ok := r.Bool(x, "policy.insured", "insured"); ok {
			p.Insured = &b
		}
	}
	if x := pf["insurer"].Val; !yamlx.IsNull(x) {
		p.Insurer = r.Str(x, "policy.insurer", "insurer")
	}
	okS, okE := false, false
	if x := pf["start"].Val; !yamlx.IsNull(x) {
		p.Start, okS = readFactDate(r, x, "policy.start", "policy start")
	} else if p.IsInsured() {
		r.Errorf(v, "policy.start", "facts.missing", "add start: YYYY-MM-DD, or insured: false if there is no policy", "policy needs its start date")
	}
	if x := pf["end"].Val; !yamlx.IsNull(x) {
		p.End, okE = readFactDate(r, x, "policy.end", "policy end")
	} else if p.IsInsured() {
		r.Errorf(v, "policy.end", "facts.missing", "add end: YYYY-MM-DD (the last day covered), or insured: false", "policy needs its end date")
	}
	if okS && okE && p.End.Before(p.Start) {
		r.Errorf(pf["end"].Val, "policy.end", "facts.inconsistent", "end is the last day covered (至…24时止) and cannot precede start", "policy ends (%s) before it starts (%s)", p.End, p.Start)
	}
	p.ConcludedOn = r.optDate(pf["concluded_on"].Val, "policy.concluded_on", "concluded_on")
	if p.ConcludedOn != nil && okE && p.ConcludedOn.After(p.End) {
		r.Errorf(pf["concluded_on"].Val, "policy.concluded_on", "facts.inconsistent", "concluded_on is the day the policy was concluded or renewed (投保), before its cover ends", "concluded_on (%s) is after the policy ends (%s)", p.ConcludedOn, p.End)
	}
	if x := pf["insured_employees"].Val; !yamlx.IsNull(x) {
		if n, ok := r.Int(x, "policy.insured_employees", "insured_employees", 0, yamlx.MaxInt); ok {
			p.InsuredEmployees = &n
		}
	}
	if x := pf["death_limit"].Val; !yamlx.IsNull(x) {
		p.DeathLimit = r.nonNegDec(x, "policy.death_limit", "death_limit")
	}
	if x := pf["disability_limit"].Val; !yamlx.IsNull(x) {
		p.DisabilityLimit = r.nonNegDec(x, "policy.disability_limit", "disability_limit")
	}
	if x := pf["medical_limit"].Val; !yamlx.IsNull(x) {
		p.MedicalLimit = r.nonNegDec(x, "policy.medical_limit", "medical_limit")
	}
	if x := pf["premium"].Val; !yamlx.IsNull(x) {
		p.Premium = r.nonNegDec(x, "policy.premium", "premium")
	}
	if x := pf["uniform_limits"].Val; !yamlx.IsNull(x) {
		if b, ok := r.Bool(x, "policy.uniform_limits", "uniform_limits"); ok {
			p.UniformLimits = &b
		}
	}
	for key, dst := range map[string]*bool{
		"occupational_disease_cover":   &p.OccupationalDiseaseCover,
		"prevention_service":           &p.PreventionService,
		"premium_charged_to_employees": &p.PremiumChargedToEmployees,
	} {
		if x := pf[key].Val; !yamlx.IsNull(x) {
			*dst, _ = r.Bool(x, "policy."+key, key)
		}
	}
	return p
}

func (r *reader) enforcement(v *yaml.Node) *Enforcement {
	ef, ok := r.Fields(v, "enforcement", "enforcement", "ordered_on", "deadline", "rectified_on", "fined_on", "fine_amount", "reinspected_on")
	defer yamlx.PutFields(ef)
	if !ok {
		return nil
	}
	e := &Enforcement{
		OrderedOn:     r.optDate(ef["ordered_on"].Val, "enforcement.ordered_on", "ordered_on"),
		Deadline:      r.optDate(ef["deadline"].Val, "enforcement.deadline", "deadline"),
		RectifiedOn:   r.optDate(ef["rectified_on"].Val, "enforcement.rectified_on", "rectified_on"),
		FinedOn:       r.optDate(ef["fined_on"].Val, "enforcement.fined_on", "fined_on"),
		ReinspectedOn: r.optDate(ef["reinspected_on"].Val, "enforcement.reinspected_on", "reinspected_on"),
	}
	if x := ef["fine_amount"].Val; !yamlx.IsNull(x) {
		e.FineAmount = r.nonNegDec(x, "enforcement.fine_amount", "fine_amount")
	}
	if e.OrderedOn != nil {
		for _, c := range []struct {
			key string
			d   *Date
		}{{"deadline", e.Deadline}, {"rectified_on", e.RectifiedOn}, {"fined_on", e.FinedOn}, {"reinspected_on", e.ReinspectedOn}} {
			if c.d != nil && c.d.Before(*e.OrderedOn) {
				r.Errorf(ef[c.key].Val, "enforcement."+c.key, "facts.inconsistent", "dates that follow an order cannot precede it", "%s (%s) is before the order (ordered_on %s)", c.key, c.d, e.OrderedOn)
			}
		}
	} else {
		for _, key := range []string{"deadline", "rectified_on", "reinspected_on"} {
			if x := ef[key].Val; !yamlx.IsNull(x) {
				r.Errorf(x, "enforcement."+key, "facts.inconsistent", "add ordered_on: the date of the 责令改正 decision", "%s needs the order it follows (ordered_on)", key)
			}
		}
	}
	if e.FineAmount != nil && e.FinedOn == nil {
		r.Errorf(ef["fine_amount"].Val, "enforcement.fine_amount", "facts.inconsistent", "add fined_on: the date of the fine", "fine_amount needs fined_on")
	}
	return e
}

func extraValue(r *reader, name string, v *yaml.Node) ExtraValue {
	ev := ExtraValue{At: r.RangeOf(v), Path: name, Source: r.LineOf(v.Line)}
	switch {
	case yamlx.IsNull(v):
		ev.IsNull = true
	case v.Kind == yaml.ScalarNode:
		ev.Kind = "scalar"
		ev.Text = v.Value
		ev.Quoted = v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 || v.Tag == "!!str" || !jsonBare(v.Value)
	case v.Kind == yaml.SequenceNode:
		ev.Kind = "sequence"
		ev.IsList = true
		ev.Items = r.Strs(v, name, name)
	default:
		ev.Kind = "mapping"
	}
	return ev
}

func ValidRegion(s string) bool {
	switch len(s) {
	case 2, 4, 6, 9, 12:
	default:
		return false
	}
	return allDigits(s)
}

// ValidFactName reports whether s can name a fact a ruleset declares:
// lowercase letters, digits and underscores, not starting with a digit, at
// most 64 bytes.
func ValidFactName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, c := range s {
		if c == '_' || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}

// DecodeNode decodes one enterprise from a YAML node of the document
// src named name (a case file embeds facts this way); positions refer to src.
func DecodeNode(name string, src []byte, n *yaml.Node) (*Facts, error) {
	f, ds := decodeFactsNode(name, src, n)
	if ds.HasErrors() {
		ds.Sort()
		return nil, &Error{ds}
	}
	return f, nil
}

// readFactDate reads a date of the facts.
func readFactDate(r *reader, n *yaml.Node, path, what string) (Date, bool) {
	return yamlx.Date(r.Reader, n, path, what, ParseDate, MinDate, MaxDate)
}

// reader reads facts documents: the shared YAML reader with the facts'
// own value readers.
type reader struct{ *yamlx.Reader }

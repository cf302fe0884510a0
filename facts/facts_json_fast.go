package facts

import (
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/diag"
	"github.com/anzexian/anzexian/internal/yamlx"
)

// decodePlainJSON decodes a record written the plain way straight into
// Facts, without the node tree the general decoder builds and walks (two
// thirds of decoding a portfolio's line): the contract's core fields, each
// in the JSON type it is written in — a string for text, codes and dates,
// digits for whole numbers, a string or a number for decimals, true or
// false — with no null, no escape in a string and no enforcement records;
// a field declared by a ruleset is a string, a number, true or false, or a
// list of them, read as the general decoder reads it (with its position,
// for the errors of binding).
//
// It is a shortcut, not a second decoder: it reports false for anything
// else, and for anything the general decoder would report (an unknown
// code, a duplicate key, a number out of range, dates out of order), and
// DecodeLine then takes the general path, so every diagnostic is what it
// was. Whatever it accepts, the general decoder decodes to the same Facts
// (TestPlainJSONAgrees on generated books and the examples,
// FuzzPlainJSON on anything).
func decodePlainJSON(name string, data []byte) (*Facts, bool) {
	p := plainJSON{src: data}
	p.text = string(data)
	f := &Facts{Status: "operating"}
	var seen uint64
	ok := p.object(func(key string) bool {
		bit, known := coreBit(key)
		switch {
		case !known:
			return p.extra(f, name, key)
		case seen&bit != 0:
			return false // a duplicate: the general path reports it
		}
		seen |= bit
		return p.field(f, key)
	})
	if !ok || !p.end() || seen&regionAndSectors != regionAndSectors {
		return nil, false
	}
	return f, consistent(f)
}

// coreBits gives each core field of the facts a bit, for spotting a key
// given twice: indexed by the key's length (then compared in full), which
// is quicker than hashing the key.
var coreBits = func() (byLen [][]coreKey) {
	for i, k := range factsKeys {
		if len(k) >= len(byLen) {
			byLen = append(byLen, make([][]coreKey, len(k)+1-len(byLen))...)
		}
		byLen[len(k)] = append(byLen[len(k)], coreKey{k, 1 << i})
	}
	return byLen
}()

type coreKey struct {
	key string
	bit uint64
}

// coreBit returns the bit of a core field's key.
func coreBit(key string) (uint64, bool) {
	if len(key) < len(coreBits) {
		for _, c := range coreBits[len(key)] {
			if c.key == key {
				return c.bit, true
			}
		}
	}
	return 0, false
}

// regionAndSectors are the bits of the fields every record gives.
var regionAndSectors = func() uint64 {
	r, _ := coreBit("region")
	s, _ := coreBit("sectors")
	return r | s
}()

// extra reads the value of key, a fact a ruleset may declare, as
// decodeFacts reads it (extraValue): a typo of a core field, a name that
// cannot be a fact's, a duplicate, a null, an object and a list holding
// anything but single values are left to the general path.
func (p *plainJSON) extra(f *Facts, name, key string) bool {
	if !extraNameOK(key) {
		return false
	}
	if _, dup := f.Extra[key]; dup {
		return false
	}
	p.space()
	if p.off >= len(p.src) {
		return false
	}
	start := p.off
	ev := ExtraValue{Path: key, Kind: "scalar"}
	width := 0
	switch c := p.src[p.off]; {
	case c == '"':
		s, ok := p.str()
		if !ok {
			return false
		}
		ev.Text, ev.Quoted, width = s, true, utf8.RuneCountInString(s)+2
	case c == '[':
		ev.Kind, ev.IsList, ev.Items = "sequence", true, []string{}
		if !p.list(func() bool {
			s, ok := p.scalar()
			ev.Items = append(ev.Items, s)
			return ok
		}) {
			return false
		}
	default:
		s, ok := p.scalar()
		if !ok {
			return false
		}
		ev.Text, ev.Quoted, width = s, !jsonBare(s), len(s)
	}
	col := 1 + utf8.RuneCount(p.src[:start])
	ev.At = diag.Range{File: name, Start: diag.Pos{Line: 1, Column: col}}
	if width > 0 {
		ev.At.End = diag.Pos{Line: 1, Column: col + width}
	}
	// yamlx.SourceLine(p.src, 1), without copying: the record has been
	// read as valid UTF-8 up to here, and the rest is checked before it is
	// taken
	line := p.text
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	ev.Source = strings.TrimSuffix(line, "\r")
	if f.Extra == nil {
		f.Extra = map[string]ExtraValue{}
	}
	f.Extra[key] = ev
	return true
}

// scalar reads a string, a number, true or false as its text.
func (p *plainJSON) scalar() (string, bool) {
	p.space()
	if p.off >= len(p.src) {
		return "", false
	}
	switch c := p.src[p.off]; {
	case c == '"':
		return p.str()
	case c == 't' || c == 'f':
		b, ok := p.boolean()
		if b {
			return "true", ok
		}
		return "false", ok
	}
	s := p.number()
	return s, s != ""
}

// field reads the value of the core field key.
func (p *plainJSON) field(f *Facts, key string) bool {
	ok := true
	switch key {
	case "name":
		f.Name, ok = p.str()
	case "region":
		f.Region, ok = p.str()
		ok = ok && ValidRegion(f.Region)
		if ok {
			summary, _ := checkRegion(f.Region)
			ok = summary == ""
		}
	case "sectors":
		ok = p.codes(&f.Sectors, func(s string) bool {
			_, known := sectorSet()[s] // Sectors as a set
			return known
		})
		ok = ok && len(f.Sectors) > 0
	case "status":
		f.Status, ok = p.code(Statuses)
	case "seasonal":
		f.Seasonal, ok = p.boolean()
	case "urban_center":
		f.UrbanCenter, ok = p.boolean()
	case "sites":
		ok = p.list(func() bool {
			var s Site
			hasKind := false
			ok := p.fields(func(k string) bool {
				switch k {
				case "kind":
					var ok bool
					s.Kind, ok = p.code(SiteKinds)
					hasKind = true
					return ok
				case "workers":
					var ok bool
					s.Workers, ok = p.whole(0, yamlx.MaxInt)
					return ok
				}
				return false
			})
			f.Sites = append(f.Sites, s)
			return ok && hasKind
		})
	case "park":
		f.Park = &Park{}
		ok = p.fields(func(k string) bool {
			var ok bool
			switch k {
			case "name":
				f.Park.Name, ok = p.str()
			case "factory_in_factory":
				f.Park.FactoryInFactory, ok = p.boolean()
			}
			return ok
		})
	case "employees":
		var n int
		n, ok = p.whole(0, yamlx.MaxInt)
		f.Employees = &n
	case "dispatched_workers":
		f.DispatchedWorkers, ok = p.whole(0, yamlx.MaxInt)
	case "workers_without_injury_insurance":
		f.WorkersWithoutInjuryInsurance, ok = p.whole(0, yamlx.MaxInt)
	case "annual_revenue":
		f.AnnualRevenue, ok = p.amount()
	case "project":
		pr := &Project{}
		f.Project = pr
		ok = p.fields(func(k string) bool {
			var ok bool
			switch k {
			case "name":
				pr.Name, ok = p.str()
			case "contract_value":
				pr.ContractValue, ok = p.amount()
			case "high_risk_works":
				pr.HighRiskWorks, ok = p.boolean()
			case "metro":
				pr.Metro, ok = p.boolean()
			case "start":
				pr.Start, ok = p.optDate()
			case "end":
				pr.End, ok = p.optDate()
			}
			return ok
		})
	case "risk_level":
		f.RiskLevel, ok = p.code(RiskLevels)
	case "accidents":
		ok = p.list(func() bool {
			var a Accident
			ok := p.fields(func(k string) bool {
				var ok bool
				switch k {
				case "date":
					a.Date, ok = p.date()
				case "deaths":
					a.Deaths, ok = p.whole(0, yamlx.MaxInt)
				case "serious_injuries":
					a.SeriousInjuries, ok = p.whole(0, yamlx.MaxInt)
				case "direct_loss":
					var d *decimal.Decimal
					if d, ok = p.amount(); ok && !d.IsZero() {
						a.DirectLoss = *d // a zero loss is no loss (decodeFacts)
					}
				case "unit_liable":
					a.UnitLiable, ok = p.boolean()
				case "especially_serious":
					a.EspeciallySerious, ok = p.boolean()
				case "reported_on":
					a.ReportedOn, ok = p.optDate()
				}
				return ok
			})
			f.Accidents = append(f.Accidents, a)
			return ok && !a.Date.IsZero()
		})
	case "work_injury_rank":
		w := &WorkInjuryRank{}
		f.WorkInjuryRank = w
		ok = p.fields(func(k string) bool {
			var ok bool
			switch k {
			case "year":
				w.Year, ok = p.whole(MinDate.Year(), MaxDate.Year())
			case "rank":
				w.Rank, ok = p.whole(1, yamlx.MaxInt)
			}
			return ok
		})
		ok = ok && w.Year != 0 && w.Rank != 0
	case "standardization_level":
		f.StandardizationLevel, ok = p.whole(0, 3)
	case "credit_grade":
		f.CreditGrade, ok = p.str()
	case "blacklisted":
		f.Blacklisted, ok = p.boolean()
	case "hazards":
		h := &f.Hazards
		ok = p.fields(func(k string) bool {
			var ok bool
			switch k {
			case "major_unrectified":
				h.MajorUnrectified, ok = p.boolean()
			case "refused_rectification":
				h.RefusedRectification, ok = p.boolean()
			case "refused_on":
				h.RefusedOn, ok = p.optDate()
			}
			return ok
		})
	case "loss_ratio":
		f.LossRatio, ok = p.amount()
	case "occupational_hazards":
		ok = p.codes(&f.OccupationalHazards, OccupationalHazardCodes.Has)
	case "principal_income":
		f.PrincipalIncome, ok = p.amount()
	case "policy":
		f.Policy, ok = p.policy()
	case "policy_history":
		ok = p.list(func() bool {
			var h PolicyPeriod
			ok := p.fields(func(k string) bool {
				var ok bool
				switch k {
				case "start":
					h.Start, ok = p.date()
				case "end":
					h.End, ok = p.date()
				case "surrendered_on":
					h.SurrenderedOn, ok = p.optDate()
				case "insurer":
					h.Insurer, ok = p.str()
				}
				return ok
			})
			f.PolicyHistory = append(f.PolicyHistory, h)
			return ok && !h.Start.IsZero() && !h.End.IsZero()
		})
	case "other_safety_insurance":
		ok = p.codes(&f.OtherSafetyInsurance, OtherInsuranceCodes.Has)
	case "claims_unpaid_to_victims":
		f.ClaimsUnpaidToVictims, ok = p.boolean()
	case "enforcement":
		e := &Enforcement{}
		f.Enforcement = e
		ok = p.fields(func(k string) bool {
			var ok bool
			switch k {
			case "ordered_on":
				e.OrderedOn, ok = p.optDate()
			case "deadline":
				e.Deadline, ok = p.optDate()
			case "rectified_on":
				e.RectifiedOn, ok = p.optDate()
			case "fined_on":
				e.FinedOn, ok = p.optDate()
			case "reinspected_on":
				e.ReinspectedOn, ok = p.optDate()
			case "fine_amount":
				e.FineAmount, ok = p.amount()
			}
			return ok
		})
	case "operating_since":
		f.OperatingSince, ok = p.optDate()
	case "closed_on":
		f.ClosedOn, ok = p.optDate()
	default: // enforcement_records: checked across records, the general path
		return false
	}
	return ok
}

func (p *plainJSON) policy() (*Policy, bool) {
	pol := &Policy{}
	ok := p.fields(func(k string) bool {
		var ok bool
		switch k {
		case "insured":
			var b bool
			b, ok = p.boolean()
			pol.Insured = &b
		case "insurer":
			pol.Insurer, ok = p.str()
		case "concluded_on":
			pol.ConcludedOn, ok = p.optDate()
		case "start":
			pol.Start, ok = p.date()
		case "end":
			pol.End, ok = p.date()
		case "insured_employees":
			var n int
			n, ok = p.whole(0, yamlx.MaxInt)
			pol.InsuredEmployees = &n
		case "death_limit":
			pol.DeathLimit, ok = p.amount()
		case "disability_limit":
			pol.DisabilityLimit, ok = p.amount()
		case "medical_limit":
			pol.MedicalLimit, ok = p.amount()
		case "premium":
			pol.Premium, ok = p.amount()
		case "uniform_limits":
			var b bool
			b, ok = p.boolean()
			pol.UniformLimits = &b
		case "occupational_disease_cover":
			pol.OccupationalDiseaseCover, ok = p.boolean()
		case "prevention_service":
			pol.PreventionService, ok = p.boolean()
		case "premium_charged_to_employees":
			pol.PremiumChargedToEmployees, ok = p.boolean()
		}
		return ok
	})
	return pol, ok
}

// consistent makes the checks across fields decodeFacts makes, in the
// same terms: false where it would report one.
func consistent(f *Facts) bool {
	if e := f.Employees; e != nil && (f.DispatchedWorkers > *e || f.WorkersWithoutInjuryInsurance > *e) {
		return false
	}
	if pr := f.Project; pr != nil && pr.Start != nil && pr.End != nil && pr.End.Before(*pr.Start) {
		return false
	}
	for _, a := range f.Accidents {
		if a.ReportedOn != nil && a.ReportedOn.Before(a.Date) {
			return false
		}
	}
	if f.Hazards.RefusedOn != nil && !f.Hazards.RefusedRectification {
		return false
	}
	if pol := f.Policy; pol != nil {
		okS, okE := !pol.Start.IsZero(), !pol.End.IsZero()
		if pol.IsInsured() && (!okS || !okE) {
			return false
		}
		if okS && okE && pol.End.Before(pol.Start) {
			return false
		}
		if c := pol.ConcludedOn; c != nil && okE && c.After(pol.End) {
			return false
		}
	}
	for _, h := range f.PolicyHistory {
		if h.End.Before(h.Start) {
			return false
		}
		if s := h.SurrenderedOn; s != nil && (s.Before(h.Start) || s.After(h.End)) {
			return false
		}
	}
	if e := f.Enforcement; e != nil {
		if e.OrderedOn != nil {
			for _, d := range [...]*Date{e.Deadline, e.RectifiedOn, e.FinedOn, e.ReinspectedOn} {
				if d != nil && d.Before(*e.OrderedOn) {
					return false
				}
			}
		} else if e.Deadline != nil || e.RectifiedOn != nil || e.ReinspectedOn != nil {
			return false
		}
		if e.FineAmount != nil && e.FinedOn == nil {
			return false
		}
	}
	if c := f.ClosedOn; c != nil && (f.Status != "closed" || f.OperatingSince != nil && !c.After(*f.OperatingSince)) {
		return false
	}
	return true
}

// plainJSON reads the plain JSON decodePlainJSON takes; every method
// reports false for anything else.
type plainJSON struct {
	src  []byte
	text string // src as a string, converted once: values are substrings of it
	off  int
}

func (p *plainJSON) space() {
	for p.off < len(p.src) {
		switch p.src[p.off] {
		case ' ', '\t', '\r', '\n':
			p.off++
		default:
			return
		}
	}
}

// next reports whether the next byte after spaces is c, and takes it.
func (p *plainJSON) next(c byte) bool {
	p.space()
	if p.off < len(p.src) && p.src[p.off] == c {
		p.off++
		return true
	}
	return false
}

// end reports whether nothing but spaces follows.
func (p *plainJSON) end() bool {
	p.space()
	return p.off == len(p.src)
}

// object reads an object, calling value for each key to read its value.
func (p *plainJSON) object(value func(key string) bool) bool {
	if !p.next('{') {
		return false
	}
	if p.next('}') {
		return true
	}
	for {
		k, ok := p.str()
		if !ok || !p.next(':') || !value(k) {
			return false
		}
		if p.next(',') {
			continue
		}
		return p.next('}')
	}
}

// fields reads an object of a few known keys, each at most once; value
// reports false for a key it does not know.
func (p *plainJSON) fields(value func(key string) bool) bool {
	var seen [16]string
	n := 0
	return p.object(func(k string) bool {
		for _, s := range seen[:n] {
			if s == k {
				return false
			}
		}
		if n == len(seen) {
			return false
		}
		seen[n] = k
		n++
		return value(k)
	})
}

// list reads a list, calling item for each element.
func (p *plainJSON) list(item func() bool) bool {
	if !p.next('[') {
		return false
	}
	if p.next(']') {
		return true
	}
	for {
		if !item() {
			return false
		}
		if p.next(',') {
			continue
		}
		return p.next(']')
	}
}

// str reads a string without escapes or control characters, valid UTF-8.
func (p *plainJSON) str() (string, bool) {
	if !p.next('"') {
		return "", false
	}
	n := strings.IndexByte(p.text[p.off:], '"')
	if n < 0 {
		return "", false
	}
	s := p.text[p.off : p.off+n]
	p.off += n + 1
	ascii, clean := plainText(s)
	return s, clean && (ascii || utf8.ValidString(s))
}

// plainText reports whether s has no backslash and no control character
// (clean) and, when it has none, whether it is ASCII, eight bytes at a
// time: names, codes and dates are runs of them.
func plainText(s string) (ascii, clean bool) {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	var hi uint64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		hi |= x
		// a byte below 0x20, or a backslash (a byte of x^'\'*ones is
		// zero): exact, as a borrow only follows a byte that is one
		if y := x ^ '\\'*ones; (x-0x20*ones)&^x&highs != 0 || (y-ones)&^y&highs != 0 {
			return false, false
		}
	}
	for ; i < len(s); i++ {
		c := s[i]
		if c == '\\' || c < 0x20 {
			return false, false
		}
		hi |= uint64(c)
	}
	return hi&highs == 0, true
}

// code reads a non-empty code of vocab.
func (p *plainJSON) code(vocab Vocabulary) (string, bool) {
	s, ok := p.str()
	return s, ok && s != "" && vocab.Has(s)
}

// codes reads a list of non-empty codes known to has, appending them to
// dst.
func (p *plainJSON) codes(dst *[]string, has func(string) bool) bool {
	return p.list(func() bool {
		s, ok := p.str()
		*dst = append(*dst, s)
		return ok && s != "" && has(s)
	})
}

func (p *plainJSON) boolean() (bool, bool) {
	p.space()
	switch {
	case len(p.src)-p.off >= 4 && string(p.src[p.off:p.off+4]) == "true":
		p.off += 4
		return true, true
	case len(p.src)-p.off >= 5 && string(p.src[p.off:p.off+5]) == "false":
		p.off += 5
		return false, true
	}
	return false, false
}

// whole reads a whole number in [lo, hi] written in digits, without sign,
// leading zero, point or exponent.
func (p *plainJSON) whole(lo, hi int) (int, bool) {
	p.space()
	start := p.off
	v := 0
	for p.off < len(p.src) && p.src[p.off] >= '0' && p.src[p.off] <= '9' {
		if p.off-start == 10 {
			return 0, false
		}
		v = v*10 + int(p.src[p.off]-'0')
		p.off++
	}
	n := p.off - start
	if n == 0 || (n > 1 && p.src[start] == '0') || v < lo || v > hi {
		return 0, false
	}
	if p.off < len(p.src) {
		if c := p.src[p.off]; c == '.' || c == 'e' || c == 'E' {
			return 0, false
		}
	}
	return v, true
}

// amount reads a decimal that is not negative, written as a string or as a
// JSON number.
func (p *plainJSON) amount() (*decimal.Decimal, bool) {
	p.space()
	var s string
	if p.off < len(p.src) && p.src[p.off] == '"' {
		var ok bool
		if s, ok = p.str(); !ok {
			return nil, false
		}
	} else if s = p.number(); s == "" {
		return nil, false
	}
	d, ok := yamlx.FactDecimalPtr(s)
	if !ok || d.IsNegative() {
		return nil, false
	}
	return d, true
}

// number reads the text of a JSON number, "" when there is none: the run
// of bytes a number can hold, checked as JSON writes numbers
// (isJSONNumber). A run that is not one (1.2.3, 12-3) is an error on the
// general path too.
func (p *plainJSON) number() string {
	start := p.off
	for p.off < len(p.src) && strings.IndexByte("0123456789+-.eE", p.src[p.off]) >= 0 {
		p.off++
	}
	if s := p.text[start:p.off]; isJSONNumber(s) {
		return s
	}
	return ""
}

// date reads a date YYYY-MM-DD in the engine's range.
func (p *plainJSON) date() (Date, bool) {
	s, ok := p.str()
	if !ok {
		return Date{}, false
	}
	d, err := ParseDate(s)
	if err != nil || d.Before(MinDate) || d.After(MaxDate) {
		return Date{}, false
	}
	return d, true
}

func (p *plainJSON) optDate() (*Date, bool) {
	d, ok := p.date()
	return &d, ok
}

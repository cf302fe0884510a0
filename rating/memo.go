package rating

import (
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian/internal/answer"
	"github.com/anzexian/anzexian/internal/cowmap"
	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/anzexian/anzexian/internal/lang"
	"github.com/anzexian/anzexian/rulesets"
)

// What depends only on the stack is prepared once per stack (Stack.Memo)
// and shared by every premium built on it: citations without conditions
// (a factor's together with each of its cases'), case ids, literal case
// values and their deltas, and the sorted provenance list for each set of marks. Premiums share these slices; they are never modified.

// memoKey keys, on a stack, the memos of its pipelines (the general one
// and those of its programs), by pipeline.
var memoKey = rulesets.NewMemoKey()

type pipelineMemos struct {
	m cowmap.Map[*rulesets.RatingStack, *stackMemo]
}

// maxPipelineMemos bounds the memos kept per stack (a stack has one
// pipeline per program; a memo beyond it is made afresh each time).
const maxPipelineMemos = 1 << 10

type stackMemo struct {
	bases   []baseMemo   // parallel to RatingStack.Bases
	factors []factorMemo // parallel to RatingStack.Factors
	tables  map[*rulesets.Table]*tableMemo
	clamp   answer.CiteMemo
	minimum answer.CiteMemo
	// clamps are the clamp as a premium shows it, not applied and
	// applied, and minimumShared the minimum premium, when they depend on
	// the stack alone (static citations, a literal amount); shared.
	clamps        [2]*Clamp
	minimumShared *Minimum
	prevCap       answer.CiteMemo
	// the citations of the combination mode (static), and whether the
	// rounding rests on an unverified citation
	combineCites       []rulesets.Citation
	roundingUnverified bool
	// marks of the steps
	combineMark markPair
	clampMark   markPair
	minMark     markPair
	roundMark   markPair
	capMark     markPair
	// stackBases: some program of the stack has a base (else the stack
	// does not rate).
	stackBases bool
	// competing are the caveats of same-rank programs that both apply.
	competing []string
	// traceCap is the most trace entries a premium can have.
	traceCap int
	// internable: every case and default has static citations (and the
	// factors and cases are few enough for a key): the factors' worksheet
	// entries depend on each factor's case, the cases that matched (for a
	// highest or lowest pick) and the values of cases that are expressions
	// alone, and interned keeps them by that combination.
	internable bool
	interned   cowmap.Map[string, *internedCases]

	// marks are every provenance mark the stack can produce, sorted; a
	// premium's marks are a bit set over them (when there are at most 64).
	marks   []string
	markIdx map[string]int
	prov    cowmap.Map[uint64, provEntry]
}

// provEntry is a set of marks as a premium lists them, and the notes that
// say which numbers have no official source or rest on an unverified text.
type provEntry struct {
	list, notes []string
}

// markPair is the indexes of "illustrative: x" and "unverified: x".
type markPair struct{ ill, unv int }

type baseMemo struct {
	cites    answer.CiteMemo
	mark     markPair
	loadings []loadingMemo
	// program is the program a premium priced by this base names.
	program *Program
}

type loadingMemo struct {
	cites answer.CiteMemo
	mark  markPair
}

type tableMemo struct {
	ref   string
	cites answer.CiteMemo
	mark  markPair
	// rows are the rows as a premium shows them, shared, for the rows
	// whose keys are all exact strings (the key shown is then the key
	// written) when the table's citations are static.
	rows map[*rulesets.Row]*TableRow
	// ownRows: some row is not shared (a banded key shows the value
	// looked up): a premium priced from it has a TableRow of its own.
	ownRows bool
	// bands are the bands of the table's dimensions as lookup uses them.
	bands map[*rulesets.Band]*bandMemo
	// index finds a row by its keys' texts (indexKey) when every row of
	// the table has exact string keys (no bands): the first row of each
	// key, as the scan in lookup finds it.
	index map[string]*rulesets.Row
}

// bandMemo is a band as a lookup uses it: its interval as a premium shows
// it, and its bounds in fixed point.
type bandMemo struct {
	interval       string
	lo, hi         fixed.Num
	hasLo, hasHi   bool
	loIncl, hiIncl bool
}

func newBandMemo(b *rulesets.Band) *bandMemo {
	bm := &bandMemo{interval: b.Interval(), loIncl: b.LoIncl, hiIncl: b.HiIncl}
	if b.Lo != nil {
		bm.lo, bm.hasLo = fixed.Of(*b.Lo), true
	}
	if b.Hi != nil {
		bm.hi, bm.hasHi = fixed.Of(*b.Hi), true
	}
	return bm
}

// contains is Band.Contains in fixed point.
func (bm *bandMemo) contains(v fixed.Num) bool {
	if bm.hasLo {
		if c := v.Cmp(bm.lo); c < 0 || (c == 0 && !bm.loIncl) {
			return false
		}
	}
	if bm.hasHi {
		if c := v.Cmp(bm.hi); c > 0 || (c == 0 && !bm.hiIncl) {
			return false
		}
	}
	return true
}

// indexKey appends the index key of texts to b: each text with its length
// before it, so that no two lists of texts share a key.
func indexKey(b []byte, text string) []byte {
	n := len(text)
	return append(append(b, byte(n>>24), byte(n>>16), byte(n>>8), byte(n)), text...)
}

// indexed finds the row of t for ev through the index. ok is false when
// the index cannot answer (a dimension is not a string, or cannot be
// evaluated): lookup then scans the rows and says what went wrong.
func (tm *tableMemo) indexed(t *rulesets.Table, ev *lang.Eval) (row *rulesets.Row, ok bool) {
	if len(t.Dims) == 1 {
		v, err := t.Dims[0].By.Scalar(ev)
		if err != nil || v.Kind != lang.ScalarString {
			return nil, false
		}
		row, ok = tm.index[v.Str]
		return row, ok
	}
	var buf [128]byte
	b := buf[:0]
	for _, d := range t.Dims {
		v, err := d.By.Scalar(ev)
		if err != nil || v.Kind != lang.ScalarString {
			return nil, false
		}
		b = indexKey(b, v.Str)
	}
	row, ok = tm.index[string(b)]
	return row, ok
}

// makeIndex makes tm.index for t, when every row has exact string keys.
func (tm *tableMemo) makeIndex(t *rulesets.Table) {
	index := make(map[string]*rulesets.Row, len(t.Rows))
	for _, d := range t.Dims {
		if d.Bands != nil {
			return
		}
	}
	for _, row := range t.Rows {
		if len(row.Keys) != len(t.Dims) || tm.rows[row] == nil {
			return
		}
		var k []byte
		for _, key := range row.Keys {
			k = indexKey(k, key.Text)
		}
		ks := string(k)
		if len(t.Dims) == 1 {
			ks = row.Keys[0].Text
		}
		if _, dup := index[ks]; !dup {
			index[ks] = row
		}
	}
	tm.index = index
}

// sharedRows makes tm.rows for t.
func (tm *tableMemo) sharedRows(t *rulesets.Table) {
	if !tm.cites.Static {
		return
	}
	tm.rows = map[*rulesets.Row]*TableRow{}
	defer tm.makeIndex(t)
rows:
	for _, row := range t.Rows {
		if len(row.Keys) != len(t.Dims) {
			continue
		}
		keys := make([]Key, len(row.Keys))
		for i, k := range row.Keys {
			if k.Band != nil || t.Dims[i].Bands != nil || k.Kind == "int" || k.Kind == "decimal" || k.Kind == "bool" {
				continue rows
			}
			keys[i] = Key{Dim: t.Dims[i].Name, Value: k.Text}
		}
		tm.rows[row] = &TableRow{Table: t.ID, Ref: tm.ref, Title: t.Title, Unit: t.Unit, Row: row.Index, Keys: keys, Value: row.Value, Cite: tm.cites.Cites}
	}
}

type factorMemo struct {
	cases []caseMemo
	def   caseMemo
	// sw decides a first-match factor's cases together when they all
	// compare one value with constants (lang.NewSwitch)
	sw    *lang.Switch
	cites answer.CiteMemo
	mark  markPair
}

type caseMemo struct {
	id    string
	cites answer.CiteMemo // the case's own
	// all is the factor's citations followed by the case's, when both are
	// static
	all       []rulesets.Citation
	allStatic bool
	// literal values and their deltas as written (they are shown)
	literal      bool
	value, delta decimal.Decimal
}

func memoOf(st *rulesets.Stack, rt *rulesets.RatingStack) *stackMemo {
	ms := st.MemoAt(memoKey, func() any { return new(pipelineMemos) }).(*pipelineMemos)
	if m, ok := ms.m.Load(rt); ok {
		return m
	}
	return ms.m.Store(rt, newStackMemo(st, rt), maxPipelineMemos)
}

// programOf names the program of a pipeline whose base b prices an
// enterprise.
func programOf(rt *rulesets.RatingStack, b *rulesets.Base) *Program {
	p := &Program{Ruleset: b.Ruleset.Key(), Title: b.Ruleset.Title}
	for _, s := range rt.Admitted {
		p.Scopes = append(p.Scopes, s.Ref()+"（"+s.Text()+"）")
	}
	for _, r := range rt.Removed {
		p.Removed = append(p.Removed, r.What()+"（"+r.Ruleset.Key()+"）")
	}
	return p
}

func newStackMemo(st *rulesets.Stack, rt *rulesets.RatingStack) *stackMemo {
	m := &stackMemo{tables: map[*rulesets.Table]*tableMemo{}, markIdx: map[string]int{}}
	for _, x := range st.RatingPrograms {
		m.stackBases = m.stackBases || len(x.Bases) > 0
	}
	if st.RatingPrograms == nil {
		m.stackBases = len(rt.Bases) > 0
	}
	for _, c := range rt.Competing {
		m.competing = append(m.competing, "两个同级费率方案都适用于该企业："+c)
	}
	var names []string
	name := func(what string) markPair {
		names = append(names, "illustrative: "+what, "unverified: "+what)
		return markPair{len(names) - 2, len(names) - 1}
	}
	var pairs []*markPair
	keep := func(p *markPair, what string) {
		*p = name(what)
		pairs = append(pairs, p)
	}
	m.bases = make([]baseMemo, len(rt.Bases))
	for i, b := range rt.Bases {
		bm := &m.bases[i]
		bm.program = programOf(rt, b)
		bm.cites = answer.NewCiteMemo(b.Ruleset, b.Cite)
		keep(&bm.mark, "base "+b.ID)
		bm.loadings = make([]loadingMemo, len(b.Loadings))
		for j, l := range b.Loadings {
			bm.loadings[j].cites = answer.NewCiteMemo(l.Ruleset, l.Cite)
			keep(&bm.loadings[j].mark, "loading "+l.ID)
		}
		if t := rt.Table(b); t != nil && m.tables[t] == nil {
			tm := &tableMemo{ref: t.Ruleset.Key() + "#" + t.ID, cites: answer.NewCiteMemo(t.Ruleset, t.Cite), bands: map[*rulesets.Band]*bandMemo{}}
			for _, d := range t.Dims {
				for _, b := range d.Bands {
					tm.bands[b] = newBandMemo(b)
				}
			}
			keep(&tm.mark, "table "+t.ID)
			tm.sharedRows(t)
			for _, row := range t.Rows {
				tm.ownRows = tm.ownRows || tm.rows[row] == nil
			}
			m.tables[t] = tm
		}
	}
	caseOf := func(f *rulesets.Factor, fc answer.CiteMemo, c *rulesets.Case, id string) caseMemo {
		cm := caseMemo{id: id, cites: answer.NewCiteMemo(f.Ruleset, c.Cite)}
		if fc.Static && cm.cites.Static {
			all := append(append([]rulesets.Citation{}, fc.Cites...), cm.cites.Cites...)
			cm.all, cm.allStatic = all[:len(all):len(all)], true
		}
		if v, ok := c.Value.Literal(); ok {
			cm.literal = true
			cm.value = v
			cm.delta = delta(f.Unit, v)
		}
		return cm
	}
	m.traceCap = len(rt.Bases)
	m.factors = make([]factorMemo, len(rt.Factors))
	for i, f := range rt.Factors {
		m.traceCap += len(f.Cases)
		fm := &m.factors[i]
		if f.Pick == "first" {
			conds := make([]*lang.Expr, len(f.Cases))
			for j, c := range f.Cases {
				conds[j] = c.When
			}
			fm.sw = lang.NewSwitch(conds)
		}
		fm.cites = answer.NewCiteMemo(f.Ruleset, f.Cite)
		keep(&fm.mark, "factor "+f.ID)
		for j, c := range f.Cases {
			fm.cases = append(fm.cases, caseOf(f, fm.cites, c, caseID(c, j)))
		}
		if f.Default != nil {
			fm.def = caseOf(f, fm.cites, f.Default, "default")
		}
	}
	m.internable = internable(rt, m.factors)
	keep(&m.combineMark, "combine mode")
	if c := rt.Combine; c != nil && c.Ruleset != nil {
		m.combineCites, _ = rulesets.StaticCitations(c.Ruleset, c.Cite)
	}
	if ro := rt.Rounding; ro != nil && ro.Ruleset != nil && !ro.Illustrative {
		cs, _ := rulesets.StaticCitations(ro.Ruleset, ro.Cite)
		m.roundingUnverified = provOf(false, false, cs).Unverified
	}
	keep(&m.roundMark, "rounding")
	keep(&m.capMark, "prevention cap")
	if c := rt.Clamp; c != nil {
		m.clamp = answer.NewCiteMemo(c.Ruleset, c.Cite)
		if m.clamp.Static {
			m.clamps = [2]*Clamp{{Min: c.Min, Max: c.Max, Cite: m.clamp.Cites}, {Min: c.Min, Max: c.Max, Cite: m.clamp.Cites, Applied: true}}
		}
	}
	keep(&m.clampMark, "clamp")
	if mn := rt.Minimum; mn != nil {
		m.minimum = answer.NewCiteMemo(mn.Ruleset, mn.Cite)
		if v, ok := mn.Amount.Literal(); ok && m.minimum.Static {
			m.minimumShared = &Minimum{Amount: v, Cite: m.minimum.Cites}
		}
	}
	keep(&m.minMark, "minimum premium")
	if pc := rt.PreventionCap; pc != nil {
		m.prevCap = answer.NewCiteMemo(pc.Ruleset, pc.Cite)
	}
	// sort and deduplicate the marks; renumber the pairs
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	for _, s := range sorted {
		if _, ok := m.markIdx[s]; !ok {
			m.markIdx[s] = len(m.marks)
			m.marks = append(m.marks, s)
		}
	}
	for _, p := range pairs {
		p.ill, p.unv = m.markIdx[names[p.ill]], m.markIdx[names[p.unv]]
	}
	return m
}

// marks collects a premium's provenance marks.
type marks struct {
	m    *stackMemo
	mask uint64
	set  map[string]bool // when the stack has more than 64 marks
}

func (k *marks) add(p *Premium, pv rulesets.Provenance, mp markPair) {
	if pv.Illustrative {
		p.Illustrative = true
		k.put(mp.ill)
	}
	if pv.Unverified {
		p.Unverified = true
		k.put(mp.unv)
	}
}

func (k *marks) put(i int) {
	if len(k.m.marks) <= 64 {
		k.mask |= 1 << uint(i)
		return
	}
	if k.set == nil {
		k.set = map[string]bool{}
	}
	k.set[k.m.marks[i]] = true
}

// list returns the marks in sorted order and their notes (shared; nil
// when none).
func (k *marks) list() ([]string, []string) {
	if len(k.m.marks) > 64 {
		var out []string
		for s := range k.set {
			out = append(out, s)
		}
		sort.Strings(out)
		return out, provenanceNotes(out)
	}
	if k.mask == 0 {
		return nil, nil
	}
	if e, ok := k.m.prov.Load(k.mask); ok {
		return e.list, e.notes
	}
	var out []string
	for i, s := range k.m.marks {
		if k.mask&(1<<uint(i)) != 0 {
			out = append(out, s)
		}
	}
	out = out[:len(out):len(out)]
	e := k.m.prov.Store(k.mask, provEntry{list: out, notes: provenanceNotes(out)}, 4096)
	return e.list, e.notes
}

// markLabels names the steps of the worksheet for people.
var markLabels = []struct{ prefix, label string }{
	{"table ", "费率表 "},
	{"base ", "基准保费 "},
	{"loading ", "费率加成 "},
	{"factor ", "浮动因子 "},
	{"combine mode", "合成方式"},
	{"clamp", "浮动上下限"},
	{"minimum premium", "最低保费"},
	{"rounding", "舍入规则"},
	{"prevention cap", "事故预防服务费用上限"},
}

// provenanceNotes says which numbers of a premium are illustrative and
// which unverified: exactly those its marks name.
func provenanceNotes(marks []string) []string {
	var ill, unv []string
	for _, m := range marks {
		what, isIll := strings.CutPrefix(m, "illustrative: ")
		if !isIll {
			what = strings.TrimPrefix(m, "unverified: ")
		}
		for _, l := range markLabels {
			if rest, ok := strings.CutPrefix(what, l.prefix); ok {
				what = l.label + rest
				break
			}
		}
		if isIll {
			ill = append(ill, what)
		} else {
			unv = append(unv, what)
		}
	}
	var out []string
	if len(ill) > 0 {
		out = append(out, "保费所用的以下数值没有官方来源，是示例（illustrative），不能作为实际报价："+strings.Join(ill, "、")+"。")
	}
	if len(unv) > 0 {
		out = append(out, "保费所用的以下数值转录自非官方文本或所据条文未经核实（unverified），使用前应与官方文件核对："+strings.Join(unv, "、")+"。")
	}
	return out
}

// internable reports whether the factors of rt depend on what
// internedFactors keys them by alone (see stackMemo.internable): every
// case and default has static citations, and there are not too many.
func internable(rt *rulesets.RatingStack, fms []factorMemo) bool {
	if len(rt.Factors) > maxInternFactors {
		return false
	}
	for i, f := range rt.Factors {
		fm := &fms[i]
		if f.Default == nil || len(f.Cases) > maxInternCases || !fm.def.allStatic {
			return false
		}
		switch f.Pick {
		case "first", "highest", "lowest":
		default:
			return false
		}
		for j := range fm.cases {
			if !fm.cases[j].allStatic {
				return false
			}
		}
	}
	return true
}

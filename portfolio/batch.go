package portfolio

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/internal/fixed"
	"github.com/anzexian/anzexian/penalties"
	"github.com/anzexian/anzexian/rulesets"
)

// BatchOptions configure [Engine.Batch].
type BatchOptions struct {
	// Name names the portfolio in errors (a file name; "-" for stdin).
	Name string
	// Format is the portfolio's format; see [FormatOf].
	Format Format
	// At is the as-of date of every assessment; the zero date is today,
	// read once when the batch starts.
	At facts.Date
	// Insurer names the insurer whose filing joins the stack.
	Insurer string
	// Workers is the number of goroutines assessing; 0 is GOMAXPROCS.
	Workers int
	// SkipBad skips a record whose facts do not decode or cannot be
	// assessed, counting it and telling Rejected; without it the first
	// such record stops the batch with its error.
	SkipBad bool
	// Rejected, when not nil, is called with each record skipped or the
	// one that stopped the batch, in input order.
	Rejected func(line int, err error)
	// Full writes each assessment in full, {"line": N, "assessment": {...}}
	// (about 15 KB an enterprise); otherwise its brief form, see
	// [AppendBrief].
	Full bool
	// Results, when CSV or XLSX, writes a table for people instead of JSON
	// lines: one row per enterprise with its name, region code and name,
	// obligation, premium, every factor and the fines (see [ResultHeader]);
	// an XLSX table continues on further sheets past [MaxSheetRows].
	Results Format
	// Progress, when not nil, is called in input order after each chunk of
	// records with the running summary and the bytes of input consumed.
	Progress func(s *BatchSummary, consumed int64)
	// ResumeAfter resumes a batch that was stopped: records starting on
	// this line or before are read past, neither assessed nor written nor
	// counted in Read (see BatchSummary.Resumed and [ResumeOutput]).
	ResumeAfter int
}

// BatchSummary counts what a batch did. Read = Written + Skipped + Failed
// always holds, also for a batch stopped by an error or an interrupt.
type BatchSummary struct {
	Read    int `json:"read"`
	Written int `json:"written"`
	Skipped int `json:"skipped"`
	// Failed is 1 when a bad record stopped the batch.
	Failed int `json:"failed"`
	// Interrupted is set when the context ended the batch before the end
	// of the portfolio.
	Interrupted bool `json:"interrupted"`
	// Resumed counts the records read past because an earlier run wrote
	// them (BatchOptions.ResumeAfter); they are not in Read.
	Resumed int `json:"resumed,omitempty"`
	// Obligations counts the assessments by the obligation that binds
	// (rules of rulesets in force); DraftRequired those whose stronger
	// obligation rests only on a draft (征求意见稿).
	Obligations   map[rulesets.Obligation]int `json:"obligations"`
	DraftRequired int                         `json:"draft_required"`
	// Priced counts the assessments with an exact premium, TotalPremium
	// sums them; PremiumIncomplete counts those whose facts did not allow
	// one.
	Priced            int             `json:"priced"`
	TotalPremium      decimal.Decimal `json:"total_premium"`
	PremiumIncomplete int             `json:"premium_incomplete"`
	// Provisional counts the assessments priced only provisionally (a
	// fact missing: the premium is a range), which Priced and TotalPremium
	// leave out; ProvisionalTotal sums their provisional amounts and
	// ProvisionalMin and ProvisionalMax their ranges' bounds.
	Provisional      int             `json:"provisional"`
	ProvisionalTotal decimal.Decimal `json:"provisional_total"`
	ProvisionalMin   decimal.Decimal `json:"provisional_min"`
	ProvisionalMax   decimal.Decimal `json:"provisional_max"`
	// Penalised counts the assessments with at least one penalty that
	// counts (proven, not time-barred, not already fined, not an
	// alternative, not resting on a draft only; see penalties.Penalty.
	// Counted); PenalisedDraft those whose only penalties rest on a draft;
	// PenaltiesUndetermined the penalties the facts cannot settle.
	Penalised             int `json:"penalised"`
	PenalisedDraft        int `json:"penalised_draft"`
	PenaltiesUndetermined int `json:"penalties_undetermined"`
	// FinesMin and FinesMax sum the fine ranges of the counted penalties;
	// FinesMaxWithAlternatives the largest each could reach when the
	// authority chooses an alternative range (compared, never added).
	FinesMin                 decimal.Decimal `json:"fines_min"`
	FinesMax                 decimal.Decimal `json:"fines_max"`
	FinesMaxWithAlternatives decimal.Decimal `json:"fines_max_with_alternatives"`
	Elapsed                  time.Duration   `json:"elapsed_ns"`
}

// batchResult is one record's outcome: the output line or the error.
type batchResult struct {
	line       []byte
	buf        *[]byte // line's memory, from lineBufs: given back once written
	cells      []Cell
	err        error
	obligation rulesets.Obligation
	priced     bool
	premium    decimal.Decimal
	// provisional: the premium has a range, rngMin to rngMax
	provisional    bool
	rngMin, rngMax decimal.Decimal
	incomplete     bool
	resumed        bool // written by the run resumed (ResumeAfter)
	draft          bool // the obligation rests on a draft only
	totals         penalties.Totals
}

// Batch assesses every enterprise of the portfolio r and writes one JSON
// line per assessment to w, in input order: its brief form (see
// [Assessment.AppendBrief]), or with Full
//
//	{"line": 12, "assessment": {...}}
//
// where line is the record's line in the portfolio. It streams: memory
// stays bounded in bytes whatever the portfolio's size and the weight of
// its records (see README, "Limits"), and every core is busy.
// Output holds complete lines only, also when ctx is cancelled (the
// summary says Interrupted; the error is nil) or a bad record stops the
// batch (the error names the record's line). A cancelled ctx ends Batch at
// once, even while r blocks (a stalled pipe): what was read but not yet
// written is not written, and a goroutine blocked in r.Read ends when the
// Read returns. When r pauses, what was written so far is passed on to w
// (and w's own Flush() error method, if it has one, is called: a
// bufio.Writer, or an HTTP response that streams), so that a consumer sees
// every whole record read before the pause. The summary is never nil,
// also when the portfolio cannot be read at all (a CSV header without
// region).
func Batch(ctx context.Context, e *anzexian.Engine, r io.Reader, w io.Writer, o BatchOptions) (*BatchSummary, error) {
	start := time.Now()
	if o.At.IsZero() {
		o.At = facts.Today()
	}
	if o.Name == "" {
		o.Name = "portfolio"
	}
	if o.Format == "" {
		o.Format = FormatOf(o.Name)
	}
	p, err := NewReader(o.Name, r, o.Format)
	if err != nil {
		// nothing read: an empty summary, so that callers can always
		// report one
		return &BatchSummary{Obligations: map[rulesets.Obligation]int{}, Elapsed: time.Since(start)}, err
	}
	reg := e.Registry() // one registry for the whole batch, even across a reload
	opts := []anzexian.Option{anzexian.At(o.At), anzexian.Using(reg)}
	if o.Insurer != "" {
		opts = append(opts, anzexian.Insurer(o.Insurer))
	}
	var table *resultTable
	var tw *TableWriter
	bw := bufio.NewWriterSize(w, 256<<10)
	if o.Results == CSV || o.Results == XLSX {
		table = newResultTable(reg)
		if tw, err = NewTableWriter(bw, o.Results, "评估结果", table.header()); err != nil {
			return &BatchSummary{Obligations: map[rulesets.Obligation]int{}, Elapsed: time.Since(start)}, err
		}
	}
	// each worker builds its answers in a Scratch of its own: an answer
	// is written out (below) before the worker assesses the next
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	scratch := make([]anzexian.Scratch, workers)
	layers := make([]layerTexts, workers)
	wopts := make([][]anzexian.Option, workers)
	for w := range wopts {
		wopts[w] = append(slices.Clip(opts), anzexian.Reuse(&scratch[w]))
	}
	work := func(w int, raw *rawRecord) batchResult {
		if raw.line <= o.ResumeAfter {
			return batchResult{resumed: true}
		}
		f, err := p.decode(raw)
		if err != nil {
			return batchResult{err: err}
		}
		a, err := e.Assess(f, wopts[w]...)
		if err != nil {
			return batchResult{err: fmt.Errorf("%s:%d: %w", o.Name, raw.line, err)}
		}
		var out []byte
		var buf *[]byte
		var cells []Cell
		if table != nil {
			cells = table.row(raw.line, a)
		} else {
			buf = lineBufs.Get().(*[]byte)
			if o.Full {
				out = append((*buf)[:0], `{"line":`...)
				out = strconv.AppendInt(out, int64(raw.line), 10)
				out = append(out, `,"assessment":`...)
				out = a.AppendJSON(out)
				out = append(out, "}\n"...)
			} else {
				out = append(appendBrief((*buf)[:0], a, raw.line, &layers[w]), '\n')
			}
			*buf = out
		}
		res := batchResult{line: out, buf: buf, cells: cells, obligation: a.Coverage.Obligation, totals: penalties.Sum(a.Penalties)}
		if a.Coverage.BindingObligation != "" {
			res.obligation, res.draft = a.Coverage.BindingObligation, true
		}
		if a.Premium != nil {
			// copied: the answer's memory is the next answer's
			res.priced, res.premium = true, a.Premium.Amount
			if r := a.Premium.Range; r != nil {
				res.provisional, res.rngMin, res.rngMax = true, r.Min, r.Max
			}
		}
		res.incomplete = a.PremiumIncomplete != nil
		return res
	}

	s := &BatchSummary{Obligations: map[rulesets.Obligation]int{}}
	// the summary's amounts, summed in fixed point and written into s
	// before anyone reads it (a progress report, the end)
	var premium, provisional, provMin, provMax, finesMin, finesMax, finesMaxAlt sum
	settle := func() {
		s.TotalPremium, s.ProvisionalTotal = premium.dec(), provisional.dec()
		s.ProvisionalMin, s.ProvisionalMax = provMin.dec(), provMax.dec()
		s.FinesMin, s.FinesMax, s.FinesMaxWithAlternatives = finesMin.dec(), finesMax.dec(), finesMaxAlt.dec()
	}
	lastChunkEnd := int64(-1)
	emit := func(raw *rawRecord, res batchResult) error {
		if res.resumed {
			s.Resumed++
			return nil
		}
		s.Read++
		if res.err != nil {
			if o.Rejected != nil {
				o.Rejected(raw.line, res.err)
			}
			if !o.SkipBad || raw.fatal {
				s.Failed++
				return &BatchError{Line: raw.line, Err: res.err}
			}
			s.Skipped++
			return nil
		}
		var werr error
		if tw != nil {
			werr = tw.Write(res.cells)
		} else {
			_, werr = bw.Write(res.line)
			putLineBuf(res.buf) // bw copied it
		}
		if werr != nil {
			s.Failed++
			return werr
		}
		s.Written++
		s.Obligations[res.obligation]++
		switch {
		case res.provisional:
			s.Provisional++
			provisional.add(res.premium)
			provMin.add(res.rngMin)
			provMax.add(res.rngMax)
		case res.priced:
			s.Priced++
			premium.add(res.premium)
		}
		if res.incomplete {
			s.PremiumIncomplete++
		}
		if res.draft {
			s.DraftRequired++
		}
		switch t := &res.totals; {
		case t.Counted > 0:
			s.Penalised++
		case t.Draft > 0:
			s.PenalisedDraft++
		}
		s.PenaltiesUndetermined += res.totals.Undetermined
		finesMin.add(res.totals.Min)
		finesMax.add(res.totals.Max)
		finesMaxAlt.add(res.totals.MaxWithAlternatives)
		if o.Progress != nil && s.Read%chunkSize == 0 && raw.end != lastChunkEnd {
			lastChunkEnd = raw.end
			settle()
			o.Progress(s, raw.end)
		}
		return nil
	}
	// level with the input read so far (a pipe that stalls, or its end):
	// what was written goes out, so that a consumer of the output sees
	// each record while the producer of the input waits. A CSV table
	// writes into bw itself (bufio hands back a writer as large as the
	// one asked for); an XLSX one holds its rows until Close.
	caughtUp := func() error {
		if err := bw.Flush(); err != nil {
			return err
		}
		if f, ok := w.(interface{ Flush() error }); ok {
			return f.Flush()
		}
		return nil
	}
	err = runOrdered(ctx, p, workers, work, func(r batchResult) int { return len(r.line) }, emit, caughtUp)
	settle()
	if tw != nil {
		if cerr := tw.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = ferr
	}
	s.Interrupted = ctx.Err() != nil
	s.Elapsed = time.Since(start)
	if o.Progress != nil {
		o.Progress(s, -1)
	}
	return s, err
}

// sum is a running total of decimals added in fixed point (exact: a term
// that does not fit continues in decimal arithmetic, see internal/fixed):
// adding to a decimal.Decimal made a new big.Int for every record, on the
// one goroutine that writes a batch's lines in order. dec gives what
// adding the terms to the zero decimal.Decimal gives, exponent included.
type sum struct {
	n    fixed.Num
	some bool
}

func (t *sum) add(d decimal.Decimal) { t.n, t.some = t.n.Add(fixed.Of(d)), true }

func (t *sum) dec() decimal.Decimal {
	if !t.some {
		return decimal.Decimal{}
	}
	return t.n.Dec()
}

// lineBufs are the memory of the lines a batch writes, given back once
// written: a brief line is about 1 KB, and making each afresh (and growing
// it) was a sixth of what a batch allocated.
var lineBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2<<10); return &b }}

// putLineBuf gives b back to lineBufs, unless it grew past what most lines
// need (a crowded enterprise's full assessment): the pool keeps no giant.
func putLineBuf(b *[]byte) {
	if b != nil && cap(*b) <= 64<<10 {
		*b = (*b)[:0]
		lineBufs.Put(b)
	}
}

// BatchError is the bad record that stopped a batch.
type BatchError struct {
	Line int
	Err  error
}

func (e *BatchError) Error() string {
	var fe *facts.Error
	if errors.As(e.Err, &fe) {
		return fe.Error()
	}
	return e.Err.Error()
}

func (e *BatchError) Unwrap() error { return e.Err }

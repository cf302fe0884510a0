package server

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/internal/jsonw"
)

// The decision log (--decision-log FILE) makes every answer auditable: one
// JSON line per enterprise answered by /v1/assess and /v1/quote, and one per
// book run by /v1/batch, saying who asked (the request id and the key's
// id), what was asked (the SHA-256 of the facts document as received, and
// the enterprise's index in it), on which rulesets (each layer's id, version
// and content digest) and what was answered (obligation, premium, the fines
// risked). With the facts and the rulesets of those digests, any answer can
// be given again and compared.
//
//	{"time":"2026-01-01T08:00:00.123Z","request_id":"…","key_id":"core-system","endpoint":"assess",
//	 "facts_digest":"sha256:…","index":0,"region":"430100","as_of":"2026-01-01",
//	 "rulesets":["cn/law/safety-production@2021#sha256:…",…],
//	 "obligation":"mandatory","premium":"19584.00",
//	 "fines":[{"violation":"accident-unit-ordinary","target":"unit","min":"300000.00","max":"1000000.00"}]}
//
// Durability: a line is written to the file (write(2), so that it survives
// the process) before the answer it records is sent; lines of concurrent
// requests are written together, one write for all (group commit), so that
// the log costs one system call per group, not per answer. The file is
// synced to disk (fsync) once a second when lines were written, at each
// rotation and when the server stops: a crash of the machine loses at most
// the last second's lines, a crash of the process none. A write that fails
// fails the request (500): an answer that cannot be recorded is not given.
//
// Rotation: when a write would take the file past its size limit
// (--decision-log-max-size), the file is synced, closed and renamed FILE.1
// (FILE.1 becoming FILE.2 …, the oldest beyond --decision-log-keep
// removed), and a new FILE is started. The log is opened for appending
// only, and never truncated.
type decisionLog struct {
	path     string
	maxBytes int64
	keep     int
	m        *metrics
	log      *slog.Logger

	mu      sync.Mutex
	cond    sync.Cond
	buf     []byte // lines waiting to be written
	spare   []byte
	seq     uint64 // lines appended
	written uint64 // lines written (or failed)
	writing bool
	err     error // the last write's error

	fmu   sync.Mutex // f, size, dirty
	f     *os.File
	size  int64
	dirty bool

	stop chan struct{}
	done chan struct{}
}

func openDecisionLog(path string, maxBytes int64, keep int, m *metrics, log *slog.Logger) (*decisionLog, error) {
	d := &decisionLog{path: path, maxBytes: maxBytes, keep: keep, m: m, log: log,
		stop: make(chan struct{}), done: make(chan struct{})}
	d.cond.L = &d.mu
	if err := d.open(); err != nil {
		return nil, err
	}
	go d.syncLoop()
	return d, nil
}

func (d *decisionLog) open() error {
	f, err := os.OpenFile(d.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("decision log: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("decision log: %w", err)
	}
	d.f, d.size = f, info.Size()
	return nil
}

// Append writes lines (each ending in a newline) and returns once they are
// in the file, or the write failed.
func (d *decisionLog) Append(lines []byte, n int) error {
	d.mu.Lock()
	d.buf = append(d.buf, lines...)
	d.seq += uint64(n)
	my := d.seq
	for d.written < my {
		if d.writing {
			d.cond.Wait()
			continue
		}
		// lead: write every line waiting, ours and those of the
		// requests queued behind the last write
		d.writing = true
		batch, target := d.buf, d.seq
		d.buf, d.spare = d.spare[:0], nil
		d.mu.Unlock()
		err := d.write(batch, int(target-d.written))
		d.mu.Lock()
		if cap(batch) <= 1<<20 {
			d.spare = batch[:0]
		}
		d.written, d.err, d.writing = target, err, false
		d.cond.Broadcast()
	}
	err := d.err
	d.mu.Unlock()
	return err
}

func (d *decisionLog) write(batch []byte, lines int) error {
	d.fmu.Lock()
	defer d.fmu.Unlock()
	if d.f == nil {
		return errors.New("decision log is closed")
	}
	if d.maxBytes > 0 && d.size > 0 && d.size+int64(len(batch)) > d.maxBytes {
		if err := d.rotate(); err != nil {
			d.m.dlogErrors.Inc()
			d.log.Error("decision log: rotation failed; appending to the current file", "error", err)
		}
	}
	n, err := d.f.Write(batch)
	d.size += int64(n)
	d.dirty = true
	if err != nil {
		d.m.dlogErrors.Inc()
		d.log.Error("decision log: write failed", "error", err)
		return fmt.Errorf("decision log: %w", err)
	}
	d.m.dlogLines.Add(float64(lines))
	return nil
}

// rotate renames the full file FILE.1 (and FILE.i FILE.i+1) and starts a
// new one; fmu is held.
func (d *decisionLog) rotate() error {
	if err := d.f.Sync(); err != nil {
		return err
	}
	if err := d.f.Close(); err != nil {
		return err
	}
	d.f = nil
	keep := max(d.keep, 1)
	os.Remove(d.path + "." + strconv.Itoa(keep))
	for i := keep - 1; i >= 1; i-- {
		os.Rename(d.path+"."+strconv.Itoa(i), d.path+"."+strconv.Itoa(i+1))
	}
	rerr := os.Rename(d.path, d.path+".1")
	if err := d.open(); err != nil {
		return err
	}
	d.m.dlogRotate.Inc()
	d.log.Info("decision log rotated", "file", d.path, "previous", d.path+".1")
	return rerr
}

// syncLoop syncs the file to disk once a second when lines were written.
// The sync runs outside the lock, so that writes go on meanwhile; a sync
// racing a rotation finds the file closed, which the rotation has synced.
func (d *decisionLog) syncLoop() {
	defer close(d.done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
		}
		d.fmu.Lock()
		f, dirty := d.f, d.dirty
		d.dirty = false
		d.fmu.Unlock()
		if dirty && f != nil {
			if err := f.Sync(); err != nil && !errors.Is(err, os.ErrClosed) {
				d.m.dlogErrors.Inc()
				d.log.Error("decision log: sync failed", "error", err)
			}
		}
	}
}

// Close syncs and closes the log; Append fails after it.
func (d *decisionLog) Close() error {
	close(d.stop)
	<-d.done
	d.fmu.Lock()
	defer d.fmu.Unlock()
	if d.f == nil {
		return nil
	}
	err := d.f.Sync()
	if cerr := d.f.Close(); err == nil {
		err = cerr
	}
	d.f = nil
	return err
}

// decision is what one line records of a request.
type decision struct {
	time        time.Time
	requestID   string
	keyID       string
	endpoint    string
	factsDigest string
}

// appendDecision appends the decision line of one assessment (or quote:
// then a carries only what a quote has) to b.
func appendDecision(b []byte, d *decision, index int, a *anzexian.Assessment) []byte {
	b = appendDecisionHead(b, d)
	b = append(b, `,"facts_digest":"`...)
	b = append(b, d.factsDigest...)
	b = append(b, `","index":`...)
	b = strconv.AppendInt(b, int64(index), 10)
	b = append(b, `,"region":`...)
	b = jsonw.AppendStringNoHTML(b, a.Region)
	b = append(b, `,"as_of":"`...)
	b, _ = a.AsOf.AppendText(b)
	b = append(b, '"')
	if a.Insurer != "" {
		b = append(b, `,"insurer":`...)
		b = jsonw.AppendStringNoHTML(b, a.Insurer)
	}
	b = appendLayers(b, a.Rulesets)
	if a.Coverage != nil {
		b = append(b, `,"obligation":"`...)
		b = append(b, a.Coverage.Obligation...)
		b = append(b, '"')
	}
	if p := a.Premium; p != nil {
		b = append(b, `,"premium":"`...)
		b = append(b, p.Amount.StringFixed(p.Rounding.Scale)...)
		b = append(b, '"')
	} else {
		b = append(b, `,"premium":null`...)
		if a.PremiumIncomplete != nil {
			b = append(b, `,"premium_incomplete":`...)
			b = jsonw.AppendStringNoHTML(b, a.PremiumIncomplete.Reason)
		}
	}
	b = append(b, `,"fines":[`...)
	for i := range a.Penalties {
		p := &a.Penalties[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"violation":`...)
		b = jsonw.AppendStringNoHTML(b, p.Violation)
		b = append(b, `,"target":`...)
		b = jsonw.AppendStringNoHTML(b, p.Target)
		if p.Fine != nil {
			b = append(b, `,"min":"`...)
			b = append(b, p.Fine.Min.StringFixed(2)...)
			b = append(b, `","max":"`...)
			b = append(b, p.Fine.Max.StringFixed(2)...)
			b = append(b, '"')
		}
		if p.PerDay != nil {
			b = append(b, `,"per_day_total":"`...)
			b = append(b, p.PerDay.Total.StringFixed(2)...)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

func appendDecisionHead(b []byte, d *decision) []byte {
	b = append(b, `{"time":"`...)
	b = d.time.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	b = append(b, `","request_id":`...)
	b = jsonw.AppendStringNoHTML(b, d.requestID)
	b = append(b, `,"key_id":`...)
	b = jsonw.AppendStringNoHTML(b, d.keyID)
	b = append(b, `,"endpoint":"`...)
	b = append(b, d.endpoint...)
	return append(b, '"')
}

func appendLayers(b []byte, layers []anzexian.Layer) []byte {
	b = append(b, `,"rulesets":[`...)
	for i, l := range layers {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonw.AppendStringNoHTML(b, l.ID+"@"+l.Version+"#"+l.Digest)
	}
	return append(b, ']')
}

package portfolio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"testing"
	"unicode/utf8"
)

// FuzzCSVRecords holds the bounded CSV reader to encoding/csv: for any text
// encoding/csv reads without error (UTF-8 without control characters, no
// record over MaxRecordSize), the reader splits the same records, with the
// same cells at the same lines and columns. For any text at all it never
// panics, every record it returns starts after the one before, and it
// never holds a record over the limit.
func FuzzCSVRecords(f *testing.F) {
	for _, s := range []string{
		"region,sectors\n430100,other\n",
		"a,b,c\n1,\"two, three\",4\n\n\"multi\nline\",\"quote \"\"here\"\"\",x\r\n5,6,7",
		"a,b\n\"unclosed,1\n2,3\n",
		"a,b\nx\"y,1\n",
		"a,b\n\"a\"b,1\n",
		"h\n\r\n\n\"\"\n\"\r\n\"\n",
		"a,b\n1,2\r",
		"\ufeffregion,sectors\n430100,other\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		type rec struct {
			cells []string
			pos   []cellPos
		}
		var got []rec
		r := &Reader{name: "f.csv", format: CSV, br: newBufReader(data)}
		last := 0
		for {
			// buffered says whether a whole record waits in the buffer
			// (the pipeline sends what it has when not): check it against
			// what nextCSV then reads, while the buffer holds the rest of
			// the text
			skipping, before, have := r.skipping, r.offset, r.br.Buffered()
			whole := r.buffered()
			raw, err := r.nextCSV(nil)
			if !skipping && before > 0 && int64(have) == int64(len(data))-before && (err != nil || raw.err == nil) {
				// a record ends with a line break outside a quoted cell
				// (at the end of the text one may end otherwise)
				ended := err == nil && bytes.HasSuffix(raw.data, []byte("\n")) && csvScan(raw.data, csvFieldStart) != csvQuoted
				if whole != ended {
					t.Fatalf("buffered() = %v before the record at offset %d (%q), which ends with a line break: %v", whole, before, raw.data, ended)
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("nextCSV: %v", err)
			}
			if raw.line <= last {
				t.Fatalf("record at line %d after one at line %d", raw.line, last)
			}
			last = raw.line
			if len(raw.data) > MaxRecordSize+1 {
				t.Fatalf("a record of %d bytes", len(raw.data))
			}
			if raw.err != nil {
				if raw.fatal {
					break
				}
				got = append(got, rec{})
				continue
			}
			cells, pos, perr := parseCSV(raw.data, raw.line)
			if perr != nil {
				if perr.line < raw.line || perr.col < 1 {
					t.Fatalf("problem at %d:%d in a record at line %d", perr.line, perr.col, raw.line)
				}
				got = append(got, rec{})
				continue
			}
			got = append(got, rec{cells, pos})
		}
		// encoding/csv as the reference, on text both must read
		if !utf8.Valid(data) || bytes.HasPrefix(data, []byte("\ufeff")) || len(data) > MaxRecordSize {
			return
		}
		for _, c := range data {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return
			}
		}
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		var want []rec
		for {
			cells, err := cr.Read()
			if err == io.EOF {
				break
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return // encoding/csv refuses it: both report an error somewhere
			}
			if err != nil {
				t.Fatal(err)
			}
			w := rec{cells: cells}
			for i := range cells {
				l, c := cr.FieldPos(i)
				w.pos = append(w.pos, cellPos{l, c})
			}
			want = append(want, w)
		}
		if len(got) != len(want) {
			t.Fatalf("%d records, encoding/csv reads %d", len(got), len(want))
		}
		for i := range want {
			if len(got[i].cells) != len(want[i].cells) {
				t.Fatalf("record %d: %q, encoding/csv reads %q", i, got[i].cells, want[i].cells)
			}
			for j := range want[i].cells {
				if got[i].cells[j] != want[i].cells[j] || got[i].pos[j] != want[i].pos[j] {
					t.Fatalf("record %d cell %d: %q at %v, encoding/csv reads %q at %v", i, j, got[i].cells[j], got[i].pos[j], want[i].cells[j], want[i].pos[j])
				}
			}
		}
	})
}

func newBufReader(data []byte) *bufio.Reader {
	return bufio.NewReaderSize(bytes.NewReader(data), 64<<10)
}

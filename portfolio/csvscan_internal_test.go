package portfolio

import (
	"math/rand/v2"
	"testing"
)

// csvScanByByte is csvScan without its skip to the first quote: the state
// machine byte by byte.
func csvScanByByte(b []byte, st int) int {
	for _, c := range b {
		switch st {
		case csvFieldStart:
			switch c {
			case '"':
				st = csvQuoted
			case ',', '\n':
			default:
				st = csvUnquoted
			}
		case csvUnquoted:
			switch c {
			case ',', '\n':
				st = csvFieldStart
			}
		case csvQuoted:
			if c == '"' {
				st = csvQuoteInQuoted
			}
		case csvQuoteInQuoted:
			switch c {
			case '"':
				st = csvQuoted
			case ',', '\n':
				st = csvFieldStart
			default:
				st = csvUnquoted
			}
		}
	}
	return st
}

// TestCSVScanSkipsToTheQuote: csvScan gives the state the byte-by-byte
// machine gives, from every state, on pieces made of the bytes that
// matter (quotes, commas, line breaks) and others.
func TestCSVScanSkipsToTheQuote(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'"', ',', '\n', 'a', '\r', ' ', 0xe7}
	for range 200_000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		for st := csvFieldStart; st <= csvQuoteInQuoted; st++ {
			if got, want := csvScan(b, st), csvScanByByte(b, st); got != want {
				t.Fatalf("csvScan(%q, %d) = %d, want %d", b, st, got, want)
			}
		}
	}
}

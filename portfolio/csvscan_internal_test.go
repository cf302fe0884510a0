package portfolio

import (
	"math/rand/v2"
	"testing"
)

// TestCSVScanSkipsToTheQuote: csvScan gives the state the byte-by-byte
// machine (csvScanBytes) gives, from every state, on pieces made of the bytes that
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
			if got, want := csvScan(b, st), csvScanBytes(b, st); got != want {
				t.Fatalf("csvScan(%q, %d) = %d, want %d", b, st, got, want)
			}
		}
	}
}

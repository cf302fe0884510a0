package yamlx

import "github.com/anzexian/anzexian/diag"

// errorBudget counts the errors a reader may still report for its file,
// and the expressions it has read from it.
type Budget struct{ Left, Dropped, Exprs int }

func NewBudget() *Budget { return &Budget{Left: diag.MaxErrors} }

// take reports whether one more error may be reported, counting it.
func (b *Budget) Take() bool {
	if b == nil {
		return true
	}
	if b.Left <= 0 {
		b.Dropped++
		return false
	}
	b.Left--
	return true
}

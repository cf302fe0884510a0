package rulesets_test

import (
	"testing"

	"github.com/anzexian/anzexian/rulesets"
)

func TestBundledLoads(t *testing.T) {
	reg, err := rulesets.LoadBundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range reg.Warnings() {
		t.Errorf("warning: %s", w.Format())
	}
}

package report_test

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/anzexian/anzexian"
	"github.com/anzexian/anzexian/facts"
	"github.com/anzexian/anzexian/report"
)

// The text form is for people: who, where and when, the rulesets with
// their status and digest, then the answers with their legal basis.
func ExampleWriteAssessment() {
	eng, err := anzexian.New()
	if err != nil {
		panic(err)
	}
	f := &facts.Facts{Name: "湘江电梯维保有限公司", Region: "430100", Sectors: []string{"special_equipment.elevator"}, Employees: facts.Int(40)}
	a, err := eng.Assess(f, anzexian.At(facts.MustParseDate("2026-01-01")))
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	if err := report.WriteAssessment(&b, a); err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Scan()
	fmt.Println(sc.Text())
	// Output:
	// 企业：湘江电梯维保有限公司　地区：湖南省长沙市（430100）　评估日：2026-01-01
}

package facts

import "github.com/shopspring/decimal"

// Grade is the grade of a production-safety accident under 《生产安全事故报告和
// 调查处理条例》(国务院令第493号) 第三条. Grades are ordered: a graver grade
// compares greater.
type Grade int

const (
	GradeOrdinary        Grade = 1 // 一般事故
	GradeRelativelyMajor Grade = 2 // 较大事故
	GradeMajor           Grade = 3 // 重大事故
	GradeEspeciallyMajor Grade = 4 // 特别重大事故
)

// GradeCitation is the article that defines the grades.
const GradeCitation = "《生产安全事故报告和调查处理条例》(国务院令第493号) 第三条"

// Thresholds of 条例 第三条. "以上" includes the number and "以下" excludes it
// (第三条第二款), so each threshold is the least value of the graver grade.
var (
	gradeDeaths   = [...]int{3, 10, 30}   // 较大, 重大, 特别重大
	gradeInjuries = [...]int{10, 50, 100} // serious injuries incl. acute industrial poisoning
	// direct economic loss, CNY, at exponent 0 like the losses facts give,
	// so that comparing does not rescale (which allocates)
	gradeLoss = [...]decimal.Decimal{
		decimal.NewFromInt(10_000_000),  // 1000万
		decimal.NewFromInt(50_000_000),  // 5000万
		decimal.NewFromInt(100_000_000), // 1亿
	}
)

// GradeOf returns the grade of an accident: the gravest grade reached by any
// of deaths, serious injuries or direct loss (the criteria are joined by
// "或者").
func GradeOf(deaths, seriousInjuries int, directLoss decimal.Decimal) Grade {
	g := GradeOrdinary
	for i := 2; i >= 0; i-- {
		if deaths >= gradeDeaths[i] || seriousInjuries >= gradeInjuries[i] || directLoss.Cmp(gradeLoss[i]) >= 0 {
			if Grade(i+2) > g {
				g = Grade(i + 2)
			}
			break
		}
	}
	return g
}

// Code returns the grade's code as used in rules and output:
// ordinary, relatively_major, major, especially_major.
func (g Grade) Code() string {
	switch g {
	case GradeOrdinary:
		return "ordinary"
	case GradeRelativelyMajor:
		return "relatively_major"
	case GradeMajor:
		return "major"
	case GradeEspeciallyMajor:
		return "especially_major"
	}
	return ""
}

// Label returns the Chinese name of the grade.
func (g Grade) Label() string {
	switch g {
	case GradeOrdinary:
		return "一般事故"
	case GradeRelativelyMajor:
		return "较大事故"
	case GradeMajor:
		return "重大事故"
	case GradeEspeciallyMajor:
		return "特别重大事故"
	}
	return ""
}

func (g Grade) String() string { return g.Code() }

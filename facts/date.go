package facts

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Date is a civil calendar date (year, month, day) without a time zone, as
// legal texts and policies use them: "自2021年9月1日起施行", "保险期间至…24时止".
//
// The zero Date is invalid; [Date.IsZero] reports it. Dates compare with
// [Date.Before], [Date.After] and ==, and are immutable values.
type Date struct {
	n int32 // days since 0001-01-01 plus one; 0 means "no date"
}

// Bounds of the dates the library accepts. Legal texts in scope start in the
// 2000s; the range leaves room for old accident records and long policies
// while keeping day arithmetic far from overflow.
var (
	MinDate = MustParseDate("1949-10-01")
	MaxDate = MustParseDate("2199-12-31")
)

// ErrDate is the sentinel that every date parsing error wraps.
var ErrDate = errors.New("invalid date")

// NewDate returns the date for year, month and day. It returns the zero Date
// if the arguments do not name a real calendar day.
func NewDate(year int, month time.Month, day int) Date {
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return Date{}
	}
	return Date{n: int32(daysFromCivil(year, int(month), day) + unixToCivil)}
}

// daysIn is the number of days of a month.
func daysIn(year int, month time.Month) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to the proleptic
// Gregorian date y-m-d, and civilFromDays its inverse: the arithmetic of
// eras of 400 years (146,097 days) with years starting in March, so that
// 29 February is a year's last day (H. Hinnant, "chrono-compatible
// low-level date algorithms"). They replace time.Time conversions, which
// cost a quarter of an accident window's evaluation; TestCivilDays checks
// them against package time on every day of the years 1–9999.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400 // y ≥ 0 here
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := z / 146097 // z ≥ 0 for the dates 0001-01-01 onwards
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// unixToCivil is the number of days from 0001-01-01 to 1970-01-01, plus one
// so that 0001-01-01 is n == 1 and n == 0 stays "no date".
const unixToCivil = 719162 + 1

// ParseDate parses a date in the form YYYY-MM-DD. The error wraps [ErrDate].
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%w %q: want YYYY-MM-DD", ErrDate, s)
	}
	y, err1 := strconv.Atoi(s[0:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:10])
	if err1 != nil || err2 != nil || err3 != nil || !allDigits(s[0:4]) || !allDigits(s[5:7]) || !allDigits(s[8:10]) {
		return Date{}, fmt.Errorf("%w %q: want YYYY-MM-DD", ErrDate, s)
	}
	t := NewDate(y, time.Month(m), d)
	if t.IsZero() {
		return Date{}, fmt.Errorf("%w %q: no such day", ErrDate, s)
	}
	return t, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MustParseDate is like [ParseDate] but panics on error. It is meant for
// package-level variables and tests.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d.n == 0 }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Unix(int64(d.n-unixToCivil)*86400, 0).UTC()
}

// Year, Month and Day return the parts of d.
func (d Date) Year() int         { y, _, _ := d.civil(); return y }
func (d Date) Month() time.Month { _, m, _ := d.civil(); return time.Month(m) }
func (d Date) Day() int          { _, _, dd := d.civil(); return dd }

// Parts returns the year, month and day of d at once (Year, Month and Day
// each compute all three).
func (d Date) Parts() (year int, month time.Month, day int) {
	y, m, dd := d.civil()
	return y, time.Month(m), dd
}

// civil returns year, month and day; those of 0001-01-01 minus one day for
// the zero Date, as time.Time gave them.
func (d Date) civil() (int, int, int) {
	if d.n == 0 {
		return 0, 12, 31
	}
	return civilFromDays(int(d.n) - unixToCivil)
}

// AddDays returns d moved by n days (n may be negative).
// A result outside the years 1–9999 is the zero Date.
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return d
	}
	x := int64(d.n) + int64(n)
	if n > 1<<22 || n < -(1<<22) || x < 1 || x > int64(maxCivil) {
		return Date{}
	}
	return Date{n: int32(x)}
}

// maxCivil is n of 9999-12-31.
var maxCivil = NewDate(9999, 12, 31).n

// AddYears returns the same month and day n years later (earlier for negative
// n). 29 February maps to 28 February in a year that has no 29th.
func (d Date) AddYears(n int) Date {
	if d.IsZero() {
		return d
	}
	y, m, day := d.civil()
	y += n
	if m == 2 && day == 29 && daysIn(y, time.February) == 28 {
		day = 28
	}
	return NewDate(y, time.Month(m), day)
}

// DaysUntil returns the number of days from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int { return int(e.n - d.n) }

// Before and After compare two dates.
func (d Date) Before(e Date) bool { return d.n < e.n }
func (d Date) After(e Date) bool  { return d.n > e.n }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return 1
	}
	return 0
}

// String formats d as YYYY-MM-DD; the zero Date prints as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

// appendTo appends d as YYYY-MM-DD (d not zero).
func (d Date) appendTo(b []byte) []byte {
	y, m, dd := d.civil()
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

// AppendText appends d as YYYY-MM-DD to b (nothing for the zero Date),
// implementing encoding.TextAppender.
func (d Date) AppendText(b []byte) ([]byte, error) {
	if d.IsZero() {
		return b, nil
	}
	return d.appendTo(b), nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Today returns the current date in China Standard Time. Only callers at the
// edge (the CLI, an Engine without an explicit as-of date) use it; evaluation
// never reads the clock.
func Today() Date {
	t := time.Now().In(time.FixedZone("CST", 8*3600))
	return NewDate(t.Year(), t.Month(), t.Day())
}

// Period is a closed range of dates [From, To]. A zero To means the period is
// still running.
type Period struct {
	From Date `json:"from" expr:"from"`
	To   Date `json:"to,omitzero" expr:"to"`
}

// Contains reports whether d lies in p (both ends inclusive).
func (p Period) Contains(d Date) bool {
	return !d.Before(p.From) && (p.To.IsZero() || !d.After(p.To))
}

// Days returns the number of days in p, counting both ends; an open period
// counts up to and including through.
func (p Period) Days(through Date) int {
	end := p.To
	if end.IsZero() || end.After(through) {
		end = through
	}
	if end.Before(p.From) {
		return 0
	}
	return p.From.DaysUntil(end) + 1
}

func (p Period) String() string {
	if p.To.IsZero() {
		return p.From.String() + "–"
	}
	return p.From.String() + "–" + p.To.String()
}

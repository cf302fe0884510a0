package rulesets_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/anzexian/anzexian/facts"
)

func TestParseDate(t *testing.T) {
	valid := []struct {
		name, in string
		y        int
		m        time.Month
		d        int
	}{
		{"ordinary day", "2021-09-01", 2021, time.September, 1},
		{"leap day in a leap year", "2024-02-29", 2024, time.February, 29},
		{"leap day in a century leap year", "2000-02-29", 2000, time.February, 29},
		{"last day of a 31-day month", "2025-12-31", 2025, time.December, 31},
		{"last day of a 30-day month", "2025-04-30", 2025, time.April, 30},
		{"first representable year", "0001-01-01", 1, time.January, 1},
		{"last representable year", "9999-12-31", 9999, time.December, 31},
	}
	for _, c := range valid {
		t.Run(c.name, func(t *testing.T) {
			d, err := facts.ParseDate(c.in)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", c.in, err)
			}
			if d.Year() != c.y || d.Month() != c.m || d.Day() != c.d {
				t.Errorf("ParseDate(%q) = %d-%d-%d, want %d-%d-%d", c.in, d.Year(), d.Month(), d.Day(), c.y, c.m, c.d)
			}
			if d.String() != c.in {
				t.Errorf("String() = %q, want %q (round trip)", d.String(), c.in)
			}
			if d.IsZero() {
				t.Errorf("ParseDate(%q) is the zero date", c.in)
			}
		})
	}

	invalid := []struct{ name, in, msg string }{
		{"29 Feb in a common year", "2023-02-29", "no such day"},
		{"29 Feb in a century common year", "1900-02-29", "no such day"},
		{"month 13", "2021-13-01", "no such day"},
		{"month 00", "2021-00-10", "no such day"},
		{"day 00", "2021-01-00", "no such day"},
		{"31 April", "2021-04-31", "no such day"},
		{"day 32", "2021-01-32", "no such day"},
		{"year 0", "0000-01-01", "no such day"},
		{"single-digit month and day", "2021-9-1", "want YYYY-MM-DD"},
		{"time suffix RFC 3339", "2021-09-01T00:00:00Z", "want YYYY-MM-DD"},
		{"time suffix with a space", "2021-09-01 10:00", "want YYYY-MM-DD"},
		{"slashes", "2021/09/01", "want YYYY-MM-DD"},
		{"letter in the year", "20a1-09-01", "want YYYY-MM-DD"},
		{"plus sign in the year", "+021-09-01", "want YYYY-MM-DD"},
		{"space in the year", " 021-09-01", "want YYYY-MM-DD"},
		{"minus in the month", "2021--1-01", "want YYYY-MM-DD"},
		{"plus in the day", "2021-09-+1", "want YYYY-MM-DD"},
		{"full-width digit", "2021-09-0１", "want YYYY-MM-DD"},
		{"empty", "", "want YYYY-MM-DD"},
		{"Chinese date", "2021年9月1日", "want YYYY-MM-DD"},
	}
	for _, c := range invalid {
		t.Run(c.name, func(t *testing.T) {
			d, err := facts.ParseDate(c.in)
			if err == nil {
				t.Fatalf("ParseDate(%q) = %s, want an error", c.in, d)
			}
			if !errors.Is(err, facts.ErrDate) {
				t.Errorf("error %v does not wrap ErrDate", err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not say %q", err, c.msg)
			}
			if !d.IsZero() {
				t.Errorf("ParseDate(%q) returned %v with its error, want the zero date", c.in, d)
			}
		})
	}
}

func TestNewDateRejectsImpossibleDays(t *testing.T) {
	for _, c := range []struct {
		name string
		y    int
		m    time.Month
		d    int
	}{
		{"month 0", 2021, 0, 1},
		{"month 13", 2021, 13, 1},
		{"day 0", 2021, 1, 0},
		{"30 Feb", 2024, 2, 30},
		{"year 0", 0, 1, 1},
		{"year 10000", 10000, 1, 1},
		{"negative day", 2021, 1, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := facts.NewDate(c.y, c.m, c.d); !d.IsZero() {
				t.Errorf("NewDate(%d, %d, %d) = %s, want the zero date", c.y, c.m, c.d, d)
			}
		})
	}
}

func TestDateArithmetic(t *testing.T) {
	d := facts.MustParseDate
	t.Run("AddYears", func(t *testing.T) {
		for _, c := range []struct {
			name, from string
			n          int
			want       string
		}{
			{"29 Feb to a common year", "2024-02-29", 1, "2025-02-28"},
			{"29 Feb to the next leap year", "2024-02-29", 4, "2028-02-29"},
			{"29 Feb back to a common year", "2024-02-29", -1, "2023-02-28"},
			{"29 Feb back five years", "2024-02-29", -5, "2019-02-28"},
			{"29 Feb to a century common year", "2096-02-29", 4, "2100-02-28"},
			{"1 March stays 1 March", "2023-03-01", 1, "2024-03-01"},
			{"28 Feb stays 28 Feb", "2023-02-28", 1, "2024-02-28"},
			{"zero years", "2021-09-01", 0, "2021-09-01"},
			{"back five years", "2026-01-01", -5, "2021-01-01"},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := d(c.from).AddYears(c.n); got != d(c.want) {
					t.Errorf("%s.AddYears(%d) = %s, want %s", c.from, c.n, got, c.want)
				}
			})
		}
	})
	t.Run("AddDays", func(t *testing.T) {
		for _, c := range []struct {
			name, from string
			n          int
			want       string
		}{
			{"into leap day", "2024-02-28", 1, "2024-02-29"},
			{"over leap day", "2024-02-28", 2, "2024-03-01"},
			{"over 28 Feb of a common year", "2023-02-28", 1, "2023-03-01"},
			{"over new year", "2023-12-31", 1, "2024-01-01"},
			{"backwards over new year", "2024-01-01", -1, "2023-12-31"},
			{"a leap year", "2024-01-01", 366, "2025-01-01"},
			{"zero", "2021-09-01", 0, "2021-09-01"},
			{"the day before the 2021 law", "2021-09-01", -1, "2021-08-31"},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := d(c.from).AddDays(c.n); got != d(c.want) {
					t.Errorf("%s.AddDays(%d) = %s, want %s", c.from, c.n, got, c.want)
				}
			})
		}
	})
	t.Run("zero date stays zero", func(t *testing.T) {
		var z facts.Date
		if !z.AddDays(5).IsZero() || !z.AddYears(1).IsZero() {
			t.Errorf("arithmetic on the zero date must keep it zero: %v %v", z.AddDays(5), z.AddYears(1))
		}
		if z.String() != "" {
			t.Errorf("zero date String() = %q, want \"\"", z.String())
		}
	})
	t.Run("DaysUntil", func(t *testing.T) {
		for _, c := range []struct {
			name, a, b string
			want       int
		}{
			{"a leap year", "2024-01-01", "2025-01-01", 366},
			{"a common year", "2023-01-01", "2024-01-01", 365},
			{"backwards", "2025-01-01", "2024-01-01", -366},
			{"same day", "2021-09-01", "2021-09-01", 0},
			{"over leap day", "2024-02-28", "2024-03-01", 2},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := d(c.a).DaysUntil(d(c.b)); got != c.want {
					t.Errorf("%s.DaysUntil(%s) = %d, want %d", c.a, c.b, got, c.want)
				}
			})
		}
	})
	t.Run("Compare", func(t *testing.T) {
		for _, c := range []struct {
			name, a, b    string
			cmp           int
			before, after bool
		}{
			{"earlier", "2021-08-31", "2021-09-01", -1, true, false},
			{"later", "2021-09-02", "2021-09-01", 1, false, true},
			{"equal", "2021-09-01", "2021-09-01", 0, false, false},
			{"years apart", "1949-10-01", "2199-12-31", -1, true, false},
		} {
			t.Run(c.name, func(t *testing.T) {
				a, b := d(c.a), d(c.b)
				if got := a.Compare(b); got != c.cmp {
					t.Errorf("Compare = %d, want %d", got, c.cmp)
				}
				if got := a.Before(b); got != c.before {
					t.Errorf("Before = %v, want %v", got, c.before)
				}
				if got := a.After(b); got != c.after {
					t.Errorf("After = %v, want %v", got, c.after)
				}
			})
		}
	})
}

func TestDateBounds(t *testing.T) {
	if got := facts.MinDate.String(); got != "1949-10-01" {
		t.Errorf("MinDate = %s, want 1949-10-01", got)
	}
	if got := facts.MaxDate.String(); got != "2199-12-31" {
		t.Errorf("MaxDate = %s, want 2199-12-31", got)
	}
	if !facts.MinDate.Before(facts.MaxDate) {
		t.Error("MinDate is not before MaxDate")
	}
}

func TestDateText(t *testing.T) {
	var d facts.Date
	if err := d.UnmarshalText([]byte("2024-02-29")); err != nil {
		t.Fatal(err)
	}
	b, err := d.MarshalText()
	if err != nil || string(b) != "2024-02-29" {
		t.Errorf("MarshalText = %q, %v; want 2024-02-29", b, err)
	}
	if err := d.UnmarshalText([]byte("2023-02-29")); !errors.Is(err, facts.ErrDate) {
		t.Errorf("UnmarshalText(2023-02-29) = %v, want ErrDate", err)
	}
	if d.String() != "2024-02-29" {
		t.Errorf("a failed UnmarshalText changed the date to %s", d)
	}
}

func TestMustParseDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParseDate(\"2023-02-29\") did not panic")
		}
	}()
	facts.MustParseDate("2023-02-29")
}

func TestPeriod(t *testing.T) {
	d := facts.MustParseDate
	closed := facts.Period{From: d("2024-01-01"), To: d("2024-12-31")}
	open := facts.Period{From: d("2024-01-01")}
	t.Run("Contains", func(t *testing.T) {
		for _, c := range []struct {
			name string
			p    facts.Period
			day  string
			want bool
		}{
			{"closed: the first day", closed, "2024-01-01", true},
			{"closed: the last day (inclusive)", closed, "2024-12-31", true},
			{"closed: the day before", closed, "2023-12-31", false},
			{"closed: the day after", closed, "2025-01-01", false},
			{"open: the first day", open, "2024-01-01", true},
			{"open: far in the future", open, "2199-12-31", true},
			{"open: the day before", open, "2023-12-31", false},
			{"one day", facts.Period{From: d("2024-02-29"), To: d("2024-02-29")}, "2024-02-29", true},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := c.p.Contains(d(c.day)); got != c.want {
					t.Errorf("%v.Contains(%s) = %v, want %v", c.p, c.day, got, c.want)
				}
			})
		}
	})
	t.Run("Days", func(t *testing.T) {
		for _, c := range []struct {
			name    string
			p       facts.Period
			through string
			want    int
		}{
			{"closed leap year, through after its end", closed, "2026-01-01", 366},
			{"closed, through inside: counts up to through", closed, "2024-01-31", 31},
			{"closed, through on the first day", closed, "2024-01-01", 1},
			{"closed, through before it starts", closed, "2023-06-01", 0},
			{"open, counts up to and including through", open, "2024-01-10", 10},
			{"open, through before it starts", open, "2023-12-31", 0},
			{"one day", facts.Period{From: d("2024-02-29"), To: d("2024-02-29")}, "2030-01-01", 1},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := c.p.Days(d(c.through)); got != c.want {
					t.Errorf("%v.Days(%s) = %d, want %d", c.p, c.through, got, c.want)
				}
			})
		}
	})
	t.Run("String", func(t *testing.T) {
		if got := open.String(); got != "2024-01-01–" {
			t.Errorf("open period String() = %q", got)
		}
		if got := closed.String(); got != "2024-01-01–2024-12-31" {
			t.Errorf("closed period String() = %q", got)
		}
	})
}

// TestAddDaysOverflow: a day count beyond the date range must not wrap
// around to a valid-looking date.
func TestAddDaysOverflow(t *testing.T) {
	bug(t, "date.go Date.AddDays converts n to int32, so AddDays(1<<32) returns the same date and add_days(as_of, 4294967296) == as_of is true without error")
	d := facts.MustParseDate("2026-01-01")
	if got := d.AddDays(1 << 32); got == d {
		t.Errorf("AddDays(1<<32) = %s, the same date", got)
	}
	reg := loadDoc(t, exprDoc("add_days(as_of, 4294967296) == as_of"))
	ok, err, _ := evalRule(t, reg, mustFacts(t, bareFacts), "2026-01-01", "r")
	if err == nil {
		t.Errorf("add_days(as_of, 4294967296) == as_of = %v without error, want an out-of-range error", ok)
	}
}

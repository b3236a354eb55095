package cases

import (
	"errors"
	"testing"
	"time"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// calTestCST is written out here rather than taken from the package so that
// a wrong zone in the package cannot hide behind the same mistake in tests.
var calTestCST = time.FixedZone("CST", 8*3600)

func calTestAt(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, calTestCST)
}

func calTestDate(y int, m time.Month, d int) time.Time { return calTestAt(y, m, d, 0, 0) }

// calTestSameEntry compares entries by instant and offset: == on time.Time
// would also compare *time.Location pointers, and two FixedZone calls give
// two pointers.
func calTestSameEntry(a, b CalendarDay) bool {
	_, offA := a.Day.Zone()
	_, offB := b.Day.Zone()
	return a.Day.Equal(b.Day) && offA == offB && a.Kind == b.Kind && a.Name == b.Name
}

func TestCalendarAddWorkdaysDeadlines(t *testing.T) {
	c := NewCalendar(ShippedCalendar())
	tests := []struct {
		name string
		from time.Time
		n    int
		want string // the exclusive bound, 00:00 after the last working day
	}{
		{"中秋 then a weekend", calTestAt(2026, 9, 24, 10, 0), 3, "2026-10-01T00:00:00+08:00"},
		{"over the National Day week", calTestAt(2026, 9, 30, 10, 0), 1, "2026-10-09T00:00:00+08:00"},
		{"onto the Saturday worked after National Day", calTestAt(2026, 9, 30, 10, 0), 3, "2026-10-11T00:00:00+08:00"},
		{"onto the Sunday worked before National Day", calTestAt(2026, 9, 18, 16, 0), 1, "2026-09-21T00:00:00+08:00"},
		{"received a minute before 元旦", calTestAt(2025, 12, 31, 23, 59), 1, "2026-01-05T00:00:00+08:00"},
		{"received on a holiday", calTestAt(2026, 10, 3, 9, 0), 1, "2026-10-09T00:00:00+08:00"},
		{"received at midnight, the day still does not count", calTestDate(2026, 3, 2), 1, "2026-03-04T00:00:00+08:00"},
		{"plain weeks", calTestAt(2026, 3, 2, 9, 0), 10, "2026-03-17T00:00:00+08:00"},
		{"春节 2026", calTestAt(2026, 2, 13, 9, 0), 2, "2026-02-25T00:00:00+08:00"},
		{"春节 2025", calTestAt(2025, 1, 24, 9, 0), 1, "2025-01-27T00:00:00+08:00"},
		{"国庆 2025", calTestAt(2025, 9, 30, 9, 0), 2, "2025-10-11T00:00:00+08:00"},
		{"after the shipped years only weekends are off", calTestAt(2027, 1, 1, 9, 0), 1, "2027-01-05T00:00:00+08:00"},
		{"n of 0 is taken as 1", calTestAt(2026, 9, 30, 10, 0), 0, "2026-10-09T00:00:00+08:00"},
		{"negative n is taken as 1", calTestAt(2026, 9, 30, 10, 0), -5, "2026-10-09T00:00:00+08:00"},
	}
	for _, tt := range tests {
		got := c.AddWorkdays(tt.from, tt.n)
		if s := got.Format(time.RFC3339Nano); s != tt.want {
			t.Errorf("%s: AddWorkdays(%s, %d) = %s, want %s", tt.name, tt.from.Format(time.RFC3339), tt.n, s, tt.want)
		}
	}
}

func TestCalendarReadsInstantsInShanghai(t *testing.T) {
	c := NewCalendar(ShippedCalendar())
	// 17:00 UTC on Sep 30 is 01:00 on Oct 1 in Shanghai, a holiday.
	at := time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)
	if c.IsWorkday(at) {
		t.Errorf("IsWorkday(%s) = true, want false (Oct 1 in Shanghai)", at.Format(time.RFC3339))
	}
	if before := time.Date(2026, 9, 30, 15, 59, 0, 0, time.UTC); !c.IsWorkday(before) {
		t.Errorf("IsWorkday(%s) = false, want true (Sep 30 23:59 in Shanghai)", before.Format(time.RFC3339))
	}
	// 16:00 UTC on Saturday Sep 19 is 00:00 on the worked Sunday Sep 20, so
	// Sep 20 is the day of receipt and the first working day after it is
	// Monday Sep 21; read in UTC it would have been Sunday Sep 20.
	got := c.AddWorkdays(time.Date(2026, 9, 19, 16, 0, 0, 0, time.UTC), 1)
	if s := got.Format(time.RFC3339); s != "2026-09-22T00:00:00+08:00" {
		t.Errorf("AddWorkdays from 2026-09-19T16:00Z = %s, want 2026-09-22T00:00:00+08:00", s)
	}
	// The same in a zone west of UTC, where it is still Saturday morning.
	ny := time.FixedZone("EDT", -4*3600)
	if got2 := c.AddWorkdays(time.Date(2026, 9, 19, 12, 0, 0, 0, ny), 1); !got2.Equal(got) {
		t.Errorf("AddWorkdays from 2026-09-19T12:00-04:00 = %s, want %s", got2.Format(time.RFC3339), got.Format(time.RFC3339))
	}
	if n := c.WorkdaysBetween(time.Date(2026, 9, 30, 15, 0, 0, 0, time.UTC), time.Date(2026, 10, 8, 16, 30, 0, 0, time.UTC)); n != 2 {
		t.Errorf("WorkdaysBetween(Sep 30 23:00 CST, Oct 9 00:30 CST) = %d, want 2 (Oct 8 and 9)", n)
	}
}

func TestCalendarIsWorkday(t *testing.T) {
	c := NewCalendar(ShippedCalendar())
	tests := []struct {
		day  time.Time
		want bool
	}{
		{calTestDate(2026, 1, 3), false},  // Saturday listed as 元旦
		{calTestDate(2026, 1, 4), true},   // Sunday worked
		{calTestDate(2026, 2, 16), false}, // Monday in 春节
		{calTestDate(2026, 2, 24), true},  // Tuesday after 春节
		{calTestDate(2026, 3, 7), false},  // ordinary Saturday
		{calTestDate(2026, 3, 9), true},   // ordinary Monday
		{calTestDate(2025, 2, 8), true},   // Saturday worked
		{calTestDate(2025, 10, 8), false}, // Wednesday, last day of the 2025 week
		{calTestAt(2026, 10, 10, 23, 59), true},
	}
	for _, tt := range tests {
		if got := c.IsWorkday(tt.day); got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.day.Format("2006-01-02 Mon"), got, tt.want)
		}
	}
}

func TestCalendarWorkdaysBetween(t *testing.T) {
	c := NewCalendar(ShippedCalendar())
	tests := []struct {
		name string
		a, b time.Time
		want int
	}{
		{"into National Day", calTestAt(2026, 9, 30, 9, 0), calTestAt(2026, 10, 7, 18, 0), 0},
		{"first day after it", calTestAt(2026, 9, 30, 9, 0), calTestAt(2026, 10, 8, 8, 0), 1},
		{"up to the worked Saturday", calTestAt(2026, 9, 30, 9, 0), calTestAt(2026, 10, 10, 8, 0), 3},
		{"across the whole week", calTestAt(2026, 9, 28, 9, 0), calTestAt(2026, 10, 12, 8, 0), 6}, // 29, 30, 8, 9, 10, 12
		{"2025 week", calTestAt(2025, 9, 30, 9, 0), calTestAt(2025, 10, 13, 8, 0), 4},             // 9, 10, 11, 13
		{"same day", calTestAt(2026, 10, 9, 8, 0), calTestAt(2026, 10, 9, 20, 0), 0},
		{"b before a", calTestAt(2026, 10, 12, 8, 0), calTestAt(2026, 10, 9, 8, 0), 0},
		{"a weekend alone", calTestDate(2026, 3, 6), calTestDate(2026, 3, 8), 0},
	}
	for _, tt := range tests {
		if got := c.WorkdaysBetween(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: WorkdaysBetween(%s, %s) = %d, want %d", tt.name, tt.a.Format(time.RFC3339), tt.b.Format(time.RFC3339), got, tt.want)
		}
	}
}

// TestCalendarWorkdaysPerYear pins the yearly totals, counted by hand from
// the notices: each year has 261 Mondays–Fridays, of which 18 (2025) and 19
// (2026) are holidays, and 5 and 6 weekend days are worked, so both years
// have 248 working days; the years around them follow the weekday rule.
func TestCalendarWorkdaysPerYear(t *testing.T) {
	c := NewCalendar(ShippedCalendar())
	for year, want := range map[int]int{2025: 248, 2026: 248, 2024: 262, 2027: 261} {
		walked := 0
		for d := calTestDate(year, 1, 1); d.Year() == year; d = d.AddDate(0, 0, 1) {
			if c.IsWorkday(d) {
				walked++
			}
		}
		if walked != want {
			t.Errorf("%d: IsWorkday holds on %d days, want %d", year, walked, want)
		}
		if n := c.WorkdaysBetween(calTestAt(year-1, 12, 31, 12, 0), calTestAt(year, 12, 31, 12, 0)); n != want {
			t.Errorf("%d: WorkdaysBetween over the year = %d, want %d", year, n, want)
		}
	}
}

func TestCalendarShipped(t *testing.T) {
	days := ShippedCalendar()
	counts := map[int]map[DayKind]int{2025: {}, 2026: {}}
	seen := map[string]bool{}
	var last time.Time
	for _, d := range days {
		date := d.Day.Format("2006-01-02 Mon")
		if _, off := d.Day.Zone(); off != 8*3600 || !d.Day.Equal(calTestDate(d.Day.Date())) {
			t.Errorf("%s: Day = %s, want midnight at +08:00", date, d.Day.Format(time.RFC3339Nano))
		}
		if seen[date] {
			t.Errorf("%s listed twice", date)
		}
		seen[date] = true
		if !last.IsZero() && !d.Day.After(last) {
			t.Errorf("%s listed after %s", date, last.Format("2006-01-02"))
		}
		last = d.Day
		wd := d.Day.Weekday()
		if d.Kind == Workday && wd != time.Saturday && wd != time.Sunday {
			t.Errorf("%s: a workday entry on a %s changes nothing", date, wd)
		}
		if counts[d.Day.Year()] == nil {
			t.Errorf("%s: outside 2025–2026", date)
			continue
		}
		counts[d.Day.Year()][d.Kind]++
		// The shipped schedule must pass the checks a hand-entered one does.
		got, err := ParseCalendarDay(d.Day.Format("2006-01-02"), string(d.Kind), d.Name)
		if err != nil {
			t.Errorf("%s %s %q: ParseCalendarDay refuses it: %v", date, d.Kind, d.Name, err)
		} else if !calTestSameEntry(got, d) {
			t.Errorf("%s: ParseCalendarDay gives %+v, want %+v", date, got, d)
		}
	}
	want := map[int]map[DayKind]int{
		2025: {Holiday: 1 + 8 + 3 + 5 + 3 + 8, Workday: 5},
		2026: {Holiday: 3 + 9 + 3 + 5 + 3 + 3 + 7, Workday: 6},
	}
	for y, w := range want {
		for k, n := range w {
			if counts[y][k] != n {
				t.Errorf("%d: %d %s entries, want %d", y, counts[y][k], k, n)
			}
		}
	}

	days[0].Name = "改过"
	days[0].Kind = Workday
	if again := ShippedCalendar(); again[0].Name != "元旦" || again[0].Kind != Holiday {
		t.Errorf("editing a returned slice changed the next one: %+v", again[0])
	}
}

func TestCalendarShippedNames(t *testing.T) {
	c := ShippedCalendar()
	want := map[string]string{
		"2025-01-26": "春节调休上班",
		"2025-01-28": "春节",
		"2025-06-02": "端午节",
		"2025-10-08": "国庆节、中秋节",
		"2025-10-11": "国庆节、中秋节调休上班",
		"2026-01-04": "元旦调休上班",
		"2026-05-09": "劳动节调休上班",
		"2026-09-20": "国庆节调休上班",
		"2026-09-27": "中秋节",
		"2026-10-07": "国庆节",
	}
	for _, d := range c {
		key := d.Day.Format("2006-01-02")
		if w, ok := want[key]; ok {
			if d.Name != w {
				t.Errorf("%s: Name = %q, want %q", key, d.Name, w)
			}
			delete(want, key)
		}
	}
	for key := range want {
		t.Errorf("%s missing", key)
	}
}

func TestCalendarCovers(t *testing.T) {
	c := NewCalendar(ShippedCalendar())
	for year, want := range map[int]bool{2024: false, 2025: true, 2026: true, 2027: false} {
		if got := c.Covers(year); got != want {
			t.Errorf("Covers(%d) = %v, want %v", year, got, want)
		}
	}
	var none *Calendar
	if none.Covers(2026) || (&Calendar{}).Covers(2026) {
		t.Error("an empty calendar covers 2026")
	}
}

func TestCalendarWithoutEntries(t *testing.T) {
	for _, c := range []*Calendar{nil, {}, NewCalendar(nil)} {
		if !c.IsWorkday(calTestDate(2026, 10, 1)) || c.IsWorkday(calTestDate(2026, 10, 3)) {
			t.Errorf("%#v: the weekday rule does not hold", c)
		}
		// Friday + 1 is Monday.
		if got := c.AddWorkdays(calTestAt(2026, 10, 2, 9, 0), 1).Format(time.RFC3339); got != "2026-10-06T00:00:00+08:00" {
			t.Errorf("%#v: AddWorkdays = %s, want 2026-10-06T00:00:00+08:00", c, got)
		}
		if got := c.WorkdaysBetween(calTestDate(2026, 9, 30), calTestDate(2026, 10, 8)); got != 6 {
			t.Errorf("%#v: WorkdaysBetween = %d, want 6", c, got)
		}
	}
}

func TestCalendarNewCalendarEntries(t *testing.T) {
	c := NewCalendar([]CalendarDay{
		{Day: calTestDate(2027, 3, 1), Kind: Holiday, Name: "甲"},
		{Day: calTestDate(2027, 3, 1), Kind: Workday, Name: "改为上班"}, // later entry wins
		{Day: calTestDate(2027, 3, 2), Kind: "closed", Name: "不明"},  // ignored
		{Day: calTestDate(2027, 3, 3), Kind: Holiday, Name: "乙"},
		// Midnight UTC is 08:00 the same day in Shanghai.
		{Day: time.Date(2028, 3, 6, 0, 0, 0, 0, time.UTC), Kind: Holiday, Name: "丙"},
	})
	checks := []struct {
		day  time.Time
		want bool
	}{
		{calTestDate(2027, 3, 1), true},
		{calTestDate(2027, 3, 2), true},
		{calTestDate(2027, 3, 3), false},
		{calTestDate(2028, 3, 6), false},
	}
	for _, ck := range checks {
		if got := c.IsWorkday(ck.day); got != ck.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", ck.day.Format("2006-01-02"), got, ck.want)
		}
	}
	if !c.Covers(2027) || !c.Covers(2028) || c.Covers(2026) {
		t.Error("Covers does not follow the entries")
	}
}

// TestCalendarAgreesWithWalking checks the week-skipping of AddWorkdays and
// the closed-form count of WorkdaysBetween against walking day by day.
func TestCalendarAgreesWithWalking(t *testing.T) {
	c := NewCalendar(ShippedCalendar())
	walkAdd := func(from time.Time, n int) time.Time {
		d := calTestDate(from.In(calTestCST).Date())
		for n > 0 {
			d = d.AddDate(0, 0, 1)
			if c.IsWorkday(d) {
				n--
			}
		}
		return d.AddDate(0, 0, 1)
	}
	walkCount := func(a, b time.Time) int {
		n := 0
		for d := calTestDate(a.Date()).AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
			if c.IsWorkday(d) {
				n++
			}
		}
		return n
	}
	start := calTestAt(2024, 11, 1, 15, 30)
	for from := start; from.Before(calTestDate(2027, 2, 1)); from = from.AddDate(0, 0, 1) {
		for _, n := range []int{1, 2, 3, 5, 6, 7, 10, 11, 15, 20, 30, 60, 120} {
			got, want := c.AddWorkdays(from, n), walkAdd(from, n)
			if !got.Equal(want) {
				t.Fatalf("AddWorkdays(%s, %d) = %s, walking gives %s", from.Format(time.RFC3339), n, got.Format(time.RFC3339), want.Format(time.RFC3339))
			}
			// The deadline's last instant is in a working day, and n of them
			// have passed since receipt.
			end := got.Add(-time.Nanosecond)
			if !c.IsWorkday(end) || c.WorkdaysBetween(from, end) != n {
				t.Fatalf("AddWorkdays(%s, %d) = %s: last day worked %v, %d working days counted", from.Format(time.RFC3339), n, got.Format(time.RFC3339), c.IsWorkday(end), c.WorkdaysBetween(from, end))
			}
		}
		for _, span := range []int{1, 6, 9, 40, 400} {
			b := from.AddDate(0, 0, span)
			if got, want := c.WorkdaysBetween(from, b), walkCount(from, b); got != want {
				t.Fatalf("WorkdaysBetween(%s, %s) = %d, walking gives %d", from.Format("2006-01-02"), b.Format("2006-01-02"), got, want)
			}
		}
	}
	// A long limit from well before the shipped years crosses them.
	from := calTestAt(2020, 6, 1, 9, 0)
	if got, want := c.AddWorkdays(from, 2000), walkAdd(from, 2000); !got.Equal(want) {
		t.Errorf("AddWorkdays(%s, 2000) = %s, walking gives %s", from.Format(time.RFC3339), got.Format(time.RFC3339), want.Format(time.RFC3339))
	}
	// Before 1970 the day numbers are negative.
	old := calTestAt(1969, 12, 25, 9, 0)
	if got, want := c.AddWorkdays(old, 23), walkAdd(old, 23); !got.Equal(want) {
		t.Errorf("AddWorkdays(%s, 23) = %s, walking gives %s", old.Format(time.RFC3339), got.Format(time.RFC3339), want.Format(time.RFC3339))
	}
	if got, want := c.WorkdaysBetween(old, calTestDate(1970, 2, 3)), walkCount(old, calTestDate(1970, 2, 3)); got != want {
		t.Errorf("WorkdaysBetween across 1970 = %d, walking gives %d", got, want)
	}
}

func TestCalendarParseCalendarDay(t *testing.T) {
	oct1 := calTestDate(2026, 10, 1)
	ok := []struct {
		date, kind, name string
		want             CalendarDay
	}{
		{"2026-10-01", "holiday", "国庆节", CalendarDay{oct1, Holiday, "国庆节"}},
		{"2026/10/01", "holiday", "国庆节", CalendarDay{oct1, Holiday, "国庆节"}},
		{" 2026-10-1 ", " holiday ", "  国庆节 ", CalendarDay{oct1, Holiday, "国庆节"}},
		{"2026-01-03", "holiday", "元旦", CalendarDay{calTestDate(2026, 1, 3), Holiday, "元旦"}}, // a Saturday
		{"2026/1/4", "workday", "元旦调休上班", CalendarDay{calTestDate(2026, 1, 4), Workday, "元旦调休上班"}},
		{"2028-02-29", "holiday", "一二三四五六七八九十一二三四五六七八九十", CalendarDay{calTestDate(2028, 2, 29), Holiday, "一二三四五六七八九十一二三四五六七八九十"}},
	}
	for _, tt := range ok {
		got, err := ParseCalendarDay(tt.date, tt.kind, tt.name)
		if err != nil {
			t.Errorf("ParseCalendarDay(%q, %q, %q): %v", tt.date, tt.kind, tt.name, err)
			continue
		}
		if !calTestSameEntry(got, tt.want) {
			t.Errorf("ParseCalendarDay(%q, %q, %q) = %+v, want %+v", tt.date, tt.kind, tt.name, got, tt.want)
		}
		if s := got.Day.Format(time.RFC3339); s[10:] != "T00:00:00+08:00" {
			t.Errorf("ParseCalendarDay(%q): Day = %s, want midnight at +08:00", tt.date, s)
		}
	}

	const (
		dateFormatZH = "日期格式应为 2026-10-01"
		dateFormatEN = "the date must look like 2026-10-01"
		kindZH       = "类型应为 放假 或 调休上班"
		kindEN       = "the kind must be holiday or workday"
		nameZH       = "名称不能为空，最多 20 个字"
		nameEN       = "enter a name of 1 to 20 characters"
	)
	type msg struct{ zh, en string }
	bad := []struct {
		date, kind, name string
		want             map[string]msg
	}{
		{"2026.10.01", "holiday", "国庆节", map[string]msg{"date": {dateFormatZH, dateFormatEN}}},
		{"20261001", "holiday", "国庆节", map[string]msg{"date": {dateFormatZH, dateFormatEN}}},
		{"2026-10/01", "holiday", "国庆节", map[string]msg{"date": {dateFormatZH, dateFormatEN}}},
		{"2026-+1-01", "holiday", "国庆节", map[string]msg{"date": {dateFormatZH, dateFormatEN}}},
		{"26-10-01", "holiday", "国庆节", map[string]msg{"date": {dateFormatZH, dateFormatEN}}},
		{"", "holiday", "国庆节", map[string]msg{"date": {dateFormatZH, dateFormatEN}}},
		{"2026-02-30", "holiday", "春节", map[string]msg{"date": {"2026-02-30 这一天不存在，请检查月份和日期", "there is no day 2026-02-30: check the month and day"}}},
		{"2026/13/01", "holiday", "春节", map[string]msg{"date": {"2026/13/01 这一天不存在，请检查月份和日期", "there is no day 2026/13/01: check the month and day"}}},
		{"0226-10-01", "holiday", "国庆节", map[string]msg{"date": {"年份应在 2000 至 2100 之间", "the year must be between 2000 and 2100"}}},
		{"2026-10-01", "放假", "国庆节", map[string]msg{"kind": {kindZH, kindEN}}},
		{"2026-10-01", "", "国庆节", map[string]msg{"kind": {kindZH, kindEN}}},
		{"2026-10-01", "holiday", "   ", map[string]msg{"name": {nameZH, nameEN}}},
		{"2026-10-01", "holiday", "一二三四五六七八九十一二三四五六七八九十一", map[string]msg{"name": {nameZH, nameEN}}},
		{"2026-10-09", "workday", "国庆节调休上班", map[string]msg{"kind": {
			"2026-10-09 是周五。周一至周五本来就是工作日，无需登记为调休上班",
			"2026-10-09 is a Friday: Monday to Friday are working days already and need no workday entry"}}},
		{"2026/9/28", "workday", "调休", map[string]msg{"kind": {
			"2026-09-28 是周一。周一至周五本来就是工作日，无需登记为调休上班",
			"2026-09-28 is a Monday: Monday to Friday are working days already and need no workday entry"}}},
		{"2026-10-1x", "weekend", "", map[string]msg{
			"date": {dateFormatZH, dateFormatEN},
			"kind": {kindZH, kindEN},
			"name": {nameZH, nameEN}}},
	}
	for _, tt := range bad {
		got, err := ParseCalendarDay(tt.date, tt.kind, tt.name)
		if err == nil {
			t.Errorf("ParseCalendarDay(%q, %q, %q) = %+v, want an error", tt.date, tt.kind, tt.name, got)
			continue
		}
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.Invalid {
			t.Errorf("ParseCalendarDay(%q, %q, %q): error %T %v, want an invalid *errs.Error", tt.date, tt.kind, tt.name, err, err)
			continue
		}
		if got != (CalendarDay{}) {
			t.Errorf("ParseCalendarDay(%q, %q, %q) returned %+v with its error", tt.date, tt.kind, tt.name, got)
		}
		zh, en := errs.FieldMessages(err, i18n.ZH), errs.FieldMessages(err, i18n.EN)
		if len(zh) != len(tt.want) {
			t.Errorf("ParseCalendarDay(%q, %q, %q): fields %v, want %v", tt.date, tt.kind, tt.name, zh, tt.want)
		}
		for field, w := range tt.want {
			if zh[field] != w.zh || en[field] != w.en {
				t.Errorf("ParseCalendarDay(%q, %q, %q): %s = %q / %q, want %q / %q", tt.date, tt.kind, tt.name, field, zh[field], en[field], w.zh, w.en)
			}
		}
	}
}

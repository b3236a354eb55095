package cases

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/errs"
)

// DayKind says what a calendar entry makes of its date.
type DayKind string

// The kinds of calendar entry.
const (
	// Holiday is a day off, even when it falls on a Monday–Friday.
	Holiday DayKind = "holiday"
	// Workday is a working day, even when it falls on a Saturday or Sunday
	// (调休上班).
	Workday DayKind = "workday"
)

// CalendarDay is one entry of the holiday calendar: Day is a date, given as
// midnight in Asia/Shanghai; Name is what the UI shows ("春节", "春节调休上班").
type CalendarDay struct {
	Day  time.Time
	Kind DayKind
	Name string
}

// calendarZone is Asia/Shanghai as a fixed offset: China has kept +08:00
// without daylight saving since 1991, and a fixed zone keeps deadlines from
// depending on the tzdata of the machine that computes them.
var calendarZone = time.FixedZone("CST", 8*3600)

// Calendar tells working days from days off in Asia/Shanghai: a date listed
// as Holiday is off, a date listed as Workday is worked even on a weekend,
// and any other date is worked Monday–Friday and off Saturday–Sunday.
// A nil or zero Calendar knows no holidays and applies the weekday rule only.
// A Calendar is immutable once built and safe for concurrent use.
type Calendar struct {
	kinds map[int64]DayKind // by day number, see calendarDayNumber
	// listed holds the listed day numbers in order, so that deadlines can
	// jump over long stretches in which only the weekday rule applies.
	listed []int64
	years  map[int]bool
}

// NewCalendar builds a Calendar from entries, which it copies. Each entry's
// date is read in Asia/Shanghai. When a date is listed twice the later entry
// wins, as when an edited schedule is appended to the shipped one; an entry
// whose Kind is neither Holiday nor Workday is ignored rather than guessed at.
func NewCalendar(days []CalendarDay) *Calendar {
	c := &Calendar{kinds: make(map[int64]DayKind, len(days)), years: map[int]bool{}}
	for _, d := range days {
		if d.Kind != Holiday && d.Kind != Workday {
			continue
		}
		n := calendarDayOf(d.Day)
		if _, seen := c.kinds[n]; !seen {
			c.listed = append(c.listed, n)
		}
		c.kinds[n] = d.Kind
		c.years[d.Day.In(calendarZone).Year()] = true
	}
	slices.Sort(c.listed)
	return c
}

// IsWorkday reports whether the date of t in Asia/Shanghai is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool { return c.worked(calendarDayOf(t)) }

// AddWorkdays is the deadline of something received at instant from that
// must be dealt with within n working days, by the convention of the 12345
// hotlines: the day of receipt does not count, whatever the hour, and the
// deadline is the end of the nth working day after it. The end is returned
// as an exclusive bound, 00:00 Asia/Shanghai of the calendar day after the
// nth working day, so that a case is late exactly when now is not before it
// and no 23:59:59.999 rounding is needed. An n below 1 is taken as 1: a
// case always gets at least one full working day, and a misconfigured time
// limit must not make a deadline that has passed on arrival.
func (c *Calendar) AddWorkdays(from time.Time, n int) time.Time {
	left := max(n, 1)
	day := calendarDayOf(from)
	for {
		// Seven days with nothing listed hold exactly five working days, so
		// whole such weeks are skipped rather than walked; at least one
		// working day is kept for the walk so that it ends on a working day.
		if left > 5 {
			weeks := int64((left - 1) / 5)
			if next, ok := c.nextListed(day); ok {
				weeks = min(weeks, (next-day-1)/7)
			}
			day += weeks * 7
			left -= int(weeks) * 5
		}
		day++
		if c.worked(day) {
			left--
			if left == 0 {
				return calendarMidnight(day + 1)
			}
		}
	}
}

// WorkdaysBetween counts the working days after the date of a up to and
// including the date of b, both read in Asia/Shanghai, and 0 when b's date
// is not after a's. With a the last working day of a deadline and b now it
// is the N of "已超期 N 个工作日", counting the working day in progress: a
// case due by the end of 2026-09-30 is 1 working day late all through
// 2026-10-08. As the bound AddWorkdays returns is already the next day, a
// caller holding that bound passes it less a nanosecond as a, or a late
// case due on the eve of a working day would be a day short.
func (c *Calendar) WorkdaysBetween(a, b time.Time) int {
	from, to := calendarDayOf(a), calendarDayOf(b)
	if to <= from {
		return 0
	}
	// The weekday rule is counted in closed form and only listed dates are
	// visited, so that a years-old case costs no more than a fresh one.
	n := calendarWeekdaysBefore(to+1) - calendarWeekdaysBefore(from+1)
	if c == nil {
		return int(n)
	}
	i, _ := slices.BinarySearch(c.listed, from+1)
	for ; i < len(c.listed) && c.listed[i] <= to; i++ {
		d := c.listed[i]
		switch weekday := calendarIsWeekday(d); {
		case c.kinds[d] == Holiday && weekday:
			n--
		case c.kinds[d] == Workday && !weekday:
			n++
		}
	}
	return int(n)
}

// Covers reports whether the calendar lists any date of year, so that the
// UI can warn before a year's deadlines are computed without its holidays.
func (c *Calendar) Covers(year int) bool { return c != nil && c.years[year] }

func (c *Calendar) worked(day int64) bool {
	if c != nil {
		if k, ok := c.kinds[day]; ok {
			return k == Workday
		}
	}
	return calendarIsWeekday(day)
}

// nextListed returns the first listed day after day.
func (c *Calendar) nextListed(day int64) (int64, bool) {
	if c == nil {
		return 0, false
	}
	i, _ := slices.BinarySearch(c.listed, day+1)
	if i == len(c.listed) {
		return 0, false
	}
	return c.listed[i], true
}

// calendarDayNumber numbers civil dates from 1970-01-01, so that date
// arithmetic is integer arithmetic; UTC is used only because it has no
// daylight saving, not because the dates are UTC ones.
func calendarDayNumber(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// calendarDayOf is the day number of t's date in Asia/Shanghai.
func calendarDayOf(t time.Time) int64 {
	y, m, d := t.In(calendarZone).Date()
	return calendarDayNumber(y, m, d)
}

// calendarMidnight is 00:00 Asia/Shanghai at the start of a day number.
func calendarMidnight(day int64) time.Time {
	y, m, d := time.Unix(day*86400, 0).UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, calendarZone)
}

// calendarIsWeekday reports whether a day number is a Monday–Friday; day 4
// (1970-01-05) was a Monday.
func calendarIsWeekday(day int64) bool {
	return ((day-4)%7+7)%7 < 5
}

// calendarWeekdaysBefore counts the Mondays–Fridays before a day number,
// from the Monday 1970-01-05 (negative before it); only differences of it
// are meaningful.
func calendarWeekdaysBefore(day int64) int64 {
	s := day - 4
	weeks := s / 7
	if s%7 < 0 {
		weeks--
	}
	return weeks*5 + min(s-weeks*7, 5)
}

// ShippedCalendar returns the official schedules of public holidays and
// 调休 working days for 2025 and 2026, as the General Office of the State
// Council announced them, in date order; it builds a fresh slice on every
// call so that callers may edit their copy. Later years must be entered
// by hand once announced (see Calendar.Covers).
func ShippedCalendar() []CalendarDay {
	var days []CalendarDay
	off := func(name string, y int, m time.Month, d, count int) {
		for i := range count {
			days = append(days, CalendarDay{Day: time.Date(y, m, d+i, 0, 0, 0, 0, calendarZone), Kind: Holiday, Name: name})
		}
	}
	work := func(name string, y int, m time.Month, d int) {
		days = append(days, CalendarDay{Day: time.Date(y, m, d, 0, 0, 0, 0, calendarZone), Kind: Workday, Name: name})
	}

	// 国务院办公厅关于2025年部分节假日安排的通知,
	// https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm
	off("元旦", 2025, time.January, 1, 1)
	work("春节调休上班", 2025, time.January, 26)
	off("春节", 2025, time.January, 28, 8)
	work("春节调休上班", 2025, time.February, 8)
	off("清明节", 2025, time.April, 4, 3)
	work("劳动节调休上班", 2025, time.April, 27)
	off("劳动节", 2025, time.May, 1, 5)
	off("端午节", 2025, time.May, 31, 3)
	work("国庆节、中秋节调休上班", 2025, time.September, 28)
	off("国庆节、中秋节", 2025, time.October, 1, 8)
	work("国庆节、中秋节调休上班", 2025, time.October, 11)

	// 国务院办公厅关于2026年部分节假日安排的通知,
	// https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm
	off("元旦", 2026, time.January, 1, 3)
	work("元旦调休上班", 2026, time.January, 4)
	work("春节调休上班", 2026, time.February, 14)
	off("春节", 2026, time.February, 15, 9)
	work("春节调休上班", 2026, time.February, 28)
	off("清明节", 2026, time.April, 4, 3)
	off("劳动节", 2026, time.May, 1, 5)
	work("劳动节调休上班", 2026, time.May, 9)
	off("端午节", 2026, time.June, 19, 3)
	work("国庆节调休上班", 2026, time.September, 20)
	off("中秋节", 2026, time.September, 25, 3)
	off("国庆节", 2026, time.October, 1, 7)
	work("国庆节调休上班", 2026, time.October, 10)
	return days
}

// calendarNameMax is the longest entry name, in characters: the names of
// the official schedules need at most 11, and the name shows in a calendar
// cell.
const calendarNameMax = 20

// ParseCalendarDay checks one calendar entry typed into the edit form: date
// as 2026-10-01 or 2026/10/01, kind "holiday" or "workday", and a name of 1
// to 20 characters, trimmed. It refuses a Workday on a Monday–Friday, which
// would change nothing and is most likely a mistyped date or kind; a Holiday
// on a weekend is accepted because official schedules list such days (as
// 2026-01-03). All problems are reported at once as field errors.
func ParseCalendarDay(date, kind, name string) (CalendarDay, error) {
	var f errs.Fields
	day, ok := calendarParseDate(strings.TrimSpace(date), &f)
	k := DayKind(strings.TrimSpace(kind))
	if k != Holiday && k != Workday {
		f.Add("kind", "类型应为 放假 或 调休上班", "the kind must be holiday or workday")
	} else if ok && k == Workday && calendarIsWeekday(calendarDayOf(day)) {
		f.Add("kind",
			fmt.Sprintf("%s 是周%s。周一至周五本来就是工作日，无需登记为调休上班", day.Format("2006-01-02"), calendarWeekdayZH(day.Weekday())),
			fmt.Sprintf("%s is a %s: Monday to Friday are working days already and need no workday entry", day.Format("2006-01-02"), day.Weekday()))
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > calendarNameMax {
		f.Add("name", "名称不能为空，最多 20 个字", "enter a name of 1 to 20 characters")
	}
	if err := f.Err(); err != nil {
		return CalendarDay{}, err
	}
	return CalendarDay{Day: day, Kind: k, Name: name}, nil
}

// calendarWeekdayZH is the character that follows 周 for a weekday.
func calendarWeekdayZH(w time.Weekday) string {
	return string([]rune("日一二三四五六")[w])
}

// calendarParseDate reads 2026-10-01 or 2026/10/01; a one-digit month or
// day is taken too, as people type 2026-1-3. The year is bounded because a
// holiday in 0226 or 20226 can only be a typing slip.
func calendarParseDate(s string, f *errs.Fields) (time.Time, bool) {
	sep := "-"
	if strings.Contains(s, "/") {
		sep = "/"
	}
	parts := strings.Split(s, sep)
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) < 1 || len(parts[2]) > 2 {
		f.Add("date", "日期格式应为 2026-10-01", "the date must look like 2026-10-01")
		return time.Time{}, false
	}
	var nums [3]int
	for i, p := range parts {
		// Atoi alone would let signs through ("2026-+1-01").
		if strings.Trim(p, "0123456789") != "" {
			f.Add("date", "日期格式应为 2026-10-01", "the date must look like 2026-10-01")
			return time.Time{}, false
		}
		nums[i], _ = strconv.Atoi(p)
	}
	y, m, d := nums[0], time.Month(nums[1]), nums[2]
	if y < 2000 || y > 2100 {
		f.Add("date", "年份应在 2000 至 2100 之间", "the year must be between 2000 and 2100")
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, calendarZone)
	// time.Date normalizes 02-30 to 03-02; a date that does not come back
	// as typed does not exist.
	if t.Month() != m || t.Day() != d {
		f.Add("date", fmt.Sprintf("%s 这一天不存在，请检查月份和日期", s), fmt.Sprintf("there is no day %s: check the month and day", s))
		return time.Time{}, false
	}
	return t, true
}

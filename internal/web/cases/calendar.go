package cases

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/cases"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/module"
	"jiceng/internal/web"
)

// The holiday calendar page (节假日安排): the entries of a year as a table
// and as twelve month grids, a warning when next year has no entries yet
// (its deadlines would count weekends only), and, for the top-level
// organization department, the forms that add, replace and delete an
// entry. Every case deadline is counted in this calendar.

// calendarRoutes are the calendar's pages: anyone signed in reads it, the
// domain lets only CalendarManage held on a top-level organization edit it.
func (h *Pages) calendarRoutes() []module.Route {
	return []module.Route{
		module.R("GET", "/cases/calendar", module.Web, h.CalendarPage),
		module.R("POST", "/cases/calendar", module.Web, h.CalendarSet),
		module.R("POST", "/cases/calendar/delete", module.Web, h.CalendarDelete),
	}
}

// canEditCalendar mirrors the domain's rule (cases.canCalendar, not
// exported) so that the page offers its forms only to those who may use
// them, and refuses a post before reading it; the domain checks again.
func canEditCalendar(actor access.Actor) bool {
	for _, r := range actor.Scopes(cases.CalendarManage) {
		if access.IsTop(r) {
			return true
		}
	}
	return actor.System
}

// errCalendarEdit is the refusal of an edit, in the domain's words.
var errCalendarEdit = errs.New(errs.Forbidden, "只有最高一级组织部门可以修改节假日安排", "only the top-level organization department may edit the holiday calendar")

// calendarRow is one entry of the year's table.
type calendarRow struct {
	Date    string // 2026-10-01
	Weekday string // 周四 / Thu
	Kind    cases.DayKind
	Name    string
	// Manual: not as the shipped State Council schedule has it (entered or
	// changed by hand), so that a reviewer sees what to check.
	Manual bool
}

// calendarCell is one day of a month grid; Day 0 pads the first week.
type calendarCell struct {
	Day     int
	Date    string
	Kind    cases.DayKind
	Name    string
	Weekend bool
	Today   bool
}

// calendarMonth is one month grid, in weeks from Monday.
type calendarMonth struct {
	Title string
	Weeks [][]calendarCell
}

// calendarView is the calendar page.
type calendarView struct {
	Year, Prev, Next   int
	Rows               []calendarRow
	Holidays, Workdays int
	Months             []calendarMonth
	Heads              []string // the month grids' weekday heads, Monday first
	CanEdit            bool
	// NextYear is the year after today's in Beijing; Uncovered, that it
	// has no entry yet.
	NextYear  int
	Uncovered bool
	// Shipped: the year's schedule came with the software (2025, 2026).
	Shipped bool
}

// calendarYear reads ?year=, today's year in Beijing when it is absent or
// not a year.
func (h *Pages) calendarYear(v url.Values) int {
	if y, err := strconv.Atoi(v.Get("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return bj(h.Now()).Year()
}

// buildCalendar builds the page of year.
func (h *Pages) buildCalendar(r *http.Request, lang string, year int) (*calendarView, error) {
	ctx := r.Context()
	days, err := h.cs.CalendarDays(ctx)
	if err != nil {
		return nil, err
	}
	today := bj(h.Now())
	v := &calendarView{Year: year, Prev: year - 1, Next: year + 1, CanEdit: canEditCalendar(web.Actor(r)), NextYear: today.Year() + 1,
		Heads: strings.Split(h.T(lang, "ccal.week_head"), ",")}
	covered, err := h.cs.CalendarCovers(ctx, v.NextYear)
	if err != nil {
		return nil, err
	}
	v.Uncovered = !covered
	shipped := map[string]cases.CalendarDay{}
	for _, d := range cases.ShippedCalendar() {
		shipped[bj(d.Day).Format(time.DateOnly)] = d
		v.Shipped = v.Shipped || bj(d.Day).Year() == year
	}
	byDate := map[string]cases.CalendarDay{}
	for _, d := range days {
		t := bj(d.Day)
		if t.Year() != year {
			continue
		}
		key := t.Format(time.DateOnly)
		byDate[key] = d
		s, ok := shipped[key]
		v.Rows = append(v.Rows, calendarRow{Date: key, Weekday: weekdayName(lang, t.Weekday()), Kind: d.Kind, Name: d.Name,
			Manual: !ok || s.Kind != d.Kind || s.Name != d.Name})
		if d.Kind == cases.Holiday {
			v.Holidays++
		} else {
			v.Workdays++
		}
	}
	todayKey := today.Format(time.DateOnly)
	for m := time.January; m <= time.December; m++ {
		first := time.Date(year, m, 1, 0, 0, 0, 0, beijing)
		mon := calendarMonth{Title: monthName(lang, m)}
		// Weeks start on Monday, as Chinese calendars print them.
		week := make([]calendarCell, (int(first.Weekday())+6)%7)
		for d := first; d.Month() == m; d = d.AddDate(0, 0, 1) {
			key := d.Format(time.DateOnly)
			c := calendarCell{Day: d.Day(), Date: key, Weekend: d.Weekday() == time.Saturday || d.Weekday() == time.Sunday, Today: key == todayKey}
			if e, ok := byDate[key]; ok {
				c.Kind, c.Name = e.Kind, e.Name
			}
			week = append(week, c)
			if len(week) == 7 {
				mon.Weeks = append(mon.Weeks, week)
				week = nil
			}
		}
		if len(week) > 0 {
			for len(week) < 7 {
				week = append(week, calendarCell{})
			}
			mon.Weeks = append(mon.Weeks, week)
		}
		v.Months = append(v.Months, mon)
	}
	return v, nil
}

func weekdayName(lang string, w time.Weekday) string {
	if lang == i18n.EN {
		return w.String()[:3]
	}
	return "周" + string([]rune("日一二三四五六")[w])
}

func monthName(lang string, m time.Month) string {
	if lang == i18n.EN {
		return m.String()
	}
	return strconv.Itoa(int(m)) + "月"
}

// calendarPage starts the page of year with the form values form.
func (h *Pages) calendarPage(w http.ResponseWriter, r *http.Request, year int, form url.Values) (*web.Page, bool) {
	lang := i18n.FromRequest(r)
	p := h.Page(r, "calendar", h.T(lang, "ccal.title"))
	v, err := h.buildCalendar(r, lang, year)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	p.Title = strings.TrimSpace(h.T(lang, "ccal.title") + " " + strconv.Itoa(year))
	p.Crumbs = []web.Crumb{{Label: h.T(lang, "nav.cases"), Href: "/cases"}, {Label: p.Title}}
	p.Form = form
	if p.Form.Get("kind") == "" {
		p.Form.Set("kind", string(cases.Holiday))
	}
	p.Data = v
	return p, true
}

// CalendarPage shows the calendar of ?year= (this year in Beijing by
// default). ?date=, ?kind= and ?name= fill the edit form, so that a row's
// "change" link needs no script.
func (h *Pages) CalendarPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := url.Values{"date": {q.Get("date")}, "kind": {q.Get("kind")}, "name": {q.Get("name")}}
	p, ok := h.calendarPage(w, r, h.calendarYear(q), form)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "cases_calendar", "layout", p)
}

// CalendarSet enters or replaces the entry of a date; on error the page
// shows again with the form as typed and the message at its field.
func (h *Pages) CalendarSet(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	if !canEditCalendar(actor) {
		h.Fail(w, r, errCalendarEdit)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	f := r.PostForm
	d, err := cases.ParseCalendarDay(f.Get("date"), f.Get("kind"), f.Get("name"))
	year := h.calendarYear(url.Values{"year": {strings.SplitN(strings.ReplaceAll(f.Get("date"), "/", "-"), "-", 2)[0]}})
	if err == nil {
		year = bj(d.Day).Year()
	}
	p, ok := h.calendarPage(w, r, year, url.Values{"date": {f.Get("date")}, "kind": {f.Get("kind")}, "name": {f.Get("name")}})
	if !ok {
		return
	}
	if err != nil {
		h.FormError(w, r, h.tmpl, p, "cases_calendar", err)
		return
	}
	key := bj(d.Day).Format(time.DateOnly)
	var before *calendarRow
	for _, row := range p.Data.(*calendarView).Rows {
		if row.Date == key {
			before = &row
		}
	}
	if err := h.cs.SetCalendarDay(ctx, actor, d); err != nil {
		h.FormError(w, r, h.tmpl, p, "cases_calendar", err)
		return
	}
	zhKind, enKind := "放假", "day off"
	if d.Kind == cases.Workday {
		zhKind, enKind = "调休上班", "working day"
	}
	msg := web.Msg(p.Lang, "已登记 "+key+" "+d.Name+"（"+zhKind+"）", "Entered "+key+": "+d.Name+" ("+enKind+")")
	if before != nil {
		msg = web.Msg(p.Lang, "已将 "+key+" 改为 "+d.Name+"（"+zhKind+"），原为 "+before.Name, "Changed "+key+" to "+d.Name+" ("+enKind+"), was "+before.Name)
	}
	msg += web.Msg(p.Lang, "。此后计算的办理期限按新的安排，已确定的期限不变", ". Deadlines computed from now on follow it; those already set stay")
	h.Redirect(w, r, "/cases/calendar?year="+strconv.Itoa(year)+"#d-"+key, "ok", msg)
}

// CalendarDelete removes the entry of a date, which then follows the
// weekday rule.
func (h *Pages) CalendarDelete(w http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), web.Actor(r)
	if !canEditCalendar(actor) {
		h.Fail(w, r, errCalendarEdit)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	day, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(r.PostForm.Get("date")), beijing)
	if err != nil {
		p, ok := h.calendarPage(w, r, h.calendarYear(url.Values{}), url.Values{})
		if !ok {
			return
		}
		h.FormError(w, r, h.tmpl, p, "cases_calendar", errs.New(errs.Invalid, "要删除的日期格式应为 2026-10-01", "the date to delete must look like 2026-10-01"))
		return
	}
	key, back := day.Format(time.DateOnly), "/cases/calendar?year="+strconv.Itoa(day.Year())
	if err := h.cs.DeleteCalendarDay(ctx, actor, day); err != nil {
		// Most likely a second click on the same button: the page says so
		// above the calendar as it now is.
		if errs.KindOf(err) == errs.NotFound {
			h.Redirect(w, r, back, "err", web.ErrMessage(err, lang))
			return
		}
		h.Fail(w, r, err)
		return
	}
	h.Redirect(w, r, back, "ok", web.Msg(lang, "已删除 "+key+" 的安排，该日按周一至周五上班、周六周日休息计算", "Deleted the entry of "+key+": the day follows the weekday rule (Monday to Friday worked, weekends off)"))
}

// calendarMessages is the catalogue of the calendar page.
var calendarMessages = i18n.Catalog{
	"ccal.title":          {ZH: "节假日安排", EN: "Holiday calendar"},
	"ccal.intro":          {ZH: "诉求的受理和办理期限按工作日计算：下表登记为“放假”的日期不计，登记为“调休上班”的周末计入，其余日期周一至周五为工作日。", EN: "Case deadlines count working days: a date entered as a day off does not count, a weekend entered as a working day does, and any other date counts Monday to Friday."},
	"ccal.uncovered":      {ZH: "明年的节假日安排尚未录入，截止日期将只按周末计算", EN: "Next year's holidays have not been entered yet: deadlines will count weekends only"},
	"ccal.uncovered_edit": {ZH: "国务院办公厅公布 %d 年节假日安排后，请在下方逐日录入放假和调休上班的日期。", EN: "Once the General Office of the State Council publishes the %d schedule, enter its days off and working days below."},
	"ccal.uncovered_read": {ZH: "请提醒最高一级组织部门在国务院办公厅公布 %d 年安排后及时录入。", EN: "Ask the top-level organization department to enter the %d schedule once it is published."},
	"ccal.prev":           {ZH: "上一年", EN: "Previous year"},
	"ccal.next":           {ZH: "下一年", EN: "Next year"},
	"ccal.year_nav":       {ZH: "选择年份", EN: "Choose a year"},
	"ccal.summary":        {ZH: "%d 年登记放假 %d 天、调休上班 %d 天。", EN: "%d: %d days off and %d working days entered."},
	"ccal.source":         {ZH: "本年安排随系统提供，依据国务院办公厅关于 %d 年部分节假日安排的通知；标有“手工录入”的条目与通知不同。", EN: "This year's schedule ships with the software, after the State Council's notice for %d; entries tagged \"entered by hand\" differ from it."},
	"ccal.empty":          {ZH: "%d 年尚无节假日安排，期限只按周末计算。", EN: "Nothing is entered for %d: deadlines count weekends only."},
	"ccal.date":           {ZH: "日期", EN: "Date"},
	"ccal.weekday":        {ZH: "星期", EN: "Weekday"},
	"ccal.kind":           {ZH: "类型", EN: "Kind"},
	"ccal.name":           {ZH: "名称", EN: "Name"},
	"ccal.holiday":        {ZH: "放假", EN: "Day off"},
	"ccal.workday":        {ZH: "调休上班", EN: "Working day"},
	"ccal.mark_holiday":   {ZH: "休", EN: "off"},
	"ccal.mark_workday":   {ZH: "班", EN: "work"},
	"ccal.manual":         {ZH: "手工录入", EN: "entered by hand"},
	"ccal.table":          {ZH: "登记的日期", EN: "Entered dates"},
	"ccal.grid":           {ZH: "全年日历", EN: "The year at a glance"},
	"ccal.legend":         {ZH: "“休”为放假，“班”为调休上班，灰色为周末", EN: "\"off\" marks a day off, \"work\" a working day; weekends are grey"},
	"ccal.week_head":      {ZH: "一,二,三,四,五,六,日", EN: "Mo,Tu,We,Th,Fr,Sa,Su"},
	"ccal.form":           {ZH: "登记或修改一天", EN: "Enter or change a day"},
	"ccal.form_hint":      {ZH: "同一日期再次保存会替换原有安排。此后计算的期限按新的安排，已确定的期限不变。", EN: "Saving a date again replaces its entry. Deadlines computed from then on follow it; those already set stay."},
	"ccal.name_hint":      {ZH: "最多 20 字，如“春节”“春节调休上班”", EN: "Up to 20 characters"},
	"ccal.kind_hint":      {ZH: "“调休上班”只用于周六、周日", EN: "Working days are entered for Saturdays and Sundays only"},
	"ccal.save":           {ZH: "保存", EN: "Save"},
	"ccal.change":         {ZH: "修改", EN: "Change"},
	"ccal.delete":         {ZH: "删除", EN: "Delete"},
	"ccal.delete_confirm": {ZH: "删除 %s（%s）的安排？删除后该日按周一至周五上班、周六周日休息计算；已确定的期限不变。", EN: "Delete the entry of %s (%s)? The day then follows the weekday rule; deadlines already set stay."},
	"ccal.actions":        {ZH: "操作", EN: "Actions"},
	"ccal.read_only":      {ZH: "节假日安排由最高一级组织部门维护。", EN: "The top-level organization department keeps the holiday calendar."},
	"ccal.today":          {ZH: "今天", EN: "today"},
}

package cases

import (
	"context"
	"time"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
)

// reloadCalendar reads the calendar from the database and keeps it for
// the deadlines computed after.
func (s *Service) reloadCalendar(ctx context.Context) (*Calendar, error) {
	s.calMu.Lock()
	defer s.calMu.Unlock()
	days, err := s.readCalendar(ctx)
	if err != nil {
		return nil, err
	}
	c := NewCalendar(days)
	s.cal.Store(c)
	return c, nil
}

func (s *Service) readCalendar(ctx context.Context) ([]CalendarDay, error) {
	rows, err := s.db.Query(ctx, "SELECT day, kind, name FROM case_calendar ORDER BY day")
	if err != nil {
		return nil, errs.Wrap(err, "calendar")
	}
	defer rows.Close()
	var out []CalendarDay
	for rows.Next() {
		var day, kind, name string
		if err := rows.Scan(&day, &kind, &name); err != nil {
			return nil, errs.Wrap(err, "scan calendar")
		}
		t, err := time.ParseInLocation(time.DateOnly, day, calendarZone)
		if err != nil {
			return nil, errs.Wrap(err, "calendar day")
		}
		out = append(out, CalendarDay{Day: t, Kind: DayKind(kind), Name: name})
	}
	return out, errs.Wrap(rows.Err(), "calendar")
}

// CalendarDays lists the calendar's entries in date order; anyone signed in
// may read them (they are the State Council's public notices).
func (s *Service) CalendarDays(ctx context.Context) ([]CalendarDay, error) {
	return s.readCalendar(ctx)
}

// CalendarCovers reports whether the calendar has entries for year, so that
// pages warn before the year after runs on weekends alone.
func (s *Service) CalendarCovers(ctx context.Context, year int) (bool, error) {
	c, err := s.calendar(ctx)
	if err != nil {
		return false, err
	}
	return c.Covers(year), nil
}

// canCalendar checks that the actor may edit the calendar, which every
// organization's deadlines read: it needs the action on a top-level
// organization.
func canCalendar(actor access.Actor) error {
	for _, r := range actor.Scopes(CalendarManage) {
		if access.IsTop(r) {
			return nil
		}
	}
	if actor.System {
		return nil
	}
	return errs.New(errs.Forbidden, "只有最高一级组织部门可以修改节假日安排", "only the top-level organization department may edit the holiday calendar")
}

// SetCalendarDay enters or replaces the entry of a date. Deadlines already
// set keep their dates; those computed after follow the new calendar.
func (s *Service) SetCalendarDay(ctx context.Context, actor access.Actor, d CalendarDay) error {
	if err := canCalendar(actor); err != nil {
		return err
	}
	day := d.Day.In(calendarZone).Format(time.DateOnly)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var before any
		var oldKind, oldName string
		err := tx.QueryRow(ctx, "SELECT kind, name FROM case_calendar WHERE day = ?", day).Scan(&oldKind, &oldName)
		if err == nil {
			before = map[string]string{"kind": oldKind, "name": oldName}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_calendar (day, kind, name, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, updated_at = excluded.updated_at`,
			day, string(d.Kind), d.Name, db.FormatTime(s.now())); err != nil {
			return errs.Wrap(err, "set calendar day")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "cases.calendar", TargetType: "calendar", TargetID: day,
			Summary: i18n.Textf("节假日安排 %s：%s（%s）", "holiday calendar %s: %s (%s)", day, d.Name, string(d.Kind)),
			Before:  before, After: map[string]string{"kind": string(d.Kind), "name": d.Name}})
	})
	if err != nil {
		return err
	}
	_, err = s.reloadCalendar(ctx)
	return err
}

// DeleteCalendarDay removes the entry of a date, which then follows the
// weekday rule.
func (s *Service) DeleteCalendarDay(ctx context.Context, actor access.Actor, day time.Time) error {
	if err := canCalendar(actor); err != nil {
		return err
	}
	key := day.In(calendarZone).Format(time.DateOnly)
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var kind, name string
		if err := tx.QueryRow(ctx, "SELECT kind, name FROM case_calendar WHERE day = ?", key).Scan(&kind, &name); err != nil {
			return errs.Newf(errs.NotFound, "%s 没有登记节假日安排", "%s has no calendar entry", key)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM case_calendar WHERE day = ?", key); err != nil {
			return errs.Wrap(err, "delete calendar day")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "cases.calendar", TargetType: "calendar", TargetID: key,
			Summary: i18n.Textf("删除节假日安排 %s（%s）", "deleted calendar entry %s (%s)", key, name),
			Before:  map[string]string{"kind": kind, "name": name}})
	})
	if err != nil {
		return err
	}
	_, err = s.reloadCalendar(ctx)
	return err
}

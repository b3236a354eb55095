package people

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// StatusInput changes a member's status: 流动党员 with where they are, 失联,
// 停止党籍 and back to 正常; 出党 and 去世 end the membership.
type StatusInput struct {
	Status string `json:"status"`
	Where  string `json:"where"`   // for floating members: where they are
	OnDate string `json:"on_date"` // YYYY-MM-DD
}

// current reads the person's counted state inside tx: their person row's
// counted part and their current membership, which the actor must be
// allowed to manage.
func (s *Service) current(ctx context.Context, tx *db.Tx, actor access.Actor, personID int64) (counted, *Membership, string, error) {
	var c counted
	var name, birth string
	notFound := errs.Newf(errs.NotFound, "人员 %d 不存在或不在您的管理范围内", "person %d not found or outside your scope", personID)
	if err := tx.QueryRow(ctx, "SELECT name, gender, birth_date, education, ethnicity FROM persons WHERE id = ?", personID).Scan(&name, &c.gender, &birth, &c.education, &c.ethnicity); err != nil {
		return c, nil, "", notFound
	}
	c.birthYear = birth[:4]
	m, err := s.membership(ctx, tx, personID)
	if err != nil {
		return c, nil, "", err
	}
	if m == nil || !actor.Can(PeopleRead, m.path) {
		return c, nil, "", notFound
	}
	if !actor.Can(PeopleManage, m.path) {
		return c, nil, "", errs.New(errs.Forbidden, "您没有管理该党员的权限", "you may not manage this member")
	}
	if !m.Active {
		return c, nil, "", errs.New(errs.Conflict, fmt.Sprintf("%s的党员身份已于 %s 结束（%s），不能再变更", name, m.EndedOn, org.LabelOf(Statuses, m.Status, "")),
			fmt.Sprintf("the membership of %s ended on %s (%s) and cannot change", name, m.EndedOn, strings.ToLower(org.LabelOf(Statuses, m.Status, i18n.EN))))
	}
	return c, m, name, nil
}

// SetStatus records a change of a member's status on a date.
func (s *Service) SetStatus(ctx context.Context, actor access.Actor, personID int64, in StatusInput) (Person, error) {
	var f errs.Fields
	status, ok := org.KeyOf(Statuses, in.Status)
	if !ok || status == "transferred_out" {
		f.Add("status", "请选择状态：正常、流动党员、失联、停止党籍、出党或去世", "choose the status: normal, floating, out of contact, suspended, left the Party or deceased")
	}
	where := strings.TrimSpace(in.Where)
	if status == "floating" && (where == "" || utf8.RuneCountInString(where) > 100) {
		f.Add("where", "请填写流动党员的流入地（最多 100 字），如“广东省深圳市宝安区”", "enter where the member has gone (at most 100 characters)")
	}
	if status != "floating" {
		where = ""
	}
	on, okDate := parseDate(in.OnDate, "on_date", "变更日期", "date of the change", &f)
	if okDate && on.After(s.today()) {
		f.Add("on_date", "变更日期不能晚于今天", "the date of the change cannot be after today")
	}
	if err := f.Err(); err != nil {
		return Person{}, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		c, m, name, err := s.current(ctx, tx, actor, personID)
		if err != nil {
			return err
		}
		if m.Status == status && m.FloatingWhere == where {
			return errs.Field("status", "状态没有变化", "the status is unchanged")
		}
		if on.Format(dateLayout) < m.StartedOn {
			return errs.Field("on_date", "变更日期不能早于在本组织的开始日期 "+m.StartedOn, "the date cannot be before the membership here began, "+m.StartedOn)
		}
		active := !ends(status)
		q := "UPDATE memberships SET status = ?, floating_where = ?, active = ?, ended_on = ?, version = version + 1 WHERE id = ?"
		ended := any(nil)
		if !active {
			ended = on.Format(dateLayout)
		}
		if _, err := tx.Exec(ctx, q, status, where, active, ended, m.ID); err != nil {
			return errs.Wrap(err, "set status")
		}
		// Leaving the Party or death ends every post the person held.
		if !active {
			if err := s.endPosts(ctx, tx, actor, personID, 0, on.Format(dateLayout)); err != nil {
				return err
			}
		}
		agg := map[aggKey]int{}
		addMember(agg, m.path, c, memberCount{joinYear: m.JoinedOn[:4], status: m.Status, kind: m.Kind}, -1)
		if active {
			addMember(agg, m.path, c, memberCount{joinYear: m.JoinedOn[:4], status: status, kind: m.Kind}, 1)
		}
		if err := bumpAgg(ctx, tx, agg); err != nil {
			return err
		}
		label := org.LabelOf(Statuses, status, "")
		text := i18n.Text{ZH: "状态变更为" + label, EN: "status changed to " + strings.ToLower(org.LabelOf(Statuses, status, i18n.EN))}
		if where != "" {
			text.ZH += "（流入地：" + where + "）"
			text.EN = "became a floating member, now in " + where
		}
		if err := s.event(ctx, tx, actor, personID, m.ID, "status", text, on); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "member.status", TargetType: "person", TargetID: strconv.FormatInt(personID, 10), OrgPath: m.path,
			Summary: i18n.Text{ZH: fmt.Sprintf("%s：%s", name, text.ZH), EN: fmt.Sprintf("%s: %s", name, text.EN)},
			Before:  map[string]any{"status": m.Status, "where": m.FloatingWhere}, After: map[string]any{"status": status, "where": where, "on_date": on.Format(dateLayout)}})
	})
	if err != nil {
		return Person{}, err
	}
	return s.Person(ctx, actor, personID)
}

// Convert records a probationary member's full membership on a date, which
// may not come before their year of probation is over.
func (s *Service) Convert(ctx context.Context, actor access.Actor, personID int64, onDate string) (Person, error) {
	var f errs.Fields
	on, ok := parseDate(onDate, "full_on", "转正日期", "date of full membership", &f)
	if ok && on.After(s.today()) {
		f.Add("full_on", "转正日期不能晚于今天", "the date of full membership cannot be after today")
	}
	if err := f.Err(); err != nil {
		return Person{}, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		c, m, name, err := s.current(ctx, tx, actor, personID)
		if err != nil {
			return err
		}
		if m.Kind != "probationary" {
			return errs.Newf(errs.Conflict, "%s已是正式党员", "%s is a full member already", name)
		}
		if on.Before(mustDate(m.JoinedOn).AddDate(1, 0, 0)) {
			return errs.Field("full_on", "预备期为一年：最早可于 "+mustDate(m.JoinedOn).AddDate(1, 0, 0).Format(dateLayout)+" 转正",
				"probation lasts a year: full membership from "+mustDate(m.JoinedOn).AddDate(1, 0, 0).Format(dateLayout))
		}
		if _, err := tx.Exec(ctx, "UPDATE memberships SET kind = 'full', full_on = ?, version = version + 1 WHERE id = ?", on.Format(dateLayout), m.ID); err != nil {
			return errs.Wrap(err, "convert")
		}
		agg := map[aggKey]int{}
		addMember(agg, m.path, c, memberCount{joinYear: m.JoinedOn[:4], status: m.Status, kind: "probationary"}, -1)
		addMember(agg, m.path, c, memberCount{joinYear: m.JoinedOn[:4], status: m.Status, kind: "full"}, 1)
		if err := bumpAgg(ctx, tx, agg); err != nil {
			return err
		}
		text := i18n.Text{ZH: "转为正式党员", EN: "became a full member"}
		if err := s.event(ctx, tx, actor, personID, m.ID, "convert", text, on); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "member.convert", TargetType: "person", TargetID: strconv.FormatInt(personID, 10), OrgPath: m.path,
			Summary: i18n.Text{ZH: name + "转为正式党员（" + on.Format(dateLayout) + "）", EN: name + " became a full member (" + on.Format(dateLayout) + ")"},
			Before:  map[string]any{"kind": "probationary"}, After: map[string]any{"kind": "full", "full_on": on.Format(dateLayout)}})
	})
	if err != nil {
		return Person{}, err
	}
	return s.Person(ctx, actor, personID)
}

package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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

// PostKinds are the posts the register records.
var PostKinds = []org.Choice{
	{Key: "secretary", Text: i18n.Text{ZH: "书记", EN: "Secretary"}},
	{Key: "deputy_secretary", Text: i18n.Text{ZH: "副书记", EN: "Deputy secretary"}},
	{Key: "committee_member", Text: i18n.Text{ZH: "委员", EN: "Committee member"}},
	{Key: "first_secretary", Text: i18n.Text{ZH: "第一书记", EN: "First secretary"}},
	{Key: "organizer", Text: i18n.Text{ZH: "党建组织员", EN: "Party-building organizer"}},
	{Key: "instructor", Text: i18n.Text{ZH: "党建指导员", EN: "Party-building instructor"}},
	{Key: "village_committee", Text: i18n.Text{ZH: "村（社区）“两委”成员", EN: "Village (community) committee member"}},
	{Key: "section_chief", Text: i18n.Text{ZH: "科长", EN: "Section chief"}},
	{Key: "staff", Text: i18n.Text{ZH: "工作人员", EN: "Staff"}},
}

// singlePost reports whether an organization has one holder of the post at
// a time.
func singlePost(post string) bool { return post == "secretary" || post == "first_secretary" }

// committeePost reports whether the post is on the Party committee, which
// only full members hold.
func committeePost(post string) bool {
	return post == "secretary" || post == "deputy_secretary" || post == "committee_member"
}

// PostInput appoints a person to a post in an organization.
type PostInput struct {
	PersonID int64  `json:"person_id"`
	OrgID    int64  `json:"org_id"`
	Post     string `json:"post"`
	// HomeAgency is a first secretary's sending agency (派出单位) or an
	// instructor's host unit; required for those two posts.
	HomeAgency string `json:"home_agency"`
	StartedOn  string `json:"started_on"`
}

// Post is a person's post in an organization.
type Post struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	PersonName string `json:"person_name"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	Post       string `json:"post"`
	HomeAgency string `json:"home_agency"`
	StartedOn  string `json:"started_on"`
	EndedOn    string `json:"ended_on"`
}

// Appoint records a person taking up a post on a date. A committee post
// needs a full member; a secretary or first secretary is one at a time, so
// the present holder leaves first; a person's terms in one post never
// overlap.
func (s *Service) Appoint(ctx context.Context, actor access.Actor, in PostInput) (Post, error) {
	var f errs.Fields
	post, ok := org.KeyOf(PostKinds, in.Post)
	if !ok {
		f.Add("post", "请选择职务，如“书记”“委员”“第一书记”", "choose the post, such as secretary, committee member or first secretary")
	}
	agency := strings.TrimSpace(in.HomeAgency)
	if (post == "first_secretary" || post == "instructor") && (agency == "" || utf8.RuneCountInString(agency) > 100) {
		f.Add("home_agency", "请填写派出单位或所联系的单位（最多 100 字）", "enter the sending agency or the unit served (at most 100 characters)")
	}
	started, okDate := parseDate(in.StartedOn, "started_on", "任职日期", "date of taking up the post", &f)
	if okDate && started.After(s.today()) {
		f.Add("started_on", "任职日期不能晚于今天", "the date of taking up the post cannot be after today")
	}
	if in.OrgID == 0 {
		f.Add("org_id", "请选择任职的党组织", "choose the organization")
	}
	if err := f.Err(); err != nil {
		return Post{}, err
	}
	o, err := s.orgs.Check(ctx, actor, in.OrgID, PeopleManage)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound {
			return Post{}, errs.Field("org_id", e.ZH, e.EN)
		}
		return Post{}, err
	}
	if !o.Active() {
		return Post{}, errs.Field("org_id", fmt.Sprintf("“%s”已撤销，不能任职", o.Label()), fmt.Sprintf("%s has been dissolved", o.Label()))
	}
	if in.PersonID <= 0 {
		return Post{}, errs.Field("person_id", "请选择任职的人员", "choose the person")
	}
	p, err := s.Person(ctx, actor, in.PersonID)
	if err != nil {
		if e := errs.As(err); e.Kind == errs.NotFound {
			return Post{}, errs.Field("person_id", e.ZH, e.EN)
		}
		return Post{}, err
	}
	on := started.Format(dateLayout)
	label := org.LabelOf(PostKinds, post, "")
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		m, err := s.membership(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if committeePost(post) && (m == nil || !m.Active || m.Kind != "full") {
			return errs.Field("person_id", fmt.Sprintf("%s不是正式党员，不能担任%s", p.Name, label), fmt.Sprintf("%s is not a full member and cannot be %s", p.Name, strings.ToLower(org.LabelOf(PostKinds, post, i18n.EN))))
		}
		// The same person's earlier spells in the post must have ended by then.
		var last sql.NullString
		var open int
		if err := tx.QueryRow(ctx, "SELECT MAX(COALESCE(ended_on, '9999-12-31')), COUNT(*) - COUNT(ended_on) FROM posts WHERE person_id = ? AND org_id = ? AND post = ?", p.ID, o.ID, post).Scan(&last, &open); err != nil {
			return errs.Wrap(err, "earlier posts")
		}
		if open > 0 {
			return errs.New(errs.Conflict, p.Name+"已是"+o.Label()+label, p.Name+" already holds this post in "+o.Label())
		}
		if last.Valid && on < last.String {
			return errs.Field("started_on", fmt.Sprintf("%s在%s担任%s至 %s，新的任职日期应在此之后", p.Name, o.Label(), label, last.String),
				fmt.Sprintf("%s held this post in %s until %s: the new one starts after that", p.Name, o.Label(), last.String))
		}
		if singlePost(post) {
			var holder string
			var since string
			err := tx.QueryRow(ctx, "SELECT pe.name, po.started_on FROM posts po JOIN persons pe ON pe.id = po.person_id WHERE po.org_id = ? AND po.post = ? AND po.ended_on IS NULL", o.ID, post).Scan(&holder, &since)
			if err == nil {
				return errs.New(errs.Conflict, fmt.Sprintf("%s现任%s为%s（自 %s）：请先办理其离任", o.Label(), label, holder, since),
					fmt.Sprintf("the present %s of %s is %s (since %s): record their leaving first", strings.ToLower(org.LabelOf(PostKinds, post, i18n.EN)), o.Label(), holder, since))
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return errs.Wrap(err, "present holder")
			}
		}
		if err := tx.QueryRow(ctx, "INSERT INTO posts (person_id, org_id, post, home_agency, started_on, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			p.ID, o.ID, post, agency, on, db.FormatTime(tx.Now())).Scan(&id); err != nil {
			return errs.Wrap(err, "insert post")
		}
		text := postText(o.Label(), post)
		if agency != "" {
			text.ZH += "（" + agency + "）"
			text.EN += " (" + agency + ")"
		}
		if m != nil {
			if err := s.event(ctx, tx, actor, p.ID, m.ID, "post", text, started); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "post.appoint", TargetType: "person", TargetID: strconv.FormatInt(p.ID, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: p.Name + text.ZH, EN: p.Name + " " + text.EN},
			After:   map[string]any{"org_id": o.ID, "post": post, "home_agency": agency, "started_on": on}})
	})
	if err != nil {
		return Post{}, err
	}
	return Post{ID: id, PersonID: p.ID, PersonName: p.Name, OrgID: o.ID, OrgName: o.Label(), Post: post, HomeAgency: agency, StartedOn: on}, nil
}

// postText is the step of a member's timeline that takes up a post.
func postText(orgName, post string) i18n.Text {
	return i18n.Text{ZH: "任" + orgName + org.LabelOf(PostKinds, post, ""), EN: "became " + strings.ToLower(org.LabelOf(PostKinds, post, i18n.EN)) + " of " + orgName}
}

// postEndText is the step of a member's timeline that leaves a post.
func postEndText(orgName, post string) i18n.Text {
	return i18n.Text{ZH: "离任" + orgName + org.LabelOf(PostKinds, post, ""), EN: "left the post of " + strings.ToLower(org.LabelOf(PostKinds, post, i18n.EN)) + " of " + orgName}
}

// EndPost records a person leaving a post on a date.
func (s *Service) EndPost(ctx context.Context, actor access.Actor, postID int64, endedOn string) error {
	var f errs.Fields
	ended, ok := parseDate(endedOn, "ended_on", "离任日期", "date of leaving", &f)
	if ok && ended.After(s.today()) {
		f.Add("ended_on", "离任日期不能晚于今天", "the date of leaving cannot be after today")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var po Post
		var path string
		var end sql.NullString
		notFound := errs.Newf(errs.NotFound, "任职 %d 不存在或不在您的管理范围内", "post %d not found or outside your scope", postID)
		err := tx.QueryRow(ctx, "SELECT po.person_id, pe.name, po.org_id, "+org.LabelCol("o")+", "+org.PathCol("o")+", po.post, po.started_on, po.ended_on FROM posts po JOIN persons pe ON pe.id = po.person_id"+
			org.Join("o", "po.org_id")+" WHERE po.id = ?", postID).Scan(&po.PersonID, &po.PersonName, &po.OrgID, &po.OrgName, &path, &po.Post, &po.StartedOn, &end)
		if err != nil || !actor.Can(PeopleRead, path) {
			return notFound
		}
		if !actor.Can(PeopleManage, path) {
			return errs.New(errs.Forbidden, "您没有管理该组织任职的权限", "you may not manage this organization's posts")
		}
		label := org.LabelOf(PostKinds, po.Post, "")
		if end.Valid {
			return errs.New(errs.Conflict, fmt.Sprintf("%s已于 %s 离任%s", po.PersonName, end.String, label), fmt.Sprintf("%s left this post on %s", po.PersonName, end.String))
		}
		on := ended.Format(dateLayout)
		if on < po.StartedOn {
			return errs.Field("ended_on", "离任日期不能早于任职日期 "+po.StartedOn, "the date of leaving cannot be before taking up the post, "+po.StartedOn)
		}
		if _, err := tx.Exec(ctx, "UPDATE posts SET ended_on = ? WHERE id = ?", on, postID); err != nil {
			return errs.Wrap(err, "end post")
		}
		text := postEndText(po.OrgName, po.Post)
		if m, err := s.membership(ctx, tx, po.PersonID); err != nil {
			return err
		} else if m != nil {
			if err := s.event(ctx, tx, actor, po.PersonID, m.ID, "post_end", text, ended); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "post.end", TargetType: "person", TargetID: strconv.FormatInt(po.PersonID, 10), OrgPath: path,
			Summary: i18n.Text{ZH: po.PersonName + text.ZH, EN: po.PersonName + " " + text.EN},
			Before:  map[string]any{"post": po.Post, "started_on": po.StartedOn}, After: map[string]any{"ended_on": on}})
	})
}

// OrgPosts lists the present holders of posts in an organization, in the
// order of PostKinds, then by date.
func (s *Service) OrgPosts(ctx context.Context, actor access.Actor, orgID int64) ([]Post, error) {
	o, err := s.orgs.Check(ctx, actor, orgID, PeopleRead)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT po.id, po.person_id, pe.name, po.post, po.home_agency, po.started_on FROM posts po JOIN persons pe ON pe.id = po.person_id WHERE po.org_id = ? AND po.ended_on IS NULL ORDER BY po.started_on, po.id", orgID)
	if err != nil {
		return nil, errs.Wrap(err, "posts")
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p := Post{OrgID: o.ID, OrgName: o.Label()}
		if err := rows.Scan(&p.ID, &p.PersonID, &p.PersonName, &p.Post, &p.HomeAgency, &p.StartedOn); err != nil {
			return nil, errs.Wrap(err, "scan post")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "posts")
	}
	order := map[string]int{}
	for i, k := range PostKinds {
		order[k.Key] = i
	}
	slices.SortStableFunc(out, func(a, b Post) int { return order[a.Post] - order[b.Post] })
	return out, nil
}

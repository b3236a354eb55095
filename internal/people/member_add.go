package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/ids"
	"jiceng/internal/org"
)

// PersonInput is a person as a form, an API body or an import row gives
// it. Gender and birth date may be left out: the ID number carries them;
// given, they must agree with it. Ethnicity and education take the code or
// the name ("08" or "壮族").
type PersonInput struct {
	Name      string `json:"name"`
	IDNumber  string `json:"id_number"`
	Gender    string `json:"gender"`
	BirthDate string `json:"birth_date"`
	Ethnicity string `json:"ethnicity"`
	Education string `json:"education"`
	Phone     string `json:"phone"`
}

// MemberInput adds a person to the register as a member of an organization.
type MemberInput struct {
	PersonInput
	OrgID    int64  `json:"org_id"`
	Kind     string `json:"kind"`      // full | probationary
	JoinedOn string `json:"joined_on"` // admitted to the Party, YYYY-MM-DD
	FullOn   string `json:"full_on"`   // converted to full membership, for full members; optional
}

// person is a checked PersonInput.
type person struct {
	name, gender, birth, ethnicity, education, id, phone string
}

// dateLayout is the register's date format.
const dateLayout = "2006-01-02"

// checkPerson validates in against today and adds a problem per field to f.
func (s *Service) checkPerson(in PersonInput, today time.Time, f *errs.Fields) person {
	var p person
	p.name = norm.NFC.String(strings.TrimSpace(in.Name))
	if n := utf8.RuneCountInString(p.name); n == 0 || n > 50 {
		f.Add("name", "请填写姓名（最多 50 字）", "enter the name (at most 50 characters)")
	} else if !plainName(p.name) {
		f.Add("name", "姓名只能由文字、间隔号“·”和空格组成，不能含换行、控制或不可见字符", "a name is letters, the middle dot and spaces, without line breaks, control or invisible characters")
	}
	card, err := ids.ParseIDCard(foldID(in.IDNumber), today)
	if err != nil {
		e := errs.As(err)
		f.Add("id_number", e.ZH, e.EN)
	} else if _, ok := s.orgs.Division(card.RegionCode[:2]); !ok {
		f.Add("id_number", fmt.Sprintf("身份证号前 2 位 %s 不是省级行政区划代码，请核对", card.RegionCode[:2]),
			fmt.Sprintf("the first 2 digits of the ID number, %s, are not a province's division code: check them", card.RegionCode[:2]))
	} else {
		p.id = card.Number
		p.birth = card.Birth.Format(dateLayout)
		p.gender = "female"
		if card.Male {
			p.gender = "male"
		}
		if g := strings.TrimSpace(in.Gender); g != "" {
			key, ok := org.KeyOf(Genders, g)
			switch {
			case !ok:
				f.Add("gender", "性别应为“男”或“女”", "the gender must be male or female")
			case key != p.gender:
				f.Add("gender", fmt.Sprintf("性别与身份证号不符：身份证号第 17 位表示%s", org.LabelOf(Genders, p.gender, "")),
					fmt.Sprintf("the gender disagrees with the ID number: its 17th digit says %s", strings.ToLower(org.LabelOf(Genders, p.gender, i18n.EN))))
			}
		}
		if b := strings.TrimSpace(in.BirthDate); b != "" && b != p.birth {
			f.Add("birth_date", fmt.Sprintf("出生日期与身份证号不符：身份证号第 7–14 位为 %s", p.birth),
				fmt.Sprintf("the birth date disagrees with the ID number: characters 7–14 give %s", p.birth))
		}
	}
	var ok bool
	if p.ethnicity, ok = org.KeyOf(Ethnicities, in.Ethnicity); !ok {
		// "汉" for 汉族, as forms and files often write it.
		p.ethnicity, ok = org.KeyOf(Ethnicities, strings.TrimSpace(in.Ethnicity)+"族")
	}
	if !ok {
		f.Add("ethnicity", "请选择民族（56 个民族之一，如“汉族”“壮族”）", "choose the ethnic group (one of the 56, such as Han or Zhuang)")
	}
	if p.education, ok = org.KeyOf(Educations, in.Education); !ok {
		p.education, ok = org.KeyOf(Educations, educationAliases[strings.TrimSpace(in.Education)])
	}
	if !ok {
		f.Add("education", "请选择学历，如“大学本科”“大学专科”“普通高中”", "choose the education, such as Bachelor's degree or Senior high school")
	}
	p.phone = strings.TrimSpace(in.Phone)
	if p.phone != "" && !validPhone(p.phone) {
		f.Add("phone", "电话应为 11 位手机号（如 13812345678）或带区号的座机（如 0771-1234567）", "the phone must be an 11-digit mobile number (13812345678) or a landline with its area code (0771-1234567)")
	}
	return p
}

// plainName reports whether a name has a letter and nothing but letters,
// marks, spaces and the middle dot of minority names (阿依古丽·买买提):
// line breaks, control and format characters (a right-to-left override
// turns an audit line around) are refused.
func plainName(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsMark(r), r == ' ', r == '·', r == '・', r == '•':
		default:
			return false
		}
	}
	return letter
}

// foldID reads an ID number as people type it: full-width digits and X
// from a Chinese input method, spaces between groups.
func foldID(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r == 'Ｘ' || r == 'ｘ':
			r = 'X'
		case r == ' ' || r == '\u3000':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// validPhone accepts an 11-digit mobile number starting with 1, or a
// landline of 3–4 digits of area code, a dash and 7–8 digits.
func validPhone(s string) bool {
	if len(s) == 11 && s[0] == '1' && allDigits(s) {
		return true
	}
	area, num, ok := strings.Cut(s, "-")
	return ok && area != "" && area[0] == '0' && len(area) >= 3 && len(area) <= 4 && allDigits(area) && len(num) >= 7 && len(num) <= 8 && allDigits(num)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// looseDate is a date written with slashes, dots or 年月日.
var looseDate = regexp.MustCompile(`^(\d{4})\s*[/.年-]\s*(\d{1,2})\s*[/.月-]\s*(\d{1,2})\s*日?$`)

// educationAliases are the short names of education levels people write.
var educationAliases = map[string]string{"博士": "博士研究生", "硕士": "硕士研究生", "研究生": "硕士研究生", "本科": "大学本科", "专科": "大学专科",
	"大专": "大学专科", "中专": "中等专科", "职高": "职业高中", "技校": "技工学校", "高中": "普通高中"}

// parseDate reads a register date; a date that is not one is recorded at
// field.
func parseDate(v, field string, zh, en string, f *errs.Fields) (time.Time, bool) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(v))
	if err != nil {
		// Files write dates as 2015/7/1, 2015.7.1 or 2015年7月1日 too.
		if m := looseDate.FindStringSubmatch(strings.TrimSpace(v)); m != nil {
			t, err = time.Parse("2006-1-2", m[1]+"-"+m[2]+"-"+m[3])
		}
	}
	if err != nil {
		f.Add(field, "请填写"+zh+"，格式如 2020-07-01", "enter the "+en+" as a date like 2020-07-01")
		return time.Time{}, false
	}
	return t, true
}

// AddMember registers a person as a member of an organization the actor
// manages people in. The ID number must not be registered yet: the error
// then says where the person is, when the actor may see it.
func (s *Service) AddMember(ctx context.Context, actor access.Actor, in MemberInput) (Person, error) {
	if !actor.CanAnywhere(PeopleManage) {
		return Person{}, errs.New(errs.Forbidden, "您没有登记党员的权限", "you may not register members")
	}
	// Every field's problem at once: the organization's with the others.
	var f errs.Fields
	var o org.Org
	if in.OrgID == 0 {
		f.Add("org_id", "请选择所在党组织", "choose the organization")
	} else {
		var err error
		if o, err = s.orgs.Check(ctx, actor, in.OrgID, PeopleManage); err != nil {
			e := errs.As(err)
			if e.Kind != errs.NotFound {
				return Person{}, err
			}
			f.Add("org_id", e.ZH, e.EN)
		} else if !o.Active() {
			f.Add("org_id", fmt.Sprintf("“%s”已撤销，不能接收党员", o.Label()), fmt.Sprintf("%s has been dissolved and cannot take members", o.Label()))
		}
	}
	today := s.today()
	p := s.checkPerson(in.PersonInput, today, &f)
	m := s.checkJoin(in, p, today, &f)
	if err := f.Err(); err != nil {
		return Person{}, err
	}
	index := s.seal.lookup(p.id)
	if err := s.duplicate(ctx, actor, index); err != nil {
		return Person{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.LockTreeShared(ctx); err != nil {
			return errs.Wrap(err, "lock tree")
		}
		// The organization as it is now, under the tree lock: it may have
		// moved since it was checked, and the counts go to its ancestors now.
		ref, err := org.Lookup(ctx, tx, o.ID)
		if err != nil || !ref.Active() {
			return errs.Field("org_id", fmt.Sprintf("“%s”已撤销，不能接收党员", o.Label()), fmt.Sprintf("%s has been dissolved and cannot take members", o.Label()))
		}
		if !actor.Can(PeopleManage, ref.Path) {
			return errs.Field("org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", o.ID), fmt.Sprintf("organization %d not found or outside your scope", o.ID))
		}
		o.Path = ref.Path
		now := db.FormatTime(tx.Now())
		var phone any
		phoneMask := ""
		if p.phone != "" {
			phone, phoneMask = s.seal.seal("phone", p.phone), ids.MaskPhone(p.phone)
		}
		err = tx.QueryRow(ctx, `INSERT INTO persons (name, name_key, gender, birth_date, ethnicity, education, id_sealed, id_index, id_mask, phone_sealed, phone_mask, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.name, nameKey(p.name), p.gender, p.birth, p.ethnicity, p.education, s.seal.seal("id_number", p.id), index, ids.MaskIDCard(p.id), phone, phoneMask, now, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.New(errs.Conflict, "该身份证号刚刚已被登记，请刷新后查找", "this ID number was registered a moment ago: reload and search for it")
		}
		if err != nil {
			return errs.Wrap(err, "insert person")
		}
		province, err := org.Province(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		var mid int64
		if err := tx.QueryRow(ctx, `INSERT INTO memberships (person_id, org_id, province, kind, joined_on, full_on, status, active, started_on, name_key, gender, birth_date, education)
			VALUES (?, ?, ?, ?, ?, ?, 'normal', ?, ?, ?, ?, ?, ?) RETURNING id`, id, o.ID, province, m.kind, m.joined, nullable(m.full), true, m.joined,
			nameKey(p.name), p.gender, p.birth, p.education).Scan(&mid); err != nil {
			return errs.Wrap(err, "insert membership")
		}
		ev := joinText(o.Label(), m.kind)
		// A member registered here is taken to have been in the organization
		// since joining the Party; a transfer starts the next membership.
		if err := s.event(ctx, tx, actor, id, mid, "join", ev, mustDate(m.joined)); err != nil {
			return err
		}
		if m.full != "" {
			if err := s.event(ctx, tx, actor, id, mid, "convert", i18n.Text{ZH: "转为正式党员", EN: "became a full member"}, mustDate(m.full)); err != nil {
				return err
			}
		}
		if err := bumpMember(ctx, tx, o.Path, p.counted(), m.counted("normal"), 1); err != nil {
			return err
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "member.add", TargetType: "person", TargetID: strconv.FormatInt(id, 10), OrgPath: o.Path,
			Summary: i18n.Text{ZH: fmt.Sprintf("登记党员 %s（%s，%s）", p.name, o.Label(), org.LabelOf(Kinds, m.kind, "")),
				EN: fmt.Sprintf("registered the member %s (%s, %s)", p.name, o.Label(), strings.ToLower(org.LabelOf(Kinds, m.kind, i18n.EN)))},
			After: map[string]any{"name": p.name, "id_number": ids.MaskIDCard(p.id), "gender": p.gender, "ethnicity": p.ethnicity,
				"education": p.education, "phone": ids.MaskPhone(p.phone), "org_id": o.ID, "kind": m.kind, "joined_on": m.joined, "full_on": m.full}})
	})
	if err != nil {
		return Person{}, err
	}
	return s.Person(ctx, actor, id)
}

// joinText is the first step of a member's timeline.
func joinText(orgName, kind string) i18n.Text {
	return i18n.Text{ZH: "登记为" + orgName + org.LabelOf(Kinds, kind, ""),
		EN: "registered as a " + strings.ToLower(org.LabelOf(Kinds, kind, i18n.EN)) + " of " + orgName}
}

// join is a checked membership start.
type join struct {
	kind, joined, full string
}

// checkJoin validates the membership part of in for the person p.
func (s *Service) checkJoin(in MemberInput, p person, today time.Time, f *errs.Fields) join {
	var j join
	var ok bool
	if j.kind, ok = org.KeyOf(Kinds, in.Kind); !ok {
		j.kind, ok = map[string]string{"正式": "full", "预备": "probationary"}[strings.TrimSpace(in.Kind)]
	}
	if !ok {
		f.Add("kind", "请选择党员类别：正式党员或预备党员", "choose full or probationary member")
	}
	joined, okJ := parseDate(in.JoinedOn, "joined_on", "入党日期", "date of joining", f)
	if okJ {
		j.joined = joined.Format(dateLayout)
		switch {
		case joined.After(today):
			f.Add("joined_on", "入党日期不能晚于今天", "the date of joining cannot be after today")
		case p.birth != "" && joined.Before(mustDate(p.birth).AddDate(18, 0, 0)):
			f.Add("joined_on", "入党时应年满 18 周岁：请核对入党日期和身份证号", "a member joins at 18 or older: check the date of joining and the ID number")
		}
	}
	if strings.TrimSpace(in.FullOn) != "" {
		if j.kind == "probationary" {
			f.Add("full_on", "预备党员没有转正日期：转正时再填写", "a probationary member has no date of full membership yet")
		} else if full, ok := parseDate(in.FullOn, "full_on", "转正日期", "date of full membership", f); ok {
			j.full = full.Format(dateLayout)
			if okJ && full.Before(joined.AddDate(1, 0, 0)) {
				f.Add("full_on", "转正日期应在入党满一年预备期之后", "full membership comes after a probation of one year from joining")
			} else if full.After(today) {
				f.Add("full_on", "转正日期不能晚于今天", "the date of full membership cannot be after today")
			}
		}
	}
	return j
}

func mustDate(s string) time.Time {
	t, _ := time.Parse(dateLayout, s)
	return t
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// duplicate refuses an ID number already in the register, naming the
// person and the organization when the actor may read them. A refusal
// tells that the number is registered somewhere, so every one is written to
// the audit log of the organization the person belongs to, and an account
// refused many times is held back (dupLimit) — from every registration, so
// that the wait itself says nothing about the number.
func (s *Service) duplicate(ctx context.Context, actor access.Actor, index string) error {
	key := dupKey(actor)
	if wait := s.dupBlocked(key); wait > 0 {
		return tooManyDuplicates(wait)
	}
	var id int64
	var name string
	err := s.db.QueryRow(ctx, "SELECT id, name FROM persons WHERE id_index = ?", index).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return errs.Wrap(err, "find ID number")
	}
	path := ""
	if m, err := s.membership(ctx, s.db, id); err == nil && m != nil {
		path = m.path
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "person.duplicate", TargetType: "person", TargetID: strconv.FormatInt(id, 10), OrgPath: path,
			Summary: i18n.Text{ZH: "以已登记的身份证号（" + name + "）再次登记，被拒绝", EN: "tried to register an ID number already registered (" + name + "): refused"}})
	})
	if err != nil {
		return err
	}
	if ok, wait := s.dupLimit.Allow(key); !ok {
		s.dupBlock(key, wait)
		return tooManyDuplicates(wait)
	}
	if where, ok := s.placeOf(ctx, actor, id); ok {
		return errs.Field("id_number", fmt.Sprintf("该身份证号已登记：%s，%s", name, where.ZH), fmt.Sprintf("this ID number is registered already: %s, %s", name, where.EN))
	}
	return errs.Field("id_number", "该身份证号已登记在您管理范围以外的党组织，请联系上级组织部门", "this ID number is registered in an organization outside your scope: ask the department above you")
}

// tooManyDuplicates holds back an account that registered numbers already
// registered too often.
func tooManyDuplicates(wait time.Duration) error {
	return errs.TooManyWait("按身份证号登记或查找未果的次数过多", "too many ID numbers registered already or not found", wait)
}

// dupBlocked is how long the account under key is still held back.
func (s *Service) dupBlocked(key string) time.Duration {
	s.dupMu.Lock()
	defer s.dupMu.Unlock()
	until, ok := s.dupUntil[key]
	if !ok {
		return 0
	}
	if wait := until.Sub(s.now()); wait > 0 {
		return wait
	}
	delete(s.dupUntil, key)
	return 0
}

// dupBlock holds the account under key back for wait.
func (s *Service) dupBlock(key string, wait time.Duration) {
	s.dupMu.Lock()
	defer s.dupMu.Unlock()
	s.dupUntil[key] = s.now().Add(wait)
}

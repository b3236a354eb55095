package evaluation

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/errs"
)

// subjectProblem is one problem of one subject of a batch, worded without
// saying where the subject stands: the form and the API say "第 3 个测评对象",
// an import says "第 5 行“职务”". When the subject repeats an earlier one of
// the batch, same is that one's index and the messages hold refMark where
// its place is named.
type subjectProblem struct {
	index  int
	field  string // name, post, unit, section, report_text, groups, kind or org_id
	zh, en string
	same   int // -1, or the index of the earlier subject this one repeats
}

// refMark stands in a problem's message for the place of the subject it repeats.
const refMark = "\x00ref\x00"

// message returns the problem's messages with the repeated subject's place
// filled in as refZH and refEN.
func (p subjectProblem) message(refZH, refEN string) (string, string) {
	return strings.ReplaceAll(p.zh, refMark, refZH), strings.ReplaceAll(p.en, refMark, refEN)
}

// personKey identifies a person subject: two staff of the same name in the
// same section of the same agency could not be told apart on a ballot.
func personKey(name, unit, section string) string {
	return name + "\x00" + unit + "\x00" + section
}

// personLabel names a person with the place that tells them apart,
// “张三”（兴宁区市场监督管理局 · 行政审批科）.
func personLabel(name, unit, section string) string {
	place := unit
	if section != "" {
		place += " · " + section
	}
	if place == "" {
		return "“" + name + "”"
	}
	return "“" + name + "”（" + place + "）"
}

// draftCampaign returns a campaign whose subjects the actor may change now:
// evaluation.manage on its owner, still a draft, and its owner not
// dissolved (checked again under the lock by lockDraftTx; here it answers
// before any input is read or checked).
func (s *Service) draftCampaign(ctx context.Context, actor access.Actor, id int64) (Campaign, error) {
	c, err := s.CheckManage(ctx, actor, id)
	if err != nil {
		return Campaign{}, err
	}
	if c.Status != StatusDraft {
		return Campaign{}, rulesFrozen()
	}
	if err := activeOwner(ctx, s.db, c.OwnerOrgID); err != nil {
		return Campaign{}, err
	}
	return c, nil
}

// checkSubjects applies the rules of a subject to every subject of in, in
// place (trimming, taking an organization's name, dropping repeated
// groups), and returns every problem found, in order. Organizations must lie
// in the owner's subtree; no organization, and no person of the same name,
// unit and section, may be rated twice, whether already a subject or
// repeated within in. AddSubjects and the subject import share it, so that a
// subject is accepted or refused by the same rules either way.
func (s *Service) checkSubjects(ctx context.Context, actor access.Actor, c Campaign, in []SubjectInput) ([]subjectProblem, error) {
	groups := map[string]bool{}
	for _, g := range c.Rules.Groups {
		groups[g.Key] = true
	}
	existing, err := loadSubjects(ctx, s.db, c.ID)
	if err != nil {
		return nil, err
	}
	// Each map gives the index in in of the first subject that took a key,
	// or -1 for one that is already a subject.
	orgTaken := map[int64]int{}
	personTaken := map[string]int{}
	for _, sb := range existing {
		if sb.OrgID != nil {
			orgTaken[*sb.OrgID] = -1
		} else {
			personTaken[personKey(sb.Name, sb.Unit, sb.Section)] = -1
		}
	}
	var out []subjectProblem
	add := func(i int, field, zh, en string) {
		out = append(out, subjectProblem{index: i, field: field, zh: zh, en: en, same: -1})
	}
	repeat := func(i int, field, label string, first int) {
		if first < 0 {
			add(i, field, label+"已是本次测评的对象", label+" is already a subject of this campaign")
			return
		}
		out = append(out, subjectProblem{index: i, field: field, same: first,
			zh: label + "与" + refMark + "重复，请只保留一个", en: label + " repeats " + refMark + ": keep one of them"})
	}
	// text trims a field of subject i and checks its length.
	text := func(i int, field, label, labelEN string, v *string, required bool, max int) {
		*v = strings.TrimSpace(*v)
		n := utf8.RuneCountInString(*v)
		switch {
		case required && n == 0:
			add(i, field, "请填写"+label, "enter the "+labelEN)
		case n > max:
			add(i, field, fmt.Sprintf("%s最多 %d 字，现为 %d 字", label, max, n),
				fmt.Sprintf("the %s takes at most %d characters, not %d", labelEN, max, n))
		}
	}
	for i := range in {
		sb := &in[i]
		switch sb.Kind {
		case SubjectOrg:
			o, err := s.orgs.Get(ctx, actor, sb.OrgID)
			switch {
			case err != nil && errs.KindOf(err) == errs.Internal:
				return nil, err
			case err != nil:
				add(i, "org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", sb.OrgID),
					fmt.Sprintf("organization %d not found or outside your scope", sb.OrgID))
			case !o.Active():
				add(i, "org_id", fmt.Sprintf("“%s”已撤销，不能作为测评对象", o.Name), fmt.Sprintf("\"%s\" is dissolved and cannot be rated", o.Name))
			case !access.Within(o.Path, c.ownerPath):
				add(i, "org_id", fmt.Sprintf("“%s”不在“%s”的管辖范围内，不能作为本次测评的对象", o.Name, c.OwnerName),
					fmt.Sprintf("\"%s\" is not under \"%s\" and cannot be rated in this campaign", o.Name, c.OwnerName))
			default:
				if first, taken := orgTaken[o.ID]; taken {
					repeat(i, "org_id", "“"+o.Name+"”", first)
				} else {
					orgTaken[o.ID] = i
				}
				if strings.TrimSpace(sb.Name) == "" {
					sb.Name = o.Name
				}
			}
			text(i, "name", "名称", "name", &sb.Name, false, 100)
		case SubjectPerson:
			sb.OrgID = 0
			text(i, "name", "姓名", "name", &sb.Name, true, 50)
			text(i, "post", "职务", "post", &sb.Post, true, 100)
			text(i, "unit", "所在单位或部门", "unit or agency", &sb.Unit, true, 100)
		default:
			add(i, "kind", "类型应为 org（党组织）或 person（个人）", "the kind must be org or person")
			continue
		}
		text(i, "section", "科室", "section", &sb.Section, false, 100)
		text(i, "report_text", "述职报告", "report", &sb.ReportText, false, 20000)
		seen := map[string]bool{}
		var gs []string
		for _, g := range sb.Groups {
			if !groups[g] {
				add(i, "groups", fmt.Sprintf("评委组“%s”不在本次测评中", g), fmt.Sprintf("the rater group \"%s\" is not part of this campaign", g))
			} else if !seen[g] {
				seen[g] = true
				gs = append(gs, g)
			}
		}
		sb.Groups = gs
		if sb.Kind == SubjectPerson && sb.Name != "" {
			k := personKey(sb.Name, sb.Unit, sb.Section)
			if first, taken := personTaken[k]; taken {
				repeat(i, "name", personLabel(sb.Name, sb.Unit, sb.Section), first)
			} else {
				personTaken[k] = i
			}
		}
	}
	return out, nil
}

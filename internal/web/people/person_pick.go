package people

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/errs"
	"jiceng/internal/people"
)

// personPick is what the "person-pick" partial shows for a form's person
// field: the person chosen (from a link such as a member's page, or found
// by the text typed), or what was typed with the members it matches as
// choices.
type personPick struct {
	ID      string
	Text    string
	Chosen  *people.Member
	Choices []people.Member
}

// resolvePerson settles the person field name of a form: a chosen id
// (name) is kept; a name or a whole ID number typed (name+"_q") is looked
// up among the members the actor may read, and taken when one matches. It
// returns what the form shows, and the error at the field when the text
// matches none or several.
func (h *Pages) resolvePerson(ctx context.Context, actor access.Actor, form url.Values, name string) (personPick, error) {
	pp := personPick{ID: strings.TrimSpace(form.Get(name)), Text: strings.TrimSpace(form.Get(name + "_q"))}
	if pp.ID != "" {
		if id, err := strconv.ParseInt(pp.ID, 10, 64); err == nil && id > 0 {
			if p, err := h.ppl.Person(ctx, actor, id); err == nil {
				pp.Chosen = &people.Member{Person: p, OrgID: p.Membership.OrgID, OrgName: p.Membership.OrgName}
				pp.Text = p.Name
			}
		}
		return pp, nil
	}
	if pp.Text == "" {
		return pp, nil
	}
	found, _, err := h.ppl.Members(ctx, actor, people.MemberQuery{Q: pp.Text, Limit: 10})
	if err != nil {
		return pp, err
	}
	var exact []people.Member
	for _, m := range found {
		if m.Name == pp.Text {
			exact = append(exact, m)
		}
	}
	if len(exact) == 1 {
		found = exact
	}
	switch len(found) {
	case 0:
		return pp, errs.Field(name, fmt.Sprintf("在您的管理范围内没有姓名含“%s”的党员，请换个词或输入完整身份证号", people.SearchShown(pp.Text)),
			fmt.Sprintf("no member in your scope has %q in their name: try another word or the whole ID number", people.SearchShown(pp.Text)))
	case 1:
		pp.Chosen = &found[0]
		pp.ID = strconv.FormatInt(found[0].ID, 10)
		form.Set(name, pp.ID)
		return pp, nil
	}
	pp.Choices = found
	return pp, errs.Field(name, fmt.Sprintf("有多名党员的姓名含“%s”，请从下面选一名", pp.Text), fmt.Sprintf("several members have %q in their name: choose one below", pp.Text))
}

// personID is the chosen person's id, 0 when none is.
func (pp personPick) personID() int64 {
	id, _ := strconv.ParseInt(pp.ID, 10, 64)
	return max(id, 0)
}

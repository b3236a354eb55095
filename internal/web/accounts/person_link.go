package accounts

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/ids"
	"jiceng/internal/org"
	"jiceng/internal/web"
)

// An account may be linked to the person of the member register it belongs
// to (account.LinkPerson), so that what is kept from a person — an
// integrity report about a cadre — is kept from their account too. The
// accounts' pages do not read the register: they find and name persons
// through the source the register provides to the organization service
// (org.PersonSource), which finds only persons the reader may read.

// personLimit is how many persons a search offers.
const personLimit = 10

// linkedPerson is how a page shows the person an account is linked to:
// the masked name and organization when the reader may read the person,
// else only that the account is linked.
type linkedPerson struct {
	Ref    *org.PersonRef
	Hidden bool
}

// Label is the linked person in one line of text: "张* · 兴宁社区党支部",
// "已关联（不在您的查看范围内）", or "" when the account is linked to nobody.
func (l linkedPerson) Label(lang string) string {
	switch {
	case l.Ref != nil && l.Ref.OrgName != "":
		return l.Ref.NameMask + " · " + l.Ref.OrgName
	case l.Ref != nil:
		return l.Ref.NameMask
	case l.Hidden:
		return web.Msg(lang, "已关联（该人员不在您的查看范围内）", "linked (the person is outside your scope)")
	}
	return ""
}

// linkedPersons looks up the persons the users are linked to, by user id,
// as the reader may see them.
func (h *Pages) linkedPersons(ctx context.Context, actor access.Actor, users []account.User) (map[int64]linkedPerson, error) {
	out := map[int64]linkedPerson{}
	var want []int64
	for _, u := range users {
		if u.PersonID > 0 {
			want = append(want, u.PersonID)
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	refs := map[int64]org.PersonRef{}
	if src := h.Orgs.Persons(); src != nil {
		var err error
		if refs, err = src.PersonsByID(ctx, actor, want); err != nil {
			return nil, err
		}
	}
	for _, u := range users {
		if u.PersonID <= 0 {
			continue
		}
		if r, ok := refs[u.PersonID]; ok {
			out[u.ID] = linkedPerson{Ref: &r}
		} else {
			out[u.ID] = linkedPerson{Hidden: true}
		}
	}
	return out, nil
}

// personPick is the person picker of the user page: what was searched for
// (?person_q=), and the person found or the persons to choose from.
type personPick struct {
	Q       string
	Chosen  *org.PersonRef
	Choices []org.PersonRef
}

// idRun is a run that may be an ID number, masked where a search is echoed.
var idRun = regexp.MustCompile(`[0-9]{6,}[0-9Xx]*`)

// findPersons searches the register for q among the persons the actor may
// read: one found (or one whose name is exactly q) is chosen, several are
// offered; none, several, or a reader who may not read the register get
// the message at the person_id field.
func (h *Pages) findPersons(ctx context.Context, actor access.Actor, q string) (personPick, error) {
	pp := personPick{Q: strings.TrimSpace(q)}
	if pp.Q == "" {
		return pp, nil
	}
	shown := idRun.ReplaceAllStringFunc(pp.Q, ids.MaskIDCard)
	if utf8.RuneCountInString(pp.Q) > 50 {
		return pp, errs.Field("person_id", "查找内容最多 50 个字", "type at most 50 characters")
	}
	src := h.Orgs.Persons()
	if src == nil {
		return pp, errs.Field("person_id", "未启用党员名册，无法关联人员", "the member register is not in use: no person can be linked")
	}
	found, err := src.FindPersons(ctx, actor, pp.Q, personLimit+1)
	if errs.Is(err, errs.Forbidden) {
		return pp, errs.Field("person_id", "您没有查看党员名册的权限，无法查找人员", "you may not read the member register, so you cannot look up a person")
	}
	if err != nil {
		return pp, err
	}
	var exact []org.PersonRef
	for _, p := range found {
		if p.Name == pp.Q {
			exact = append(exact, p)
		}
	}
	if len(exact) == 1 {
		found = exact
	}
	switch len(found) {
	case 0:
		return pp, errs.Field("person_id", fmt.Sprintf("在您的管理范围内没有姓名含“%s”的党员，请换个词或输入完整身份证号", shown),
			fmt.Sprintf("no member in your scope has %q in their name: try another word or the whole ID number", shown))
	case 1:
		pp.Chosen = &found[0]
		return pp, nil
	}
	if len(found) > personLimit {
		pp.Choices = found[:personLimit]
		return pp, errs.Field("person_id", fmt.Sprintf("姓名含“%s”的党员超过 %d 名，下面只列出前 %d 名；请输入更完整的姓名或身份证号", shown, personLimit, personLimit),
			fmt.Sprintf("more than %d members have %q in their name and only the first %d are listed: type more of the name or the whole ID number", personLimit, shown, personLimit))
	}
	pp.Choices = found
	return pp, errs.Field("person_id", fmt.Sprintf("有多名党员的姓名含“%s”，请从下面选一名", shown), fmt.Sprintf("several members have %q in their name: choose one below", shown))
}

// linkPerson handles op=person: the person chosen (person_id) is checked
// to be one the reader may read, then linked. A refusal shows the page
// again with the message at the picker and the person as chosen; nothing
// is changed.
func (h *Pages) linkPerson(w http.ResponseWriter, r *http.Request, id int64) {
	ctx, actor, lang := r.Context(), web.Actor(r), i18n.FromRequest(r)
	refuse := func(pick personPick, err error) {
		p, ok := h.userPage(w, r)
		if !ok {
			return
		}
		d := p.Data.(map[string]any)
		d["Pick"] = pick
		h.FormError(w, r, h.tmpl, p, "user_show", err)
	}
	pid, err := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get("person_id")), 10, 64)
	if err != nil || pid <= 0 {
		refuse(personPick{}, errs.Field("person_id", "请先查找并选择要关联的人员", "look up and choose the person to link first"))
		return
	}
	// The account first: who may not manage it learns nothing about the
	// person it sent.
	u, err := h.accounts.Get(ctx, actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !u.Manageable() {
		h.Fail(w, r, errs.New(errs.Forbidden, "您不能管理该用户", "you may not manage this user"))
		return
	}
	var refs map[int64]org.PersonRef
	if src := h.Orgs.Persons(); src != nil {
		if refs, err = src.PersonsByID(ctx, actor, []int64{pid}); err != nil {
			h.Fail(w, r, err)
			return
		}
	}
	ref, ok := refs[pid]
	if !ok {
		refuse(personPick{}, errs.Field("person_id", fmt.Sprintf("人员 %d 不存在或不在您的管理范围内，未作关联", pid),
			fmt.Sprintf("person %d not found or outside your scope: nothing was linked", pid)))
		return
	}
	if err := h.accounts.LinkPerson(ctx, actor, id, pid); err != nil {
		refuse(personPick{Chosen: &ref}, err)
		return
	}
	h.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10), "ok", web.Msg(lang, "已关联人员 "+ref.NameMask, "Linked to the person "+ref.NameMask))
}

// unlinkPerson handles op=unlink.
func (h *Pages) unlinkPerson(w http.ResponseWriter, r *http.Request, id int64) {
	lang := i18n.FromRequest(r)
	back := "/users/" + strconv.FormatInt(id, 10)
	if err := h.accounts.LinkPerson(r.Context(), web.Actor(r), id, 0); err != nil {
		h.Redirect(w, r, back, "err", web.ErrMessage(err, lang))
		return
	}
	h.Redirect(w, r, back, "ok", web.Msg(lang, "已解除人员关联", "Person unlinked"))
}

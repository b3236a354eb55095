package accounts

import (
	"net/http"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/web"
)

// Users lists the accounts the user may see.
func (h *Pages) Users(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "users", h.T(i18n.FromRequest(r), "users.title"))
	l := web.ListFrom(r, "username")
	rows, total, err := h.accounts.List(r.Context(), web.Actor(r), l.Q, l.Per, l.Offset())
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	l.Total = total
	linked, err := h.linkedPersons(r.Context(), web.Actor(r), rows)
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	p.Form = r.URL.Query()
	p.Data = map[string]any{"Rows": rows, "List": l, "CanManage": web.Actor(r).CanAnywhere(access.UserManage), "Linked": linked}
	h.render(w, r, http.StatusOK, "users", "layout", p)
}

// UserNewForm shows the form for a new account.
func (h *Pages) UserNewForm(w http.ResponseWriter, r *http.Request) {
	if err := h.accounts.CanCreate(r.Context(), web.Actor(r)); err != nil {
		h.Fail(w, r, err)
		return
	}
	p := h.Page(r, "users", h.T(i18n.FromRequest(r), "users.new"))
	p.Form = r.URL.Query()
	p.Data = map[string]any{"Roles": account.GrantableRoles(web.Actor(r))}
	p.Picker("home_org_id", web.PickFilter{})
	h.render(w, r, http.StatusOK, "user_form", "layout", p)
}

// UserNew creates the account.
func (h *Pages) UserNew(w http.ResponseWriter, r *http.Request) {
	p := h.Page(r, "users", h.T(i18n.FromRequest(r), "users.new"))
	if !h.ParseForm(w, r) {
		return
	}
	p.Form = r.PostForm
	p.Data = map[string]any{"Roles": account.GrantableRoles(web.Actor(r))}
	p.Picker("home_org_id", web.PickFilter{})
	if err := h.ResolveOrg(r.Context(), web.Actor(r), r.PostForm, "home_org_id", web.PickFilter{}); err != nil {
		p.Form.Del("password")
		h.FormError(w, r, h.tmpl, p, "user_form", err)
		return
	}
	home, _ := strconv.ParseInt(r.PostForm.Get("home_org_id"), 10, 64)
	u, err := h.accounts.Create(r.Context(), web.Actor(r), account.NewUser{Username: r.PostForm.Get("username"), DisplayName: r.PostForm.Get("display_name"),
		Password: r.PostForm.Get("password"), HomeOrgID: home, Role: access.Role(r.PostForm.Get("role"))})
	if err != nil {
		p.Form.Del("password")
		h.FormError(w, r, h.tmpl, p, "user_form", err)
		return
	}
	h.Redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10), "ok", web.Msg(p.Lang, "已创建用户 "+u.Username, "Created user "+u.Username))
}

// UserShow shows an account with its grants and the forms to change them.
func (h *Pages) UserShow(w http.ResponseWriter, r *http.Request) {
	p, ok := h.userPage(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "user_show", "layout", p)
}

// grantRow is a grant on the user page, with whether the reader may revoke it.
type grantRow struct {
	access.Grant
	Revocable bool
}

// userPage builds the user page of the account in the path, or answers the
// error and returns false.
func (h *Pages) userPage(w http.ResponseWriter, r *http.Request) (*web.Page, bool) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	actor := web.Actor(r)
	u, err := h.accounts.Get(r.Context(), actor, id)
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	p := h.Page(r, "users", u.Username)
	p.Crumbs = []web.Crumb{{Label: h.T(p.Lang, "users.title"), Href: "/users"}, {Label: u.Username}}
	// CanManage comes from the domain: managing users at the home is not
	// enough when the account holds roles the reader could not grant. The
	// forms offer only what the domain would accept: the roles the reader
	// may grant, and 撤销 on grants it may revoke.
	grants := make([]grantRow, len(u.Grants))
	for i, g := range u.Grants {
		grants[i] = grantRow{Grant: g, Revocable: account.CanRevoke(actor, u, g)}
	}
	p.Picker("org_id", web.PickFilter{})
	linked, err := h.linkedPersons(r.Context(), actor, []account.User{u})
	if err != nil {
		h.Fail(w, r, err)
		return nil, false
	}
	d := map[string]any{"U": u, "Grants": grants, "Roles": account.GrantableRoles(actor), "CanManage": u.Manageable(), "Self": u.ID == actor.UserID,
		"Linked": linked[u.ID], "Pick": personPick{}}
	if u.Manageable() && r.Method == http.MethodGet {
		// ?person_q= is the person picker's search: a look-up, which
		// changes nothing; linking is the form's POST.
		pick, err := h.findPersons(r.Context(), actor, r.URL.Query().Get("person_q"))
		if err != nil && !errs.Is(err, errs.Invalid) {
			h.Fail(w, r, err)
			return nil, false
		}
		if err != nil {
			p.Errors = errs.FieldMessages(err, p.Lang)
		}
		d["Pick"] = pick
	}
	p.Data = d
	return p, true
}

// UserAction handles the forms of the user page: grant, revoke, enable,
// disable, set password, link to a person of the register and unlink.
func (h *Pages) UserAction(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Fail(w, r, err)
		return
	}
	if !h.ParseForm(w, r) {
		return
	}
	lang := i18n.FromRequest(r)
	actor := web.Actor(r)
	back := "/users/" + strconv.FormatInt(id, 10)
	var done string
	switch r.PostForm.Get("op") {
	case "grant":
		if err := h.ResolveOrg(r.Context(), actor, r.PostForm, "org_id", web.PickFilter{}); err != nil {
			// The typed name named no organization or several: the form
			// comes back with the text and, without JavaScript, the matches.
			if p, ok := h.userPage(w, r); ok {
				p.Form = r.PostForm
				h.FormError(w, r, h.tmpl, p, "user_show", err)
			}
			return
		}
		org, _ := strconv.ParseInt(r.PostForm.Get("org_id"), 10, 64)
		err = h.accounts.Grant(r.Context(), actor, id, access.Role(r.PostForm.Get("role")), org)
		done = web.Msg(lang, "已授权", "Role granted")
	case "revoke":
		g, _ := strconv.ParseInt(r.PostForm.Get("grant_id"), 10, 64)
		err = h.accounts.RevokeFrom(r.Context(), actor, id, g)
		done = web.Msg(lang, "已撤销授权", "Grant revoked")
	case "disable", "enable":
		st := "active"
		if r.PostForm.Get("op") == "disable" {
			st = "disabled"
		}
		err = h.accounts.SetStatus(r.Context(), actor, id, st)
		done = web.Msg(lang, "已更新账号状态", "Account status updated")
	case "person":
		h.linkPerson(w, r, id)
		return
	case "unlink":
		h.unlinkPerson(w, r, id)
		return
	case "password":
		if r.PostForm.Get("password") != r.PostForm.Get("password_confirm") {
			// Checked before anything is hashed, for whoever was shown the
			// form; the page comes back with neither password in it. Others
			// get the domain's refusal below, whatever they sent.
			p, ok := h.userPage(w, r)
			if !ok {
				return
			}
			if d := p.Data.(map[string]any); d["CanManage"] == true || d["Self"] == true {
				h.FormError(w, r, h.tmpl, p, "user_show", errs.Field("password_confirm", "两次输入的新密码不一致", "the two new passwords differ"))
				return
			}
		}
		err = h.accounts.ChangePassword(r.Context(), actor, id, r.PostForm.Get("current_password"), r.PostForm.Get("password"))
		done = web.Msg(lang, "已修改密码", "Password changed")
	default:
		h.Fail(w, r, web.ErrFormOp)
		return
	}
	if err != nil {
		h.Redirect(w, r, back, "err", web.ErrMessage(err, lang))
		return
	}
	h.Redirect(w, r, back, "ok", done)
}

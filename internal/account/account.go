package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Service manages users, grants and sessions.
type Service struct {
	db      *db.DB
	perms   *access.Catalogue
	params  Params
	limiter *Limiter
	now     func() time.Time
	// SessionTTL is how long a session lasts after login.
	SessionTTL time.Duration
	// IdleTimeout ends a session not used for this long (0: never).
	IdleTimeout time.Duration
	dummyHash   string
	// hashSlots caps the password hashes computed at once: each takes
	// Params.Memory, so a flood of logins would otherwise take memory
	// without bound. hashing and peak count them, for tests.
	hashSlots              chan struct{}
	hashing, peak, waiting atomic.Int64
	hashes                 atomic.Int64
}

// DefaultIdleTimeout is how long a session may go unused.
const DefaultIdleTimeout = 30 * time.Minute

// NewService returns the account service, which binds every actor it
// authenticates to perms. Pass DefaultParams outside tests.
func NewService(d *db.DB, p Params, perms *access.Catalogue) *Service {
	s := &Service{db: d, params: p, perms: perms, limiter: NewLimiter(nil), now: time.Now, SessionTTL: 12 * time.Hour, IdleTimeout: DefaultIdleTimeout,
		hashSlots: make(chan struct{}, runtime.NumCPU())}
	s.dummyHash, _ = HashPassword("timing-equaliser-0", p)
	return s
}

// WithClock makes the service and its login limiter read the time from now
// instead of the system clock, so that session lifetimes and lockouts are
// tested exactly. It returns s.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	s.limiter.now = now
	return s
}

// hashWork runs f, which hashes a password, once a hash slot is free; a
// request that gives up while waiting leaves without hashing.
func (s *Service) hashWork(ctx context.Context, f func()) error {
	s.waiting.Add(1)
	select {
	case s.hashSlots <- struct{}{}:
		s.waiting.Add(-1)
	case <-ctx.Done():
		s.waiting.Add(-1)
		return errs.New(errs.TooMany, "服务器繁忙，请稍后再试", "the server is busy: try again shortly")
	}
	n := s.hashing.Add(1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	s.hashes.Add(1)
	defer func() {
		s.hashing.Add(-1)
		<-s.hashSlots
	}()
	f()
	return nil
}

// hash returns the encoded hash of pw, computed in a hash slot.
func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	var h string
	var err error
	if werr := s.hashWork(ctx, func() { h, err = HashPassword(pw, s.params) }); werr != nil {
		return "", werr
	}
	return h, errs.Wrap(err, "hash")
}

// check compares pw with an encoded hash in a hash slot.
func (s *Service) check(ctx context.Context, encoded, pw string) (bool, error) {
	var ok bool
	err := s.hashWork(ctx, func() { ok = CheckPassword(encoded, pw) })
	return ok, err
}

// Limiter exposes the login limiter so that other credential entries share it.
func (s *Service) Limiter() *Limiter { return s.limiter }

// User is an account as listed to administrators.
type User struct {
	ID          int64          `json:"id"`
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	HomeOrgID   int64          `json:"home_org_id"`
	HomeOrgName string         `json:"home_org_name"`
	HomeOrgPath string         `json:"-"`
	Status      string         `json:"status"`
	CreatedAt   string         `json:"created_at"`
	LastLoginAt string         `json:"last_login_at"`
	Grants      []access.Grant `json:"grants"`
	// PersonID is the person of the member register the account belongs
	// to (see LinkPerson), 0 when none.
	PersonID int64 `json:"-"`
	// manageable: the reader may act on this account (see canManage).
	manageable bool
}

// Manageable reports whether the actor that read the user may act on it:
// change its password, status and grants.
func (u User) Manageable() bool { return u.manageable }

// canManage reports whether actor may act on an account homed at home that
// holds grants: it must manage users there and be able to give every role
// the account holds where it holds it, so that nobody takes over an account
// that can do more than they could hand out themselves.
func canManage(actor access.Actor, home string, grants []access.Grant) bool {
	if !actor.Can(access.UserManage, home) {
		return false
	}
	for _, g := range grants {
		if !actor.CanGrant(g.Role, g.OrgPath) {
			return false
		}
	}
	return true
}

// GrantableRoles lists, in display order, the roles actor may give on at
// least one organization: the choices of a grant form.
func GrantableRoles(actor access.Actor) []access.Role {
	scopes := actor.Scopes(access.UserManage)
	out := []access.Role{}
	for _, r := range access.Roles {
		ok := actor.System
		for _, sc := range scopes {
			ok = ok || actor.CanGrant(r, sc)
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// cannotGrant says that the actor may not give role on the organization at
// path, and names the roles it may give there, so that the user knows what
// to choose instead.
func cannotGrant(actor access.Actor, role access.Role, path string) i18n.Text {
	var zh, en []string
	for _, r := range access.Roles {
		if actor.CanGrant(r, path) {
			zh, en = append(zh, "“"+access.RoleLabel(r).ZH+"”"), append(en, access.RoleLabel(r).EN)
		}
	}
	name := access.RoleLabel(role)
	if len(zh) == 0 {
		return i18n.Text{ZH: fmt.Sprintf("您不能在该党组织上授予“%s”角色，也不能授予其他角色", name.ZH),
			EN: fmt.Sprintf("you may not grant the role %s, nor any other, on this organization", name.EN)}
	}
	return i18n.Text{ZH: fmt.Sprintf("您不能在该党组织上授予“%s”角色；可授予：%s", name.ZH, strings.Join(zh, "、")),
		EN: fmt.Sprintf("you may not grant the role %s on this organization; you may grant: %s", name.EN, strings.Join(en, ", "))}
}

// CanRevoke reports whether actor, which read u, may revoke u's grant g:
// it may manage u and give g's role there, and g is not the actor's own
// last grant that lets it manage users (see revoke).
func CanRevoke(actor access.Actor, u User, g access.Grant) bool {
	if !u.manageable || !actor.CanGrant(g.Role, g.OrgPath) || !actor.Can(access.OrgRead, g.OrgPath) {
		return false
	}
	if u.ID != actor.UserID || actor.System || !actor.RoleCan(g.Role, access.UserManage) {
		return true
	}
	for _, o := range u.Grants {
		if o.ID != g.ID && actor.RoleCan(o.Role, access.UserManage) {
			return true
		}
	}
	return false
}

// visibleGrants keeps the grants on organizations whose users the actor may
// read: a grant elsewhere is none of its business.
func visibleGrants(actor access.Actor, grants []access.Grant) []access.Grant {
	out := []access.Grant{}
	for _, g := range grants {
		if actor.Can(access.UserRead, g.OrgPath) {
			out = append(out, g)
		}
	}
	return out
}

// errNotYours refuses an action on an account the actor cannot manage.
// It names no role: the actor may not see the grant that makes the account
// out of reach, and the message must not reveal it.
var errNotYours = errs.New(errs.Forbidden, "您不能管理该用户", "you may not manage this user")

// NewUser is the input of Create.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	HomeOrgID   int64
	Role        access.Role // optional first grant, on the home organization
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)

// The username rule, as Create and Login state it.
const (
	usernameRuleZH = "用户名须为 3–32 位小写字母、数字或 _ . -，并以字母开头"
	usernameRuleEN = "a username has 3–32 lower-case letters, digits, _ . or -, starting with a letter"
)

type orgRef struct {
	id         int64
	path, name string
}

func loadOrg(ctx context.Context, tx *db.Tx, id int64) (orgRef, bool, error) {
	r, err := org.Lookup(ctx, tx, id)
	o := orgRef{id: r.ID, path: r.Path, name: r.Label()}
	if err == sql.ErrNoRows {
		return o, false, nil
	}
	return o, err == nil, errs.Wrap(err, "load org")
}

// Create adds a user whose home is an organization the actor manages, and
// optionally grants it a role there.
func (s *Service) Create(ctx context.Context, actor access.Actor, in NewUser) (User, error) {
	// The permission comes before the input: an account that may not
	// create users learns that, not which fields it got wrong.
	if err := s.CanCreate(ctx, actor); err != nil {
		return User{}, err
	}
	if in.HomeOrgID != 0 {
		if _, err := s.homeFor(ctx, s.db, actor, in.HomeOrgID); err != nil {
			return User{}, err
		}
	}
	var f errs.Fields
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if !usernameRE.MatchString(in.Username) {
		f.Add("username", usernameRuleZH, usernameRuleEN)
	}
	if utf8.RuneCountInString(in.DisplayName) > 50 {
		f.Add("display_name", "姓名最多 50 个字", "the display name may have at most 50 characters")
	}
	if err := CheckStrength(in.Username, in.Password); err != nil {
		e := errs.As(err)
		f.Add("password", e.ZH, e.EN)
	}
	if in.Role != "" && !access.ValidRole(in.Role) {
		f.Add("role", "角色不存在："+string(in.Role), "unknown role: "+string(in.Role))
	}
	if in.HomeOrgID == 0 {
		f.Add("home_org_id", "请选择所属党组织", "choose the user's organization")
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return User{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// Checked again with the write, in case the organization moved.
		home, err := s.homeFor(ctx, tx, actor, in.HomeOrgID)
		if err != nil {
			return err
		}
		if in.Role == access.Admin && actor.IsAdmin() && !access.IsTop(home.path) {
			return errAdminBelowTop("role")
		}
		if in.Role != "" && !actor.CanGrant(in.Role, home.path) {
			e := cannotGrant(actor, in.Role, home.path)
			return errs.Field("role", e.ZH, e.EN)
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE username = ?", in.Username).Scan(&n); err != nil {
			return errs.Wrap(err, "check username")
		}
		if n > 0 {
			return &errs.Error{Kind: errs.Conflict, Field: "username", Text: i18n.Text{ZH: "用户名 " + in.Username + " 已被使用，请换一个", EN: "username " + in.Username + " is taken: choose another"}}
		}
		now := db.FormatTime(s.now())
		err = tx.QueryRow(ctx, "INSERT INTO users (username, display_name, password_hash, home_org_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?) RETURNING id",
			in.Username, in.DisplayName, hash, home.id, now, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return &errs.Error{Kind: errs.Conflict, Field: "username", Text: i18n.Text{ZH: "用户名 " + in.Username + " 已被使用，请换一个", EN: "username " + in.Username + " is taken: choose another"}}
		}
		if err != nil {
			return errs.Wrap(err, "insert user")
		}
		after := map[string]any{"username": in.Username, "display_name": in.DisplayName, "home_org_id": home.id}
		if in.Role != "" {
			if _, err := tx.Exec(ctx, "INSERT INTO grants (user_id, role, org_id, created_at) VALUES (?, ?, ?, ?)", id, in.Role, home.id, now); err != nil {
				return errs.Wrap(err, "insert grant")
			}
			after["role"] = in.Role
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "user.create", TargetType: "user", TargetID: strconv.FormatInt(id, 10),
			OrgPath: home.path, Summary: i18n.Textf("新建用户 %s（%s）", "created the user %s (%s)", in.Username, home.name), After: after})
	})
	if err != nil {
		return User{}, err
	}
	return s.Get(ctx, actor, id)
}

// errNoUserManage refuses an actor that may manage users nowhere.
var errNoUserManage = errs.New(errs.Forbidden, "您没有管理用户的权限（需要 user.manage 权限）", "you may not manage users (the user.manage permission is needed)")

// CanCreate reports (as a Forbidden error) whether actor may create users
// anywhere at all: the new-user form is shown, and a new user's fields are
// read, only when it may.
func (s *Service) CanCreate(ctx context.Context, actor access.Actor) error {
	if !actor.CanAnywhere(access.UserManage) {
		return errNoUserManage
	}
	return nil
}

// homeFor resolves the home organization of a new user: answered at its
// field as not found unless the actor may see it, forbidden unless it may
// manage users there.
func (s *Service) homeFor(ctx context.Context, q db.Querier, actor access.Actor, id int64) (orgRef, error) {
	r, err := org.Lookup(ctx, q, id)
	o := orgRef{id: r.ID, path: r.Path, name: r.Label()}
	if err != nil && err != sql.ErrNoRows {
		return o, errs.Wrap(err, "load org")
	}
	if err == sql.ErrNoRows || !actor.Can(access.OrgRead, o.path) {
		return o, errs.Field("home_org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", id), fmt.Sprintf("organization %d not found or outside your scope", id))
	}
	if !actor.Can(access.UserManage, o.path) {
		return o, errs.New(errs.Forbidden, "您没有在该党组织下创建用户的权限（需要 user.manage 权限）", "you may not create users in this organization (the user.manage permission is needed)")
	}
	return o, nil
}

// Get returns a user whose home organization the actor may read users of.
func (s *Service) Get(ctx context.Context, actor access.Actor, id int64) (User, error) {
	us, _, err := s.list(ctx, actor, "u.id = ?", []any{id}, 1, 0)
	if err != nil {
		return User{}, err
	}
	if len(us) == 0 {
		return User{}, errs.Newf(errs.NotFound, "用户 %d 不存在或不在您的管理范围内", "user %d not found or outside your scope", id)
	}
	return us[0], nil
}

// List returns the users the actor may see, filtered by a search string over
// usernames and names.
// An actor that may read users nowhere is refused rather than shown an
// empty list, so that it knows the page is not for it.
func (s *Service) List(ctx context.Context, actor access.Actor, q string, limit, offset int) ([]User, int, error) {
	if !actor.CanAnywhere(access.UserRead) {
		return nil, 0, errs.New(errs.Forbidden, "您没有查看用户的权限（需要 user.read 权限）", "you may not view users (the user.read permission is needed)")
	}
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + q + "%"
		return s.list(ctx, actor, "(u.username LIKE ? OR u.display_name LIKE ?)", []any{like, like}, limit, offset)
	}
	return s.list(ctx, actor, "1=1", nil, limit, offset)
}

func (s *Service) list(ctx context.Context, actor access.Actor, cond string, args []any, limit, offset int) ([]User, int, error) {
	scope, sargs := actor.ScopeSQL(org.PathCol("o"), access.UserRead)
	w := scope + " AND " + cond
	all := append(sargs, args...)
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM users u"+org.Join("o", "u.home_org_id")+" WHERE "+w, all...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count users")
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, `SELECT u.id, u.username, u.display_name, u.home_org_id, `+org.LabelCol("o")+`, `+org.PathCol("o")+`,
		u.status, u.created_at, COALESCE(u.last_login_at, ''), COALESCE(u.person_id, 0) FROM users u`+org.Join("o", "u.home_org_id")+` WHERE `+w+` ORDER BY u.username LIMIT ? OFFSET ?`,
		append(all, limit, offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list users")
	}
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.HomeOrgID, &u.HomeOrgName, &u.HomeOrgPath, &u.Status, &u.CreatedAt, &u.LastLoginAt, &u.PersonID); err != nil {
			rows.Close()
			return nil, 0, errs.Wrap(err, "scan user")
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "user rows")
	}
	for i := range out {
		all, err := s.grants(ctx, s.db, out[i].ID)
		if err != nil {
			return nil, 0, err
		}
		out[i].manageable = canManage(actor, out[i].HomeOrgPath, all)
		out[i].Grants = visibleGrants(actor, all)
	}
	return out, total, nil
}

func (s *Service) grants(ctx context.Context, q db.Querier, userID int64) ([]access.Grant, error) {
	rows, err := q.Query(ctx, `SELECT g.id, g.role, g.org_id, `+org.PathCol("o")+`, `+org.LabelCol("o")+`
		FROM grants g`+org.Join("o", "g.org_id")+` WHERE g.user_id = ? ORDER BY g.id`, userID)
	if err != nil {
		return nil, errs.Wrap(err, "grants")
	}
	defer rows.Close()
	var out []access.Grant
	for rows.Next() {
		var g access.Grant
		if err := rows.Scan(&g.ID, &g.Role, &g.OrgID, &g.OrgPath, &g.OrgName); err != nil {
			return nil, errs.Wrap(err, "scan grant")
		}
		out = append(out, g)
	}
	return out, errs.Wrap(rows.Err(), "grant rows")
}

// target is an account as it stands inside the transaction that acts on it.
type target struct {
	id                     int64
	username, status, home string
	grants                 []access.Grant
}

// loadTarget loads the account userID for actor to act on: not found unless
// the actor may read the users of its home organization, forbidden unless
// the actor may manage it (canManage). It reads inside tx so that a grant
// added meanwhile cannot slip between the check and the change.
func (s *Service) loadTarget(ctx context.Context, tx *db.Tx, actor access.Actor, userID int64) (target, error) {
	t := target{id: userID}
	err := tx.QueryRow(ctx, "SELECT u.username, u.status, "+org.PathCol("o")+" FROM users u"+org.Join("o", "u.home_org_id")+" WHERE u.id = ?", userID).
		Scan(&t.username, &t.status, &t.home)
	if err == sql.ErrNoRows || (err == nil && !actor.Can(access.UserRead, t.home)) {
		return t, errs.Newf(errs.NotFound, "用户 %d 不存在或不在您的管理范围内", "user %d not found or outside your scope", userID)
	}
	if err != nil {
		return t, errs.Wrap(err, "load user")
	}
	if t.grants, err = s.grants(ctx, tx, userID); err != nil {
		return t, err
	}
	if !actor.Can(access.UserManage, t.home) {
		return t, errs.New(errs.Forbidden, "您没有管理该用户的权限（需要 user.manage 权限）", "you may not manage this user (the user.manage permission is needed)")
	}
	if !canManage(actor, t.home, t.grants) {
		return t, errNotYours
	}
	return t, nil
}

// errAdminBelowTop refuses the administrator role below the top of the
// tree: it carries system-wide powers, so it is held on a top-level
// organization only.
func errAdminBelowTop(field string) error {
	return errs.Field(field, "系统管理员角色只能授予在最上级党组织上；管理本辖区请授予“组织部门管理员”",
		"the system administrator role is granted on a top-level organization only; to manage a subtree, grant organization department administrator")
}

// Grant gives a user a role on an organization. The actor must be able to
// manage the user (canManage) and to give the role there.
func (s *Service) Grant(ctx context.Context, actor access.Actor, userID int64, role access.Role, orgID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		// The account first, then the input: who may not manage it learns
		// nothing about what it sent.
		u, err := s.loadTarget(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		if !access.ValidRole(role) {
			return errs.Field("role", "角色不存在："+string(role), "unknown role: "+string(role))
		}
		o, ok, err := loadOrg(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if !ok || !actor.Can(access.OrgRead, o.path) {
			return errs.Field("org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", orgID), fmt.Sprintf("organization %d not found or outside your scope", orgID))
		}
		if role == access.Admin && actor.IsAdmin() && !access.IsTop(o.path) {
			return errAdminBelowTop("org_id")
		}
		if !actor.CanGrant(role, o.path) {
			e := cannotGrant(actor, role, o.path)
			return errs.New(errs.Forbidden, e.ZH, e.EN)
		}
		_, err = tx.Exec(ctx, "INSERT INTO grants (user_id, role, org_id, created_at) VALUES (?, ?, ?, ?)", userID, role, orgID, db.FormatTime(s.now()))
		if db.IsUniqueViolation(err) {
			return errs.New(errs.Conflict, "该用户已有此授权", "the user already holds this grant")
		}
		if err != nil {
			return errs.Wrap(err, "insert grant")
		}
		label := access.RoleLabel(role)
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "grant.create", TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
			OrgPath: o.path, Summary: i18n.Text{ZH: fmt.Sprintf("授予 %s 在 %s 的角色：%s", u.username, o.name, label.ZH), EN: fmt.Sprintf("granted %s the role %s in %s", u.username, label.EN, o.name)},
			After: map[string]any{"user_id": userID, "role": role, "org_id": orgID}})
	})
}

// Revoke removes a grant. The actor must be able to manage its holder
// (canManage: user.manage on the holder's home and every role the holder
// has, this one included, within what the actor may grant).
func (s *Service) Revoke(ctx context.Context, actor access.Actor, grantID int64) error {
	return s.revoke(ctx, actor, 0, grantID)
}

// RevokeFrom removes a grant of user userID: a grant of anyone else is not
// found, so that a form on one user's page cannot reach another's.
func (s *Service) RevokeFrom(ctx context.Context, actor access.Actor, userID, grantID int64) error {
	return s.revoke(ctx, actor, userID, grantID)
}

func (s *Service) revoke(ctx context.Context, actor access.Actor, holder, grantID int64) error {
	notFound := errs.Newf(errs.NotFound, "授权 %d 不存在", "grant %d not found", grantID)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var userID, orgID int64
		var role access.Role
		err := tx.QueryRow(ctx, "SELECT user_id, role, org_id FROM grants WHERE id = ?", grantID).Scan(&userID, &role, &orgID)
		if err == sql.ErrNoRows || (err == nil && holder != 0 && userID != holder) {
			return notFound
		}
		if err != nil {
			return errs.Wrap(err, "load grant")
		}
		o, _, err := loadOrg(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if !actor.Can(access.OrgRead, o.path) || !actor.Can(access.UserRead, o.path) {
			return notFound
		}
		u, err := s.loadTarget(ctx, tx, actor, userID)
		if errs.Is(err, errs.NotFound) {
			return notFound
		}
		if err != nil {
			return err
		}
		if userID == actor.UserID && !actor.System && actor.RoleCan(role, access.UserManage) {
			// Nobody locks themselves out: the last grant that lets one
			// manage users stays until another administrator removes it.
			left := 0
			for _, g := range u.grants {
				if g.ID != grantID && actor.RoleCan(g.Role, access.UserManage) {
					left++
				}
			}
			if left == 0 {
				return errs.New(errs.Conflict, "不能撤销自己最后一个管理角色", "you cannot revoke your own last administrative role")
			}
		}
		if _, err := tx.Exec(ctx, "DELETE FROM grants WHERE id = ?", grantID); err != nil {
			return errs.Wrap(err, "delete grant")
		}
		label := access.RoleLabel(role)
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "grant.revoke", TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
			OrgPath: o.path, Summary: i18n.Text{ZH: fmt.Sprintf("撤销用户 %s 在 %s 的角色：%s", u.username, o.name, label.ZH), EN: fmt.Sprintf("revoked the role %s of %s in %s", label.EN, u.username, o.name)},
			Before: map[string]any{"user_id": userID, "role": role, "org_id": orgID}})
	})
}

// SetStatus enables ("active") or disables ("disabled") a user the actor may
// manage; disabling also ends the user's sessions.
func (s *Service) SetStatus(ctx context.Context, actor access.Actor, userID int64, status string) error {
	if status != "active" && status != "disabled" {
		return errs.Field("status", "状态只能是 active 或 disabled", "status must be active or disabled")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.loadTarget(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		if userID == actor.UserID && status == "disabled" {
			return errs.New(errs.Conflict, "不能停用自己的账号", "you cannot disable your own account")
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET status = ?, updated_at = ? WHERE id = ?", status, db.FormatTime(s.now()), userID); err != nil {
			return errs.Wrap(err, "set status")
		}
		if status == "disabled" {
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
				return errs.Wrap(err, "end sessions")
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "user.status", TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
			OrgPath: u.home, Summary: i18n.Textf("用户 %s 状态 %s → %s", "user %s status %s → %s", u.username, u.status, status),
			Before: map[string]any{"status": u.status}, After: map[string]any{"status": status}})
	})
}

// LinkPerson records which person of the member register a user the actor
// manages is (0: none), so that modules keeping things from a person — an
// integrity report about a cadre — keep them from that person's account.
// A person belongs to one account at most: a person linked to another is
// refused, naming that account only to an actor who may read its user.
// Whether the actor may read the person is the register's to say, and the
// caller's to ask (org.PersonSource) before linking.
func (s *Service) LinkPerson(ctx context.Context, actor access.Actor, userID, personID int64) error {
	// The link is what keeps an integrity report from the account of the
	// cadre it names: an account holder who could undo it could read the
	// reports about themselves. Another administrator sets it.
	if actor.UserID == userID && !actor.System {
		return errs.New(errs.Forbidden, "不能更改自己账号的人员档案关联，请由其他管理员办理", "you may not change the person record linked to your own account: another administrator does it")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.loadTarget(ctx, tx, actor, userID)
		if err != nil {
			return err
		}
		var before sql.NullInt64
		if err := tx.QueryRow(ctx, "SELECT person_id FROM users WHERE id = ?", userID).Scan(&before); err != nil {
			return errs.Wrap(err, "person of user")
		}
		personID = max(personID, 0)
		if before.Int64 == personID {
			return nil // as it was: nothing to change or record
		}
		var v any
		if personID > 0 {
			// Linkers of one person take turns, so that two accounts
			// cannot take the same person at once.
			var one int
			err := tx.QueryRow(ctx, "SELECT 1 FROM persons WHERE id = ?"+tx.Lock(db.ForNoKeyUpdate), personID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.Field("person_id", fmt.Sprintf("人员 %d 不存在或不在您的管理范围内", personID), fmt.Sprintf("person %d not found or outside your scope", personID))
			}
			if err != nil {
				return errs.Wrap(err, "lock person")
			}
			var other, home string
			err = tx.QueryRow(ctx, "SELECT u.username, "+org.PathCol("o")+" FROM users u"+org.Join("o", "u.home_org_id")+" WHERE u.person_id = ? AND u.id <> ? ORDER BY u.id LIMIT 1",
				personID, userID).Scan(&other, &home)
			switch {
			case err == nil && actor.Can(access.UserRead, home):
				return &errs.Error{Kind: errs.Conflict, Field: "person_id", Text: i18n.Textf("该人员已关联账号 %s；一名人员只能关联一个账号，请先在该账号上解除关联",
					"this person is already linked to the account %s; a person may be linked to one account only: unlink it there first", other)}
			case err == nil:
				return &errs.Error{Kind: errs.Conflict, Field: "person_id", Text: i18n.Text{ZH: "该人员已关联其他账号（不在您的管理范围内）；一名人员只能关联一个账号",
					EN: "this person is already linked to another account (outside your scope); a person may be linked to one account only"}}
			case !errors.Is(err, sql.ErrNoRows):
				return errs.Wrap(err, "person linked")
			}
			v = personID
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET person_id = ?, updated_at = ? WHERE id = ?", v, db.FormatTime(s.now()), userID); err != nil {
			return errs.Wrap(err, "link person")
		}
		summary := i18n.Textf("用户 %s 关联人员档案", "user %s linked to a person record", u.username)
		if personID == 0 {
			summary = i18n.Textf("用户 %s 解除人员档案关联", "user %s unlinked from its person record", u.username)
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "user.person", TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
			OrgPath: u.home, Summary: summary, Before: map[string]any{"person_id": before.Int64}, After: map[string]any{"person_id": personID}})
	})
}

// PersonOf returns the person a user is linked to, 0 when none.
func (s *Service) PersonOf(ctx context.Context, userID int64) (int64, error) {
	var id sql.NullInt64
	if err := s.db.QueryRow(ctx, "SELECT person_id FROM users WHERE id = ?", userID).Scan(&id); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, errs.Wrap(err, "person of user")
	}
	return id.Int64, nil
}

// SetPassword replaces the password of a user the actor manages; see
// ChangePassword.
func (s *Service) SetPassword(ctx context.Context, actor access.Actor, userID int64, pw string) error {
	return s.ChangePassword(ctx, actor, userID, "", pw)
}

// ChangePassword replaces a user's password and ends the user's sessions.
// One's own password needs the current one, so that a session left open
// cannot be turned into the account; another's needs canManage.
func (s *Service) ChangePassword(ctx context.Context, actor access.Actor, userID int64, current, pw string) error {
	self := userID == actor.UserID && !actor.System
	var u target
	var oldHash string
	if self {
		err := s.db.QueryRow(ctx, "SELECT u.username, u.password_hash, "+org.PathCol("o")+" FROM users u"+org.Join("o", "u.home_org_id")+" WHERE u.id = ?", userID).
			Scan(&u.username, &oldHash, &u.home)
		if err != nil {
			return errs.Wrap(err, "load user")
		}
		if current == "" {
			return errs.Field("current_password", "请输入当前密码", "enter your current password")
		}
		// Guessing the current password here counts like guessing it at
		// the login form.
		key := Key{Name: "p:" + u.username + "\x00session", Free: pairFree}
		if w := s.limiter.Attempt(key); w > 0 {
			return tooManyLogins(w)
		}
		ok, err := s.check(ctx, oldHash, current)
		if err != nil {
			return err
		}
		if !ok {
			return errs.Field("current_password", "当前密码不正确", "the current password is wrong")
		}
		s.limiter.Succeed(key.Name)
	} else {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			var err error
			u, err = s.loadTarget(ctx, tx, actor, userID)
			return err
		})
		if err != nil {
			return err
		}
	}
	if err := CheckStrength(u.username, pw); err != nil {
		return err
	}
	hash, err := s.hash(ctx, pw)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if !self {
			// Checked again with the write, in case a grant arrived while hashing.
			if _, err := s.loadTarget(ctx, tx, actor, userID); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND (? = '' OR password_hash = ?)", hash, db.FormatTime(s.now()), userID, oldHash, oldHash)
		if err != nil {
			return errs.Wrap(err, "set password")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "密码已被修改，请重新登录后再试", "the password was changed meanwhile: log in again and retry")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return errs.Wrap(err, "end sessions")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "user.password", TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
			OrgPath: u.home, Summary: i18n.Text{ZH: "修改用户 " + u.username + " 的密码", EN: "changed the password of " + u.username}})
	})
}

// SessionCookie is the name of the cookie that carries a browser's session
// token. Requests send either it or a bearer token; the pages set and clear
// it, and the API logout clears it too.
const SessionCookie = "jiceng_session"

// Session is a logged-in session.
type Session struct {
	Token   string
	Expires time.Time
}

// Login failures are counted under three keys, so that a guesser is slowed
// down without locking out the account holder from elsewhere:
//   - the (username, client) pair: 5 free attempts, then the wait doubles
//     from 2 s to 15 min. This is what stops guessing one account from one
//     place, and it is the only key another client's mistakes never touch.
//   - the client alone: 20, against one client trying many usernames. It is
//     higher because an office behind one NAT address shares it.
//   - the username alone: 100, against guessing one account from many
//     addresses. Only at this much higher threshold can strangers lock the
//     holder out, and a success does not clear it (it only takes back its
//     own attempt), so logging in cannot reset a guesser's count.
const (
	pairFree   = 5
	clientFree = 20
	nameFree   = 100
)

func tooManyLogins(w time.Duration) error {
	return errs.TooManyWait("登录失败次数过多", "too many failed logins", w)
}

// Login checks a username and password and opens a session. client is the
// key the rate limit uses besides the username (the client address; it is
// kept in memory only). Unknown users and wrong passwords get the same
// answer after the same work. The attempt is counted before the password is
// hashed, so parallel guesses cannot all be tried, and hashes wait for one
// of a few slots, so parallel logins cannot exhaust memory.
func (s *Service) Login(ctx context.Context, username, password, client string) (Session, access.Actor, error) {
	username = strings.TrimSpace(strings.ToLower(username))
	// No account can have a name that breaks the rule (Create enforces it),
	// so such a name is refused before it becomes a limiter key or costs a
	// hash: nothing is learnt from the answer, and nothing is kept.
	if !usernameRE.MatchString(username) {
		return Session{}, access.Actor{}, errs.Field("username", usernameRuleZH, usernameRuleEN)
	}
	pair := Key{Name: "p:" + username + "\x00" + client, Free: pairFree}
	cli := Key{Name: "c:" + client, Free: clientFree}
	name := Key{Name: "u:" + username, Free: nameFree}
	if w := s.limiter.Attempt(pair, cli, name); w > 0 {
		return Session{}, access.Actor{}, tooManyLogins(w)
	}
	var id int64
	var hash, status, home string
	err := s.db.QueryRow(ctx, "SELECT u.id, u.password_hash, u.status, "+org.PathCol("o")+" FROM users u"+org.Join("o", "u.home_org_id")+" WHERE u.username = ?",
		username).Scan(&id, &hash, &status, &home)
	if err != nil && err != sql.ErrNoRows {
		return Session{}, access.Actor{}, errs.Wrap(err, "load user")
	}
	wrong := errs.New(errs.Unauthorized, "用户名或密码错误", "wrong username or password")
	if err == sql.ErrNoRows {
		if _, err := s.check(ctx, s.dummyHash, password); err != nil {
			return Session{}, access.Actor{}, err
		}
		// Logged like a wrong password, so that the two take the same work;
		// the name typed is not kept: it may be a password typed in the wrong field.
		return Session{}, access.Actor{}, s.auditLogin(ctx, 0, "", "", "auth.login_failed", i18n.Text{ZH: "以不存在的用户名登录失败", EN: "failed login with an unknown username"}, wrong)
	}
	ok, err := s.check(ctx, hash, password)
	if err != nil {
		return Session{}, access.Actor{}, err
	}
	if !ok {
		return Session{}, access.Actor{}, s.auditLogin(ctx, id, username, home, "auth.login_failed", i18n.Text{ZH: "密码错误，登录失败", EN: "failed login: wrong password"}, wrong)
	}
	if status != "active" {
		return Session{}, access.Actor{}, s.auditLogin(ctx, id, username, home, "auth.login_failed", i18n.Text{ZH: "已停用的账号尝试登录", EN: "login attempt by a disabled account"},
			errs.New(errs.Unauthorized, "该账号已停用，请联系管理员", "this account is disabled: contact your administrator"))
	}
	s.limiter.Succeed(pair.Name, cli.Name)
	s.limiter.Refund(name.Name)
	raw := make([]byte, 32)
	rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	exp := now.Add(s.SessionTTL)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?", db.FormatTime(now), db.FormatTime(now.Add(-s.idle()))); err != nil {
			return errs.Wrap(err, "expire sessions")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
			tokenHash(token), id, db.FormatTime(now), db.FormatTime(exp), db.FormatTime(now)); err != nil {
			return errs.Wrap(err, "insert session")
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET last_login_at = ? WHERE id = ?", db.FormatTime(now), id); err != nil {
			return errs.Wrap(err, "last login")
		}
		return audit.Write(ctx, tx, access.Actor{UserID: id, Username: username}, audit.Entry{Action: "auth.login", TargetType: "user",
			TargetID: strconv.FormatInt(id, 10), OrgPath: home, Summary: i18n.Text{ZH: "登录", EN: "logged in"}})
	})
	if err != nil {
		return Session{}, access.Actor{}, err
	}
	actor, err := s.actor(ctx, id)
	return Session{Token: token, Expires: exp}, actor, err
}

// auditLogin records a refused login and returns refusal, the answer to
// give; if the record cannot be written, that error is returned instead.
// The entry names the account (none for an unknown username) and never the
// client's address.
func (s *Service) auditLogin(ctx context.Context, id int64, username, home, action string, summary i18n.Text, refusal error) error {
	target := ""
	if id != 0 {
		target = strconv.FormatInt(id, 10)
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		return audit.Write(ctx, tx, access.Actor{UserID: id, Username: username}, audit.Entry{Action: action, TargetType: "user",
			TargetID: target, OrgPath: home, Summary: summary})
	})
	if err != nil {
		return err
	}
	return refusal
}

func tokenHash(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// idle returns the idle timeout, the absolute one when none is set.
func (s *Service) idle() time.Duration {
	if s.IdleTimeout <= 0 {
		return s.SessionTTL
	}
	return s.IdleTimeout
}

// touchEvery is how stale last_seen_at may grow before a request writes it:
// at most one write a minute per session, not one per request.
const touchEvery = time.Minute

// Authenticate returns the actor of a session token. A session ends at its
// absolute expiry or after IdleTimeout without use, whichever comes first.
func (s *Service) Authenticate(ctx context.Context, token string) (access.Actor, error) {
	unauth := errs.New(errs.Unauthorized, "请先登录", "please log in")
	if token == "" || len(token) > 100 {
		return access.Actor{}, unauth
	}
	var id int64
	var exp, seen string
	th := tokenHash(token)
	err := s.db.QueryRow(ctx, "SELECT s.user_id, s.expires_at, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.status = 'active'",
		th).Scan(&id, &exp, &seen)
	if err == sql.ErrNoRows {
		return access.Actor{}, unauth
	}
	if err != nil {
		return access.Actor{}, errs.Wrap(err, "session")
	}
	now := s.now()
	last := db.ParseTime(seen)
	if exp < db.FormatTime(now) || now.Sub(last) > s.idle() {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", th)
			return errs.Wrap(err, "end session")
		})
		if err != nil {
			return access.Actor{}, err
		}
		return access.Actor{}, unauth
	}
	if now.Sub(last) >= touchEvery {
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", db.FormatTime(now), th)
			return errs.Wrap(err, "touch session")
		})
		if err != nil {
			return access.Actor{}, err
		}
	}
	return s.actor(ctx, id)
}

func (s *Service) actor(ctx context.Context, id int64) (access.Actor, error) {
	a := s.perms.Bind(access.Actor{UserID: id})
	if err := s.db.QueryRow(ctx, "SELECT username FROM users WHERE id = ?", id).Scan(&a.Username); err != nil {
		return a, errs.Wrap(err, "actor")
	}
	var err error
	a.Grants, err = s.grants(ctx, s.db, id)
	return a, err
}

// Logout ends a session and records it.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		var username, home string
		err := tx.QueryRow(ctx, `DELETE FROM sessions WHERE token_hash = ? RETURNING user_id`, tokenHash(token)).Scan(&id)
		if err == sql.ErrNoRows {
			return nil // already ended or never begun: nothing to record
		}
		if err != nil {
			return errs.Wrap(err, "logout")
		}
		if err := tx.QueryRow(ctx, "SELECT u.username, "+org.PathCol("o")+" FROM users u"+org.Join("o", "u.home_org_id")+" WHERE u.id = ?", id).Scan(&username, &home); err != nil {
			return errs.Wrap(err, "logout user")
		}
		return audit.Write(ctx, tx, access.Actor{UserID: id, Username: username}, audit.Entry{Action: "auth.logout", TargetType: "user",
			TargetID: strconv.FormatInt(id, 10), OrgPath: home, Summary: i18n.Text{ZH: "退出登录", EN: "logged out"}})
	})
}

// FindByUsername returns the id of a user, for the command line.
func (s *Service) FindByUsername(ctx context.Context, username string) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, "SELECT id FROM users WHERE username = ?", username).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, errs.Newf(errs.NotFound, "用户 %s 不存在", "user %s not found", username)
	}
	return id, errs.Wrap(err, "find user")
}

// AuditNames names the users of audit entries by their ids: the display
// name with the user name, for the audit log (see audit.Namer).
func (s *Service) AuditNames(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
	return audit.NamesByID(ctx, s.db, actor, "SELECT u.id, CASE WHEN u.display_name <> '' AND u.display_name <> u.username THEN u.display_name || '（' || u.username || '）' ELSE u.username END, "+
		org.PathCol("h")+" FROM users u"+org.Join("h", "u.home_org_id")+" WHERE u.id IN", ids)
}

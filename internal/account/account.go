package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/access"
	"jiceng/internal/audit"
	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// Service manages users, grants and sessions.
type Service struct {
	db      *db.DB
	params  Params
	limiter *Limiter
	now     func() time.Time
	// SessionTTL is how long a session lasts after login.
	SessionTTL time.Duration
	dummyHash  string
}

// NewService returns the account service. Pass DefaultParams outside tests.
func NewService(d *db.DB, p Params) *Service {
	s := &Service{db: d, params: p, limiter: NewLimiter(nil), now: time.Now, SessionTTL: 12 * time.Hour}
	s.dummyHash, _ = HashPassword("timing-equaliser-0", p)
	return s
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
}

// NewUser is the input of Create.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	HomeOrgID   int64
	Role        access.Role // optional first grant, on the home organization
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)

type orgRef struct {
	id         int64
	path, name string
}

func loadOrg(ctx context.Context, tx *db.Tx, id int64) (orgRef, bool, error) {
	var o orgRef
	err := tx.QueryRow(ctx, "SELECT id, path, CASE WHEN short_name <> '' THEN short_name ELSE name END FROM orgs WHERE id = ?", id).Scan(&o.id, &o.path, &o.name)
	if err == sql.ErrNoRows {
		return o, false, nil
	}
	return o, err == nil, errs.Wrap(err, "load org")
}

// Create adds a user whose home is an organization the actor manages, and
// optionally grants it a role there.
func (s *Service) Create(ctx context.Context, actor access.Actor, in NewUser) (User, error) {
	var f errs.Fields
	in.Username = strings.TrimSpace(in.Username)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if !usernameRE.MatchString(in.Username) {
		f.Add("username", "用户名须为 3–32 位小写字母、数字或 _ . -，并以字母开头", "a username has 3–32 lower-case letters, digits, _ . or -, starting with a letter")
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
	hash, err := HashPassword(in.Password, s.params)
	if err != nil {
		return User{}, errs.Wrap(err, "hash")
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		home, ok, err := loadOrg(ctx, tx, in.HomeOrgID)
		if err != nil {
			return err
		}
		if !ok || !actor.Can(access.OrgRead, home.path) {
			return errs.Field("home_org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", in.HomeOrgID), fmt.Sprintf("organization %d not found or outside your scope", in.HomeOrgID))
		}
		if !actor.Can(access.UserManage, home.path) {
			return errs.New(errs.Forbidden, "您没有在该党组织下创建用户的权限", "you may not create users in this organization")
		}
		if in.Role != "" && !actor.CanGrant(in.Role, home.path) {
			return errs.Field("role", "您不能授予该角色", "you may not grant this role")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE username = ?", in.Username).Scan(&n); err != nil {
			return errs.Wrap(err, "check username")
		}
		if n > 0 {
			return &errs.Error{Kind: errs.Conflict, Field: "username", ZH: "用户名 " + in.Username + " 已被使用，请换一个", EN: "username " + in.Username + " is taken: choose another"}
		}
		now := db.Now()
		err = tx.QueryRow(ctx, "INSERT INTO users (username, display_name, password_hash, home_org_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?) RETURNING id",
			in.Username, in.DisplayName, hash, home.id, now, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return &errs.Error{Kind: errs.Conflict, Field: "username", ZH: "用户名 " + in.Username + " 已被使用，请换一个", EN: "username " + in.Username + " is taken: choose another"}
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
			OrgPath: home.path, Summary: fmt.Sprintf("新建用户 %s（%s）", in.Username, home.name), After: after})
	})
	if err != nil {
		return User{}, err
	}
	return s.Get(ctx, actor, id)
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
func (s *Service) List(ctx context.Context, actor access.Actor, q string, limit, offset int) ([]User, int, error) {
	if q = strings.TrimSpace(q); q != "" {
		like := "%" + q + "%"
		return s.list(ctx, actor, "(u.username LIKE ? OR u.display_name LIKE ?)", []any{like, like}, limit, offset)
	}
	return s.list(ctx, actor, "1=1", nil, limit, offset)
}

func (s *Service) list(ctx context.Context, actor access.Actor, cond string, args []any, limit, offset int) ([]User, int, error) {
	scope, sargs := actor.ScopeSQL("o.path", access.UserRead)
	w := scope + " AND " + cond
	all := append(sargs, args...)
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.home_org_id WHERE "+w, all...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count users")
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.Query(ctx, `SELECT u.id, u.username, u.display_name, u.home_org_id, CASE WHEN o.short_name <> '' THEN o.short_name ELSE o.name END, o.path,
		u.status, u.created_at, COALESCE(u.last_login_at, '') FROM users u JOIN orgs o ON o.id = u.home_org_id WHERE `+w+` ORDER BY u.username LIMIT ? OFFSET ?`,
		append(all, limit, offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list users")
	}
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.HomeOrgID, &u.HomeOrgName, &u.HomeOrgPath, &u.Status, &u.CreatedAt, &u.LastLoginAt); err != nil {
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
		if out[i].Grants, err = s.grants(ctx, out[i].ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

func (s *Service) grants(ctx context.Context, userID int64) ([]access.Grant, error) {
	rows, err := s.db.Query(ctx, `SELECT g.id, g.role, g.org_id, o.path, CASE WHEN o.short_name <> '' THEN o.short_name ELSE o.name END
		FROM grants g JOIN orgs o ON o.id = g.org_id WHERE g.user_id = ? ORDER BY g.id`, userID)
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

// Grant gives a user a role on an organization. The actor must manage the
// user's home organization and be allowed to give the role there.
func (s *Service) Grant(ctx context.Context, actor access.Actor, userID int64, role access.Role, orgID int64) error {
	if !access.ValidRole(role) {
		return errs.Field("role", "角色不存在："+string(role), "unknown role: "+string(role))
	}
	u, err := s.Get(ctx, actor, userID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		o, ok, err := loadOrg(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if !ok || !actor.Can(access.OrgRead, o.path) {
			return errs.Field("org_id", fmt.Sprintf("党组织 %d 不存在或不在您的管理范围内", orgID), fmt.Sprintf("organization %d not found or outside your scope", orgID))
		}
		if !actor.Can(access.UserManage, u.HomeOrgPath) || !actor.CanGrant(role, o.path) {
			return errs.New(errs.Forbidden, "您不能在该党组织上授予此角色", "you may not grant this role on this organization")
		}
		_, err = tx.Exec(ctx, "INSERT INTO grants (user_id, role, org_id, created_at) VALUES (?, ?, ?, ?)", userID, role, orgID, db.Now())
		if db.IsUniqueViolation(err) {
			return errs.New(errs.Conflict, "该用户已有此授权", "the user already holds this grant")
		}
		if err != nil {
			return errs.Wrap(err, "insert grant")
		}
		zh, _ := access.RoleLabel(role)
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "grant.create", TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
			OrgPath: o.path, Summary: fmt.Sprintf("授予 %s 在 %s 的角色：%s", u.Username, o.name, zh),
			After: map[string]any{"user_id": userID, "role": role, "org_id": orgID}})
	})
}

// Revoke removes a grant.
func (s *Service) Revoke(ctx context.Context, actor access.Actor, grantID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var userID, orgID int64
		var role access.Role
		err := tx.QueryRow(ctx, "SELECT user_id, role, org_id FROM grants WHERE id = ?", grantID).Scan(&userID, &role, &orgID)
		if err == sql.ErrNoRows {
			return errs.Newf(errs.NotFound, "授权 %d 不存在", "grant %d not found", grantID)
		}
		if err != nil {
			return errs.Wrap(err, "load grant")
		}
		o, _, err := loadOrg(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if !actor.Can(access.OrgRead, o.path) {
			return errs.Newf(errs.NotFound, "授权 %d 不存在", "grant %d not found", grantID)
		}
		if !actor.CanGrant(role, o.path) {
			return errs.New(errs.Forbidden, "您不能撤销该授权", "you may not revoke this grant")
		}
		if userID == actor.UserID && role == access.Admin {
			return errs.New(errs.Conflict, "不能撤销自己的系统管理员角色", "you cannot revoke your own administrator role")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM grants WHERE id = ?", grantID); err != nil {
			return errs.Wrap(err, "delete grant")
		}
		zh, _ := access.RoleLabel(role)
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "grant.revoke", TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
			OrgPath: o.path, Summary: fmt.Sprintf("撤销用户 %d 在 %s 的角色：%s", userID, o.name, zh),
			Before: map[string]any{"user_id": userID, "role": role, "org_id": orgID}})
	})
}

// SetStatus enables ("active") or disables ("disabled") a user; disabling
// also ends the user's sessions.
func (s *Service) SetStatus(ctx context.Context, actor access.Actor, userID int64, status string) error {
	if status != "active" && status != "disabled" {
		return errs.Field("status", "状态只能是 active 或 disabled", "status must be active or disabled")
	}
	u, err := s.Get(ctx, actor, userID)
	if err != nil {
		return err
	}
	if !actor.Can(access.UserManage, u.HomeOrgPath) {
		return errs.New(errs.Forbidden, "您不能管理该用户", "you may not manage this user")
	}
	if userID == actor.UserID && status == "disabled" {
		return errs.New(errs.Conflict, "不能停用自己的账号", "you cannot disable your own account")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET status = ?, updated_at = ? WHERE id = ?", status, db.Now(), userID); err != nil {
			return errs.Wrap(err, "set status")
		}
		if status == "disabled" {
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
				return errs.Wrap(err, "end sessions")
			}
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "user.status", TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
			OrgPath: u.HomeOrgPath, Summary: fmt.Sprintf("用户 %s 状态 %s → %s", u.Username, u.Status, status),
			Before: map[string]any{"status": u.Status}, After: map[string]any{"status": status}})
	})
}

// SetPassword replaces a user's password (the user's own, or one the actor
// manages) and ends the user's other sessions.
func (s *Service) SetPassword(ctx context.Context, actor access.Actor, userID int64, pw string) error {
	u, err := s.Get(ctx, actor, userID)
	if err != nil && userID != actor.UserID {
		return err
	}
	if userID != actor.UserID && !actor.Can(access.UserManage, u.HomeOrgPath) {
		return errs.New(errs.Forbidden, "您不能修改该用户的密码", "you may not change this user's password")
	}
	if u.Username == "" {
		s.db.QueryRow(ctx, "SELECT username FROM users WHERE id = ?", userID).Scan(&u.Username)
	}
	if err := CheckStrength(u.Username, pw); err != nil {
		return err
	}
	hash, err := HashPassword(pw, s.params)
	if err != nil {
		return errs.Wrap(err, "hash")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, db.Now(), userID); err != nil {
			return errs.Wrap(err, "set password")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return errs.Wrap(err, "end sessions")
		}
		return audit.Write(ctx, tx, actor, audit.Entry{Action: "user.password", TargetType: "user", TargetID: strconv.FormatInt(userID, 10),
			OrgPath: u.HomeOrgPath, Summary: "修改用户 " + u.Username + " 的密码"})
	})
}

// Session is a logged-in session.
type Session struct {
	Token   string
	Expires time.Time
}

// Login checks a username and password and opens a session. client is the
// key the rate limit uses besides the username (the client address; it is
// kept in memory only). Unknown users and wrong passwords get the same
// answer after the same work.
func (s *Service) Login(ctx context.Context, username, password, client string) (Session, access.Actor, error) {
	username = strings.TrimSpace(strings.ToLower(username))
	keys := []string{"u:" + username, "c:" + client}
	if w := s.limiter.Wait(keys...); w > 0 {
		secs := int(w.Seconds() + 0.999)
		return Session{}, access.Actor{}, errs.Newf(errs.TooMany, "登录失败次数过多，请 %d 秒后再试", "too many failed logins: try again in %d seconds", secs)
	}
	var id int64
	var hash, status, home string
	err := s.db.QueryRow(ctx, "SELECT u.id, u.password_hash, u.status, o.path FROM users u JOIN orgs o ON o.id = u.home_org_id WHERE u.username = ?",
		username).Scan(&id, &hash, &status, &home)
	if err != nil && err != sql.ErrNoRows {
		return Session{}, access.Actor{}, errs.Wrap(err, "load user")
	}
	wrong := errs.New(errs.Unauthorized, "用户名或密码错误", "wrong username or password")
	if err == sql.ErrNoRows {
		CheckPassword(s.dummyHash, password)
		s.limiter.Fail(keys...)
		// Logged like a wrong password, so that the two take the same work;
		// the name typed is not kept: it may be a password typed in the wrong field.
		return Session{}, access.Actor{}, s.auditLogin(ctx, 0, "", "", "auth.login_failed", "以不存在的用户名登录失败", wrong)
	}
	if !CheckPassword(hash, password) {
		s.limiter.Fail(keys...)
		return Session{}, access.Actor{}, s.auditLogin(ctx, id, username, home, "auth.login_failed", "密码错误，登录失败", wrong)
	}
	if status != "active" {
		return Session{}, access.Actor{}, s.auditLogin(ctx, id, username, home, "auth.login_failed", "已停用的账号尝试登录",
			errs.New(errs.Unauthorized, "该账号已停用，请联系管理员", "this account is disabled: contact your administrator"))
	}
	s.limiter.Succeed(keys...)
	raw := make([]byte, 32)
	rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	exp := now.Add(s.SessionTTL)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE expires_at < ?", db.FormatTime(now)); err != nil {
			return errs.Wrap(err, "expire sessions")
		}
		if _, err := tx.Exec(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			tokenHash(token), id, db.FormatTime(now), db.FormatTime(exp)); err != nil {
			return errs.Wrap(err, "insert session")
		}
		if _, err := tx.Exec(ctx, "UPDATE users SET last_login_at = ? WHERE id = ?", db.FormatTime(now), id); err != nil {
			return errs.Wrap(err, "last login")
		}
		return audit.Write(ctx, tx, access.Actor{UserID: id, Username: username}, audit.Entry{Action: "auth.login", TargetType: "user",
			TargetID: strconv.FormatInt(id, 10), OrgPath: home, Summary: "登录"})
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
func (s *Service) auditLogin(ctx context.Context, id int64, username, home, action, summary string, refusal error) error {
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

// Authenticate returns the actor of a session token.
func (s *Service) Authenticate(ctx context.Context, token string) (access.Actor, error) {
	unauth := errs.New(errs.Unauthorized, "请先登录", "please log in")
	if token == "" || len(token) > 100 {
		return access.Actor{}, unauth
	}
	var id int64
	var exp string
	err := s.db.QueryRow(ctx, "SELECT s.user_id, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.status = 'active'",
		tokenHash(token)).Scan(&id, &exp)
	if err == sql.ErrNoRows || (err == nil && exp < db.FormatTime(s.now())) {
		return access.Actor{}, unauth
	}
	if err != nil {
		return access.Actor{}, errs.Wrap(err, "session")
	}
	return s.actor(ctx, id)
}

func (s *Service) actor(ctx context.Context, id int64) (access.Actor, error) {
	a := access.Actor{UserID: id}
	if err := s.db.QueryRow(ctx, "SELECT username FROM users WHERE id = ?", id).Scan(&a.Username); err != nil {
		return a, errs.Wrap(err, "actor")
	}
	var err error
	a.Grants, err = s.grants(ctx, id)
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
		if err := tx.QueryRow(ctx, "SELECT u.username, o.path FROM users u JOIN orgs o ON o.id = u.home_org_id WHERE u.id = ?", id).Scan(&username, &home); err != nil {
			return errs.Wrap(err, "logout user")
		}
		return audit.Write(ctx, tx, access.Actor{UserID: id, Username: username}, audit.Entry{Action: "auth.logout", TargetType: "user",
			TargetID: strconv.FormatInt(id, 10), OrgPath: home, Summary: "退出登录"})
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

// Package matrix is the role × route matrix (DESIGN.md §5): every route,
// every role of the catalogue, and an object inside and one outside the
// actor's scope. What each request must answer follows from the one line
// that declares the route's permission; a route without a line fails, so a
// new route cannot ship without saying who may use it.
//
// Each module declares the lines of its own routes, and the objects its
// paths name, in a matrix_test.go of its pages' folder (internal/web/<m>),
// which calls Run with the module's name; the server's tests do the same
// for the kits' own routes (Kits). Run checks that every route of that
// module has exactly one line and then sends every request. A test of the
// server checks that every route of the app belongs to the kits or to a
// module, and that each of them has its Run (Owners).
//
// Each line: the route as the module lists it, the permission it needs, the
// object its path (or body) names, and the body a mutation sends. Bodies are
// well-formed but invalid or harmless, so a request that passes the
// permission check stops at validation (400, 409, 413 or 422) and changes
// nothing the next request relies on. In a body, {org} stands for the
// organization of the case (inside or outside the actor's scope).
//
// Expected answers: without a login, a public route answers (not 401, 403
// or the login page), a page sends to /login with 303 and the API says 401.
// With a login, a role whose permissions (the app's catalogue) include the
// need passes inside its scope (2xx, a redirect elsewhere than /login, or
// 400, 409, 413, 422 for the refused input) and gets 404 outside it; a role
// without it gets 403, or 404 where the object is looked up within the
// actor's scope for that very permission. A route without an object gets
// 403 for a role without the permission. A form that answers at a field (or
// in a flash message) counts by its words: "不存在或不在您的管理范围内" as
// 404, "您没有…权限" as 403. The accounts are one per role, each granted on
// the county of the demo's county_admin; "outside" is the next county.
package matrix

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/app"
	"jiceng/internal/db"
	"jiceng/internal/demo"
	"jiceng/internal/module"
	"jiceng/internal/org"
	"jiceng/internal/region"
	"jiceng/internal/server"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/spec"
)

// Kits names the kits' own routes (health check, static files, language
// switch, the OpenAPI document) where Run takes a module's name.
const Kits = "(kits)"

// Needs that are not permissions of the catalogue.
const (
	Public    access.Action = "(public)"     // no login at all
	LoggedIn  access.Action = "(logged in)"  // any account
	AdminOnly access.Action = "(admin role)" // a system administrator: admin on a top-level organization (system-wide settings)
)

// Line is one line of the matrix.
type Line struct {
	Route string        // "METHOD /pattern" exactly as the module lists it
	Need  access.Action // a permission of the catalogue, or Public, LoggedIn, AdminOnly
	// Or is a second permission that opens the route as well, for a page
	// that shows each reader the part it may read ("" for none).
	Or   access.Action
	Obj  *Object // what the path (or the body's {org}) names; nil for nothing
	Body string  // form or JSON body; "file:" + content sends a multipart file
}

// L is a Line, to keep a module's lines one to a row.
func L(route string, need access.Action, obj *Object, body string) Line {
	return Line{Route: route, Need: need, Obj: obj, Body: body}
}

// Values are what the wildcards of a path stand for: "id", "sid", "fid"….
// A path whose object gives no "id" gets a harmless 1.
type Values map[string]string

// Object is what a route's path or body names. It has one instance inside
// the actors' county and one in a sibling county, which Make creates.
type Object struct {
	Name string
	// Make creates the object on one side of the scope line and says what
	// the path's wildcards stand for. It runs once per side, before the
	// first request, unless the object is Fresh. Nil for an object that
	// only the body's {org} names.
	Make func(t testing.TB, f *Fixture, s Side) Values
	// Fresh objects are made anew for every request, which removes them.
	Fresh bool
	// Missing objects never exist: a permitted actor gets 404, and there is
	// no other side (an import session belongs to its user).
	Missing bool
	// OwnSession: no object; the request ends the session it is sent with,
	// so it is sent with a new one.
	OwnSession bool
}

// The platform's objects, which every module's paths and bodies may name.
var (
	// Org is {id}: a township.
	Org = &Object{Name: "org", Make: func(_ testing.TB, _ *Fixture, s Side) Values {
		return Values{"id": fmt.Sprint(s.Township.ID)}
	}}
	// OrgBody is {org} in the body: the organization a new object goes under.
	OrgBody = &Object{Name: "org in the body"}
	// Session is {id}: an import session that does not exist.
	Session = &Object{Name: "import session", Missing: true, Make: func(testing.TB, *Fixture, Side) Values {
		return Values{"id": NoSession}
	}}
	// OwnSession is no object: the request ends its own session.
	OwnSession = &Object{Name: "own session", OwnSession: true}
)

// NoSession is the id of an import session that does not exist.
const NoSession = "0123456789abcdef0123456789abcdef"

func (o *Object) scoped() bool  { return o != nil && !o.OwnSession }
func (o *Object) missing() bool { return o != nil && o.Missing }

// Side is one side of the scope line: a county with its first township and
// that township's first village.
type Side struct {
	Inside                    bool
	County, Township, Village org.Org
}

// Fixture is the server the matrix is run against: the demo's tree of
// 南宁市 without its units, an account per role granted on the county of
// the demo's county_admin, and a system administrator.
type Fixture struct {
	App  *app.App
	DB   *db.DB
	Root int64
	// In and Out are the two sides of the scope line.
	In, Out Side

	srv    *httptest.Server
	perms  *access.Catalogue
	pw     map[string]string
	tokens map[access.Role]string
	top    string // a system administrator's token
	made   map[*Object]map[bool]Values
}

var regions = region.NewHolder()

// newFixture builds the server and the accounts.
func newFixture(t *testing.T) *Fixture {
	t.Helper()
	ctx := context.Background()
	d := testrig.NewTestDB(t)
	res, err := demo.Seed(ctx, &module.Core{DB: d, Orgs: org.NewService(d, regions), Accounts: account.NewService(d, testrig.FastParams, access.MustCatalogue())}, nil, "4501")
	if err != nil {
		t.Fatalf("seed the tree: %v", err)
	}
	a, err := app.New(ctx, app.Config{DB: d, Key: []byte("test-key-for-ballot-token-macs-0"), Params: testrig.FastParams, Regions: regions,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.NewServer(a, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(spec.Checked(t, h))
	testrig.Cleanup(t, srv.Close)
	f := &Fixture{App: a, DB: d, Root: res.Init.RootID, srv: srv, perms: a.Core().Perms, pw: map[string]string{},
		tokens: map[access.Role]string{}, made: map[*Object]map[bool]Values{}}

	sys := testrig.Admin
	orgs, accts := a.Core().Orgs, a.Core().Accounts
	counties, _, err := orgs.List(ctx, sys, org.ListQuery{Under: f.Root, ChildrenOnly: true, Limit: 2})
	if err != nil || len(counties) != 2 {
		t.Fatalf("counties: %v", err)
	}
	for i, county := range counties {
		kids, _, err := orgs.List(ctx, sys, org.ListQuery{Under: county.ID, ChildrenOnly: true, Limit: 1})
		if err != nil || len(kids) != 1 {
			t.Fatalf("township of %s: %v", county.Name, err)
		}
		villages, _, err := orgs.List(ctx, sys, org.ListQuery{Under: kids[0].ID, ChildrenOnly: true, Limit: 1})
		if err != nil || len(villages) != 1 {
			t.Fatalf("village of %s: %v", kids[0].Name, err)
		}
		s := Side{Inside: i == 0, County: county, Township: kids[0], Village: villages[0]}
		if i == 0 {
			f.In = s
		} else {
			f.Out = s
		}
	}
	home := f.In.County
	for _, role := range access.Roles {
		name := "mx_" + string(role)
		pw := "Matrix-password-2026"
		grant := role
		if role == access.Admin {
			grant = "" // admin is granted on a top-level organization only; written below
		}
		u, err := accts.Create(ctx, sys, account.NewUser{Username: name, DisplayName: name, Password: pw, HomeOrgID: home.ID, Role: grant})
		if err != nil {
			t.Fatalf("account %s: %v", name, err)
		}
		if role == access.Admin {
			// An administrator grant on the county, as one made before admin
			// was kept to the top: every action in its subtree, no
			// system-wide power.
			if _, err := d.Exec(ctx, "INSERT INTO grants (user_id, role, org_id, created_at) VALUES (?, ?, ?, ?)", u.ID, access.Admin, home.ID, "2026-01-01T00:00:00.000Z"); err != nil {
				t.Fatal(err)
			}
		}
		f.pw[name] = pw
		f.tokens[role] = f.token(t, name)
	}
	// mx_top is a system administrator, who alone passes AdminOnly routes.
	if _, err := accts.Create(ctx, sys, account.NewUser{Username: "mx_top", DisplayName: "mx_top", Password: "Matrix-password-2026", HomeOrgID: f.Root, Role: access.Admin}); err != nil {
		t.Fatalf("account mx_top: %v", err)
	}
	f.pw["mx_top"] = "Matrix-password-2026"
	f.top = f.token(t, "mx_top")
	return f
}

// token logs user in over the API and returns its bearer token.
func (f *Fixture) token(t testing.TB, user string) string {
	t.Helper()
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, user, f.pw[user])
	resp, err := http.Post(f.srv.URL+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %d %v", user, resp.StatusCode, err)
	}
	return out.Token
}

// Of is the instance of o on side s, made the first time it is asked for
// (every time, for a Fresh object). A module's objects may be made of
// another's: a subject of its campaign.
func (f *Fixture) Of(t testing.TB, o *Object, s Side) Values {
	t.Helper()
	if o == nil || o.Make == nil {
		return nil
	}
	if o.Fresh {
		return o.Make(t, f, s)
	}
	if v, ok := f.made[o][s.Inside]; ok {
		return v
	}
	v := o.Make(t, f, s)
	if f.made[o] == nil {
		f.made[o] = map[bool]Values{}
	}
	f.made[o][s.Inside] = v
	return v
}

// path fills the route's pattern for one side of the scope line.
func (f *Fixture) path(t testing.TB, l Line, s Side) string {
	t.Helper()
	_, p, _ := strings.Cut(l.Route, " ")
	p = strings.TrimSuffix(p, "{$}")
	v := f.Of(t, l.Obj, s)
	// Routes without an object take a harmless value.
	pairs := []string{"{id}", "1", "{sid}", "", "{fid}", ""}
	for k, x := range v {
		switch k {
		case "id":
			pairs[1] = x
		case "sid":
			pairs[3] = x
		case "fid":
			pairs[5] = x
		default:
			pairs = append(pairs, "{"+k+"}", x)
		}
	}
	return strings.NewReplacer(pairs...).Replace(p)
}

// answer is what a request got: its status, where a redirect leads, and the
// status a flash message stands for when a form redirects with an error.
type answer struct {
	status   int
	location string
}

func (a answer) String() string {
	if a.location != "" {
		return fmt.Sprintf("%d → %s", a.status, a.location)
	}
	return fmt.Sprint(a.status)
}

// fieldErrorRE finds the messages of a form shown again: at its fields and
// in the flash above it.
var fieldErrorRE = regexp.MustCompile(`<(?:p class="error"|div class="flash err")[^>]*>([^<]*)<`)

func (f *Fixture) do(t testing.TB, l Line, path, token string, orgID int64) answer {
	t.Helper()
	method, _, _ := strings.Cut(l.Route, " ")
	body := strings.ReplaceAll(l.Body, "{org}", fmt.Sprint(orgID))
	var rd io.Reader
	ct := ""
	switch {
	case strings.HasPrefix(body, "file:"):
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		name := "list.csv"
		data := []byte(strings.TrimPrefix(body, "file:"))
		if len(data) == 0 {
			name, data = "report.txt", []byte("not a report")
		}
		fw, _ := mw.CreateFormFile("file", name)
		if _, err := fw.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		rd, ct = &buf, mw.FormDataContentType()
	case strings.HasPrefix(body, "{"):
		rd, ct = strings.NewReader(body), "application/json"
	case body != "":
		rd, ct = strings.NewReader(body), "application/x-www-form-urlencoded"
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	resp.Body.Close()
	a := answer{status: resp.StatusCode, location: resp.Header.Get("Location")}
	// An id typed into a form or a JSON body is answered at its field (400
	// or 422) when it names an organization outside the actor's scope or one
	// it may not act on; the message says which.
	if a.status == 400 || a.status == 422 {
		var msgs []string
		if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") {
			var e struct {
				Error struct {
					Message string            `json:"message"`
					Fields  map[string]string `json:"fields"`
				} `json:"error"`
			}
			if err := json.Unmarshal(b, &e); err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, e.Error.Message)
			for _, m := range e.Error.Fields {
				msgs = append(msgs, m)
			}
		} else {
			for _, m := range fieldErrorRE.FindAllStringSubmatch(string(b), -1) {
				msgs = append(msgs, html.UnescapeString(m[1]))
			}
		}
		for _, m := range msgs {
			switch {
			case strings.Contains(m, "不存在或不在您的管理范围内"):
				a.status = 404
			case strings.Contains(m, "您没有") && strings.Contains(m, "权限"):
				a.status = 403
			}
		}
	}
	// A form that fails redirects back with the message in a flash cookie;
	// its words say whether it was refused or merely invalid.
	for _, ck := range resp.Cookies() {
		if ck.Name != "flash" {
			continue
		}
		v, _ := url.QueryUnescape(ck.Value)
		if kind, text, _ := strings.Cut(v, "|"); kind == "err" {
			switch {
			case strings.Contains(text, "权限"):
				a.status = 403
			case strings.Contains(text, "不存在或不在您的管理范围内"):
				a.status = 404
			default:
				a.status = 422
			}
		}
	}
	return a
}

// passed reports whether a request got past the permission check: it
// succeeded, or its input was refused.
func passed(a answer, missingOK bool) bool {
	switch {
	case a.status >= 200 && a.status < 300:
		return true
	case a.status >= 300 && a.status < 400:
		return !strings.HasPrefix(a.location, "/login")
	case a.status == 400 || a.status == 409 || a.status == 413 || a.status == 422:
		return true
	case a.status == 404:
		return missingOK
	}
	return false
}

func refused(a answer) bool { return a.status == 403 || a.status == 404 }

// allows reports whether role may use a route that needs n, by the app's
// catalogue.
func allows(perms *access.Catalogue, role access.Role, n access.Action) bool {
	switch n {
	case Public, LoggedIn:
		return true
	case AdminOnly:
		return false // the matrix's roles are held on a county; see mx_top
	}
	return perms.Allows(role, n)
}

// Declarations pairs each route with its line and returns the lines in
// the routes' order and what does not match: a route without a line, a
// line without a route, a line declared twice, or a public line for a
// route behind a login. owner names the module in the messages.
func Declarations(owner string, rts []module.Route, lines []Line) ([]Line, []string) {
	var problems []string
	declared := map[string]Line{}
	for _, l := range lines {
		if _, dup := declared[l.Route]; dup {
			problems = append(problems, fmt.Sprintf("route %s is declared twice", l.Route))
		}
		declared[l.Route] = l
	}
	var table []Line
	for _, rt := range rts {
		key := rt.Method + " " + rt.Pattern
		l, ok := declared[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("route %s has no permission declaration in the matrix of %s", key, owner))
			continue
		}
		delete(declared, key)
		if (l.Need == Public) != (rt.Auth == module.Public) {
			problems = append(problems, fmt.Sprintf("route %s: declared %s but its auth level is %s", key, l.Need, rt.Auth))
		}
		table = append(table, l)
	}
	var stale []string
	for k := range declared {
		stale = append(stale, fmt.Sprintf("the matrix of %s declares %s, which is not one of its routes", owner, k))
	}
	sort.Strings(stale)
	return table, append(problems, stale...)
}

// RoutesOf are the routes of owner, a module's name or Kits, and whether
// the app has such an owner.
func RoutesOf(a *app.App, owner string) ([]module.Route, bool) {
	if owner == Kits {
		return a.KitRoutes(), true
	}
	return a.ModuleRoutes(owner)
}

// Run checks the routes of owner (a module's name, or Kits) against its
// lines: every route has exactly one line, in the module's own order or
// any other, and every request of the matrix answers as its line says.
// It logs how many requests it checked.
func Run(t *testing.T, owner string, lines []Line) {
	t.Helper()
	f := newFixture(t)
	rts, ok := RoutesOf(f.App, owner)
	if !ok {
		t.Fatalf("the app has no module called %q", owner)
	}
	table, problems := Declarations(owner, rts, lines)
	for _, p := range problems {
		t.Error(p)
	}
	if t.Failed() {
		return
	}
	// Every object once on each side, before the first request, as a user
	// would find them.
	for _, l := range table {
		if l.Obj == nil || l.Obj.Fresh {
			continue
		}
		f.Of(t, l.Obj, f.In)
		if !l.Obj.missing() {
			f.Of(t, l.Obj, f.Out)
		}
	}

	var failures []string
	checks := 0
	do := func(l Line, s Side, token string) answer {
		checks++
		return f.do(t, l, f.path(t, l, s), token, s.Township.ID)
	}
	for _, l := range table {
		fail := func(format string, args ...any) {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
		api := strings.Contains(l.Route, " /api/")
		// Without a login: public routes answer, web pages send to the
		// login page, the API says 401.
		a := do(l, f.In, "")
		switch {
		case l.Need == Public:
			if a.status == 401 && !strings.HasSuffix(l.Route, "/login") || a.status == 403 || strings.HasPrefix(a.location, "/login?next=") || a.status >= 500 {
				fail("%s without login: %s, want the route to answer", l.Route, a)
			}
			continue
		case api && a.status != 401:
			fail("%s without login: %s, want 401", l.Route, a)
		case !api && (a.status != 303 || !strings.HasPrefix(a.location, "/login?next=")):
			fail("%s without login: %s, want 303 → /login", l.Route, a)
		}
		if l.Need == AdminOnly {
			if a := do(l, f.In, f.top); !passed(a, false) {
				fail("%s as a system administrator: %s, want it allowed", l.Route, a)
			}
		}
		for _, role := range access.Roles {
			ok := allows(f.perms, role, l.Need) || l.Or != "" && allows(f.perms, role, l.Or)
			token := f.tokens[role]
			if l.Obj != nil && l.Obj.OwnSession {
				token = f.token(t, "mx_"+string(role))
			}
			if !l.Obj.scoped() {
				a := do(l, f.In, token)
				if ok && !passed(a, false) {
					fail("%s as %s: %s, want it allowed", l.Route, role, a)
				}
				if !ok && a.status != 403 {
					fail("%s as %s: %s, want 403", l.Route, role, a)
				}
				continue
			}
			a := do(l, f.In, token)
			if ok && !passed(a, l.Obj.missing()) {
				fail("%s as %s inside its scope: %s, want it allowed", l.Route, role, a)
			}
			if !ok && !refused(a) {
				fail("%s as %s inside its scope: %s, want 403 or 404", l.Route, role, a)
			}
			if l.Obj.missing() {
				continue // an import session belongs to its user: there is no other side
			}
			a = do(l, f.Out, token)
			if ok && a.status != 404 {
				fail("%s as %s outside its scope: %s, want 404", l.Route, role, a)
			}
			if !ok && !refused(a) {
				fail("%s as %s outside its scope: %s, want 403 or 404", l.Route, role, a)
			}
		}
	}
	sort.Strings(failures)
	for _, s := range failures {
		t.Error(s)
	}
	t.Logf("matrix of %s: %d routes, %d requests checked", owner, len(table), checks)
}

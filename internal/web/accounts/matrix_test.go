package accounts_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"jiceng/internal/access"
	"jiceng/internal/account"
	"jiceng/internal/testrig"
	"jiceng/internal/testrig/matrix"
)

// The role × route matrix of the accounts module (internal/testrig/matrix): one
// line per route of its pages and JSON handlers.
// A route without its line fails the test.
var lines = []matrix.Line{
	matrix.L("GET /login", matrix.Public, nil, ""),
	matrix.L("POST /login", matrix.Public, nil, "username=&password="),
	matrix.L("POST /logout", matrix.Public, nil, ""),
	matrix.L("GET /users", access.UserRead, nil, ""),
	matrix.L("GET /users/export.xlsx", access.UserRead, nil, ""),
	matrix.L("GET /users/new", access.UserManage, nil, ""),
	matrix.L("POST /users/new", access.UserManage, matrix.OrgBody, "username=&home_org_id={org}&role=secretary"),
	matrix.L("GET /users/{id}", access.UserRead, user, ""),
	matrix.L("POST /users/{id}", access.UserManage, user, "op=password&password=x"),
	matrix.L("POST /api/v1/auth/login", matrix.Public, nil, `{"username":"","password":""}`),
	matrix.L("POST /api/v1/auth/logout", matrix.LoggedIn, matrix.OwnSession, ""),
	matrix.L("GET /api/v1/users", access.UserRead, nil, ""),
	matrix.L("POST /api/v1/users", access.UserManage, matrix.OrgBody, `{"username":"","home_org_id":{org},"role":"secretary"}`),
	matrix.L("GET /api/v1/users/{id}", access.UserRead, user, ""),
	matrix.L("POST /api/v1/users/{id}/grants", access.UserManage, user, `{"role":"bogus","org_id":0}`),
	matrix.L("POST /api/v1/users/{id}/password", access.UserManage, user, `{"password":"x"}`),
	matrix.L("DELETE /api/v1/grants/{id}", access.UserManage, freshGrant, ""),
	matrix.L("GET /api/v1/users/export.xlsx", access.UserRead, nil, ""),
}

// The objects of the accounts' paths.
var (
	// user is {id}: a user whose home is the township.
	user = &matrix.Object{Name: "user", Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
		return matrix.Values{"id": fmt.Sprint(newUser(t, f, s.Township.ID).ID)}
	}}
	// freshGrant is {id}: a grant made for this request.
	freshGrant = &matrix.Object{Name: "fresh grant", Fresh: true, Make: func(t testing.TB, f *matrix.Fixture, s matrix.Side) matrix.Values {
		return matrix.Values{"id": fmt.Sprint(newUser(t, f, s.Township.ID).Grants[0].ID)}
	}}
)

var users atomic.Int64

// newUser adds a secretary whose home is orgID.
func newUser(t testing.TB, f *matrix.Fixture, orgID int64) account.User {
	t.Helper()
	u, err := f.App.Core().Accounts.Create(context.Background(), testrig.Admin, account.NewUser{Username: fmt.Sprintf("mx_target%d", users.Add(1)), DisplayName: "测试",
		Password: "Target-password-2026", HomeOrgID: orgID, Role: access.Secretary})
	if err != nil {
		t.Fatalf("target user: %v", err)
	}
	return u
}

func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	matrix.Run(t, "accounts", lines)
}

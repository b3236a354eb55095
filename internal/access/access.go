// Package access decides who may do what: roles granted on an organization
// reach its whole subtree, the permission catalogue is data that each module
// adds its part to, and anything not granted is denied.
package access

import (
	"context"
	"slices"
	"strings"

	"jiceng/internal/i18n"
)

// Role is the stable id of a role.
type Role string

// The roles of DESIGN.md §5.
const (
	Admin             Role = "admin"
	OrgAdmin          Role = "org_admin"
	Secretary         Role = "secretary"
	EvaluationManager Role = "evaluation_manager"
	CaseHandler       Role = "case_handler"
	IntegrityOfficer  Role = "integrity_officer"
	Custodian         Role = "custodian"
	Auditor           Role = "auditor"
)

// Roles lists every role in display order.
var Roles = []Role{Admin, OrgAdmin, Secretary, EvaluationManager, CaseHandler, IntegrityOfficer, Custodian, Auditor}

// Action is one permission of the catalogue.
type Action string

// The platform's own actions; each module declares its own (see Catalogue).
const (
	OrgRead     Action = "org.read"
	OrgCreate   Action = "org.create"
	OrgUpdate   Action = "org.update"
	OrgMove     Action = "org.move"
	OrgDissolve Action = "org.dissolve"
	OrgImport   Action = "org.import"
	OrgExport   Action = "org.export"
	RegionInit  Action = "region.init"
	UserRead    Action = "user.read"
	UserManage  Action = "user.manage"
	AuditRead   Action = "audit.read"
)

// Platform is the permission part of the organization tree, the accounts
// and the audit log, which every catalogue holds. It is a function so that
// nobody can change the table it returns for everyone.
func Platform() Permissions {
	return Permissions{
		Module:  "platform",
		Actions: []Action{OrgRead, OrgCreate, OrgUpdate, OrgMove, OrgDissolve, OrgImport, OrgExport, RegionInit, UserRead, UserManage, AuditRead},
		Roles: map[Role][]Action{
			OrgAdmin:          {OrgRead, OrgCreate, OrgUpdate, OrgMove, OrgDissolve, OrgImport, OrgExport, UserRead, UserManage, AuditRead},
			Secretary:         {OrgRead, OrgUpdate, OrgExport},
			EvaluationManager: {OrgRead, OrgExport},
			CaseHandler:       {OrgRead},
			IntegrityOfficer:  {OrgRead},
			Custodian:         {OrgRead},
			Auditor:           {OrgRead, OrgExport, UserRead, AuditRead},
		},
	}
}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { return slices.Contains(Roles, r) }

// Grant is a role held on an organization; Path is that organization's path.
type Grant struct {
	ID      int64  `json:"id"`
	Role    Role   `json:"role"`
	OrgID   int64  `json:"org_id"`
	OrgPath string `json:"-"`
	OrgName string `json:"org_name"`
}

// Actor is whoever performs an operation. System is the command line acting
// with full rights (init, demo, user add); web and API users are never System.
type Actor struct {
	UserID   int64
	Username string
	Grants   []Grant
	System   bool
	// perms is the catalogue the grants are read with, set by
	// Catalogue.Bind; an actor without one may do nothing.
	perms *Catalogue
}

// SystemActor returns the actor for command-line operations.
func SystemActor(name string) Actor { return Actor{Username: name, System: true} }

// Within reports whether path lies in the subtree rooted at root.
func Within(path, root string) bool { return strings.HasPrefix(path, root) }

// Can reports whether the actor may perform action on the organization whose
// materialized path is orgPath.
func (a Actor) Can(action Action, orgPath string) bool {
	if a.System {
		return true
	}
	for _, g := range a.Grants {
		if a.perms.Allows(g.Role, action) && Within(orgPath, g.OrgPath) {
			return true
		}
	}
	return false
}

// RoleCan reports whether role includes action in the catalogue the actor
// is read with; it answers for someone else's grants too, such as whether
// revoking one leaves its holder able to manage users.
func (a Actor) RoleCan(role Role, action Action) bool { return a.perms.Allows(role, action) }

// CanAnywhere reports whether the actor holds action on at least one subtree.
func (a Actor) CanAnywhere(action Action) bool {
	return a.System || len(a.Scopes(action)) > 0
}

// IsAdmin reports whether the actor is a system administrator: it holds the
// administrator role on a top-level organization. System-wide powers (the
// whole audit log, the coverage rules, initializing a region) ask this; an
// administrator grant below the top holds every action in its subtree only.
func (a Actor) IsAdmin() bool {
	if a.System {
		return true
	}
	if a.perms == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.Role == Admin && IsTop(g.OrgPath) {
			return true
		}
	}
	return false
}

// Scopes returns the roots of the subtrees in which the actor may perform
// action, with nested roots removed. System actors get nil and All=true via
// Unrestricted.
func (a Actor) Scopes(action Action) []string {
	var roots []string
	for _, g := range a.Grants {
		if a.perms.Allows(g.Role, action) {
			roots = append(roots, g.OrgPath)
		}
	}
	out := roots[:0]
	for i, r := range roots {
		nested := false
		for j, o := range roots {
			if i != j && Within(r, o) && (r != o || j < i) {
				nested = true
				break
			}
		}
		if !nested {
			out = append(out, r)
		}
	}
	return out
}

// Unrestricted reports whether the actor sees everything (no scope filter).
func (a Actor) Unrestricted() bool { return a.System }

// CanGrant reports whether the actor may give role on the organization at
// orgPath: it needs user.manage there, and only system administrators hand
// out admin, on a top-level organization only.
func (a Actor) CanGrant(role Role, orgPath string) bool {
	if !ValidRole(role) || !a.Can(UserManage, orgPath) {
		return false
	}
	if role == Admin {
		return a.IsAdmin() && IsTop(orgPath)
	}
	return true
}

// IsTop reports whether path is that of a top-level organization ("/7/").
func IsTop(path string) bool { return len(path) > 2 && strings.Count(path, "/") == 2 && path[0] == '/' }

// PathUpper returns the exclusive upper bound of the subtree range of path:
// every descendant path p satisfies path <= p < PathUpper(path), because
// paths are digits and '/', and '0' sorts right after '/'.
func PathUpper(path string) string { return strings.TrimSuffix(path, "/") + "0" }

// InSubtree returns the condition that col lies in the subtree at path, with
// the bounds written into the SQL. Paths hold only digits and '/', so they
// are safe as literals, and literal bounds let PostgreSQL plan each subtree
// for its own size instead of reusing a generic plan made for another one.
func InSubtree(col, path string) string {
	for _, c := range path {
		if (c < '0' || c > '9') && c != '/' {
			return "1=0" // not a path: matches nothing
		}
	}
	return "(" + col + " >= '" + path + "' AND " + col + " < '" + PathUpper(path) + "')"
}

// ScopeSQL returns a WHERE fragment restricting col to the actor's subtrees
// for action, and its arguments. Unrestricted actors get "1=1"; actors with
// no scope get "1=0".
func (a Actor) ScopeSQL(col string, action Action) (string, []any) {
	if a.Unrestricted() {
		return "1=1", nil
	}
	roots := a.Scopes(action)
	if len(roots) == 0 {
		return "1=0", nil
	}
	var parts []string
	for _, r := range roots {
		parts = append(parts, InSubtree(col, r))
	}
	return "(" + strings.Join(parts, " OR ") + ")", nil
}

// RoleLabel returns the name of a role.
func RoleLabel(r Role) i18n.Text {
	switch r {
	case Admin:
		return i18n.Text{ZH: "系统管理员", EN: "System administrator"}
	case OrgAdmin:
		return i18n.Text{ZH: "组织部门管理员", EN: "Organization department administrator"}
	case Secretary:
		return i18n.Text{ZH: "党组织书记", EN: "Party secretary"}
	case EvaluationManager:
		return i18n.Text{ZH: "评议考核管理员", EN: "Evaluation manager"}
	case CaseHandler:
		return i18n.Text{ZH: "诉求办理员", EN: "Case handler"}
	case IntegrityOfficer:
		return i18n.Text{ZH: "廉洁工作站专员", EN: "Integrity officer"}
	case Custodian:
		return i18n.Text{ZH: "身份信息保管人", EN: "Identity custodian"}
	case Auditor:
		return i18n.Text{ZH: "审计员", EN: "Auditor"}
	}
	return i18n.Text{ZH: string(r), EN: string(r)}
}

type ctxKey struct{}

// WithActor returns ctx carrying the actor of the request.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// FromContext returns the actor of the request and whether there is one.
func FromContext(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(ctxKey{}).(Actor)
	return a, ok
}

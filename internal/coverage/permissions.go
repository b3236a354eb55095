package coverage

import "jiceng/internal/access"

// The actions of the coverage module.
const (
	// UnitRead sees units, goals, rates and trends.
	UnitRead access.Action = "unit.read"
	// UnitManage adds, edits, imports and closes units.
	UnitManage access.Action = "unit.manage"
	// GoalManage sets coverage goals for an organization's subtree.
	GoalManage access.Action = "goal.manage"
)

// Permissions is the module's part of the permission catalogue: an
// organization department runs coverage, a secretary keeps the units of
// the organization they lead, an auditor reads. A function, so that nobody
// changes the table for everyone.
func Permissions() access.Permissions {
	return access.Permissions{
		Module:  "coverage",
		Actions: []access.Action{UnitRead, UnitManage, GoalManage},
		Roles: map[access.Role][]access.Action{
			access.OrgAdmin:  {UnitRead, UnitManage, GoalManage},
			access.Secretary: {UnitRead, UnitManage},
			access.Auditor:   {UnitRead},
		},
	}
}

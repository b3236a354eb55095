package evaluation

import "jiceng/internal/access"

// The actions of the evaluation module.
const (
	// EvaluationRead sees campaigns, token counts and live results.
	EvaluationRead access.Action = "evaluation.read"
	// EvaluationManage creates and runs campaigns and issues ballot codes.
	EvaluationManage access.Action = "evaluation.manage"
)

// Permissions is the module's part of the permission catalogue: the
// organization department and its evaluation managers run campaigns,
// secretaries and auditors follow them. A function, so that nobody
// changes the table for everyone.
func Permissions() access.Permissions {
	return access.Permissions{
		Module:  "evaluation",
		Actions: []access.Action{EvaluationRead, EvaluationManage},
		Roles: map[access.Role][]access.Action{
			access.OrgAdmin:          {EvaluationRead, EvaluationManage},
			access.Secretary:         {EvaluationRead},
			access.EvaluationManager: {EvaluationRead, EvaluationManage},
			access.Auditor:           {EvaluationRead},
		},
	}
}

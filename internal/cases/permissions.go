package cases

import "jiceng/internal/access"

// The actions of the cases module.
const (
	// CasesRead sees the mediation, service and opinion cases of a subtree,
	// their statistics and the opinions' monthly reports. Never integrity
	// reports: those need IntegrityRead.
	CasesRead access.Action = "cases.read"
	// CasesHandle takes a case of those kinds through the workflow at the
	// organizations the grant covers; held on the organization above, it
	// approves an extension (延期).
	CasesHandle access.Action = "cases.handle"
	// IntegrityRead sees the integrity reports routed to a subtree, except
	// those about the reader's own organization or person (see visible.go).
	IntegrityRead access.Action = "integrity.read"
	// IntegrityHandle takes integrity reports through the workflow.
	IntegrityHandle access.Action = "integrity.handle"
	// RevealApprove decides a request to reveal a reporter's identity; the
	// identity is then shown to the requester, logged and told to the
	// reporter. Requesting is the handling permission of the case's kind.
	RevealApprove access.Action = "cases.reveal"
	// StationsManage keeps the integrity workstations and their activities.
	StationsManage access.Action = "stations.manage"
	// CalendarManage edits the holiday calendar deadlines are counted in.
	CalendarManage access.Action = "cases.calendar"
)

// Permissions is the module's part of the permission catalogue. Case
// handlers (诉求办理员) and secretaries handle residents' requests; the
// organization department reads them and edits the calendar; integrity
// officers (廉洁工作站专员) alone read and handle integrity reports and keep
// the workstations; custodians (身份信息保管人) alone decide reveals and read
// nothing else of a case beyond what the decision needs. Auditors read the
// residents' requests, not the integrity reports. A function, so that nobody
// changes the table for everyone.
func Permissions() access.Permissions {
	return access.Permissions{
		Module:  "cases",
		Actions: []access.Action{CasesRead, CasesHandle, IntegrityRead, IntegrityHandle, RevealApprove, StationsManage, CalendarManage},
		Roles: map[access.Role][]access.Action{
			access.OrgAdmin:         {CasesRead, CalendarManage, StationsManage},
			access.Secretary:        {CasesRead, CasesHandle},
			access.CaseHandler:      {CasesRead, CasesHandle},
			access.IntegrityOfficer: {IntegrityRead, IntegrityHandle, StationsManage},
			access.Custodian:        {RevealApprove},
			access.Auditor:          {CasesRead},
		},
		// The system administrator runs the installation and may itself be
		// reported: integrity reports and reporters' identities are only
		// for the roles that list them.
		Reserved: []access.Action{IntegrityRead, IntegrityHandle, RevealApprove},
	}
}

// handleAction is the permission that handles a case of kind.
func handleAction(kind string) access.Action {
	if kind == KindIntegrity {
		return IntegrityHandle
	}
	return CasesHandle
}

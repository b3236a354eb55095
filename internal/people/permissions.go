package people

import "jiceng/internal/access"

// The actions of the people module.
const (
	// PeopleRead sees the member register: names, masked ID numbers and
	// phones, memberships, timelines and statistics.
	PeopleRead access.Action = "people.read"
	// PeopleManage adds members and records their changes.
	PeopleManage access.Action = "people.manage"
	// PeopleReveal shows an ID number or phone in full; every reveal is
	// audited.
	PeopleReveal access.Action = "people.reveal"
	// CareRead sees the care (关爱) cases of a subtree with their reasons,
	// which are personal data, and their yearly totals.
	CareRead access.Action = "care.read"
	// CareApprove takes the township's review or the county's approval of a
	// care case, and records its disbursement, at the organization the
	// grant covers; applying is PeopleManage at the member's organization.
	CareApprove access.Action = "care.approve"
)

// Permissions is the module's part of the permission catalogue: the
// organization department keeps the register and may see a number in full,
// a secretary keeps the members of the organization they lead, an auditor
// reads. Only the department sets how many hours of training a post needs
// a year. Care cases are read by the organization department, the
// secretary who applies for a member and the auditor who checks the money;
// only the organization department decides them. A function, so that
// nobody changes the table for everyone.
func Permissions() access.Permissions {
	return access.Permissions{
		Module:  "people",
		Actions: []access.Action{PeopleRead, PeopleManage, PeopleReveal, PeopleTrainingSet, CareRead, CareApprove},
		Roles: map[access.Role][]access.Action{
			access.OrgAdmin:  {PeopleRead, PeopleManage, PeopleReveal, PeopleTrainingSet, CareRead, CareApprove},
			access.Secretary: {PeopleRead, PeopleManage, CareRead},
			access.Auditor:   {PeopleRead, CareRead},
		},
	}
}

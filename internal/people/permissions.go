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
)

// Permissions is the module's part of the permission catalogue: the
// organization department keeps the register and may see a number in full,
// a secretary keeps the members of the organization they lead, an auditor
// reads. Only the department sets how many hours of training a post needs
// a year. A function, so that nobody changes the table for everyone.
func Permissions() access.Permissions {
	return access.Permissions{
		Module:  "people",
		Actions: []access.Action{PeopleRead, PeopleManage, PeopleReveal, PeopleTrainingSet},
		Roles: map[access.Role][]access.Action{
			access.OrgAdmin:  {PeopleRead, PeopleManage, PeopleReveal, PeopleTrainingSet},
			access.Secretary: {PeopleRead, PeopleManage},
			access.Auditor:   {PeopleRead},
		},
	}
}

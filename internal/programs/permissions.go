package programs

import "jiceng/internal/access"

// The actions of the programmes module.
const (
	// ProgramsRead sees the programmes' ledgers of a subtree: weak
	// organizations under rectification, first secretaries, demonstration
	// sites, leaders' contact points, pairings and venues.
	ProgramsRead access.Action = "programs.read"
	// ProgramsReport records what an organization does under a programme:
	// its monthly rectification progress, a first secretary's log, its
	// venue.
	ProgramsReport access.Action = "programs.report"
	// ProgramsManage runs the programmes of a subtree: identifies weak
	// organizations and plans their rectification, dispatches first
	// secretaries, nominates demonstration sites, keeps contact points and
	// pairings.
	ProgramsManage access.Action = "programs.manage"
	// ProgramsAccept is the county's (or the city's) word on a programme's
	// result: it accepts a rectification (验收) and strikes the
	// organization off the list (销号), and designates or revokes
	// demonstration sites.
	ProgramsAccept access.Action = "programs.accept"
)

// Permissions is the module's part of the permission catalogue: the
// organization department runs the programmes and accepts their results,
// a secretary reports what their organization does, an auditor reads. A
// function, so that nobody changes the table for everyone.
func Permissions() access.Permissions {
	return access.Permissions{
		Module:  "programs",
		Actions: []access.Action{ProgramsRead, ProgramsReport, ProgramsManage, ProgramsAccept},
		Roles: map[access.Role][]access.Action{
			access.OrgAdmin:  {ProgramsRead, ProgramsReport, ProgramsManage, ProgramsAccept},
			access.Secretary: {ProgramsRead, ProgramsReport},
			access.Auditor:   {ProgramsRead},
		},
	}
}

package app

import (
	apiaccounts "jiceng/internal/api/accounts"
	apiaudit "jiceng/internal/api/audit"
	apicases "jiceng/internal/api/cases"
	apicoverage "jiceng/internal/api/coverage"
	apievaluation "jiceng/internal/api/evaluation"
	apiorgs "jiceng/internal/api/orgs"
	apipeople "jiceng/internal/api/people"
	apiprograms "jiceng/internal/api/programs"
	"jiceng/internal/cases"
	"jiceng/internal/coverage"
	"jiceng/internal/evaluation"
	"jiceng/internal/people"
	"jiceng/internal/programs"
	webaccounts "jiceng/internal/web/accounts"
	webaudit "jiceng/internal/web/audit"
	webcases "jiceng/internal/web/cases"
	webcoverage "jiceng/internal/web/coverage"
	webevaluation "jiceng/internal/web/evaluation"
	weborgs "jiceng/internal/web/orgs"
	webpeople "jiceng/internal/web/people"
	webprograms "jiceng/internal/web/programs"
)

// modules is the module list: one line per module, its domain, its pages
// and its JSON handlers. The order is the order of the statistics, the
// import kinds and the demo data; the sidebar has an order of its own.
var modules = []Module{
	Use(orgsDomain, weborgs.Module, apiorgs.Module),
	Use(accountsDomain, webaccounts.Module, apiaccounts.Module),
	Use(auditDomain, webaudit.Module, apiaudit.Module),
	Use(coverage.Module, webcoverage.Module, apicoverage.Module),
	Use(evaluation.Module, webevaluation.Module, apievaluation.Module),
	Use(people.Module, webpeople.Module, apipeople.Module),
	Use(cases.Module, webcases.Module, apicases.Module),
	// The programmes read the evaluation results, the cases and the
	// register: they come after those modules.
	Use(programs.Module, webprograms.Module, apiprograms.Module),
}

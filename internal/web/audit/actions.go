package audit

import (
	"slices"
	"strings"

	"jiceng/internal/web"
)

// actionGroup is one <optgroup> of the action filter: the module's name
// and the actions of its entries.
type actionGroup struct {
	Label   string
	Actions []actionOption
}

// actionOption is one action of the filter, with its name in the page's
// language.
type actionOption struct {
	Key, Label string
}

// groupOf places an action's first word under the module whose entries
// have it, by that module's sidebar name; an action of a word not listed
// here still shows, under 其他.
var groupOf = map[string]string{
	"org": "nav.orgs", "region": "nav.orgs",
	"auth": "nav.users", "user": "nav.users", "grant": "nav.users",
	"unit": "nav.coverage", "goal": "nav.coverage", "coverage": "nav.coverage",
	"evaluation": "nav.evaluation",
}

// groupOrder is the order of the groups in the filter.
var groupOrder = []string{"nav.orgs", "nav.users", "nav.coverage", "nav.evaluation", "audit.group_other"}

// actionGroups lists every action named in the catalogues (action.*), the
// same list the log names its entries with, grouped by module and sorted
// by name within a group. Every action the program writes has a name
// (TestAuditActionsHaveMessages), so the filter lists every action.
func (h *Pages) actionGroups(lang string) []actionGroup {
	keys := map[string]bool{}
	for k := range web.Messages {
		keys[k] = true
	}
	for _, c := range h.Catalogs {
		for k := range c {
			keys[k] = true
		}
	}
	byGroup := map[string][]actionOption{}
	for k := range keys {
		action, ok := strings.CutPrefix(k, "action.")
		if !ok {
			continue
		}
		word, _, _ := strings.Cut(action, ".")
		g, ok := groupOf[word]
		if !ok {
			g = "audit.group_other"
		}
		byGroup[g] = append(byGroup[g], actionOption{Key: action, Label: h.T(lang, k)})
	}
	var out []actionGroup
	for _, g := range groupOrder {
		opts := byGroup[g]
		if len(opts) == 0 {
			continue
		}
		slices.SortFunc(opts, func(a, b actionOption) int { return strings.Compare(a.Key, b.Key) })
		out = append(out, actionGroup{Label: h.T(lang, g), Actions: opts})
	}
	return out
}

package audit

import (
	"slices"
	"strings"
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

// otherGroup names the group of the actions every module shares (exports),
// which the audit module's catalogue names.
const otherGroup = "audit.group_other"

// actionGroups lists every action named in the catalogues (action.*), the
// same names the log gives its entries, under the module whose catalogue
// names them (the audit module's own, exports, under 其他), sorted by name
// within a module. Every action the program writes has a name
// (TestAuditActionsHaveMessages), so the filter lists every action, and a
// new module's actions come with its catalogue.
func (h *Pages) actionGroups(lang string) []actionGroup {
	var out []actionGroup
	var other *actionGroup
	for _, sec := range h.Sections() {
		var opts []actionOption
		for k := range sec.Catalog {
			if action, ok := strings.CutPrefix(k, "action."); ok {
				opts = append(opts, actionOption{Key: action, Label: h.T(lang, k)})
			}
		}
		if len(opts) == 0 {
			continue
		}
		slices.SortFunc(opts, func(a, b actionOption) int { return strings.Compare(a.Key, b.Key) })
		g := actionGroup{Label: h.T(lang, sec.Label), Actions: opts}
		if sec.Label == otherGroup {
			other = &g
			continue
		}
		out = append(out, g)
	}
	if other != nil {
		out = append(out, *other) // 其他 closes the list, whatever the modules' order
	}
	return out
}

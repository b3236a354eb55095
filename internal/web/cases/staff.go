package cases

import (
	"jiceng/internal/i18n"
	"jiceng/internal/module"
)

// staffMessages is the catalogue of the staff pages.
var staffMessages = i18n.Catalog{}

// staffRoutes are the staff pages.
func (h *Pages) staffRoutes() []module.Route { return nil }

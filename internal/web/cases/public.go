package cases

import (
	"jiceng/internal/i18n"
	"jiceng/internal/module"
)

// publicMessages is the catalogue of the public pages.
var publicMessages = i18n.Catalog{}

// publicRoutes are the public pages.
func (h *Pages) publicRoutes() []module.Route { return nil }

package i18n

// enCoverage is the English catalogue of the 两新 coverage pages.
var enCoverage = map[string]string{
	"nav.coverage": "Two-new coverage",
}

package i18n

// zhCoverage is the Chinese catalogue of the 两新 coverage pages.
var zhCoverage = map[string]string{
	"nav.coverage": "两新覆盖",
}

package i18n

// zhEvaluation is the Chinese catalogue of the evaluation pages.
var zhEvaluation = map[string]string{
	"nav.evaluation": "评议考核",
}

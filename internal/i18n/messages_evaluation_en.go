package i18n

// enEvaluation is the English catalogue of the evaluation pages.
var enEvaluation = map[string]string{
	"nav.evaluation": "Evaluations",
}

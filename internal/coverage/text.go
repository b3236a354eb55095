package coverage

import "fmt"

// Text is a message computed by the coverage rules (a warning, a piece of
// advice, the reason a joint branch is flagged) in Chinese and English,
// picked by the reader's language like errs.Error.Message.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Textf is Text with fmt-style arguments applied to both messages.
func Textf(zh, en string, args ...any) Text {
	return Text{ZH: fmt.Sprintf(zh, args...), EN: fmt.Sprintf(en, args...)}
}

// In returns the message in lang ("en" or anything else for Chinese).
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

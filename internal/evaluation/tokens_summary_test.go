package evaluation

import "testing"

// The audit summaries of codes name a built-in rater group in English in
// the English text and keep the Chinese as it was.
func TestTokenSummaries(t *testing.T) {
	s := issuedSummary("2026年度测评", "群众代表", 1, 2)
	if s.ZH != "测评 2026年度测评：为评委组“群众代表”发放测评码 1 张（第 2 批）" ||
		s.EN != "2026年度测评: issued 1 code to the rater group \"Public representatives\" (batch 2)" {
		t.Errorf("issued one: %+v", s)
	}
	s = issuedSummary("2026年度测评", "自定义组", 3, 1)
	if s.ZH != "测评 2026年度测评：为评委组“自定义组”发放测评码 3 张（第 1 批）" ||
		s.EN != "2026年度测评: issued 3 codes to the rater group \"自定义组\" (batch 1)" {
		t.Errorf("issued three to a typed group: %+v", s)
	}
	s = revokedSummary("2026年度测评", "企业")
	if s.ZH != "测评 2026年度测评：作废评委组“企业”的测评码 1 张" ||
		s.EN != "2026年度测评: revoked one code of the rater group \"Enterprises\"" {
		t.Errorf("revoked: %+v", s)
	}
}

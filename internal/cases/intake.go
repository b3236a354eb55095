package cases

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// Report is what a resident submits, without an account.
type Report struct {
	Kind       string `json:"kind"`
	RegionCode string `json:"region_code"`
	Place      string `json:"place"`
	// For integrity reports: the organization concerned, picked from the
	// tree; the cadre concerned, picked from its cadres; or either typed.
	SubjectOrgID    int64  `json:"subject_org_id"`
	SubjectPersonID int64  `json:"subject_person_id"`
	SubjectText     string `json:"subject_text"`
	// Topic is the policy topic of an opinion.
	Topic string `json:"topic"`
	Body  string `json:"body"`
	// Identity and contact are optional and go to the vault.
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
	// Files are the attachments, checked by CheckAttachments.
	Files []NamedFile `json:"-"`
}

// Topics are the policy topics opinions are tagged with.
var Topics = []org.Choice{
	{Key: "employment", Text: i18n.Text{ZH: "就业创业", EN: "Jobs and business"}},
	{Key: "education", Text: i18n.Text{ZH: "教育", EN: "Education"}},
	{Key: "health", Text: i18n.Text{ZH: "医疗卫生", EN: "Health care"}},
	{Key: "elderly", Text: i18n.Text{ZH: "养老服务", EN: "Care for the elderly"}},
	{Key: "housing", Text: i18n.Text{ZH: "住房", EN: "Housing"}},
	{Key: "transport", Text: i18n.Text{ZH: "交通出行", EN: "Transport"}},
	{Key: "environment", Text: i18n.Text{ZH: "生态环境", EN: "Environment"}},
	{Key: "welfare", Text: i18n.Text{ZH: "社会保障", EN: "Social security"}},
	{Key: "rural", Text: i18n.Text{ZH: "乡村振兴", EN: "Rural revitalization"}},
	{Key: "business", Text: i18n.Text{ZH: "营商环境", EN: "Business environment"}},
	{Key: "governance", Text: i18n.Text{ZH: "基层治理", EN: "Community governance"}},
	{Key: "other", Text: i18n.Text{ZH: "其他", EN: "Other"}},
}

// Limits of what a resident types.
const (
	bodyMin    = 10
	bodyMax    = 5000
	placeMax   = 100
	subjectMax = 50
	nameMax    = 20
	titleRunes = 30
)

var (
	mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	// landline: area code and number, an extension allowed (0771-5551234-12)
	landlineRE = regexp.MustCompile(`^0[1-9][0-9]{1,2}-?[0-9]{7,8}(-[0-9]{1,6})?$`)
	emailRE    = regexp.MustCompile(`^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$`)
)

// identity is what the vault keeps of a reporter.
type identity struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

func (id identity) empty() bool { return id.Name == "" && id.Phone == "" && id.Email == "" }

// clean trims what a resident typed and checks every field at once.
func (r *Report) clean() error {
	var f errs.Fields
	r.Kind = strings.TrimSpace(r.Kind)
	r.Place = strings.TrimSpace(r.Place)
	r.SubjectText = strings.TrimSpace(r.SubjectText)
	r.Body = strings.TrimSpace(strings.ReplaceAll(r.Body, "\r\n", "\n"))
	r.Name = strings.TrimSpace(r.Name)
	r.Phone = strings.NewReplacer(" ", "", "－", "-", "—", "-").Replace(strings.TrimSpace(r.Phone))
	r.Email = strings.TrimSpace(r.Email)
	if !validChoice(Kinds, r.Kind) {
		f.Add("kind", "请选择反映类型：廉洁监督举报、矛盾纠纷调解、服务诉求或政策意见建议", "choose the kind: integrity report, mediation, service request or policy opinion")
	}
	if n := utf8.RuneCountInString(r.Body); n < bodyMin || n > bodyMax {
		f.Add("body", "请用 10 至 5000 个字说明事情经过、诉求或建议", "describe the matter in 10 to 5,000 characters")
	}
	if utf8.RuneCountInString(r.Place) > placeMax {
		f.Add("place", "详细地点最多 100 个字", "the detailed place has at most 100 characters")
	}
	switch r.Kind {
	case KindIntegrity:
		if r.SubjectOrgID <= 0 && r.SubjectPersonID <= 0 && r.SubjectText == "" {
			f.Add("subject_text", "请选择或填写被反映的干部或组织", "pick or type the cadre or organization concerned")
		}
		if utf8.RuneCountInString(r.SubjectText) > subjectMax {
			f.Add("subject_text", "被反映对象最多 50 个字", "the person or organization concerned has at most 50 characters")
		}
	case KindOpinion:
		if !validChoice(Topics, r.Topic) {
			f.Add("topic", "请选择意见建议涉及的政策领域", "choose the policy area of the opinion")
		}
	}
	if r.Kind != KindIntegrity {
		r.SubjectOrgID, r.SubjectPersonID, r.SubjectText = 0, 0, ""
	}
	if r.Kind != KindOpinion {
		r.Topic = ""
	}
	if utf8.RuneCountInString(r.Name) > nameMax {
		f.Add("name", "姓名最多 20 个字", "the name has at most 20 characters")
	}
	if r.Phone != "" && !mobileRE.MatchString(r.Phone) && !landlineRE.MatchString(r.Phone) {
		f.Add("phone", "请填写 11 位手机号或带区号的固定电话（如 0771-5551234），也可不填", "enter an 11-digit mobile number or a landline with its area code (0771-5551234), or leave it empty")
	}
	if r.Email != "" && (len(r.Email) > 254 || !emailRE.MatchString(r.Email)) {
		f.Add("email", "电子邮箱格式不正确，也可不填", "the e-mail address is not valid; you may leave it empty")
	}
	return f.Err()
}

// title is the first line of the body, cut to 30 characters: lists show it.
func title(body string) string {
	line, _, _ := strings.Cut(body, "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) <= titleRunes {
		return line
	}
	return string([]rune(line)[:titleRunes]) + "…"
}

// intake is a report checked and prepared outside any transaction: routed,
// its receipt made and hashed, its identity sealed and its files cleaned,
// so that the transaction that stores it does nothing slow.
type intake struct {
	r         Report
	route     routed
	receipt   string
	hash      []byte
	sealed    []byte
	files     []Attachment
	now       time.Time
	acceptDue time.Time
	cadre     string // the cadre picked, named for the handlers
	// ctx is the submitter's: a submission whose client has gone is not
	// stored by a group commit.
	ctx context.Context
}

// Receipt is what a resident gets back: the receipt code, shown once.
type Receipt struct {
	Code   string `json:"receipt"`
	CaseID int64  `json:"-"`
}

// prepare checks r, routes it and makes its receipt.
func (s *Service) prepare(ctx context.Context, r Report, now time.Time) (*intake, error) {
	if err := r.clean(); err != nil {
		return nil, err
	}
	files, err := CheckAttachments(r.Files)
	if err != nil {
		return nil, err
	}
	in := &intake{r: r, files: files, now: now, ctx: ctx}
	if r.SubjectPersonID > 0 && r.SubjectOrgID <= 0 {
		return nil, errs.Field("subject_person_id", "请先选择被反映干部所在的组织", "pick the cadre's organization first")
	}
	in.route, err = s.route(ctx, s.db, r.Kind, r.RegionCode, r.SubjectOrgID)
	if err != nil {
		return nil, err
	}
	if r.SubjectPersonID > 0 {
		cadres, err := s.orgs.Cadres(ctx, r.SubjectOrgID)
		if err != nil {
			return nil, err
		}
		for _, c := range cadres {
			if c.PersonID == r.SubjectPersonID {
				in.cadre = c.Name + "（" + c.Post.ZH + "）"
			}
		}
		if in.cadre == "" {
			return nil, errs.Field("subject_person_id", "所选干部不在该组织任职，请重新选择或直接填写", "the cadre picked holds no post in that organization: pick again or type the name")
		}
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return nil, err
	}
	in.acceptDue = cal.AddWorkdays(in.now, AcceptDays)
	in.receipt, in.hash = s.receipts.newReceipt()
	if id := (identity{Name: r.Name, Phone: r.Phone, Email: r.Email}); !id.empty() {
		b, _ := json.Marshal(id) // a struct of strings always marshals
		in.sealed = s.vault.Seal("identity", string(b))
	}
	return in, nil
}

// Submit stores a resident's report and returns its receipt. The receipt
// is handed out only after the case, its files and its sealed identity are
// committed and synced, together or not at all; under serve a committer
// batches concurrent submissions into one durable commit.
func (s *Service) Submit(ctx context.Context, r Report) (Receipt, error) {
	in, err := s.prepare(ctx, r, s.now())
	if err != nil {
		return Receipt{}, err
	}
	if c := s.committer.Load(); c != nil {
		if id, ok, err := c.submit(ctx, in); ok {
			return Receipt{Code: in.receipt, CaseID: id}, err
		}
	}
	ids := []int64{0}
	if err := s.storeLost(ctx, []*intake{in}, ids); err != nil && ids[0] == 0 {
		return Receipt{}, err
	}
	return Receipt{Code: in.receipt, CaseID: ids[0]}, nil
}

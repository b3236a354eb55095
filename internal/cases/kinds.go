package cases

import (
	"fmt"
	"slices"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/i18n"
	"jiceng/internal/org"
)

// The kinds of case a resident may open.
const (
	KindIntegrity = "integrity" // 廉洁监督举报: about a cadre or an organization
	KindMediation = "mediation" // 矛盾纠纷调解
	KindService   = "service"   // 服务诉求
	KindOpinion   = "opinion"   // 政策意见建议
)

// Kinds are the case kinds in the order the intake offers them.
var Kinds = []org.Choice{
	{Key: KindIntegrity, Text: i18n.Text{ZH: "廉洁监督举报", EN: "Integrity report"}},
	{Key: KindMediation, Text: i18n.Text{ZH: "矛盾纠纷调解", EN: "Dispute mediation"}},
	{Key: KindService, Text: i18n.Text{ZH: "服务诉求", EN: "Service request"}},
	{Key: KindOpinion, Text: i18n.Text{ZH: "政策意见建议", EN: "Policy opinion"}},
}

// The states of a case. A case is received (submitted), accepted or
// refused, dispatched to an organization below or handled where it is,
// answered, visited (回访) and closed; a reporter's 不满意 reopens it.
const (
	Submitted  = "submitted"
	Accepted   = "accepted"
	Refused    = "refused"
	Dispatched = "dispatched"
	InProgress = "in_progress"
	Answered   = "answered"
	Visited    = "visited"
	Closed     = "closed"
)

// States are the states in the order of the workflow.
var States = []org.Choice{
	{Key: Submitted, Text: i18n.Text{ZH: "待受理", EN: "Awaiting acceptance"}},
	{Key: Accepted, Text: i18n.Text{ZH: "已受理", EN: "Accepted"}},
	{Key: Refused, Text: i18n.Text{ZH: "不予受理", EN: "Not accepted"}},
	{Key: Dispatched, Text: i18n.Text{ZH: "已派单", EN: "Dispatched"}},
	{Key: InProgress, Text: i18n.Text{ZH: "办理中", EN: "In progress"}},
	{Key: Answered, Text: i18n.Text{ZH: "已答复", EN: "Answered"}},
	{Key: Visited, Text: i18n.Text{ZH: "已回访", EN: "Visited"}},
	{Key: Closed, Text: i18n.Text{ZH: "已办结", EN: "Closed"}},
}

// Outcomes of a closed case. They stay apart: closing a case is never
// counted as resolving it.
const (
	Resolved       = "resolved"
	NotResolved    = "not_resolved"
	NotResponsible = "not_responsible"
	Duplicate      = "duplicate"
)

// Outcomes are the outcomes a handler may close a case with; a refused case
// has the outcome "refused" and a duplicate the outcome Duplicate.
var Outcomes = []org.Choice{
	{Key: Resolved, Text: i18n.Text{ZH: "已解决", EN: "Resolved"}},
	{Key: NotResolved, Text: i18n.Text{ZH: "未解决", EN: "Not resolved"}},
	{Key: NotResponsible, Text: i18n.Text{ZH: "非本单位职责", EN: "Not our responsibility"}},
	{Key: Duplicate, Text: i18n.Text{ZH: "重复件", EN: "Duplicate"}},
	{Key: Refused, Text: i18n.Text{ZH: "不予受理", EN: "Not accepted"}},
}

// Ratings a reporter gives an answer, once per round.
const (
	Satisfied   = "satisfied"
	Fair        = "fair"
	Unsatisfied = "unsatisfied"
)

// Ratings in the order the follow-up page offers them.
var Ratings = []org.Choice{
	{Key: Satisfied, Text: i18n.Text{ZH: "满意", EN: "Satisfied"}},
	{Key: Fair, Text: i18n.Text{ZH: "基本满意", EN: "Fairly satisfied"}},
	{Key: Unsatisfied, Text: i18n.Text{ZH: "不满意", EN: "Unsatisfied"}},
}

// Steps a handler takes, each moving a case from some states to one.
const (
	StepAccept   = "accept"
	StepRefuse   = "refuse"
	StepDispatch = "dispatch"
	StepReturn   = "return" // 退单: the organization dispatched to sends it back
	StepStart    = "start"
	StepAnswer   = "answer"
	StepVisit    = "visit"
	StepClose    = "close"
	StepDup      = "duplicate"
)

// Steps name the handlers' steps.
var Steps = []org.Choice{
	{Key: StepAccept, Text: i18n.Text{ZH: "受理", EN: "Accept"}},
	{Key: StepRefuse, Text: i18n.Text{ZH: "不予受理", EN: "Refuse"}},
	{Key: StepDispatch, Text: i18n.Text{ZH: "派单", EN: "Dispatch"}},
	{Key: StepReturn, Text: i18n.Text{ZH: "退单", EN: "Return"}},
	{Key: StepStart, Text: i18n.Text{ZH: "开始办理", EN: "Start handling"}},
	{Key: StepAnswer, Text: i18n.Text{ZH: "答复", EN: "Answer"}},
	{Key: StepVisit, Text: i18n.Text{ZH: "回访", EN: "Visit"}},
	{Key: StepClose, Text: i18n.Text{ZH: "办结", EN: "Close"}},
	{Key: StepDup, Text: i18n.Text{ZH: "标记重复件", EN: "Mark as duplicate"}},
}

// transition is one step of the workflow: from which states, to which.
type transition struct {
	from []string
	to   string
}

// workflow is the one table of the handlers' steps. The reporter's steps
// (rating, reopening) and the system's (escalation) are not in it: they
// do not move a case between these states in the same way.
var workflow = map[string]transition{
	StepAccept:   {from: []string{Submitted}, to: Accepted},
	StepRefuse:   {from: []string{Submitted}, to: Refused},
	StepDup:      {from: []string{Submitted, Accepted}, to: Closed},
	StepDispatch: {from: []string{Accepted}, to: Dispatched},
	StepReturn:   {from: []string{Dispatched, InProgress}, to: Accepted},
	StepStart:    {from: []string{Accepted, Dispatched}, to: InProgress},
	StepAnswer:   {from: []string{InProgress}, to: Answered},
	StepVisit:    {from: []string{Answered}, to: Visited},
	StepClose:    {from: []string{Visited}, to: Closed},
}

// NextSteps lists the handlers' steps that may follow state, in the order
// of Steps.
func NextSteps(state string) []string {
	var out []string
	for _, c := range Steps {
		if slices.Contains(workflow[c.Key].from, state) {
			out = append(out, c.Key)
		}
	}
	return out
}

// outOfOrder is the 409 answer to a step the case's state does not allow,
// naming the steps that it does.
func outOfOrder(step, state string) error {
	next := NextSteps(state)
	zh, en := make([]string, len(next)), make([]string, len(next))
	for i, k := range next {
		zh[i] = org.LabelOf(Steps, k, i18n.ZH)
		en[i] = org.LabelOf(Steps, k, i18n.EN)
	}
	stZH, stEN := org.LabelOf(States, state, i18n.ZH), org.LabelOf(States, state, i18n.EN)
	stepZH, stepEN := org.LabelOf(Steps, step, i18n.ZH), org.LabelOf(Steps, step, i18n.EN)
	if len(next) == 0 {
		return errs.New(errs.Conflict, fmt.Sprintf("案件当前状态为“%s”，不能%s，也没有可办理的下一步", stZH, stepZH),
			fmt.Sprintf("the case is %s: the step %s is not allowed, and no step follows", strings.ToLower(stEN), strings.ToLower(stepEN)))
	}
	return errs.New(errs.Conflict, fmt.Sprintf("案件当前状态为“%s”，不能%s；可以：%s", stZH, stepZH, strings.Join(zh, "、")),
		fmt.Sprintf("the case is %s: the step %s is not allowed; allowed next: %s", strings.ToLower(stEN), strings.ToLower(stepEN), strings.ToLower(strings.Join(en, ", "))))
}

// Deadlines in working days, counted from the day after receipt (see
// Calendar.AddWorkdays). Acceptance is the same for every kind; handling
// follows the practice of 12345 hotlines for services and disputes and of
// discipline inspection for integrity reports.
const (
	AcceptDays   = 2
	ReopenDays   = 10 // a reopened case (重办) gets this long again
	MaxExtension = 15 // the most working days one 延期 may add
)

// handleDays is the handling deadline of each kind, from acceptance.
func handleDays(kind string) int {
	switch kind {
	case KindIntegrity:
		return 30
	case KindMediation:
		return 15
	case KindOpinion:
		return 15
	default:
		return 10
	}
}

// open reports whether a case of state still waits for something to be done.
func open(state string) bool { return state != Closed && state != Refused }

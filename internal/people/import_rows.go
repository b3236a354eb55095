package people

import (
	"fmt"
	"strings"

	"jiceng/internal/errs"
	"jiceng/internal/imports"
)

// rowMessages collects what is wrong with one row of an import, in both
// languages, for the row's problem.
type rowMessages struct{ zh, en []string }

// add adds the messages of err: each field's, or its own.
func (m *rowMessages) add(err error) {
	e := errs.As(err)
	if len(e.Details) > 0 {
		for _, d := range e.Details {
			m.zh, m.en = append(m.zh, d.ZH), append(m.en, d.EN)
		}
		return
	}
	m.zh, m.en = append(m.zh, e.ZH), append(m.en, e.EN)
}

// problem joins the messages into the row's problem, "第N行：…；…".
func (m rowMessages) problem(line int) imports.Problem {
	return imports.Problem{Row: line, ZH: fmt.Sprintf("第%d行：%s", line, strings.Join(m.zh, "；")), EN: fmt.Sprintf("row %d: %s", line, strings.Join(m.en, "; "))}
}

// problemOf is the problem of a row with one error.
func problemOf(line int, err error) imports.Problem {
	var m rowMessages
	m.add(err)
	return m.problem(line)
}

package evaluation

import "jiceng/internal/evaluation"

// evaSection is a run of subjects under one heading of the campaign page:
// the organizations (no heading), or the staff of one section of one
// agency, as a 千企议科长 list is read — agency, then section, then staff.
type evaSection struct {
	Org           bool
	Unit, Section string
	Rows          []evaSubjectRow
}

// evaSubjectRow is a subject with its number on the page.
type evaSubjectRow struct {
	Seq int
	evaluation.Subject
}

// subjectSections groups the subjects for the campaign page: organizations
// first, then persons by unit and, within a unit, by section, each in the
// order it first appears (the order of the list they were imported from),
// and numbers them in that order. A subject added later to an agency
// already listed joins it rather than trailing after the others.
func subjectSections(subs []evaluation.Subject) []evaSection {
	var orgs []evaluation.Subject
	var units []string
	sections := map[string][]string{}             // unit → sections in order
	staff := map[[2]string][]evaluation.Subject{} // unit, section → staff
	for _, sb := range subs {
		if sb.OrgID != nil {
			orgs = append(orgs, sb)
			continue
		}
		k := [2]string{sb.Unit, sb.Section}
		if _, seen := sections[sb.Unit]; !seen {
			units = append(units, sb.Unit)
		}
		if _, seen := staff[k]; !seen {
			sections[sb.Unit] = append(sections[sb.Unit], sb.Section)
		}
		staff[k] = append(staff[k], sb)
	}
	var out []evaSection
	seq := 0
	rows := func(subs []evaluation.Subject) []evaSubjectRow {
		out := make([]evaSubjectRow, len(subs))
		for i, sb := range subs {
			seq++
			out[i] = evaSubjectRow{Seq: seq, Subject: sb}
		}
		return out
	}
	if len(orgs) > 0 {
		out = append(out, evaSection{Org: true, Rows: rows(orgs)})
	}
	for _, u := range units {
		for _, sec := range sections[u] {
			out = append(out, evaSection{Unit: u, Section: sec, Rows: rows(staff[[2]string{u, sec}])})
		}
	}
	return out
}

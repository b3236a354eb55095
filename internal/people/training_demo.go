package people

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"jiceng/internal/db"
	"jiceng/internal/errs"
	"jiceng/internal/org"
)

// seedTraining gives the demo a year of training: the city's online course
// and its secretaries' class, each county's rotation of all members and its
// class for secretaries and committee members, each township's winter
// training; most members reach their 32 学时, nearly every secretary their
// 56, and some fall behind. Courses and attendance go in as batches.
func (s *Service) seedTraining(ctx context.Context, tx *db.Tx, all []org.Org, ms []newMember, pids []int64, today time.Time) error {
	r := rand.New(rand.NewPCG(4501, 2019))
	year := today.Year()
	now := db.FormatTime(tx.Now())
	byID := map[int64]org.Org{}
	for _, o := range all {
		byID[o.ID] = o
	}
	// ancestor is the nearest organization of a level at or above o.
	ancestor := func(o org.Org, level string) (org.Org, bool) {
		ids := org.PathIDs(o.Path)
		for i := len(ids) - 1; i >= 0; i-- {
			if a := byID[ids[i]]; a.Level == level {
				return a, true
			}
		}
		return org.Org{}, false
	}
	// on is a day of this year no later than today.
	on := func(month, day int) string {
		d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
		if d.After(today) {
			d = today
		}
		return d.Format(dateLayout)
	}
	type demoCourse struct {
		id     int64
		halves int
	}
	var courses [][]any
	ids, err := tx.NextIDs(ctx, "training_courses", 2+3*len(all))
	if err != nil {
		return errs.Wrap(err, "course ids")
	}
	add := func(o org.Org, title, kind, start, end string, hours int, posts string) demoCourse {
		id := ids[len(courses)]
		courses = append(courses, []any{id, o.ID, title, kind, start, end, year, hours * 2, posts, now, now})
		return demoCourse{id, hours * 2}
	}
	var city org.Org
	for _, o := range all {
		if o.Level == "city" {
			city = o
			break
		}
	}
	if city.ID == 0 {
		return nil
	}
	online := add(city, fmt.Sprintf("%d年党员网络培训：学习贯彻党的二十届四中全会精神", year), "online", on(4, 1), on(10, 31), 12, "")
	cityClass := add(city, fmt.Sprintf("%d年全市基层党组织书记示范培训班", year), "party_school", on(7, 6), on(7, 10), 40, "secretary")
	rotation, class, winter := map[int64]demoCourse{}, map[int64]demoCourse{}, map[int64]demoCourse{}
	for _, o := range all {
		switch o.Level {
		case "county":
			name := o.Label()
			rotation[o.ID] = add(o, fmt.Sprintf("%s%d年党员集中轮训", name, year), "centralized", on(3, 9+r.IntN(10)), on(3, 28), 24, "")
			class[o.ID] = add(o, fmt.Sprintf("%s%d年基层党组织书记和班子成员培训班", name, year), "party_school", on(5, 11+r.IntN(8)), on(5, 30), 24, "secretary,deputy_secretary,committee_member")
		case "township":
			winter[o.ID] = add(o, fmt.Sprintf("%s%d年党员冬春训", o.Label(), year), "centralized", on(1, 5+r.IntN(10)), on(2, 10), 8, "")
		}
	}
	if err := tx.BatchInsert(ctx, "training_courses", []string{"id", "org_id", "title", "kind", "starts_on", "ends_on", "year", "halves", "posts", "created_at", "updated_at"}, courses, 300); err != nil {
		return errs.Wrap(err, "demo courses")
	}
	if err := tx.ResetSequence(ctx, "training_courses"); err != nil {
		return errs.Wrap(err, "sequence of courses")
	}
	// Who holds a committee post now: they owe 56 学时.
	committee := map[int64]string{}
	rows, err := tx.Query(ctx, "SELECT person_id, post FROM posts WHERE ended_on IS NULL AND post IN ('secretary', 'deputy_secretary', 'committee_member')")
	if err != nil {
		return errs.Wrap(err, "demo committees")
	}
	for rows.Next() {
		var id int64
		var post string
		if err := rows.Scan(&id, &post); err != nil {
			rows.Close()
			return errs.Wrap(err, "demo committees")
		}
		if committee[id] != "secretary" {
			committee[id] = post
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "demo committees")
	}
	var att [][]any
	attend := func(pid int64, c demoCourse, halves int) {
		if c.id == 0 || halves <= 0 {
			return
		}
		att = append(att, []any{c.id, pid, year, min(halves, c.halves), now, "demo"})
	}
	for i, m := range ms {
		if m.status != "normal" && m.status != "floating" {
			continue
		}
		pid := pids[i]
		o := byID[m.orgID]
		if r.Float64() < 0.05 {
			continue // never came: the whole year behind
		}
		county, hasCounty := ancestor(o, "county")
		township, hasTownship := ancestor(o, "township")
		// The county's rotation: most the whole week, some part of it.
		if hasCounty {
			h := 48
			if r.Float64() < 0.08 {
				h = 32 + 2*r.IntN(7)
			}
			attend(pid, rotation[county.ID], h)
		}
		switch {
		case hasTownship && r.Float64() < 0.9:
			attend(pid, winter[township.ID], 16)
		case !hasTownship && r.Float64() < 0.9, r.Float64() < 0.12:
			attend(pid, online, 24)
		}
		if post, ok := committee[pid]; ok && hasCounty {
			// Nearly every secretary, and most committee members, take the
			// county's class.
			if p := map[bool]float64{true: 0.97, false: 0.85}[post == "secretary"]; r.Float64() < p {
				attend(pid, class[county.ID], 48)
			}
			if post == "secretary" && r.Float64() < 0.06 {
				attend(pid, cityClass, 80)
			}
		}
	}
	if err := tx.BatchInsert(ctx, "training_attendance", []string{"course_id", "person_id", "year", "halves", "created_at", "actor_name"}, att, 400); err != nil {
		return errs.Wrap(err, "demo attendance")
	}
	return nil
}

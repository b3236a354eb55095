package people

import (
	"context"
	"strconv"

	"jiceng/internal/access"
	"jiceng/internal/errs"
)

// Stats are the member statistics of a subtree: current members by each
// dimension of the member information collection.
type Stats struct {
	Total        int            `json:"total"`
	Probationary int            `json:"probationary"`
	Floating     int            `json:"floating"`
	Women        int            `json:"women"`
	ByGender     map[string]int `json:"by_gender"`
	ByAgeBand    map[string]int `json:"by_age_band"`   // AgeBands keys, by age at the end of this year
	ByEducation  map[string]int `json:"by_education"`  // EducationBands keys
	ByEthnicity  map[string]int `json:"by_ethnicity"`  // GB 3304 codes
	ByJoinYear   map[string]int `json:"by_join_year"`  // year of joining the Party
	ByStatus     map[string]int `json:"by_status"`     // normal, floating, lost, suspended
	ByKind       map[string]int `json:"by_kind"`       // full, probationary
	ByBirthYear  map[string]int `json:"by_birth_year"` // for age bands on another date
	// Pay is the compliance of the village and community cadres' basic pay
	// of this year with the floor.
	Pay PaySummary `json:"pay"`
	// Training is this year's completion of the training requirement.
	Training TrainingStats `json:"training"`
	// PayCompliance and TrainingCompletion are the same figures as Pay and
	// Training with the cadres without a pay record, the secretaries' and
	// committee members' completion and both by child organization: the
	// cockpit's cards of this year.
	PayCompliance      PayFigures      `json:"pay_compliance"`
	TrainingCompletion TrainingFigures `json:"training_completion"`
}

// Stats reads the member statistics of an organization's subtree from the
// counts kept with the tree: a handful of rows whatever its size. Pay and
// Training are left empty (see SubtreeStats).
func (s *Service) Stats(ctx context.Context, actor access.Actor, orgID int64) (Stats, error) {
	if _, err := s.orgs.Check(ctx, actor, orgID, PeopleRead); err != nil {
		return Stats{}, err
	}
	st := Stats{ByGender: map[string]int{}, ByAgeBand: map[string]int{}, ByEducation: map[string]int{}, ByEthnicity: map[string]int{},
		ByJoinYear: map[string]int{}, ByStatus: map[string]int{}, ByKind: map[string]int{}, ByBirthYear: map[string]int{}}
	rows, err := s.db.Query(ctx, "SELECT dim, val, n FROM people_agg WHERE org_id = ? AND n <> 0", orgID)
	if err != nil {
		return Stats{}, errs.Wrap(err, "member statistics")
	}
	defer rows.Close()
	year := s.today().Year()
	for rows.Next() {
		var dim, val string
		var n int
		if err := rows.Scan(&dim, &val, &n); err != nil {
			return Stats{}, errs.Wrap(err, "scan member statistics")
		}
		switch dim {
		case "all":
			st.Total = n
		case "gender":
			st.ByGender[val] = n
		case "birth_year":
			st.ByBirthYear[val] = n
			if y, err := strconv.Atoi(val); err == nil {
				st.ByAgeBand[ageBand(year-y)] += n
			}
		case "education":
			st.ByEducation[val] = n
		case "ethnicity":
			st.ByEthnicity[val] = n
		case "join_year":
			st.ByJoinYear[val] = n
		case "status":
			st.ByStatus[val] = n
		case "kind":
			st.ByKind[val] = n
		}
	}
	st.Probationary, st.Floating, st.Women = st.ByKind["probationary"], st.ByStatus["floating"], st.ByGender["female"]
	if err := rows.Err(); err != nil {
		return Stats{}, errs.Wrap(err, "member statistics")
	}
	return st, nil
}

// TrainingCountLimit is the most required members of a subtree whose
// training is counted while the reader waits: a larger subtree (a city, a
// province) answers with its last count while the next one runs.
const TrainingCountLimit = 30000

// SubtreeStats are the member statistics of a subtree with this year's
// pay against the floor and training completion, overall and by child, as
// the statistics API gives them. The training part is counted by
// organization and kept (see TrainingByChild): the member counts alone are
// Stats.
func (s *Service) SubtreeStats(ctx context.Context, actor access.Actor, orgID int64) (Stats, error) {
	st, err := s.Stats(ctx, actor, orgID)
	if err != nil {
		return st, err
	}
	year := s.today().Year()
	if st.PayCompliance, err = s.PayByChild(ctx, actor, orgID, year); err != nil {
		return st, err
	}
	if st.TrainingCompletion, err = s.TrainingByChild(ctx, actor, orgID, year); err != nil {
		return st, err
	}
	st.Pay, st.Training = st.PayCompliance.PaySummary, TrainingStats{Year: year, TrainingCount: st.TrainingCompletion.TrainingCount}
	return st, nil
}

// TrainingOf is this year's training completion of the subtree, from the
// counts kept by organization (see TrainingByChild).
func (s *Service) TrainingOf(ctx context.Context, actor access.Actor, orgID int64) (TrainingStats, error) {
	year := s.today().Year()
	f, err := s.TrainingByChild(ctx, actor, orgID, year)
	if err != nil {
		return TrainingStats{}, err
	}
	return TrainingStats{Year: year, TrainingCount: f.TrainingCount}, nil
}

// ageBand is the key of the band an age falls in.
func ageBand(age int) string {
	for _, b := range AgeBands {
		if b.Max == 0 || age <= b.Max {
			return b.Key
		}
	}
	return AgeBands[len(AgeBands)-1].Key
}

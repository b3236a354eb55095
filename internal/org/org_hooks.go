package org

import (
	"context"
	"jiceng/internal/i18n"
	"strings"

	"jiceng/internal/access"
	"jiceng/internal/db"
	"jiceng/internal/errs"
)

// InclusiveAggregate describes a table of another module that counts things
// attached to each organization's subtree, the organization itself included:
// rows keyed by org_id and Keys, with a count column n. When a subtree moves,
// the moved root's rows (which already total its subtree) are taken from the
// old ancestors and given to the new ones, in the move's transaction.
type InclusiveAggregate struct {
	Table string
	Keys  []string
}

// DissolveCheck refuses to dissolve an organization that still has things
// of another module attached; it returns nil or an error saying what to do.
type DissolveCheck func(ctx context.Context, tx *db.Tx, o Org) error

// Attach registers another module's aggregate and dissolve check. Modules
// call it from their constructors, before the server starts.
func (s *Service) Attach(agg *InclusiveAggregate, check DissolveCheck) {
	if agg != nil {
		s.aggregates = append(s.aggregates, *agg)
	}
	if check != nil {
		s.dissolveChecks = append(s.dissolveChecks, check)
	}
}

// Leader is who leads an organization as the member register keeps it: its
// secretary, or its first secretary where it has no secretary.
type Leader struct {
	Name string
	Post i18n.Text
}

// LeaderSource finds the leaders of organizations by id; those without
// one are left out.
type LeaderSource func(ctx context.Context, ids []int64) (map[int64]Leader, error)

// ProvideLeaders registers where leaders are found. The member register
// calls it from its constructor, so that modules which show an
// organization (an evaluation's subjects) name its secretary without
// reading the register themselves.
func (s *Service) ProvideLeaders(src LeaderSource) { s.leaders = src }

// Leaders returns the leaders of the organizations, none when no register
// provides them. Secretaries are named to whoever sees the organization:
// a secretary's name is public, as on every village notice board.
func (s *Service) Leaders(ctx context.Context, ids []int64) (map[int64]Leader, error) {
	if s.leaders == nil || len(ids) == 0 {
		return map[int64]Leader{}, nil
	}
	return s.leaders(ctx, ids)
}

// Cadre is a person holding a post in an organization now, as the member
// register keeps it.
type Cadre struct {
	PersonID int64
	OrgID    int64
	Name     string
	Post     i18n.Text
}

// CadreSource lists the cadres holding posts in an organization now, in the
// order of their posts.
type CadreSource func(ctx context.Context, orgID int64) ([]Cadre, error)

// ProvideCadres registers where cadres are found. The member register calls
// it from its constructor, so that a resident reporting on a cadre picks
// them by name without another module reading the register.
func (s *Service) ProvideCadres(src CadreSource) { s.cadres = src }

// Cadres returns the cadres of the organization, none when no register
// provides them. Like secretaries, cadres' names and posts are public.
func (s *Service) Cadres(ctx context.Context, orgID int64) ([]Cadre, error) {
	if s.cadres == nil {
		return nil, nil
	}
	return s.cadres(ctx, orgID)
}

// PersonRef is a person of the member register as another module shows
// them: the name (and NameMask, the name masked for lists that name a
// person without being about them), the organization of their membership
// now and the masked ID number, never the number itself.
type PersonRef struct {
	ID       int64
	Name     string
	NameMask string
	OrgID    int64
	OrgName  string
	IDMask   string
}

// PersonSource finds persons of the member register for an actor, within
// what the actor may read of the register: nothing else is found.
type PersonSource interface {
	// FindPersons returns at most limit persons whose name contains q, or
	// the one whose whole ID number q is.
	FindPersons(ctx context.Context, actor access.Actor, q string, limit int) ([]PersonRef, error)
	// PersonsByID returns those of the persons the actor may read; the
	// others are left out.
	PersonsByID(ctx context.Context, actor access.Actor, ids []int64) (map[int64]PersonRef, error)
}

// ProvidePersons registers where persons are found. The member register
// calls it from its constructor, so that a module which refers to a person
// (an account linked to the person it belongs to) picks and names them
// without reading the register itself.
func (s *Service) ProvidePersons(src PersonSource) { s.persons = src }

// Persons returns the register's person source, nil when no register
// provides one.
func (s *Service) Persons() PersonSource { return s.persons }

// MemberCountSQL is an SQL expression, written by the member register,
// for the members of one kind ("full" or "probationary") it counts in the
// subtree of the organization whose id is the column orgCol.
type MemberCountSQL func(orgCol, kind string) string

// ProvideMemberCounts registers the register's member counts, so that the
// coverage of units compares declared members with registered ones in its
// own queries, without reading the register's tables by name.
func (s *Service) ProvideMemberCounts(f MemberCountSQL) { s.memberCounts = f }

// MemberCountSQL returns the register's expression for the members of
// kind in the subtree of orgCol, and false when no register provides one.
func (s *Service) MemberCountSQL(orgCol, kind string) (string, bool) {
	if s.memberCounts == nil {
		return "", false
	}
	return s.memberCounts(orgCol, kind), true
}

// moveInclusive shifts every registered aggregate of the subtree rooted at
// o from oldAnc to newAnc.
func (s *Service) moveInclusive(ctx context.Context, tx *db.Tx, o Org, oldAnc, newAnc []int64) error {
	for _, a := range s.aggregates {
		keys := strings.Join(a.Keys, ", ")
		rows, err := tx.Query(ctx, "SELECT "+keys+", n FROM "+a.Table+" WHERE org_id = ? AND n <> 0", o.ID)
		if err != nil {
			return errs.Wrap(err, "read "+a.Table)
		}
		var all [][]any
		for rows.Next() {
			vals := make([]any, len(a.Keys)+1)
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return errs.Wrap(err, "scan "+a.Table)
			}
			all = append(all, vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "rows "+a.Table)
		}
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(a.Keys)+2), ", ")
		q := "INSERT INTO " + a.Table + " (org_id, " + keys + ", n) VALUES (" + ph + ") ON CONFLICT (org_id, " + keys + ") DO UPDATE SET n = " + a.Table + ".n + excluded.n"
		for _, vals := range all {
			n := vals[len(vals)-1]
			for _, pair := range []struct {
				ids  []int64
				sign int64
			}{{oldAnc, -1}, {newAnc, 1}} {
				for _, id := range pair.ids {
					args := append([]any{id}, vals[:len(vals)-1]...)
					args = append(args, toInt64(n)*pair.sign)
					if _, err := tx.Exec(ctx, q, args...); err != nil {
						return errs.Wrap(err, "move "+a.Table)
					}
				}
			}
		}
	}
	return nil
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

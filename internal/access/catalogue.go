package access

import (
	"fmt"
	"regexp"
	"slices"
	"sync/atomic"
)

// Permissions is a module's part of the catalogue: the actions it checks and
// what each role may do of them. The administrator holds every action of the
// catalogue without being listed, except the part's Reserved actions, which
// only the roles that list them hold (revealing a reporter's identity is the
// custodian's alone).
type Permissions struct {
	Module   string
	Actions  []Action
	Roles    map[Role][]Action
	Reserved []Action
}

// Catalogue is the permission catalogue: what each role may do inside the
// subtree it is granted on. The application builds it from the platform's
// part and every module's while it starts and only reads it afterwards.
type Catalogue struct {
	actions  []Action
	owner    map[Action]string
	reserved map[Action]bool
	allowed  map[Role]map[Action]bool
	sealed   atomic.Bool
}

// NewCatalogue returns the catalogue of the platform's part and the given
// modules' parts.
func NewCatalogue(parts ...Permissions) (*Catalogue, error) {
	c := &Catalogue{owner: map[Action]string{}, reserved: map[Action]bool{}, allowed: map[Role]map[Action]bool{}}
	for _, p := range append([]Permissions{Platform()}, parts...) {
		if err := c.Add(p); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// MustCatalogue is NewCatalogue for fixed parts, such as a test's.
func MustCatalogue(parts ...Permissions) *Catalogue {
	c, err := NewCatalogue(parts...)
	if err != nil {
		panic(err)
	}
	return c
}

var actionName = regexp.MustCompile(`^[a-z][a-z_]*\.[a-z][a-z_]*$`)

// Add adds a module's part. It refuses an action another part declares, an
// unknown role, the administrator (who holds everything anyway) and a role
// given an action the part does not declare, so that a typo cannot grant
// or silently withhold a permission.
func (c *Catalogue) Add(p Permissions) error {
	if c.sealed.Load() {
		return fmt.Errorf("access: %s: the catalogue is sealed once the application is built", p.Module)
	}
	for i, a := range p.Actions {
		if !actionName.MatchString(string(a)) {
			return fmt.Errorf("access: %s: action %q is not of the form thing.verb", p.Module, a)
		}
		if o, ok := c.owner[a]; ok {
			return fmt.Errorf("access: %s: action %s is already declared by %s", p.Module, a, o)
		}
		if slices.Contains(p.Actions[:i], a) {
			return fmt.Errorf("access: %s: action %s is declared twice", p.Module, a)
		}
	}
	for _, a := range p.Reserved {
		if !slices.Contains(p.Actions, a) {
			return fmt.Errorf("access: %s: reserved action %s is not one the part declares", p.Module, a)
		}
	}
	for role, acts := range p.Roles {
		if !ValidRole(role) || role == Admin {
			return fmt.Errorf("access: %s: role %q cannot be given actions (unknown, or the administrator, who holds every action)", p.Module, role)
		}
		for _, a := range acts {
			if !slices.Contains(p.Actions, a) {
				return fmt.Errorf("access: %s: role %s is given %s, which the part does not declare", p.Module, role, a)
			}
		}
	}
	for _, a := range p.Actions {
		c.owner[a] = p.Module
		c.actions = append(c.actions, a)
	}
	for _, a := range p.Reserved {
		c.reserved[a] = true
	}
	for role, acts := range p.Roles {
		if c.allowed[role] == nil {
			c.allowed[role] = map[Action]bool{}
		}
		for _, a := range acts {
			c.allowed[role][a] = true
		}
	}
	return nil
}

// Actions lists every action of the catalogue, the platform's first and
// then each module's in the order they were added.
func (c *Catalogue) Actions() []Action { return slices.Clone(c.actions) }

// Allows reports whether role includes action. A nil catalogue allows
// nothing.
func (c *Catalogue) Allows(role Role, action Action) bool {
	if c == nil {
		return false
	}
	if role == Admin {
		_, ok := c.owner[action]
		return ok && !c.reserved[action]
	}
	return c.allowed[role][action]
}

// Seal ends the building of the catalogue: Add refuses every part after it,
// so that nothing changes the permissions while requests read them.
func (c *Catalogue) Seal() { c.sealed.Store(true) }

// Bind returns the actor whose grants are read with this catalogue. Every
// actor that is to be allowed anything passes through it: the accounts
// service binds each one it authenticates.
func (c *Catalogue) Bind(a Actor) Actor {
	a.perms = c
	return a
}

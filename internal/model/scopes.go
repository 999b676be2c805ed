package model

// RoleScope is one further place a role acts on beyond its unit's subtree:
// exactly one of an org unit's subtree, a workplace, or a company group
// (the workplaces of one hovedenhet, by its organisasjonsnummer).
type RoleScope struct {
	ID          int64
	RoleID      int64
	UnitID      int64
	WorkplaceID int64
	ParentOrgnr string
	// Name is the unit's or workplace's name, for lists; empty for a
	// company group.
	Name string
}

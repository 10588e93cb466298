package schema

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Small constructors that keep the collection definitions readable.

func text(name string, required bool, max int) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max}
}

func relation(name, collectionID string, required bool, maxSelect int, cascade bool) *core.RelationField {
	return &core.RelationField{Name: name, CollectionId: collectionID, Required: required, MaxSelect: maxSelect, CascadeDelete: cascade}
}

func choice(name string, required bool, maxSelect int, values ...string) *core.SelectField {
	return &core.SelectField{Name: name, Required: required, MaxSelect: maxSelect, Values: values}
}

func number(name string, onlyInt bool, min, max float64) *core.NumberField {
	return &core.NumberField{Name: name, OnlyInt: onlyInt, Min: types.Pointer(min), Max: types.Pointer(max)}
}

func boolean(name string) *core.BoolField { return &core.BoolField{Name: name} }

func date(name string) *core.DateField { return &core.DateField{Name: name} }

// syncFields are the fields every synced collection has besides its own:
// version (1 on create, +1 on every write by any path), the hidden
// per-field authorship the conflict policy reads, and the timestamps.
func syncFields() []core.Field {
	return []core.Field{
		&core.NumberField{Name: FieldVersion, OnlyInt: true, Min: types.Pointer(0.0)},
		&core.JSONField{Name: FieldAuthorship, Hidden: true, MaxSize: 1 << 16},
		&core.AutodateField{Name: FieldCreated, OnCreate: true},
		&core.AutodateField{Name: FieldUpdated, OnCreate: true, OnUpdate: true},
	}
}

// timestamps are the created/updated fields of a non-synced collection.
func timestamps() []core.Field {
	return []core.Field{
		&core.AutodateField{Name: FieldCreated, OnCreate: true},
		&core.AutodateField{Name: FieldUpdated, OnCreate: true, OnUpdate: true},
	}
}

// Package schema is the domain contract in code (docs/domain.md): every
// collection as an append-only Go migration, the names apps depend on, the
// access rules (rules.go, written once and enforced by REST, realtime,
// expand and the sync push), the buckets the sync pull reads in their
// place (scope.go, held equal to the rules by differential tests), which
// client each record is about, for the access log (clients_of.go), what a
// field value may be (values.go), and who wrote what (author.go,
// authorship.go).
//
// A change of rules ships as a new migration with a snapshot of the rules
// (rules_snapshots/); TestRulesAreMigrated fails until it does.
package schema

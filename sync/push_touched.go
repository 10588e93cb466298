package sync

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/schema"
)

// clientsOfTargets reads, for the access log, which clients the records a
// push names are about: before applying (creates false) the records it
// will update or delete, which may be gone afterwards; after applying
// (creates true) every record it names. One query per collection.
func clientsOfTargets(tx core.App, muts []Mutation, creates bool) (map[recordKey][]string, error) {
	ids := map[string][]string{}
	for _, m := range muts {
		if (m.Op == "create") != creates && !(creates && m.Op == "update") {
			continue
		}
		if schema.HoldsClientData(m.Collection) && !slices.Contains(ids[m.Collection], m.ID) {
			ids[m.Collection] = append(ids[m.Collection], m.ID)
		}
	}
	out := map[recordKey][]string{}
	for collection, list := range ids {
		got, err := schema.ClientsOf(tx.DB(), collection, list)
		if err != nil {
			return nil, err
		}
		for id, clients := range got {
			out[recordKey{collection, id}] = clients
		}
	}
	return out, nil
}

// touchesOf counts the applied mutations of a push per client and action:
// a delete by the clients its record was about before, a create by those
// it is about now, an update by both (a safari's participants may change).
func touchesOf(tx core.App, fresh []storedMutation, before map[recordKey][]string) (*accesslog.Touches, error) {
	var applied []Mutation
	for _, f := range fresh {
		if f.r.Status == StatusApplied {
			applied = append(applied, f.m)
		}
	}
	after, err := clientsOfTargets(tx, applied, true)
	if err != nil {
		return nil, err
	}
	t := accesslog.NewTouches()
	for _, m := range applied {
		k := recordKey{m.Collection, m.ID}
		var clients []string
		switch m.Op {
		case "create":
			clients = after[k]
		case "update":
			clients = append(slices.Clone(before[k]), after[k]...)
			slices.Sort(clients)
			clients = slices.Compact(clients)
		case "delete":
			clients = before[k]
		}
		for _, c := range clients {
			t.Add(c, m.Op, m.Collection, 1)
		}
	}
	return t, nil
}

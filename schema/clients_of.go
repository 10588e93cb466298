package schema

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/dbx"
)

// clientExprs say, per collection, which clients a record is about, as a
// SQL expression over the collection's table (named %[1]s): a client id or
// a JSON array of them. This is the one place the access log (package
// internal/accesslog, through the server and the sync pull) learns whose
// data a record is: a client's account, their plan (goals, steps,
// network), the safaris they joined, the observations they wrote and the
// photos on those, and the conflicts about any of these. Collections not
// listed (teams, staff, feedback, devices) are nobody's client data.
var clientExprs = map[string]string{
	Clients:         `[[%[1]s.id]]`,
	Goals:           `[[%[1]s.client]]`,
	NetworkContacts: `[[%[1]s.client]]`,
	GoalSteps:       `(SELECT [[g.client]] FROM {{goals}} g WHERE [[g.id]] = [[%[1]s.goal]])`,
	Observations:    `[[%[1]s.author_client]]`,
	Safaris:         `[[%[1]s.clients]]`,
	Media:           `(SELECT [[o.author_client]] FROM {{observations}} o WHERE [[o.id]] = [[%[1]s.observation]])`,
	SyncConflicts:   `[[%[1]s.clients]]`,
}

// ClientsExpr returns the SQL expression of the clients a record of
// collection is about, over the table or alias named table, and false for
// a collection that holds no client's data. ParseClients reads its value.
func ClientsExpr(collection, table string) (string, bool) {
	e, ok := clientExprs[collection]
	if !ok {
		return "", false
	}
	return fmt.Sprintf(e, table), true
}

// HoldsClientData reports whether records of collection are about clients.
func HoldsClientData(collection string) bool {
	_, ok := clientExprs[collection]
	return ok
}

// ClientsOf reads which clients the records of collection with the given
// ids are about, by record id. Records that do not exist, and collections
// that hold no client data, give none.
func ClientsOf(db dbx.Builder, collection string, ids []string) (map[string][]string, error) {
	expr, ok := ClientsExpr(collection, "t")
	out := map[string][]string{}
	if !ok || len(ids) == 0 {
		return out, nil
	}
	raw, _ := json.Marshal(ids)
	rows, err := db.NewQuery(fmt.Sprintf("SELECT [[t.id]], COALESCE(%s, '') FROM json_each({:ids}) AS [[ids]] JOIN {{%s}} t ON [[t.id]] = [[ids.value]]", expr, collection)).
		Bind(dbx.Params{"ids": string(raw)}).Rows()
	if err != nil {
		return nil, fmt.Errorf("clients of %s: %w", collection, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("clients of %s: %w", collection, err)
		}
		out[id] = ParseClients(v, out[id])
	}
	return out, rows.Err()
}

// ParseClients appends to dst the client ids of a value of ClientsExpr: a
// single id, a JSON array of ids, or empty. Ids are [a-z0-9], so the
// array is read without a JSON decoder (a pull reads one per record).
func ParseClients(v string, dst []string) []string {
	if v == "" {
		return dst
	}
	if v[0] != '[' {
		return append(dst, v)
	}
	start := -1
	for i := 0; i < len(v); i++ {
		if v[i] != '"' {
			continue
		}
		if start < 0 {
			start = i + 1
			continue
		}
		if i > start {
			dst = append(dst, v[start:i])
		}
		start = -1
	}
	return dst
}

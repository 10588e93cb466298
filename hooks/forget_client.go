package hooks

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// A deleted client's words go with them. sync_conflicts and
// sync_rejections keep what people typed, so nothing vanishes while the
// client is there; once the client record is deleted (by any path: REST,
// a sync push, the dashboard, a cascade), the same transaction deletes
// the conflicts about their data or holding their words, and the
// rejections they pushed or about their data.
//
// Their data is collected before the delete, since the cascade removes
// it: the client record, their goals, the steps of those goals, their
// network contacts and the observations they wrote. The conflicts go
// after the cascade, which may itself keep cascaded records in conflicts
// (cascade_keep.go). Conflicts are synced: they are deleted as records,
// so devices get the deletes; rejections are not, and go by statement.

// forgetClient is the delete hook of clients.
func forgetClient(e *core.RecordEvent) error {
	original := e.App
	err := e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		records, err := clientRecords(tx, e.Record.Id)
		if err != nil {
			return err
		}
		// The cascade takes the client out of every conflict's clients
		// list, so conflicts about their plan are found by that list now.
		plan, err := planConflicts(tx, e.Record.Id)
		if err != nil {
			return err
		}
		if err := e.Next(); err != nil {
			return err
		}
		return forgetWords(tx, e.Record.Id, records, plan)
	})
	e.App = original
	return err
}

// clientRecords lists the client's data as [collection, id] pairs.
func clientRecords(tx core.App, client string) ([][2]string, error) {
	var rows []struct {
		Collection string `db:"collection"`
		ID         string `db:"id"`
	}
	err := tx.DB().NewQuery(`
		SELECT 'clients' AS collection, id FROM clients WHERE id = {:c}
		UNION ALL SELECT 'goals', id FROM goals WHERE client = {:c}
		UNION ALL SELECT 'goal_steps', s.id FROM goal_steps s JOIN goals g ON g.id = s.goal WHERE g.client = {:c}
		UNION ALL SELECT 'network_contacts', id FROM network_contacts WHERE client = {:c}
		UNION ALL SELECT 'observations', id FROM observations WHERE author_client = {:c}`).
		Bind(dbx.Params{"c": client}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("records of client %s: %w", client, err)
	}
	pairs := make([][2]string, len(rows))
	for i, r := range rows {
		pairs[i] = [2]string{r.Collection, r.ID}
	}
	return pairs, nil
}

// planConflicts lists the ids of the conflicts about the client's plan,
// also those about records already gone.
func planConflicts(tx core.App, client string) ([]string, error) {
	var ids []string
	err := tx.DB().NewQuery(`SELECT id FROM sync_conflicts WHERE audience = {:plans}
		AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(clients) THEN clients ELSE '[]' END) WHERE value = {:c})`).
		Bind(dbx.Params{"c": client, "plans": schema.AudiencePlans}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("plan conflicts of client %s: %w", client, err)
	}
	return ids, nil
}

// forgetWords deletes the conflicts and rejections of a deleted client.
func forgetWords(tx core.App, client string, records [][2]string, plan []string) error {
	raw, err := json.Marshal(records)
	if err != nil {
		return err
	}
	planRaw, err := json.Marshal(plan)
	if err != nil {
		return err
	}
	params := dbx.Params{"c": client, "author": schema.Clients + ":" + client, "records": string(raw), "plans": schema.AudiencePlans, "plan": string(planRaw)}
	const theirs = `(collection, record) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each({:records}))`

	var conflicts []*core.Record
	err = tx.RecordQuery(schema.SyncConflicts).
		Where(dbx.NewExp(theirs+` OR kept_by = {:author} OR lost_by = {:author} OR id IN (SELECT value FROM json_each({:plan}))
			OR (audience = {:plans} AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(clients) THEN clients ELSE '[]' END) WHERE value = {:c}))`, params)).
		All(&conflicts)
	if err != nil {
		return fmt.Errorf("conflicts of client %s: %w", client, err)
	}
	for _, r := range conflicts {
		if err := tx.Delete(r); err != nil {
			return fmt.Errorf("delete conflict %s of client %s: %w", r.Id, client, err)
		}
	}

	// payload is the mutation as pushed: a create names its parent in
	// data (a goal's client, a step's goal), an observation its author.
	const data = `json_extract(CASE WHEN json_valid(payload) THEN payload END, '$.data.%s')`
	_, err = tx.DB().NewQuery(`DELETE FROM sync_rejections WHERE (person_collection = 'clients' AND person = {:c}) OR ` + theirs + `
		OR ` + fmt.Sprintf(data, "client") + ` = {:c}
		OR ` + fmt.Sprintf(data, "author_client") + ` = {:c}
		OR (collection = 'goal_steps' AND ` + fmt.Sprintf(data, "goal") + ` IN
			(SELECT json_extract(value, '$[1]') FROM json_each({:records}) WHERE json_extract(value, '$[0]') = 'goals'))`).
		Bind(params).Execute()
	if err != nil {
		return fmt.Errorf("rejections of client %s: %w", client, err)
	}
	return nil
}

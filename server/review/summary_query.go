package review

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// ErrNoTeam is returned by Compute for a team id that does not exist.
var ErrNoTeam = errors.New("no such team")

// Every figure is one aggregate query (GROUP BY) over indexed relations:
// no record is loaded, and nothing but counts leaves the database. The
// queries share these parameters: team, and the period as [start, stop).
//
// Which records belong to the team:
//   - safaris by safaris.team, observations through their safari;
//   - plan data (goals, steps, contacts) through the client's current
//     team, so a client who moved counts for the team they are in now;
//   - people for sync health: begeleiders whose users.teams holds the
//     team, and the team's clients.
const (
	safarisPerMonthSQL = `
WITH months AS MATERIALIZED (
	SELECT json_extract(value, '$[0]') AS month, json_extract(value, '$[1]') AS start, json_extract(value, '$[2]') AS stop
	FROM json_each({:months}))
SELECT m.month, count(s.id)
FROM months m LEFT JOIN safaris s
	ON s.team = {:team} AND coalesce(nullif(s.date, ''), s.created) >= m.start AND coalesce(nullif(s.date, ''), s.created) < m.stop
GROUP BY m.month ORDER BY m.month`

	observationsSQL = `
SELECT o.kind, o.threshold, count(*)
FROM observations o JOIN safaris s ON s.id = o.safari
WHERE s.team = {:team} AND o.created >= {:start} AND o.created < {:stop}
GROUP BY o.kind, o.threshold`

	goalsSQL = `
SELECT g.life_domain, g.status, count(*)
FROM goals g JOIN clients c ON c.id = g.client
WHERE c.team = {:team} AND g.created >= {:start} AND g.created < {:stop}
GROUP BY g.life_domain, g.status`

	stepsSQL = `
SELECT st.carried_by, count(*)
FROM goal_steps st JOIN goals g ON g.id = st.goal JOIN clients c ON c.id = g.client
WHERE c.team = {:team} AND st.created >= {:start} AND st.created < {:stop}
GROUP BY st.carried_by`

	// networksSQL buckets each current client by network size and by the
	// informal part of it (lower bounds included: exactly a quarter is
	// "25-50%", all informal is "75-100%"). Clients without contacts are
	// "0-2" and have no share ('').
	networksSQL = `
SELECT
	CASE WHEN n <= 2 THEN '0-2' WHEN n <= 5 THEN '3-5' WHEN n <= 9 THEN '6-9' ELSE '10+' END,
	CASE WHEN n = 0 THEN '' WHEN 4 * informal < n THEN '0-25%' WHEN 2 * informal < n THEN '25-50%'
		WHEN 4 * informal < 3 * n THEN '50-75%' ELSE '75-100%' END,
	count(*)
FROM (SELECT c.id, count(nc.id) AS n, coalesce(sum(nc.formal = 0), 0) AS informal
	FROM clients c LEFT JOIN network_contacts nc ON nc.client = c.id
	WHERE c.team = {:team} GROUP BY c.id)
GROUP BY 1, 2`

	revivedSQL = `
SELECT count(*)
FROM network_contacts nc JOIN clients c ON c.id = nc.client
WHERE c.team = {:team} AND nc.revived_at >= {:start} AND nc.revived_at < {:stop}`

	// teamPeople is who belongs to the team for sync health, as
	// (collection, id) pairs.
	teamPeople = `
	SELECT 'users' AS coll, u.id AS pid FROM users u, json_each(CASE WHEN json_valid(u.teams) THEN u.teams ELSE '[]' END) t
		WHERE u.role = 'begeleider' AND t.value = {:team}
	UNION SELECT 'clients', c.id FROM clients c WHERE c.team = {:team}`

	// devicesSQL buckets the team's devices that are not revoked by their
	// latest pull or push.
	devicesSQL = `
WITH people AS (` + teamPeople + `)
SELECT
	CASE WHEN last = '' THEN 'never' WHEN last >= {:today} THEN 'today' WHEN last >= {:week} THEN 'this_week' ELSE 'older' END,
	count(*)
FROM (SELECT max(coalesce(d.last_pull_at, ''), coalesce(d.last_push_at, '')) AS last
	FROM people p CROSS JOIN sync_devices d ON d.owner = p.pid AND d.owner_collection = p.coll
	WHERE coalesce(d.revoked_at, '') = '')
GROUP BY 1`

	conflictsSQL = `SELECT count(*) FROM sync_conflicts WHERE team = {:team} AND resolved = 0`

	rejectionsSQL = `
WITH people AS (` + teamPeople + `)
SELECT count(*)
FROM people p CROSS JOIN sync_rejections r ON r.person = p.pid AND r.person_collection = p.coll
WHERE r.created >= {:start} AND r.created < {:stop}`

	feedbackSQL = `
SELECT kind, count(*) FROM feedback
WHERE team = {:team} AND answer_to = '' AND created >= {:start} AND created < {:stop}
GROUP BY kind`
)

// Compute builds the review of a team over a period; now places "today"
// and "this week" for sync health. It returns ErrNoTeam for an unknown
// team and wraps database errors. It does not check who asks: the route
// does.
func Compute(app core.App, teamID string, p Period, now time.Time) (*Summary, error) {
	s := &Summary{Period: p}
	err := app.DB().NewQuery("SELECT id, name, area FROM teams WHERE id = {:id}").
		Bind(dbx.Params{"id": teamID}).Row(&s.Team.ID, &s.Team.Name, &s.Team.Area)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoTeam
	}
	if err != nil {
		return nil, fmt.Errorf("read team: %w", err)
	}
	q := querier{db: app.DB(), params: dbx.Params{
		"team": teamID, "start": stored(p.Start()), "stop": stored(p.End()),
	}}
	today := midnight(now.In(Zone))
	q.params["today"] = stored(today)
	q.params["week"] = stored(today.AddDate(0, 0, -6))
	months, err := json.Marshal(monthRows(p.months()))
	if err != nil {
		return nil, err
	}
	q.params["months"] = string(months)

	q.rows("safaris per month", safarisPerMonthSQL, func(r rowScanner) error {
		var m MonthCount
		err := r.Scan(&m.Month, &m.Count.n)
		s.SafarisPerMonth = append(s.SafarisPerMonth, m)
		return err
	})

	var keys selectKeys
	s.Observations = Observations{
		ByKind:      keys.counts(app, schema.Observations, "kind"),
		ByThreshold: keys.counts(app, schema.Observations, "threshold"),
	}
	q.rows("observations", observationsSQL, func(r rowScanner) error {
		var kind, threshold string
		var n int
		err := r.Scan(&kind, &threshold, &n)
		s.Observations.Total.n += n
		s.Observations.ByKind.add(kind, n)
		s.Observations.ByThreshold.add(orUnknown(threshold), n)
		return err
	})

	s.Goals = Goals{
		ByLifeDomain: keys.counts(app, schema.Goals, "life_domain"),
		ByStatus:     keys.counts(app, schema.Goals, "status"),
	}
	q.rows("goals", goalsSQL, func(r rowScanner) error {
		var domain, status string
		var n int
		err := r.Scan(&domain, &status, &n)
		s.Goals.Total.n += n
		s.Goals.ByLifeDomain.add(orUnknown(domain), n)
		s.Goals.ByStatus.add(orUnknown(status), n)
		return err
	})

	s.Steps = Steps{ByCarrier: keys.counts(app, schema.GoalSteps, "carried_by")}
	q.rows("steps", stepsSQL, func(r rowScanner) error {
		var carrier string
		var n int
		err := r.Scan(&carrier, &n)
		s.Steps.Total.n += n
		s.Steps.ByCarrier.add(carrier, n)
		return err
	})
	s.Steps.ZorgenDatShare = Share{
		Part:  s.Steps.ByCarrier.Get("client") + s.Steps.ByCarrier.Get("network"),
		Whole: s.Steps.Total.n,
	}

	s.Networks = Networks{Size: newCounts(networkSizes...), InformalShare: newCounts(informalShares...)}
	q.rows("networks", networksSQL, func(r rowScanner) error {
		var size, share string
		var n int
		err := r.Scan(&size, &share, &n)
		s.Networks.Clients.n += n
		s.Networks.Size.add(size, n)
		if share != "" { // no contacts, no share
			s.Networks.InformalShare.add(share, n)
		} else {
			s.Networks.withoutContacts += n
		}
		return err
	})

	q.count("revived contacts", revivedSQL, &s.DormantRevived)

	s.SyncHealth.LastSync = newCounts(lastSyncs...)
	q.rows("devices", devicesSQL, func(r rowScanner) error {
		var bucket string
		var n int
		err := r.Scan(&bucket, &n)
		s.SyncHealth.Devices.n += n
		s.SyncHealth.LastSync.add(bucket, n)
		return err
	})
	q.count("open conflicts", conflictsSQL, &s.SyncHealth.OpenConflicts)
	q.count("rejected mutations", rejectionsSQL, &s.SyncHealth.RejectedMutations)

	s.Feedback = keys.counts(app, schema.Feedback, "kind")
	q.rows("feedback", feedbackSQL, func(r rowScanner) error {
		var kind string
		var n int
		err := r.Scan(&kind, &n)
		s.Feedback.add(kind, n)
		return err
	})

	if keys.err != nil {
		return nil, keys.err
	}
	if q.err != nil {
		return nil, q.err
	}
	for figure, c := range map[string]*Counts{
		"observations.by_kind": s.Observations.ByKind, "observations.by_threshold": s.Observations.ByThreshold,
		"goals.by_life_domain": s.Goals.ByLifeDomain, "goals.by_status": s.Goals.ByStatus,
		"steps.by_carrier": s.Steps.ByCarrier, "feedback": s.Feedback,
		"networks.size": s.Networks.Size, "networks.informal_share": s.Networks.InformalShare,
		"sync_health.last_sync": s.SyncHealth.LastSync,
	} {
		if u := c.Unlisted(); u != nil {
			app.Logger().Warn("review: records with values outside the schema's select list count in the total only",
				"team", teamID, "figure", figure, "values", u)
		}
	}
	if away := s.suppress(); away != nil {
		app.Logger().Warn("review: complementary suppression could not hide every small count",
			"team", teamID, "figures", away)
	}
	return s, nil
}

// selectKeys builds the distributions of select fields with the field's
// values in the schema as keys, in the schema's order, and "unknown" after
// them for an optional field. It keeps the first error.
type selectKeys struct{ err error }

func (k *selectKeys) counts(app core.App, collection, field string) *Counts {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		k.err = cmp.Or(k.err, fmt.Errorf("keys of %s.%s: %w", collection, field, err))
		return newCounts()
	}
	f, ok := c.Fields.GetByName(field).(*core.SelectField)
	if !ok {
		k.err = cmp.Or(k.err, fmt.Errorf("keys of %s.%s: not a select field", collection, field))
		return newCounts()
	}
	keys := slices.Clone(f.Values)
	if !f.Required {
		keys = append(keys, unknown)
	}
	return newCounts(keys...)
}

func orUnknown(v string) string {
	if v == "" {
		return unknown
	}
	return v
}

func monthRows(ms []month) [][3]string {
	rows := make([][3]string, len(ms))
	for i, m := range ms {
		rows[i] = [3]string{m.Label, m.Start, m.Stop}
	}
	return rows
}

type rowScanner interface{ Scan(dest ...any) error }

// querier runs the summary's queries with shared parameters and keeps the
// first error, so Compute reads as the list of figures it is.
type querier struct {
	db     dbx.Builder
	params dbx.Params
	err    error
}

func (q *querier) rows(what, query string, each func(rowScanner) error) {
	if q.err != nil {
		return
	}
	rows, err := q.db.NewQuery(query).Bind(q.params).Rows()
	if err != nil {
		q.err = fmt.Errorf("%s: %w", what, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			q.err = fmt.Errorf("%s: %w", what, err)
			return
		}
	}
	if err := rows.Err(); err != nil {
		q.err = fmt.Errorf("%s: %w", what, err)
	}
}

func (q *querier) count(what, query string, into *Count) {
	if q.err != nil {
		return
	}
	var n int
	if err := q.db.NewQuery(query).Bind(q.params).Row(&n); err != nil {
		q.err = fmt.Errorf("%s: %w", what, err)
		return
	}
	*into = Count{n: n}
}

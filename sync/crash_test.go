package sync_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/sync/client"
)

// Kills the crash test aims for: a kill is useful when a push it cut off
// had already committed at least one mutation, so that mutation's answer
// was lost and only its replay can tell the device what happened.
const (
	crashUsefulKills = 4
	crashMaxKills    = 10
)

// TestCrashReplay proves that pushes survive kill -9: the real binary
// serves the demo organisation while four devices (two begeleiders, two
// clients) push a stream of creates and updates in small batches, and the
// server is killed with SIGKILL at random moments and restarted on the
// same data. The devices retry until everything is answered. Then, from
// the database: every mutation has exactly one stored result, the one its
// device saw; every created record exists once with its value; every
// update was applied exactly once (record versions count them, result by
// result); every typed value is current, kept in sync_conflicts, or was
// knowingly replaced; and the change feed is one row per record and bucket
// with sync_state.seq at its head.
//
// Not parallel: client.BatchSize is a package variable shared with the
// other tests of this package, and this test sets it low.
func TestCrashReplay(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	defer func(n int) { client.BatchSize = n }(client.BatchSize)
	client.BatchSize = 8

	seed := uint64(envInt("SAMENSPEL_CRASH_SEED", int(time.Now().UnixNano()%1e9)))
	t.Logf("seed %d (SAMENSPEL_CRASH_SEED replays the choices, not the timing)", seed)
	rng := rand.New(rand.NewPCG(seed, 11))

	srv := newCrashServer(t)
	srv.start()
	tap := newPushTap()
	devices := setupCrashDevices(ctx, t, srv, tap, seed)

	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, len(devices))
	for _, d := range devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.stream(ctx, &stop); err != nil {
				errs <- err
				stop.Store(true)
			}
		}()
	}

	unanswered := map[string]bool{} // committed by a server that died before answering
	kills, useful := 0, 0
	for kills < crashMaxKills && useful < crashUsefulKills && !stop.Load() {
		time.Sleep(time.Duration(150+rng.IntN(400)) * time.Millisecond)
		tap.waitInFlight(2 * time.Second)
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		gen := tap.down()
		srv.kill()
		kills++
		if err := tap.settle(gen, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		cut := tap.failed(gen)
		committed := srv.storedAmong(cut)
		for _, id := range committed {
			unanswered[id] = true
		}
		if len(committed) > 0 {
			useful++
		}
		t.Logf("kill %d: %d mutations in cut pushes, %d of them committed", kills, len(cut), len(committed))
		time.Sleep(time.Duration(100+rng.IntN(200)) * time.Millisecond)
		srv.start()
		tap.up()
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if useful < crashUsefulKills {
		t.Errorf("only %d of %d kills cut off a push after a commit (want %d): replay after a crash was not exercised", useful, kills, crashUsefulKills)
	}

	// Every device syncs to completion, then holds what the writers left.
	for _, d := range devices {
		if err := d.retry(ctx, d.c.Push); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range devices {
		if err := d.retry(ctx, d.c.Pull); err != nil {
			t.Fatal(err)
		}
	}
	all, shared := crashRecords(devices)
	for _, d := range devices {
		d.assertSees(t, all)
	}

	// One more kill: everything answered must be on disk.
	srv.kill()
	total, retries, conflicts := 0, 0, 0
	for _, d := range devices {
		total += len(d.queued)
		retries += d.retries
		conflicts += d.c.Conflicts
		if len(d.errs5xx) > 0 {
			t.Errorf("%s got %d 5xx answers, first: %s", d.name, len(d.errs5xx), d.errs5xx[0])
		}
	}
	t.Logf("%d mutations (%d answered conflict), %d kills (%d useful), %d mutations committed but unanswered at a kill, %d retried calls",
		total, conflicts, kills, useful, len(unanswered), retries)
	checkCrashDB(t, srv.dir, devices, all, shared)
}

// crashRec is a record the devices write, with what it must hold.
type crashRec struct {
	collection, id string
	fields         map[string]string // field -> the last value written
	writes         []crashWrite      // the create, then every update, in queue order
}

type crashWrite struct {
	mutationID string
	value      string
}

// crashDevice is one phone: a client.Client and everything it queued.
type crashDevice struct {
	name    string
	c       *client.Client
	rng     *rand.Rand
	staff   bool
	person  string
	clients []string // clients it writes plans for
	safaris []string // safaris it may log observations on
	counter *crashRec
	shared  *crashRec // written by every staff device; nil for clients

	sharedWrites []crashWrite // this device's updates of shared

	n         int
	queued    []client.Mutation
	results   map[string][]client.Result
	recs      []*crashRec // records only this device writes
	goals     []*crashRec
	updatable []crashField
	typed     []string
	retries   int
	errs5xx   []string
}

// crashCreateField is the field a create fills with its unique value.
var crashCreateField = map[string]string{
	schema.Goals: "title", schema.NetworkContacts: "name", schema.GoalSteps: "description", schema.Observations: "title",
}

type crashField struct {
	rec   *crashRec
	field string
}

// setupCrashDevices logs in, registers and pulls four devices, and gives
// each its counter goal; the begeleiders share one more.
func setupCrashDevices(ctx context.Context, t *testing.T, srv *crashServer, tap *pushTap, seed uint64) []*crashDevice {
	t.Helper()
	people := []struct{ name, collection, identity string }{
		{"marloes", schema.Users, "marloes.schuurman@samenspel.example"},
		{"jeroen", schema.Users, "jeroen.nijhof@samenspel.example"},
		{"omer", schema.Clients, "omer"},
		{"priscilla", schema.Clients, "priscilla"},
	}
	var devices []*crashDevice
	for i, p := range people {
		token, person := srv.login(p.collection, p.identity)
		c := client.New(srv.url(), "crash-"+p.name)
		c.HTTP.Transport = tap
		c.MaxAttempts, c.BaseBackoff = 3, 20*time.Millisecond
		d := &crashDevice{name: p.name, c: c, rng: rand.New(rand.NewPCG(seed, uint64(i))), staff: p.collection == schema.Users,
			person: person, results: map[string][]client.Result{}}
		c.OnResult = func(m client.Mutation, r client.Result) { d.results[m.MutationID] = append(d.results[m.MutationID], r) }
		if err := c.Register(ctx, token); err != nil {
			t.Fatalf("register %s: %v", p.name, err)
		}
		if err := c.Pull(ctx); err != nil {
			t.Fatalf("first pull %s: %v", p.name, err)
		}
		d.safaris = c.Store().IDs(schema.Safaris)
		if d.staff {
			d.clients = c.Store().IDs(schema.Clients)
		} else {
			d.clients = []string{person}
		}
		devices = append(devices, d)
	}
	marloes, jeroen := devices[0], devices[1]
	var others []string // clients both begeleiders see, without a device here
	for _, id := range marloes.clients {
		if slices.Contains(jeroen.clients, id) && id != devices[2].person && id != devices[3].person {
			others = append(others, id)
		}
	}
	if len(others) < 3 || len(marloes.safaris) == 0 {
		t.Fatalf("demo data changed: %d shared clients, %d safaris for marloes", len(others), len(marloes.safaris))
	}
	shared := marloes.create(schema.Goals, "title", map[string]any{"client": others[0], "status": "active"})
	marloes.recs = marloes.recs[:len(marloes.recs)-1] // shared, not marloes's alone
	marloes.shared, jeroen.shared = shared, shared
	for i, d := range devices {
		cl := d.clients[0]
		if d.staff {
			cl = others[1+i]
		}
		d.counter = d.create(schema.Goals, "title", map[string]any{"client": cl, "status": "active"})
		if err := d.c.Push(ctx); err != nil {
			t.Fatalf("setup push %s: %v", d.name, err)
		}
	}
	for _, d := range devices {
		if err := d.c.Pull(ctx); err != nil {
			t.Fatalf("setup pull %s: %v", d.name, err)
		}
	}
	return devices
}

// value is a unique typed text; the brackets keep "-1]" from matching "-12]".
func (d *crashDevice) value() string {
	d.n++
	v := fmt.Sprintf("[%s-%d]", d.name, d.n)
	d.typed = append(d.typed, v)
	return v
}

func (d *crashDevice) lastQueued() string {
	p := d.c.Pending()
	m := p[len(p)-1]
	d.queued = append(d.queued, m)
	return m.MutationID
}

func (d *crashDevice) create(collection, field string, data map[string]any) *crashRec {
	v := d.value()
	data[field] = v
	id := d.c.Create(collection, "", data)
	r := &crashRec{collection: collection, id: id, fields: map[string]string{field: v}}
	r.writes = append(r.writes, crashWrite{d.lastQueued(), v})
	d.recs = append(d.recs, r)
	return r
}

func (d *crashDevice) update(r *crashRec, field string) {
	v := d.value()
	d.c.Update(r.collection, r.id, map[string]any{field: v})
	w := crashWrite{d.lastQueued(), v}
	if r == d.shared {
		d.sharedWrites = append(d.sharedWrites, w) // other goroutines write it too
		return
	}
	r.fields[field] = v
	r.writes = append(r.writes, w)
}

// step queues one mutation: a create of a plan, network or safari record,
// or an update of a counter or of a record this device created.
func (d *crashDevice) step() {
	pickOne := func(xs []string) string { return xs[d.rng.IntN(len(xs))] }
	switch p := d.rng.IntN(100); {
	case p < 14:
		g := d.create(schema.Goals, "title", map[string]any{"client": pickOne(d.clients), "status": "idea"})
		d.goals = append(d.goals, g)
		d.updatable = append(d.updatable, crashField{g, "why"})
	case p < 26:
		nc := d.create(schema.NetworkContacts, "name", map[string]any{"client": pickOne(d.clients), "relation": "friend", "circle": 2})
		d.updatable = append(d.updatable, crashField{nc, "note"})
	case p < 38 && len(d.goals) > 0:
		g := d.goals[d.rng.IntN(len(d.goals))]
		st := d.create(schema.GoalSteps, "description", map[string]any{"goal": g.id, "carried_by": "client"})
		d.updatable = append(d.updatable, crashField{st, "reflection"})
	case p < 46 && len(d.safaris) > 0:
		author := "author_client"
		if d.staff {
			author = "author_user"
		}
		o := d.create(schema.Observations, "title", map[string]any{"safari": pickOne(d.safaris), "kind": "place", author: d.person})
		if d.staff {
			d.updatable = append(d.updatable, crashField{o, "note"})
		}
	case p < 66:
		d.update(d.counter, "why")
	case p < 82 && d.shared != nil:
		d.update(d.shared, "why")
	case len(d.updatable) > 0:
		f := d.updatable[d.rng.IntN(len(d.updatable))]
		d.update(f.rec, f.field)
	default:
		d.update(d.counter, "why")
	}
}

// stream queues a few mutations and pushes them, again and again, pulling
// now and then, until stopped.
func (d *crashDevice) stream(ctx context.Context, stop *atomic.Bool) error {
	for !stop.Load() {
		for i := 1 + d.rng.IntN(6); i > 0; i-- {
			d.step()
		}
		if err := d.retry(ctx, d.c.Push); err != nil {
			return err
		}
		if d.rng.IntN(4) == 0 {
			if err := d.retry(ctx, d.c.Pull); err != nil {
				return err
			}
		}
		time.Sleep(time.Duration(d.rng.IntN(4)) * time.Millisecond)
	}
	return nil
}

// retry calls f until it succeeds. Transport failures are what a killed
// server gives; a 4xx answer is a bug and ends the test, a 5xx is retried
// (the client does the same) but counted, and fails the test at the end.
func (d *crashDevice) retry(ctx context.Context, f func(context.Context) error) error {
	for {
		err := f(ctx)
		if err == nil {
			return nil
		}
		var pe *client.Error
		if errors.As(err, &pe) && (pe.Code == "no_progress" || pe.Status >= 400 && pe.Status < 500 && pe.Status != 429) {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		if errors.As(err, &pe) && pe.Status >= 500 {
			d.errs5xx = append(d.errs5xx, pe.Error())
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: out of time: %w", d.name, err)
		}
		d.retries++
		time.Sleep(30 * time.Millisecond)
	}
}

// crashRecords lists every record the devices wrote, the shared one last
// with every device's writes. Call it once, after the streams.
func crashRecords(devices []*crashDevice) (all []*crashRec, shared *crashRec) {
	for _, d := range devices {
		all = append(all, d.recs...)
		if d.shared != nil {
			shared = d.shared
			shared.writes = append(shared.writes, d.sharedWrites...)
		}
	}
	return append(all, shared), shared
}

// assertSees checks that the device's store holds every record it may see
// at the version and values the writers left.
func (d *crashDevice) assertSees(t *testing.T, all []*crashRec) {
	t.Helper()
	for _, r := range all {
		got := d.c.Store().Get(r.collection, r.id)
		if got == nil {
			if slices.ContainsFunc(d.recs, func(x *crashRec) bool { return x == r }) || r == d.shared {
				t.Errorf("%s does not have its own %s/%s after syncing", d.name, r.collection, r.id)
			}
			continue
		}
		if v, _ := got["version"].(float64); int(v) != len(r.writes) {
			t.Errorf("%s holds %s/%s at version %v, want %d", d.name, r.collection, r.id, v, len(r.writes))
		}
		for f, want := range r.fields { // of shared, only the title yet: its last why is found from the results
			if got[f] != want {
				t.Errorf("%s holds %s/%s.%s = %v, want %s", d.name, r.collection, r.id, f, got[f], want)
			}
		}
	}
}

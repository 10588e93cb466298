package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/sync/client"
)

// TestConvergence is the protocol's main property test. Several devices of
// every role edit offline at random, sync partially and at random moments,
// while people write through the REST API and coordinators move clients
// and staff between teams. At the end every device's store must equal
// exactly what the REST API shows its person, and no value anyone typed
// may be lost: it is current, or kept in sync_conflicts or sync_rejections,
// or someone replaced it knowingly (their write was based on it).
//
// Seeds: SAMENSPEL_PROPERTY_SEEDS (default 4; CI runs more), starting at
// SAMENSPEL_PROPERTY_SEED0 to replay a failure.
func TestConvergence(t *testing.T) {
	seeds := envInt("SAMENSPEL_PROPERTY_SEEDS", 4)
	if os.Getenv("CI") != "" && os.Getenv("SAMENSPEL_PROPERTY_SEEDS") == "" {
		seeds = 60
	}
	first := envInt("SAMENSPEL_PROPERTY_SEED0", 1)
	for seed := first; seed < first+seeds; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			runConvergence(t, uint64(seed), 120)
		})
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func runConvergence(t *testing.T, seed uint64, steps int) {
	s := newSim(t, seed)
	ctx := context.Background()
	for i := 0; i < steps; i++ {
		switch p := s.rng.IntN(100); {
		case p < 45:
			s.editOffline(s.pickDevice())
		case p < 70:
			s.partialSync(ctx, s.pickDevice())
		case p < 85:
			s.restWrite()
		default:
			s.scopeChange()
		}
	}
	s.settle(ctx)
	for _, d := range s.devices {
		s.assertConverged(d)
	}
	s.assertNothingLost()
	// Pushes, REST writes and scope changes kept the render store what
	// rendering the records says (schema/render_store.go).
	if bad, err := servertest.RenderStoreMismatches(s.app); err != nil || len(bad) > 0 {
		t.Fatalf("seed %d: render store: %v %q", seed, err, bad)
	}
}

// settle syncs every device until no device has anything left to push,
// then pulls everyone once more.
func (s *sim) settle(ctx context.Context) {
	s.t.Helper()
	for round := 0; round < 10; round++ {
		pending := 0
		for _, d := range s.devices {
			if err := d.c.Sync(ctx); err != nil {
				s.t.Fatalf("seed %d: settle %s: %v", s.seed, d.name, err)
			}
			pending += len(d.c.Pending())
		}
		if pending == 0 {
			break
		}
	}
	for _, d := range s.devices {
		if err := d.c.Pull(ctx); err != nil {
			s.t.Fatalf("seed %d: final pull %s: %v", s.seed, d.name, err)
		}
	}
}

// assertConverged compares a device's store with the REST API, record by
// record and field by field.
func (s *sim) assertConverged(d *simDevice) {
	s.t.Helper()
	for _, c := range schema.Synced {
		want := s.restList(d.person, c)
		got := map[string]client.Record{}
		for _, id := range d.c.Store().IDs(c) {
			got[id] = d.c.Store().Get(c, id)
		}
		if !reflect.DeepEqual(keys(got), keys(want)) {
			s.t.Fatalf("seed %d: %s (%s) %s ids:\n device %v\n rest   %v", s.seed, d.name, d.person.Id, c, keys(got), keys(want))
		}
		for id, w := range want {
			if !reflect.DeepEqual(got[id], w) {
				gj, _ := json.Marshal(got[id])
				wj, _ := json.Marshal(w)
				s.t.Fatalf("seed %d: %s %s/%s differs:\n device %s\n rest   %s", s.seed, d.name, c, id, gj, wj)
			}
		}
	}
}

// assertNothingLost checks every typed value.
func (s *sim) assertNothingLost() {
	s.t.Helper()
	var all strings.Builder
	for _, c := range append(slices.Clone(schema.Synced), schema.SyncRejections) {
		recs, err := s.app.FindAllRecords(c)
		if err != nil {
			s.t.Fatal(err)
		}
		for _, r := range recs {
			b, _ := json.Marshal(r)
			all.Write(b)
		}
	}
	dump := all.String()
	for v, where := range s.typed {
		if s.superseded[v] || strings.Contains(dump, v) {
			continue
		}
		s.t.Fatalf("seed %d: typed value %s (%s) is lost: not current, not in sync_conflicts or sync_rejections, not knowingly replaced", s.seed, v, where)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

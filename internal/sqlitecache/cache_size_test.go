package sqlitecache_test

import (
	"testing"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/internal/sqlitecache"
	"github.com/samenspel/samenspel/server"
)

// TestCacheSizes: PocketBase opens the read pool first and the write
// connection second; Connect gives them the small and the large page
// cache for data.db, and the small one to both of auxiliary.db (the
// request log), also after a re-bootstrap.
func TestCacheSizes(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, server.DefaultConfig()) // opened with Connect
	for round := range 2 {
		if round > 0 {
			if err := app.Bootstrap(); err != nil {
				t.Fatal(err)
			}
		}
		check := func(what string, got, want int) {
			t.Helper()
			if got != want {
				t.Errorf("round %d, %s: cache_size=%d, want %d", round, what, got, want)
			}
		}
		var n int
		if err := app.ConcurrentDB().NewQuery("PRAGMA cache_size").Row(&n); err != nil {
			t.Fatal(err)
		}
		check("data.db readers", n, -sqlitecache.ReadCacheKB)
		if err := app.NonconcurrentDB().NewQuery("PRAGMA cache_size").Row(&n); err != nil {
			t.Fatal(err)
		}
		check("data.db writer", n, -sqlitecache.WriteCacheKB)
		if err := app.AuxConcurrentDB().NewQuery("PRAGMA cache_size").Row(&n); err != nil {
			t.Fatal(err)
		}
		check("auxiliary.db readers", n, -sqlitecache.ReadCacheKB)
		if err := app.AuxNonconcurrentDB().NewQuery("PRAGMA cache_size").Row(&n); err != nil {
			t.Fatal(err)
		}
		check("auxiliary.db writer (the request log: a reader's cache)", n, -sqlitecache.ReadCacheKB)
		if round == 0 {
			if err := app.ResetBootstrapState(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestMain(m *testing.M) { servertest.Main(m) }

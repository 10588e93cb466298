package sync_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/storage"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// BenchmarkEraseClient measures one erasure on a database grown with
// other clients' goals (raw rows of 1 KiB), to show what it costs as the
// database grows (the one-time rebuild of RebuildOnce is done before the
// timer starts, as the server does at its start):
//
//	go test ./sync -run '^$' -bench EraseClient -benchtime 3x
func BenchmarkEraseClient(b *testing.B) {
	for _, rows := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("goals=%d", rows), func(b *testing.B) {
			app, w := servertest.NewWorldApp(b)
			_, err := app.DB().NewQuery(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {:rows})
				INSERT INTO goals (id, client, title, why, status, version, authorship, created, updated)
				SELECT printf('bench%010d', i), {:c}, 'doel ' || i, {:why}, 'active', 1, '{}', '2025-01-01 00:00:00.000Z', '2025-01-01 00:00:00.000Z' FROM n`).
				Bind(map[string]any{"rows": rows, "c": w.ClientA2.Id, "why": strings.Repeat("x", 1024)}).Execute()
			if err != nil {
				b.Fatal(err)
			}
			local, err := storage.NewLocal(storage.LocalConfig{Root: filepath.Join(b.TempDir(), "photos"), BaseURL: "http://localhost/blobs", Secret: make([]byte, 32)})
			if err != nil {
				b.Fatal(err)
			}
			svc := fieldsync.New(app, fieldsync.Config{})
			svc.SetMediaStore(local)
			if err := svc.RebuildOnce(); err != nil {
				b.Fatal(err)
			}
			fi, _ := os.Stat(filepath.Join(app.DataDir(), "data.db"))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				col, err := app.FindCollectionByNameOrId("clients")
				if err != nil {
					b.Fatal(err)
				}
				c2 := core.NewRecord(col)
				c2.Set("name", "Bench")
				c2.Set("team", w.TeamB.Id)
				c2.Set("username", fmt.Sprintf("bench%d", i))
				c2.Set("email", fmt.Sprintf("bench%d@example.nl", i))
				c2.SetPassword("wachtwoord123")
				if err := app.Save(c2); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := svc.EraseClient(context.Background(), c2.Id, "bench"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(fi.Size())/(1<<20), "MiB")
		})
	}
}

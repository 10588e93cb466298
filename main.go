// Command samenspel is the Samenspel server: PocketBase with the domain of
// support work in Dutch neighbourhoods, a sync API for field phones and
// photo storage. See README.md.
package main

import (
	"fmt"
	"log"
	"os"
	"runtime/debug"

	"github.com/samenspel/samenspel/server"
)

// gcPercent is the garbage collector's GOGC when the environment sets
// none. The server's Go heap is small (~15 MB live; SQLite's memory is
// C memory the collector does not see) and it allocates fast, so at Go's
// 100 it collected many times a second, each time taking one of two
// cores for its marking: under load the write transaction lost its core.
// At 300, saturation went from 456-469 to 513-578 push+pull cycles/s and
// the storm's peak from 138-141 to 171-177 MB (BenchmarkLoadRIBW at scale
// 0.25, docs/load.md). GOGC in the environment still decides.
const gcPercent = 300

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if len(os.Args) > 1 && os.Args[1] == "restore" { // before PocketBase, which would create a database
		os.Exit(server.Restore(os.Args[2:], os.Environ(), os.Stdout, os.Stderr))
	}
	app, _, err := server.New(os.Args[1:], os.Environ())
	if err != nil {
		fmt.Fprintln(os.Stderr, "samenspel:", err)
		os.Exit(2)
	}
	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

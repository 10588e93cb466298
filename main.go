// Command samenspel is the Samenspel server: PocketBase with the domain of
// support work in Dutch neighbourhoods, a sync API for field phones and
// photo storage. See README.md.
package main

import (
	"fmt"
	"log"
	"os"

	"github.com/samenspel/samenspel/server"
)

func main() {
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

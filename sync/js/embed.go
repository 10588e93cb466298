package syncjs

import "embed"

// Files holds the client's module files (*.js, tests excluded: they are
// *.test.mjs), to be served as they are.
//
//go:embed *.js
var Files embed.FS

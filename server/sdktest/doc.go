// Package sdktest checks the server from the outside, the way a web or
// mobile app written against the PocketBase JS SDK meets it: it serves a
// test World over real HTTP, logs in as every person with the SDK (from
// Node.js, see listall.mjs), lists every collection, and compares what each
// person got with what the collection's ListRule gives that person.
//
// The test needs node and npm on PATH. It runs `npm ci` here the first time
// (node_modules/ is git-ignored and kept between runs); package-lock.json
// pins the SDK version.
package sdktest

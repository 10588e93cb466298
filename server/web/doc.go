// Package web serves the review page at /review/: where a teamadviseur
// logs in, picks a team they advise and a period, and sees what the team
// synced about the neighbourhood (safaris with their guiding questions,
// observations with their photos) next to the team's aggregated figures
// from the review API, and leaves a question, appreciation or suggestion
// that reaches the team's phones through the normal change feed.
//
// The page is plain HTML, CSS and JavaScript modules embedded in the
// binary (static/); there is no build step. It talks only to the server's
// own APIs with the PocketBase token it keeps in sessionStorage, so the
// access rules decide what it can show: a teamadviseur never gets a
// client's name, plan or network, and the page never asks for one
// (nothing about clients is expanded). Photos are fetched with the token
// and shown as blob: URLs, so they never sit at a public address.
//
// Every response under /review/ carries a strict Content-Security-Policy:
// scripts and styles only from files of this origin (no inline script or
// style attribute), data only from this origin, images only from here or
// blob:. The page builds its DOM with textContent, never innerHTML, so
// text a person typed is never markup.
//
// The browser test (web_test.go) drives the page in headless Chromium
// with playwright-core from e2e/; see there for what it needs.
package web

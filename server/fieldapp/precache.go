package fieldapp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// precacheEntry is one file in Workbox's precache manifest: its URL
// relative to the worker's scope and a revision that changes with its
// content.
type precacheEntry struct {
	URL      string `json:"url"`
	Revision string `json:"revision"`
}

// manifestMarker is where static/sw.js expects the precache list, as
// Workbox's own build tools do.
const manifestMarker = "self.__WB_MANIFEST"

// serviceWorker returns static/sw.js with its precache list filled in:
// every file of the app but the worker itself, and the sync library's
// scripts under sync/.
func serviceWorker(site, syncFiles fs.FS) ([]byte, error) {
	src, err := fs.ReadFile(site, "sw.js")
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(src, []byte(manifestMarker)) {
		return nil, fmt.Errorf("sw.js has no %s", manifestMarker)
	}
	entries, err := precacheList(site, "")
	if err != nil {
		return nil, err
	}
	if syncFiles != nil {
		lib, err := precacheList(onlyScripts{syncFiles}, "sync/")
		if err != nil {
			return nil, err
		}
		entries = append(entries, lib...)
	}
	list, err := json.Marshal(entries)
	if err != nil {
		return nil, err
	}
	return bytes.Replace(src, []byte(manifestMarker), list, 1), nil
}

func precacheList(fsys fs.FS, prefix string) ([]precacheEntry, error) {
	var entries []precacheEntry
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "sw.js" && prefix == "" {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		entries = append(entries, precacheEntry{URL: prefix + p, Revision: hex.EncodeToString(sum[:8])})
		return nil
	})
	return entries, err
}

// onlyScripts shows the JavaScript modules of the sync library and hides
// everything else its directory holds (Go files, tests, package files).
type onlyScripts struct{ fs.FS }

func (o onlyScripts) Open(name string) (fs.File, error) {
	f, err := o.FS.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		return dirOfScripts{f.(fs.ReadDirFile)}, nil
	}
	if ext := path.Ext(name); (ext != ".js" && ext != ".mjs") || strings.Contains(name, "test") || strings.Contains(name, "node_modules") {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return f, nil
}

// dirOfScripts lists what onlyScripts would open: scripts and directories.
type dirOfScripts struct{ fs.ReadDirFile }

func (d dirOfScripts) ReadDir(n int) ([]fs.DirEntry, error) {
	all, err := d.ReadDirFile.ReadDir(n)
	kept := all[:0]
	for _, e := range all {
		ext := path.Ext(e.Name())
		if e.IsDir() && e.Name() != "node_modules" && !strings.Contains(e.Name(), "test") ||
			!e.IsDir() && (ext == ".js" || ext == ".mjs") && !strings.Contains(e.Name(), "test") {
			kept = append(kept, e)
		}
	}
	return kept, err
}

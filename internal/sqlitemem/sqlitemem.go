// Package sqlitemem keeps the pure-Go SQLite's C allocator from handing
// its memory back to the kernel block by block.
//
// The driver (modernc.org/sqlite over modernc.org/libc) allocates through
// one allocator for the whole process (modernc.org/memory). That
// allocator carves 64 KB pages into slots of one size class and unmaps a
// page the moment its last slot is freed. SQLite allocates and frees in
// bursts: every statement's bound parameters, and above all the
// sub-journal of every savepoint (a push applies each mutation in its
// own), which SQLite writes in 1 KB chunks and frees whole when the
// savepoint is released. Each burst mapped fresh pages and unmapped them
// again: mmap and munmap were 16 % of the CPU of BenchmarkAccessLog's
// push (-cpuprofile, callers memjrnlWrite and memjrnlTruncate) and a
// third of the access log writer's time (BenchmarkAdd).
//
// Reserve keeps a few pages of every size class mapped for good by
// holding one slot of each; their other slots are free for SQLite to use.
package sqlitemem

import (
	gosync "sync"

	"modernc.org/libc"
)

// pageSize is modernc.org/memory's page (mmap_unix.go, pageSizeLog 16).
const pageSize = 1 << 16

// reserve is how many pages each size class keeps mapped, by the class's
// slot size. The sub-journal's 1 KB chunks fall in the 2 KB class; the
// page cache's pages (4 KB and a header) and the b-tree's page-sized
// scratch buffers in the 8 KB one, which gets most.
//
// The page caches of all connections are one pool in this build of SQLite
// (SQLITE_ENABLE_MEMORY_MANAGEMENT: pcache1's global LRU, under one lock),
// and a read connection throws its whole cache away whenever the database
// changed since its last read. A reader at its cache_size takes the
// least recently used pages of the others, so one can hold thousands;
// throwing them away freed every page under that lock, and where a page
// was the last slot of an allocator page, unmapped it: a thousand munmap
// calls in 0.2 s, during which every read and write of the server waited
// (the load benchmark's steady phase: pulls and pushes of 250-350 ms, all
// in the same 0.3 s, in most runs). 2,000 pages (12,000 free slots, 125
// MB of address space, ~50 MB resident before first use) keep that churn
// on mapped memory: the stall was gone, saturation rose from ~520 to
// 630-670 cycles/s, the storm's peak grew by a few MB (256-257 MB) and
// the idle server from ~80 to ~130 MB (docs/load.md, "The page cache's
// lock").
//
// The first 128 pages of 8 KB were measured on BenchmarkAccessLog's push
// (-cpuprofile): mmap and munmap were 16 % of its CPU; 9 % with 24 pages
// of 8 KB, 3.4 % with 128 (and the feed's seq without RETURNING,
// schema.NextFeedSeq).
var reserve = map[int]int{
	16: 1, 32: 1, 64: 1, 128: 2, 256: 2, 512: 4, 1024: 4,
	2048: 32, 4096: 8, 8192: 2000, 16384: 4,
}

var (
	once   gosync.Once
	pinned = map[int]map[uintptr]bool{} // the pages kept, by slot size
)

// Reserve maps the reserve, once per process; later calls do nothing.
// Call it before the first SQLite connection opens.
func Reserve() {
	once.Do(func() {
		tls := libc.NewTLS()
		for size, pages := range reserve {
			pinned[size] = pin(tls, size, pages)
		}
	})
}

// pin fills at least pages pages with slots of size bytes and frees every
// slot but one of each page: the pages stay mapped, their free slots go
// to the allocator's free list. It returns the pages.
func pin(tls *libc.TLS, size, pages int) map[uintptr]bool {
	perPage := pageSize / size
	held := map[uintptr]bool{}
	var spare []uintptr
	for i := 0; i < (pages+1)*perPage && len(held) < pages; i++ {
		p := libc.Xmalloc(tls, uint64(size))
		if p == 0 {
			break
		}
		if page := p &^ (pageSize - 1); !held[page] {
			held[page] = true
			continue
		}
		spare = append(spare, p)
	}
	for _, p := range spare {
		libc.Xfree(tls, p)
	}
	return held
}

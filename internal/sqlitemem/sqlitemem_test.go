package sqlitemem

import (
	"testing"

	"modernc.org/libc"
)

// Within the reserve, allocations of a size class come from the pages
// Reserve keeps, so freeing them unmaps nothing and allocating them again
// maps nothing: the burst of a savepoint's sub-journal (2 KB class) or of
// page-sized buffers (8 KB) stays on those pages.
func TestReserveKeepsPages(t *testing.T) {
	Reserve()
	Reserve() // once
	tls := libc.NewTLS()
	defer tls.Close()
	for size, pages := range reserve {
		kept := pinned[size]
		if len(kept) < pages {
			t.Fatalf("%d B: %d pages kept, want %d", size, len(kept), pages)
		}
		// A page holds (64 KB less its header) / size slots; one of each
		// is held by the reserve, and the first page kept may be one that
		// other allocations share: count a page less.
		free := (pages - 1) * ((pageSize-64)/size - 1)
		for round := range 2 {
			got := make([]uintptr, 0, free)
			for range free {
				got = append(got, libc.Xmalloc(tls, uint64(size)))
			}
			for _, p := range got {
				if p == 0 || !kept[p&^(pageSize-1)] {
					t.Fatalf("%d B, round %d: slot %#x is not on a kept page", size, round, p)
				}
			}
			for _, p := range got {
				libc.Xfree(tls, p)
			}
		}
	}
}

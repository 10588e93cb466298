package accesslog

import (
	gosync "sync"

	"modernc.org/libc"
)

var ballast gosync.Once

// keepAllocatorPages allocates, once per process and never frees, one
// block of every small size class of the SQLite driver's C allocator
// (modernc.org/libc over modernc.org/memory, one allocator for the whole
// process). That allocator returns a page to the kernel the moment its
// last block is freed, and the driver allocates and frees each bound
// parameter around every statement: without a block that stays, every
// inserted entry cost an mmap and a munmap per size class, about a third
// of the writer's time (measured with BenchmarkAdd's profile). The cost
// is one 64 KB page per class, under a megabyte.
func keepAllocatorPages() {
	ballast.Do(func() {
		tls := libc.NewTLS()
		for _, p := range []uintptr{
			libc.Xmalloc(tls, 16), libc.Xmalloc(tls, 32), libc.Xmalloc(tls, 64), libc.Xmalloc(tls, 128),
			libc.Xmalloc(tls, 256), libc.Xmalloc(tls, 512), libc.Xmalloc(tls, 1024), libc.Xmalloc(tls, 2048),
			libc.Xmalloc(tls, 4096), libc.Xmalloc(tls, 8192), libc.Xmalloc(tls, 16384),
		} {
			_ = p // kept on purpose
		}
	})
}

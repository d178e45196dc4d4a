/* hugemem.h -- ask the kernel for transparent huge pages on a large array.
 *
 * Filling a fresh 100 MB array faults its pages in one 4 KiB page at a
 * time: 25,000 faults, and on a virtual machine each fault costs more
 * than the page's work (a 25M-rating load spent a fifth of its time in
 * them).  Where transparent huge pages are "madvise" (Debian's default),
 * MADV_HUGEPAGE on the array lets the kernel fault in 2 MiB at once.
 * Only the 2 MiB-aligned part of [p, p + bytes) is advised; the advice
 * is a hint, so failure (no THP, another kernel) is ignored.  The advice
 * belongs to the mapping, which realloc's mremap carries along, so an
 * array that grows is advised again after each growth.
 */
#ifndef COLLABTUI_HUGEMEM_H
#define COLLABTUI_HUGEMEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#define HUGEMEM_PAGE ((size_t)2 << 20)

static inline void hugemem_advise(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	uintptr_t lo = ((uintptr_t)p + HUGEMEM_PAGE - 1) & ~(uintptr_t)(HUGEMEM_PAGE - 1);
	uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGEMEM_PAGE - 1);
	if (p && hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)bytes;
#endif
}

#endif

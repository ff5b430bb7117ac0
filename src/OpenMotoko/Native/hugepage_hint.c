/*
 * Linked into the native executable on Linux (Native/HugePageHint.targets). Before main, it asks the
 * kernel to back the executable's zero-initialised data with transparent huge pages.
 *
 * Why: at every start the .NET runtime expands the binary's compressed type data into that region
 * (the ".hydrated" section, about 10 MB). In 4 KB pages that is about 2 000 page faults, a
 * quarter of what `openmotoko version` costs; in 2 MB pages it is a handful. Kernels whose
 * transparent huge pages are set to "madvise" (Debian's and Ubuntu's default) only do that when
 * asked. Where the kernel has them "always", "never", or not at all, the call changes nothing or
 * fails, and the region stays in normal pages: the hint can only make the start faster.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* A region under 4 MB holds at most one aligned huge page: not worth the call. */
#define MIN_REGION (4u << 20)

static int advise_executable(struct dl_phdr_info *info, size_t size, void *unused)
{
    (void)size;
    (void)unused;
    /* The executable is listed under an empty name; shared libraries are not ours to advise. */
    if (info->dlpi_name != NULL && info->dlpi_name[0] != '\0')
        return 0;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type != PT_LOAD || (segment->p_flags & PF_W) == 0
            || segment->p_memsz < segment->p_filesz + MIN_REGION)
            continue;
        /* The part beyond the file's bytes is anonymous memory: where the runtime rehydrates. */
        uintptr_t start = info->dlpi_addr + segment->p_vaddr + segment->p_filesz;
        uintptr_t end = info->dlpi_addr + segment->p_vaddr + segment->p_memsz;
        start = (start + page - 1) & ~(page - 1);
        end = (end + page - 1) & ~(page - 1);
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    }
    return 1;
}

__attribute__((constructor)) static void openmotoko_hugepage_hint(void)
{
    dl_iterate_phdr(advise_executable, NULL);
}

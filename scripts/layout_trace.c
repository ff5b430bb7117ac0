// layout_trace: which functions of an executable run, in the order they first run.
//
// Usage: layout_trace OUT OFFSETS -- PROGRAM [ARGS...]
//   OFFSETS  a file of hex offsets (from the executable's load address) of function entry points
//   OUT      receives, one hex offset per line, each function of OFFSETS that ran, in the order of its
//            first call, by any thread
//
// Used by scripts/layout_profile.py when scripts/publish.sh lays out the native binary: the
// functions start-up and the common requests run are placed together, so the kernel maps a few
// megabytes of code instead of nearly all of it (docs/benchmarks.md).
//
// How: the program is started under ptrace; before its first instruction every listed entry point
// gets a one-byte breakpoint (int3). A thread that reaches one stops; the original byte goes back,
// the offset is written down and the thread resumes at the same instruction. Each function stops the
// program once, so the run is only slightly slower than a plain one. Threads are followed as they
// are created; every other signal is passed on unchanged, and SIGTERM or SIGINT sent to the tracer
// is forwarded to the program. x86-64 Linux only.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#if !defined(__x86_64__)
#error "layout_trace supports x86-64 only"
#endif

static unsigned long *offsets;
static unsigned char *saved;
static unsigned char *seen;
static size_t count;

static pid_t traced;

// SIGTERM and SIGINT to the tracer go to the traced program, which then ends in its own way.
static void forward(int signal)
{
    if (traced > 0) kill(traced, signal);
}

static int compare(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return x < y ? -1 : x > y;
}

static long find(unsigned long offset)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (offsets[mid] == offset) return (long)mid;
        if (offsets[mid] < offset) lo = mid + 1; else hi = mid;
    }
    return -1;
}

static void die(const char *what)
{
    fprintf(stderr, "layout_trace: %s: %s\n", what, strerror(errno));
    exit(1);
}

// The address the kernel mapped the executable at: the start of its mapping at file offset 0.
static unsigned long load_address(pid_t pid)
{
    char path[64], exe[PATH_MAX], line[PATH_MAX + 128];
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    ssize_t length = readlink(path, exe, sizeof exe - 1);
    if (length < 0) die("readlink");
    exe[length] = 0;
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *maps = fopen(path, "r");
    if (!maps) die("maps");
    unsigned long start, end, offset, base = 0;
    char file[PATH_MAX];
    while (fgets(line, sizeof line, maps)) {
        file[0] = 0;
        if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &start, &end, &offset, file) >= 3
            && offset == 0 && strcmp(file, exe) == 0) { base = start; break; }
    }
    fclose(maps);
    if (!base) { fprintf(stderr, "layout_trace: %s is not mapped\n", exe); exit(1); }
    return base;
}

int main(int argc, char **argv)
{
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        fprintf(stderr, "usage: layout_trace OUT OFFSETS -- PROGRAM [ARGS...]\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    FILE *in = fopen(argv[2], "r");
    if (!out || !in) die("open");
    size_t capacity = 1 << 16;
    offsets = malloc(capacity * sizeof *offsets);
    unsigned long value;
    while (fscanf(in, "%lx", &value) == 1) {
        if (count == capacity) offsets = realloc(offsets, (capacity *= 2) * sizeof *offsets);
        offsets[count++] = value;
    }
    fclose(in);
    qsort(offsets, count, sizeof *offsets, compare);
    size_t unique = 0;
    for (size_t i = 0; i < count; i++)
        if (unique == 0 || offsets[unique - 1] != offsets[i]) offsets[unique++] = offsets[i];
    count = unique;
    saved = malloc(count);
    seen = calloc(count, 1);

    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) { perror("layout_trace: ptrace"); _exit(126); }
        execv(argv[4], argv + 4);
        perror("layout_trace: exec");
        _exit(127);
    }
    traced = child;
    struct sigaction action = { .sa_handler = forward };
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    int status;
    if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
        fprintf(stderr, "layout_trace: the program did not stop at exec (is ptrace allowed here?)\n");
        return 1;
    }

    unsigned long base = load_address(child);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", child);
    int mem = open(path, O_RDWR);
    if (mem < 0) die("open mem");
    const unsigned char breakpoint = 0xCC;
    for (size_t i = 0; i < count; i++) {
        if (pread(mem, &saved[i], 1, (off_t)(base + offsets[i])) != 1) die("read code");
        if (pwrite(mem, &breakpoint, 1, (off_t)(base + offsets[i])) != 1) die("write breakpoint");
    }
    ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL);
    ptrace(PTRACE_CONT, child, 0, 0);

    size_t hits = 0;
    int exit_code = 0;
    for (;;) {
        pid_t thread = waitpid(-1, &status, __WALL);
        if (thread < 0) {
            if (errno == EINTR) continue;
            break; // ECHILD: every thread has gone
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (thread == child) exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            continue;
        }
        if (!WIFSTOPPED(status)) continue;
        int signal = WSTOPSIG(status);
        if (status >> 16) { // a ptrace event (a new thread): nothing to do
            ptrace(PTRACE_CONT, thread, 0, 0);
            continue;
        }
        if (signal == SIGSTOP) { // the first stop of a followed thread
            ptrace(PTRACE_CONT, thread, 0, 0);
            continue;
        }
        if (signal == SIGTRAP) {
            struct user_regs_struct regs;
            ptrace(PTRACE_GETREGS, thread, 0, &regs);
            long i = find(regs.rip - 1 - base);
            if (i >= 0) {
                // Two threads can reach the same breakpoint before it is removed: the second finds it
                // already written down and only steps back.
                if (!seen[i]) {
                    seen[i] = 1;
                    hits++;
                    if (pwrite(mem, &saved[i], 1, (off_t)(base + offsets[i])) != 1) die("restore code");
                    fprintf(out, "%lx\n", offsets[i]);
                }
                regs.rip--;
                ptrace(PTRACE_SETREGS, thread, 0, &regs);
                ptrace(PTRACE_CONT, thread, 0, 0);
                continue;
            }
        }
        ptrace(PTRACE_CONT, thread, 0, signal);
    }
    fclose(out);
    fprintf(stderr, "layout_trace: %zu of %zu functions ran (exit code %d)\n", hits, count, exit_code);
    return 0;
}

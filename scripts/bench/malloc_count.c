// malloc_count: an LD_PRELOAD library that counts heap calls per thread, to show that a
// datapath does not allocate.
//
//   MALLOC_COUNT_FILE=/tmp/x.counts LD_PRELOAD=.build/bench/libmalloc_count.so  program ...
//
// Counts malloc, calloc, realloc, reallocarray, free, posix_memalign, aligned_alloc, memalign,
// valloc and pvalloc calls, per thread. Every MALLOC_COUNT_INTERVAL_MS (default 200) a reporter
// thread appends one block to MALLOC_COUNT_FILE:
//
//   T <CLOCK_MONOTONIC seconds>
//   <tid> <thread name> <malloc> <calloc> <realloc> <free> <aligned>   (one line per thread)
//
// so a reader takes the blocks nearest to two instants and subtracts. <aligned> sums
// posix_memalign, aligned_alloc, memalign, valloc and pvalloc (the Swift runtime allocates
// over-aligned objects through them). The reporter itself never allocates (open/write on a stack
// buffer) and is not counted. Calls are forwarded to glibc's __libc_* entry points, so no dlsym
// bootstrap is needed.
//
// Build: cc -O2 -shared -fPIC -o libmalloc_count.so malloc_count.c -lpthread
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

enum { K_MALLOC, K_CALLOC, K_REALLOC, K_FREE, K_ALIGNED, K_COUNT };
#define MAX_THREADS 256

// One slot per thread, on its own cache line; written only by its thread, read by the reporter.
struct slot {
    _Atomic pid_t tid;
    _Atomic uint64_t n[K_COUNT];
} __attribute__((aligned(64)));

static struct slot slots[MAX_THREADS];
static atomic_int used;
static struct slot overflow; // threads beyond MAX_THREADS share this one (never expected)
static __thread struct slot *mine;

static inline void count(int kind) {
    struct slot *s = mine;
    if (__builtin_expect(s == NULL, 0)) {
        int i = atomic_fetch_add(&used, 1);
        s = i < MAX_THREADS ? &slots[i] : &overflow;
        atomic_store(&s->tid, (pid_t)syscall(SYS_gettid));
        mine = s;
    }
    // Single writer: a relaxed load and store is enough, and costs what a plain add costs.
    atomic_store_explicit(&s->n[kind], atomic_load_explicit(&s->n[kind], memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

void *malloc(size_t n) { count(K_MALLOC); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { count(K_CALLOC); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { count(K_REALLOC); return __libc_realloc(p, n); }
void free(void *p) { if (p) count(K_FREE); __libc_free(p); }
void *reallocarray(void *p, size_t a, size_t b) {
    count(K_REALLOC);
    size_t n;
    if (__builtin_mul_overflow(a, b, &n)) { errno = ENOMEM; return NULL; }
    return __libc_realloc(p, n);
}
void *memalign(size_t al, size_t n) { count(K_ALIGNED); return __libc_memalign(al, n); }
void *aligned_alloc(size_t al, size_t n) { count(K_ALIGNED); return __libc_memalign(al, n); }
void *valloc(size_t n) { count(K_ALIGNED); return __libc_valloc(n); }
void *pvalloc(size_t n) { count(K_ALIGNED); return __libc_pvalloc(n); }
int posix_memalign(void **out, size_t al, size_t n) {
    count(K_ALIGNED);
    if (al < sizeof(void *) || (al & (al - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(al, n);
    if (p == NULL) return ENOMEM;
    *out = p;
    return 0;
}

// --- the reporter ---------------------------------------------------------------------------

static void append(char *buf, size_t *len, size_t cap, const char *s) {
    size_t n = strlen(s);
    if (*len + n < cap) { memcpy(buf + *len, s, n); *len += n; }
}

static void thread_name(pid_t tid, char *out, size_t cap) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t r = fd >= 0 ? read(fd, out, cap - 1) : -1;
    if (fd >= 0) close(fd);
    if (r <= 0) { snprintf(out, cap, "exited"); return; }
    out[r] = 0;
    for (char *c = out; *c; c++) if (*c == '\n' || *c == ' ') *c = (*c == ' ') ? '_' : 0;
}

static void *reporter(void *arg) {
    const char *path = arg;
    long ms = 200;
    const char *env = getenv("MALLOC_COUNT_INTERVAL_MS");
    if (env) ms = strtol(env, NULL, 10);
    if (ms <= 0) ms = 200;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return NULL;
    static char buf[64 * 1024];
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        size_t len = 0;
        char line[256];
        snprintf(line, sizeof line, "T %ld.%09ld\n", (long)now.tv_sec, now.tv_nsec);
        append(buf, &len, sizeof buf, line);
        int n = atomic_load(&used);
        if (n > MAX_THREADS) n = MAX_THREADS;
        for (int i = 0; i < n; i++) {
            struct slot *s = &slots[i];
            pid_t tid = atomic_load(&s->tid);
            if (tid == 0) continue;
            char name[32];
            thread_name(tid, name, sizeof name);
            snprintf(line, sizeof line, "%d %s %llu %llu %llu %llu %llu\n", (int)tid, name,
                     (unsigned long long)atomic_load_explicit(&s->n[K_MALLOC], memory_order_relaxed),
                     (unsigned long long)atomic_load_explicit(&s->n[K_CALLOC], memory_order_relaxed),
                     (unsigned long long)atomic_load_explicit(&s->n[K_REALLOC], memory_order_relaxed),
                     (unsigned long long)atomic_load_explicit(&s->n[K_FREE], memory_order_relaxed),
                     (unsigned long long)atomic_load_explicit(&s->n[K_ALIGNED], memory_order_relaxed));
            append(buf, &len, sizeof buf, line);
        }
        if (write(fd, buf, len) < 0) break;
        struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };
        nanosleep(&d, NULL);
    }
    close(fd);
    return NULL;
}

__attribute__((constructor)) static void start_reporter(void) {
    const char *path = getenv("MALLOC_COUNT_FILE");
    if (path == NULL || *path == 0) return;
    // Children (stdbuf's exec, shells) must not report into the same file.
    static char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    unsetenv("MALLOC_COUNT_FILE");
    // The reporter's own slot is never created: it calls no allocator (pthread_create's stack
    // comes from mmap; its TLS block is set up before the thread runs).
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, reporter, copy) == 0) pthread_setname_np(t, "malloc-count");
    pthread_attr_destroy(&attr);
}

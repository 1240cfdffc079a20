/* How far apart CPUs 0 and 1 are: the round trip of one cache line bounced between a thread on
 * each (best of 20 batches of 1000 round trips), in nanoseconds.
 *
 *   core_latency [CPU_A CPU_B]      (default 0 1)
 *
 * On this machine (2 vCPUs of a KVM guest on an AMD EPYC) the host moves the vCPUs around, and
 * the answer switches between about 70-100 ns (the two vCPUs share an L3) and about 450 ns (they
 * do not) from one second to the next. mp_server + mp_client move every packet's mbuf between
 * the two CPUs, so their rate follows it: scripts/bench/reliability.py measures it before and
 * after each run and sorts runs by it. Built by scripts/bench-reliability.sh. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { BATCHES = 20, TRIPS = 1000 };
static _Alignas(64) _Atomic long line;
static _Atomic int done;

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/* Answers every odd value with the next even one, until told to stop. */
static void *echo(void *arg) {
    if (pin(*(int *)arg) != 0) { fprintf(stderr, "core_latency: cannot pin to CPU %d\n", *(int *)arg); exit(1); }
    for (long v = 1; !atomic_load_explicit(&done, memory_order_relaxed); v += 2) {
        while (atomic_load_explicit(&line, memory_order_acquire) != v)
            if (atomic_load_explicit(&done, memory_order_relaxed)) return NULL;
        atomic_store_explicit(&line, v + 1, memory_order_release);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int a = argc > 2 ? atoi(argv[1]) : 0, b = argc > 2 ? atoi(argv[2]) : 1;
    if (pin(a) != 0) { fprintf(stderr, "core_latency: cannot pin to CPU %d\n", a); return 1; }
    pthread_t t;
    pthread_create(&t, NULL, echo, &b);
    long v = 0;
    double best = 1e18;
    for (int i = 0; i < BATCHES; i++) {
        double t0 = now_ns();
        for (int j = 0; j < TRIPS; j++, v += 2) {
            atomic_store_explicit(&line, v + 1, memory_order_release);
            while (atomic_load_explicit(&line, memory_order_acquire) != v + 2) {}
        }
        double per = (now_ns() - t0) / TRIPS;
        if (per < best) best = per;
    }
    atomic_store(&done, 1);
    pthread_join(t, NULL);
    printf("%.0f\n", best);
    return 0;
}

// Every shim is a static inline function in include/CTrailproof.h; this file holds only what a
// build setting must reach: the source revision scripts/package builds from, and the calls that
// need _GNU_SOURCE (defined here, before any header).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "CTrailproof.h"

// Package.swift defines TRAILPROOF_SOURCE_REVISION (a quoted git commit) when the environment
// variable of that name is set, as scripts/package does; a plain `swift build` leaves it empty.
#ifndef TRAILPROOF_SOURCE_REVISION
#define TRAILPROOF_SOURCE_REVISION ""
#endif

const char *CTrailproof_source_revision(void) {
    return TRAILPROOF_SOURCE_REVISION;
}

int CTrailproof_pipe_cloexec(int ends[2]) {
#if defined(__linux__)
    return pipe2(ends, O_CLOEXEC);
#else
    if (pipe(ends) != 0) return -1;
    fcntl(ends[0], F_SETFD, FD_CLOEXEC);
    fcntl(ends[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

int CTrailproof_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    (void)actions;
    (void)from;
    return ENOSYS;
#endif
}

// Every shim is a static inline function in include/CTrailproof.h; this file holds only what a
// build setting must reach: the source revision scripts/package builds from.
#include "CTrailproof.h"

// Package.swift defines TRAILPROOF_SOURCE_REVISION (a quoted git commit) when the environment
// variable of that name is set, as scripts/package does; a plain `swift build` leaves it empty.
#ifndef TRAILPROOF_SOURCE_REVISION
#define TRAILPROOF_SOURCE_REVISION ""
#endif

const char *CTrailproof_source_revision(void) {
    return TRAILPROOF_SOURCE_REVISION;
}

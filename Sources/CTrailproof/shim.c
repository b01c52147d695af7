// Intentionally empty: SwiftPM needs one source file in a C target; every shim is a
// static inline function in include/CTrailproof.h.
#include "CTrailproof.h"

// The C surface trailproof uses: OpenSSL libcrypto, zlib and libcurl.
// Only TrailproofNative imports this module. Shims exist only where Swift cannot call
// the library directly: function-like macros (zlib's init calls) and variadic
// functions (curl_easy_setopt, curl_easy_getinfo).
#ifndef CTRAILPROOF_H
#define CTRAILPROOF_H

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/bio.h>
#include <openssl/hmac.h>
#include <zlib.h>
#include <curl/curl.h>
#include <sys/xattr.h>
#if defined(__GLIBC__)
#include <malloc.h>  // mallopt, malloc_trim: glibc only (Allocator)
#endif
#include <spawn.h>

/// inflateInit2 is a macro; 15 + 32 would auto-detect zlib too, trailproof wants gzip only (15 + 16).
static inline int CTrailproof_inflateInitGzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

/// deflateInit2 is a macro; writes a gzip wrapper (15 + 16).
static inline int CTrailproof_deflateInitGzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/// curl_easy_setopt is variadic: one typed entry point per argument kind.
static inline CURLcode CTrailproof_curl_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode CTrailproof_curl_setopt_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode CTrailproof_curl_setopt_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
typedef size_t (*CTrailproof_curl_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode CTrailproof_curl_setopt_callback(CURL *curl, CURLoption option, CTrailproof_curl_data_callback callback) {
    return curl_easy_setopt(curl, option, callback);
}
/// Progress callback: returning non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
typedef int (*CTrailproof_curl_progress_callback)(void *context, curl_off_t downloadTotal, curl_off_t downloadNow,
                                                  curl_off_t uploadTotal, curl_off_t uploadNow);
static inline CURLcode CTrailproof_curl_setopt_progress(CURL *curl, CTrailproof_curl_progress_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, callback);
}
static inline CURLcode CTrailproof_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}

/// The git commit this binary was built from (defined in shim.c by a build setting), or "".
const char *CTrailproof_source_revision(void);

/// pipe2(…, O_CLOEXEC): both ends of a new pipe close on exec. pipe2 needs _GNU_SOURCE, which
/// Swift's view of the C library does not define (shim.c does).
int CTrailproof_pipe_cloexec(int ends[2]);

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34 and later; _GNU_SOURCE, as above): the
/// child closes every descriptor from `from` on. Returns 0, or an errno value (ENOSYS where the C
/// library lacks it).
int CTrailproof_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif

/*
 * baseline.c: the per-core limit for trailproof's hot path.
 *
 * A minimal single-threaded loop: for each .json.gz file, read 256 KiB chunks,
 * gunzip them with zlib (inflateInit2 15+16, concatenated members accepted) and
 * feed the uncompressed bytes to OpenSSL SHA-256 (EVP). Nothing else.
 *
 * Usage:  baseline [-v] FILE...        or        find ... | baseline [-v]
 *         (no FILE arguments: one path per line on stdin)
 *   -v    also print "<sha256-hex>  <path>" per file (same format as sha256sum)
 *
 * Prints total uncompressed bytes, files, seconds, MB/s (MB = 10^6 bytes) and the
 * XOR of all file hashes (proof that the work was done; order-independent).
 *
 * Build:  cc -O2 bench/baseline.c -o baseline -lz -lcrypto
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <openssl/evp.h>

#define CHUNK (256 * 1024)

static unsigned char in_buf[CHUNK], out_buf[CHUNK];

static void die(const char *what, const char *path) {
    fprintf(stderr, "baseline: %s: %s\n", what, path);
    exit(1);
}

/* Hashes the uncompressed content of one gzip file; returns its uncompressed size. */
static long long hash_file(const char *path, z_stream *zs, EVP_MD_CTX *md, unsigned char digest[32]) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) die(strerror(errno), path);
    if (inflateReset(zs) != Z_OK || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) die("reset", path);
    long long total = 0;
    int ended = 0; /* the last inflate call finished a gzip member */
    for (;;) {
        ssize_t n = read(fd, in_buf, CHUNK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die(strerror(errno), path);
        if (n == 0) break;
        zs->next_in = in_buf;
        zs->avail_in = (uInt)n;
        /* Inflate until this chunk is consumed and zlib has no pending output. */
        do {
            if (ended) { /* more bytes after a member: the next gzip member */
                if (inflateReset(zs) != Z_OK) die("inflateReset", path);
                ended = 0;
            }
            zs->next_out = out_buf;
            zs->avail_out = CHUNK;
            int rc = inflate(zs, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) die("corrupt gzip data", path);
            size_t produced = CHUNK - zs->avail_out;
            if (produced && EVP_DigestUpdate(md, out_buf, produced) != 1) die("EVP_DigestUpdate", path);
            total += (long long)produced;
            if (rc == Z_STREAM_END) ended = 1;
            else if (rc == Z_BUF_ERROR) break; /* no progress possible: input used up */
        } while (zs->avail_in > 0 || (zs->avail_out == 0 && !ended));
    }
    close(fd);
    if (!ended) die("truncated gzip data", path);
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(md, digest, &len) != 1 || len != 32) die("EVP_DigestFinal_ex", path);
    return total;
}

int main(int argc, char **argv) {
    int verbose = 0, first = 1;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) { verbose = 1; first = 2; }

    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 16) != Z_OK) die("inflateInit2", "-");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md) die("EVP_MD_CTX_new", "-");

    unsigned char digest[32], combined[32] = {0};
    long long bytes = 0, files = 0;
    char line[8192];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = first;; i++) {
        const char *path;
        if (argc > first) {
            if (i >= argc) break;
            path = argv[i];
        } else {
            if (!fgets(line, sizeof line, stdin)) break;
            line[strcspn(line, "\r\n")] = 0;
            if (!line[0]) continue;
            path = line;
        }
        bytes += hash_file(path, &zs, md, digest);
        files++;
        for (int k = 0; k < 32; k++) combined[k] ^= digest[k];
        if (verbose) {
            for (int k = 0; k < 32; k++) printf("%02x", digest[k]);
            printf("  %s\n", path);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    printf("bytes %lld\nfiles %lld\nseconds %.6f\nMB/s %.2f\nxor ", bytes, files, secs,
           secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
    for (int k = 0; k < 32; k++) printf("%02x", combined[k]);
    printf("\n");
    inflateEnd(&zs);
    EVP_MD_CTX_free(md);
    return 0;
}

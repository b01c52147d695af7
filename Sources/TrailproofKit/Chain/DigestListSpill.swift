import Synchronization
import TrailproofNative

/// The log file lists of a cut location's digests, kept on disk between the digest's one read
/// and the group of log files that needs its list. A location too large to hold every list at
/// once (`LocationBatch.logDaySlices`) has its digests verified whole first, then their lists
/// built a group at a time; each list's JSON bytes are written here as the digest is read, so
/// that building it later reads them back instead of reading, gunzipping and hashing the whole
/// digest again (at 400 log files an hour a digest is about 150 KB: 370 MB for a quarter).
///
/// The bytes are the very ones whose hash the digest's signature check covers, in the run's
/// own unnamed temporary file (nothing else can write to it). Any thread may keep or read.
final class DigestListSpill: Sendable {
    /// Where one list lies in the file (an offset and a length, as the listing's spill files its keys).
    typealias Segment = ListingSpill.Segment

    private let descriptor: Int32
    /// The file's length so far: each list is written at a place it reserves here.
    private let end = Mutex<Int64>(0)

    /// A spill in a new unnamed file in the temporary directory; nil when none can be made
    /// (the lists are then read from their digests again).
    init?() {
        guard let descriptor = try? LocalFile.openAnonymous(in: LocalFile.temporaryDirectory) else { return nil }
        self.descriptor = descriptor
    }

    deinit { LocalFile.close(descriptor) }

    /// Writes `bytes`; nil when the disk refuses them (that list is then read from its digest again).
    func keep(_ bytes: UnsafeRawBufferPointer) -> Segment? {
        let offset = end.withLock { end in
            defer { end += Int64(bytes.count) }
            return end
        }
        guard (try? LocalFile.write(bytes, at: offset, to: descriptor)) != nil else { return nil }
        return Segment(offset: offset, length: bytes.count)
    }

    /// Appends the bytes kept at `segment` to `buffer`, a megabyte at a time.
    func read(_ segment: Segment, into buffer: GatedBuffer) throws {
        var done = 0
        while done < segment.length {
            let chunk = try LocalFile.readBytes(min(1 << 20, segment.length - done), at: segment.offset + Int64(done), from: descriptor)
            try chunk.withUnsafeBytes { try buffer.append($0) }
            done += chunk.count
        }
    }
}

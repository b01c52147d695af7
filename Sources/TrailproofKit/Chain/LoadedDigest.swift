import TrailproofNative

/// A digest file as read from the store: its bytes' hash, parsed content or why it could not be parsed.
struct LoadedDigest: Sendable {
    /// Where the file was found.
    let name: DigestKeyName
    /// True when the digest's end time is inside the scope (it gets a record); false for a
    /// neighbour loaded only to check links at the scope's edges.
    let inScope: Bool
    /// SHA-256 of the uncompressed bytes, when they could be read.
    let uncompressedSHA256: String?
    /// The parsed digest, or the reason it is malformed.
    let content: Result<Digest, DigestLoadError>
    /// A signature saved beside the object, if any.
    let savedSignature: SavedSignature?

    var digest: Digest? { try? content.get() }

    /// Reads, gunzips, hashes and parses the digest at `name.key`.
    static func load(_ name: DigestKeyName, inScope: Bool, from store: ObjectStore, sizeLimit: Int) -> LoadedDigest {
        func failed(_ error: DigestLoadError, hash: String? = nil) -> LoadedDigest {
            // A digest that could not be fetched needs no signature: the run stops on it.
            var saved: SavedSignature?
            if case .fetchFailed = error {} else { saved = try? store.savedSignature(for: name.key) }
            return LoadedDigest(name: name, inScope: inScope, uncompressedSHA256: hash, content: .failure(error), savedSignature: saved)
        }
        let compressed: [UInt8]
        do {
            guard let bytes = try store.readObject(name.key, limit: sizeLimit) else { return failed(.absent) }
            compressed = bytes
        } catch StoreError.fetchFailed(let detail) {
            return failed(.fetchFailed(detail))
        } catch {
            return failed(.unreadable("\(error)"))
        }
        let json: [UInt8]
        do {
            json = try Gzip.decompress(compressed, limit: sizeLimit)
        } catch {
            return failed(.notGzip("\(error)"))
        }
        let hash = (try? MessageDigest.sha256Hex(json)) ?? ""
        let content: Result<Digest, DigestLoadError>
        do {
            content = .success(try Digest(json: json))
        } catch {
            content = .failure(.badJSON("\(error)"))
        }
        let saved: SavedSignature?
        do {
            saved = try store.savedSignature(for: name.key)
        } catch StoreError.fetchFailed(let detail) {
            return failed(.fetchFailed(detail))
        } catch {
            saved = nil
        }
        return LoadedDigest(name: name, inScope: inScope, uncompressedSHA256: hash, content: content, savedSignature: saved)
    }
}

/// Why a digest file could not be used.
enum DigestLoadError: Error, Sendable, CustomStringConvertible {
    case absent
    case unreadable(String)
    case notGzip(String)
    case badJSON(String)
    /// The store could not deliver it (access denied, retries exhausted): not a finding, an error.
    case fetchFailed(String)

    var description: String {
        switch self {
        case .absent: return "object vanished while verifying"
        case .unreadable(let detail): return "unreadable: \(detail)"
        case .notGzip(let detail): return "not a gzip file: \(detail)"
        case .badJSON(let detail): return "not a digest: \(detail)"
        case .fetchFailed(let detail): return detail
        }
    }
}

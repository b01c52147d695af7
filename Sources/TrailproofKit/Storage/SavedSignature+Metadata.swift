import FoundationEssentials

extension SavedSignature {
    /// Member names that carry a signature in a sidecar, compared without case.
    static let signatureNames: Set<ObjectKey> = ["signature", "x-amz-meta-signature"]
    /// Member names that carry the signature algorithm, compared without case.
    static let algorithmNames: Set<ObjectKey> = ["signature-algorithm", "x-amz-meta-signature-algorithm"]
    /// Member names that carry a backfill digest's generation time, compared without case.
    static let backfillNames: Set<ObjectKey> = ["backfill-generation-timestamp", "x-amz-meta-backfill-generation-timestamp"]

    /// Reads a `<key>.metadata.json` sidecar: what `aws s3api head-object` prints (a "Metadata"
    /// map) or a bare map, with the names `signature` / `x-amz-meta-signature` in any case.
    ///
    /// Every signature field is read, at the top level and in every metadata map; when they do not
    /// all hold the same value (ignoring case and surrounding white space), or the file is not
    /// strict JSON (duplicate names included), the result carries a `conflict` and never verifies.
    /// Returns nil when the JSON holds no signature field at all.
    public init?(metadataJSON bytes: [UInt8]) {
        let root: [ObjectKey: JSONValue]
        do {
            guard let object = try StrictJSON.parse(bytes).objectValue else {
                self.init(conflict: "the sidecar is not a JSON object")
                return
            }
            root = object
        } catch {
            self.init(conflict: "the sidecar is not valid JSON (\(error))")
            return
        }
        var maps = [root]
        for name in root.keys.sorted() where name.text.asciiLowercased().sameBytes(as: "metadata") {
            guard let inner = root[name]?.objectValue else { continue }
            maps.append(inner)
        }
        func values(named names: Set<ObjectKey>) -> (values: [String], invalid: Bool) {
            var found: [String] = []
            var invalid = false
            for map in maps {
                for name in map.keys.sorted() where names.contains(ObjectKey(name.text.asciiLowercased())) {
                    guard let text = map[name]?.stringValue else { invalid = true; continue }
                    found.append(text.trimmingWhitespace.lowercased())
                }
            }
            return (found, invalid)
        }
        let signatures = values(named: SavedSignature.signatureNames)
        let algorithms = values(named: SavedSignature.algorithmNames)
        guard let first = signatures.values.first else {
            if signatures.invalid { self.init(conflict: "the sidecar's signature field is not a string") } else { return nil }
            return
        }
        if signatures.invalid || Set(signatures.values).count > 1 {
            self.init(conflict: "the sidecar holds \(signatures.values.count) signature fields that disagree")
            return
        }
        if algorithms.invalid || Set(algorithms.values).count > 1 {
            self.init(conflict: "the sidecar holds signature-algorithm fields that disagree")
            return
        }
        // Algorithm names are compared as CloudTrail writes them.
        let algorithm = algorithms.values.first.map { $0.sameBytes(as: "sha256withrsa") ? "SHA256withRSA" : $0 }
        self.init(signatureHex: first, algorithm: algorithm, source: .metadataFile)
        backfillGenerationTimestamp = maps.lazy.compactMap { map in
            map.keys.sorted().first { SavedSignature.backfillNames.contains(ObjectKey($0.text.asciiLowercased())) }.flatMap { map[$0]?.stringValue }
        }.first
    }

    /// The sidecar JSON an archive writes: the shape `aws s3api head-object` prints.
    public var metadataJSON: [UInt8] {
        let sidecar = MetadataSidecar(metadata: .init(signature: signatureHex, signatureAlgorithm: algorithm,
                                                      backfillGenerationTimestamp: backfillGenerationTimestamp))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(sidecar)).map { Array($0) } ?? []
    }

    /// A saved signature that cannot be used because its sources disagree.
    init(conflict: String, source: SignatureSource = .metadataFile) {
        self.init(signatureHex: "", algorithm: nil, source: source)
        self.conflict = conflict
    }
}

/// The sidecar an archive writes, `{"Metadata": {...}}` (absent fields left out).
private struct MetadataSidecar: Encodable {
    struct Metadata: Encodable {
        var signature: String
        var signatureAlgorithm: String?
        var backfillGenerationTimestamp: String?

        enum CodingKeys: String, CodingKey {
            case signature, signatureAlgorithm = "signature-algorithm", backfillGenerationTimestamp = "backfill-generation-timestamp"
        }
    }

    var metadata: Metadata

    enum CodingKeys: String, CodingKey {
        case metadata = "Metadata"
    }
}

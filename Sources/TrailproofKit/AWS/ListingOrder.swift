/// The orders a listing may come in, checked name after name: each name strictly after the one
/// before it in UTF-8 byte order (S3's), or in folder order (each `/`-separated component compared
/// in byte order, so `CloudTrail/…` comes before `CloudTrail-Digest/…`: the order of a store that
/// lists its folders depth first, such as SeaweedFS). A listing may follow either order, but one
/// order throughout; in either, no name comes twice and a repeated page never makes progress.
struct ListingOrder {
    private var last: [UInt8]?
    private var inByteOrder = true
    private var inFolderOrder = true

    /// Takes `name` as the next name listed; false when it is not strictly after the names
    /// before it in an order they all followed.
    mutating func advance(to name: [UInt8]) -> Bool {
        defer { last = name }
        guard let previous = last else { return true }
        inByteOrder = inByteOrder && previous.lexicographicallyPrecedes(name)
        inFolderOrder = inFolderOrder && ListingOrder.folderOrderPrecedes(previous, name)
        return inByteOrder || inFolderOrder
    }

    /// Whether `lhs` comes before `rhs` component by component: byte order, with `/` (which ends
    /// a component) before every other byte.
    static func folderOrderPrecedes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        let slash = UInt8(ascii: "/")
        return lhs.lexicographicallyPrecedes(rhs) { left, right in
            left == slash ? right != slash : (right != slash && left < right)
        }
    }
}

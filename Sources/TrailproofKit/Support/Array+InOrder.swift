extension Array {
    /// True when no element sorts before the one ahead of it (so that `sorted(by:)` would keep
    /// the order): one pass, where sorting takes n log n comparisons.
    func isInOrder(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        indices.dropFirst().allSatisfy { !areInIncreasingOrder(self[$0], self[$0 - 1]) }
    }
}

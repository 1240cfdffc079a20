/// Storage for a fixed number of move-only values (bursts, TX buffers), allocated once.
///
/// `Array` cannot hold `~Copyable` elements; datapath loops that need one `MbufBurst` per client
/// or one `TxBuffer` per port keep them here. Elements are created in order by `init` and
/// destroyed (their `deinit`s run, in order) when the array is dropped. Indexing is a bounds
/// check and a pointer offset: nothing allocates, retains or calls a closure after `init`.
public struct FixedArray<Element: ~Copyable>: ~Copyable {
    @usableFromInline let base: UnsafeMutablePointer<Element>
    /// Number of elements, fixed at creation.
    public let count: Int

    /// Creates `count` elements, `make(0)` first.
    /// - Throws: what `make` throws; the elements already made are destroyed first.
    public init<E: Error>(count: Int, _ make: (Int) throws(E) -> Element) throws(E) {
        precondition(count >= 0, "FixedArray count must not be negative")
        let base = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        for i in 0..<count {
            do {
                (base + i).initialize(to: try make(i))
            } catch {
                base.deinitialize(count: i)
                base.deallocate()
                throw error
            }
        }
        self.base = base
        self.count = count
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// The element at `index`, without the bounds check: for per-packet loops whose index
    /// comes from a table built to hold only valid ones. `index` must be in `0 ..< count`.
    @inlinable public subscript(unchecked index: Int) -> Element {
        unsafeAddress { UnsafePointer(base + index) }
        unsafeMutableAddress { base + index }
    }

    /// The element at `index`, borrowed or mutated in place.
    @inlinable public subscript(index: Int) -> Element {
        unsafeAddress {
            precondition(index >= 0 && index < count, "FixedArray index out of range")
            return UnsafePointer(base + index)
        }
        unsafeMutableAddress {
            precondition(index >= 0 && index < count, "FixedArray index out of range")
            return base + index
        }
    }
}

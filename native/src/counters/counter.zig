//! One counter: a 64-bit value on its own cache line in a counters file, and the metadata
//! record that names it. Hot-path operations are single atomic instructions.

const std = @import("std");
const layout = @import("layout.zig");

pub const Counter = struct {
    id: u32,
    value: *i64,
    record: *layout.MetadataRecord,
    /// The allocation this handle belongs to: free() touches nothing once the record has
    /// been reclaimed and reused by someone else.
    generation: u32,

    pub fn get(self: Counter) i64 {
        return @atomicLoad(i64, self.value, .acquire);
    }

    pub fn set(self: Counter, value: i64) void {
        @atomicStore(i64, self.value, value, .release);
    }

    /// Atomic read-modify-write: safe with any number of writers.
    pub fn increment(self: Counter) void {
        _ = @atomicRmw(i64, self.value, .Add, 1, .monotonic);
    }

    pub fn add(self: Counter, delta: i64) void {
        _ = @atomicRmw(i64, self.value, .Add, delta, .monotonic);
    }

    pub fn getAndReset(self: Counter) i64 {
        return @atomicRmw(i64, self.value, .Xchg, 0, .acq_rel);
    }

    /// For a counter with one writer (the usual case: a publisher counting its messages):
    /// a plain load and a release store, no locked instruction.
    pub fn addOrdered(self: Counter, delta: i64) void {
        const current = @atomicLoad(i64, self.value, .monotonic);
        @atomicStore(i64, self.value, current +% delta, .release);
    }

    pub fn incrementOrdered(self: Counter) void {
        self.addOrdered(1);
    }

    /// Gives the record back. Does nothing if it was already reclaimed (e.g. after our
    /// owner word was judged dead) and reused.
    pub fn free(self: Counter) void {
        const allocated = layout.stateWord(self.generation, .allocated);
        const freed = layout.stateWord(self.generation, .free);
        // release: our last value writes happen before anyone allocates the record again.
        _ = @cmpxchgStrong(u64, &self.record.state_word, allocated, freed, .release, .monotonic);
    }
};

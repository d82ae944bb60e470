//! Mappings whose address outlives their handle. A garbage-collected binding (TypeScript)
//! hands out views into a segment that user code may keep past close(); unmapping would
//! turn a read through such a view into SIGSEGV. For a handle opened with `keep_address`,
//! close() instead maps private zero pages over the range (MAP_FIXED, one atomic step): the
//! shared memory is let go at once, stale views read zeros and write into memory nobody
//! else sees, and the address range stays ours. The binding calls `release` once its views
//! are garbage; the range is unmapped when both that and close() have happened, in either
//! order. A handle closed before its address was ever handed out (an open that failed a
//! later check, a caller that never asked) has no views: its range is unmapped at once.

const std = @import("std");
const posix = std.posix;
const Error = @import("../status.zig").Error;

const State = enum {
    /// Mapped; the address has not been handed out, so no view of it exists.
    unseen,
    /// The address was handed out; views of it may be alive.
    open,
    /// The binding released the views; close() unmaps right away.
    views_released,
    /// close() put zero pages over the range; release() unmaps it.
    retired,
};

const Entry = struct {
    address: usize,
    length: usize,
    state: State,
};

var mutex: std.Thread.Mutex = .{};
var entries: std.ArrayListUnmanaged(Entry) = .empty;

/// Starts tracking `memory`, mapped for a handle that keeps its address. False (and nothing
/// tracked) when out of memory: the handle then unmaps at close like any other.
pub fn track(memory: []align(std.heap.page_size_min) u8) bool {
    mutex.lock();
    defer mutex.unlock();
    entries.append(std.heap.page_allocator, .{ .address = @intFromPtr(memory.ptr), .length = memory.len, .state = .unseen }) catch return false;
    return true;
}

/// The binding got the address of the mapping that starts there (a *_segment call): from
/// now on close() keeps the range until `release`. Any other address: nothing happens.
pub fn handOut(address: usize) void {
    mutex.lock();
    defer mutex.unlock();
    const index = find(address) orelse return;
    if (entries.items[index].state == .unseen) entries.items[index].state = .open;
}

/// Every segment's unmap: zero pages over a tracked range whose views may be alive, else
/// the unmap (untracked mappings, and tracked ones never handed out or already released).
pub fn closeMapping(memory: []align(std.heap.page_size_min) u8) void {
    mutex.lock();
    defer mutex.unlock();
    const index = find(@intFromPtr(memory.ptr)) orelse return posix.munmap(memory);
    const state = entries.items[index].state;
    if (state == .unseen or state == .views_released or !retire(memory)) {
        posix.munmap(memory);
        _ = entries.swapRemove(index);
        return;
    }
    entries.items[index].state = .retired;
}

/// The binding's views into the mapping at `address` are garbage. InvalidArgument when no
/// tracked mapping starts there (never unmaps anything else).
pub fn release(address: usize) Error!void {
    mutex.lock();
    defer mutex.unlock();
    const index = find(address) orelse return error.InvalidArgument;
    const entry = &entries.items[index];
    switch (entry.state) {
        .open => entry.state = .views_released,
        .unseen, .views_released => return error.InvalidArgument,
        .retired => {
            const memory: [*]align(std.heap.page_size_min) u8 = @ptrFromInt(entry.address);
            posix.munmap(memory[0..entry.length]);
            _ = entries.swapRemove(index);
        },
    }
}

/// Mappings closed and waiting for release (the tests watch it).
pub fn retiredCount() u32 {
    mutex.lock();
    defer mutex.unlock();
    var count: u32 = 0;
    for (entries.items) |entry| count += @intFromBool(entry.state == .retired);
    return count;
}

fn find(address: usize) ?usize {
    for (entries.items, 0..) |entry, index| {
        if (entry.address == address) return index;
    }
    return null;
}

/// Private zero pages over `memory`, replacing the shared mapping in one step.
fn retire(memory: []align(std.heap.page_size_min) u8) bool {
    const replaced = posix.mmap(
        memory.ptr,
        memory.len,
        posix.PROT.READ | posix.PROT.WRITE,
        .{ .TYPE = .PRIVATE, .ANONYMOUS = true, .FIXED = true },
        -1,
        0,
    ) catch return false;
    return replaced.ptr == memory.ptr;
}

/// A tracked shared mapping of `pages` pages, its address handed out when `handed_out`.
fn testMapping(pages: usize, handed_out: bool) ![]align(std.heap.page_size_min) u8 {
    const memory = try posix.mmap(null, pages * std.heap.page_size_min, posix.PROT.READ | posix.PROT.WRITE, .{ .TYPE = .SHARED, .ANONYMOUS = true }, -1, 0);
    try std.testing.expect(track(memory));
    if (handed_out) handOut(@intFromPtr(memory.ptr));
    return memory;
}

/// close() unmaps at once: nothing retired, and the address is no longer tracked.
fn expectUnmappedAtClose(memory: []align(std.heap.page_size_min) u8) !void {
    const before = retiredCount();
    closeMapping(memory);
    try std.testing.expectEqual(before, retiredCount());
    try std.testing.expectError(error.InvalidArgument, release(@intFromPtr(memory.ptr)));
}

test "a kept mapping reads zeros after close and is unmapped by release" {
    const memory = try testMapping(2, true);
    @memset(memory, 0xAB);
    const before = retiredCount();
    closeMapping(memory);
    try std.testing.expectEqual(before + 1, retiredCount());
    // A stale view still works: zeros, and writable.
    try std.testing.expectEqual(@as(u8, 0), memory[memory.len - 1]);
    memory[0] = 1;
    try release(@intFromPtr(memory.ptr));
    try std.testing.expectEqual(before, retiredCount());
    try std.testing.expectError(error.InvalidArgument, release(@intFromPtr(memory.ptr)));
}

test "views released before close: close unmaps at once" {
    const memory = try testMapping(1, true);
    try release(@intFromPtr(memory.ptr));
    try std.testing.expectError(error.InvalidArgument, release(@intFromPtr(memory.ptr)));
    try expectUnmappedAtClose(memory);
}

test "a mapping whose address was never handed out is unmapped at close" {
    const memory = try testMapping(1, false);
    try std.testing.expectError(error.InvalidArgument, release(@intFromPtr(memory.ptr)));
    try expectUnmappedAtClose(memory);
}

test "release of an address never tracked is InvalidArgument" {
    var local: u8 = 0;
    try std.testing.expectError(error.InvalidArgument, release(@intFromPtr(&local)));
}

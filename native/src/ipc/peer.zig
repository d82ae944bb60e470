//! Roles in a channel (creator, publisher, subscriber) and who holds them. The v1 layout is
//! single-publisher, single-subscriber with no liveness; recording an owner word per role
//! lets us refuse a second live publisher or subscriber, take over from a dead one, and tell
//! the other side that its peer has died.

const std = @import("std");
const process = @import("../platform/process.zig");

/// C ABI values: ZIGBOLT_ROLE_*.
pub const Role = enum(u32) { publisher = 0, subscriber = 1 };

/// C ABI values: ZIGBOLT_PEER_*. `closed`: its holder let go of it with close().
pub const PeerState = enum(i32) { none = 0, alive = 1, dead = 2, closed = 3 };

/// Set in the pid half of an owner word when its holder closed the role: a reader can tell
/// "left cleanly" from "never came" and from "died".
const closed_bit: u64 = 1 << 31;

fn isClosed(owner: u64) bool {
    return owner & closed_bit != 0;
}

pub const ClaimError = error{Taken};

/// Takes the role if nobody holds it or its holder is dead. `mine` is this process's owner
/// word; a word equal to `mine` belongs to another handle in this process, so it is taken.
pub fn claim(word: *u64, mine: u64) ClaimError!void {
    var current = @atomicLoad(u64, word, .acquire);
    var attempts: u32 = 0;
    while (attempts < 8) : (attempts += 1) {
        const free = current == 0 or isClosed(current) or
            (current != mine and process.liveness(current) == .dead);
        if (!free) return error.Taken;
        // acq_rel: the winner sees everything the previous holder published before dying.
        current = @cmpxchgStrong(u64, word, current, mine, .acq_rel, .acquire) orelse return;
    }
    return error.Taken;
}

/// Gives the role back, marked closed, unless someone has since taken it over from us.
pub fn release(word: *u64, mine: u64) void {
    // release: our last writes to the channel happen before the next holder's claim.
    _ = @cmpxchgStrong(u64, word, mine, mine | closed_bit, .release, .monotonic);
}

pub fn state(word: *const u64) PeerState {
    const owner = @atomicLoad(u64, word, .acquire);
    if (owner == 0) return .none;
    if (isClosed(owner)) return .closed;
    return switch (process.liveness(owner)) {
        .alive => .alive,
        .dead => .dead,
    };
}

pub fn pid(word: *const u64) u32 {
    return process.pidOf(@atomicLoad(u64, word, .acquire) & ~closed_bit);
}

test "a role is taken once, can be released and taken again" {
    var word: u64 = 0;
    const mine = process.ownerWordOfSelf();
    try claim(&word, mine);
    try std.testing.expectEqual(mine, word);
    try std.testing.expectError(error.Taken, claim(&word, mine));
    try std.testing.expectEqual(PeerState.alive, state(&word));
    release(&word, mine);
    try std.testing.expectEqual(PeerState.closed, state(&word));
    try std.testing.expectEqual(process.pidOf(mine), pid(&word));
    try claim(&word, mine);
}

test "a role held by a dead process is taken over" {
    // A pid that cannot exist (above pid_max) stands for a dead holder.
    var word: u64 = 0x7fff_fff0;
    try std.testing.expectEqual(PeerState.dead, state(&word));
    try claim(&word, process.ownerWordOfSelf());
    try std.testing.expectEqual(PeerState.alive, state(&word));
}

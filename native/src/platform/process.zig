//! Process identity for the owner words in a channel header: who holds a role, and whether
//! that process is still alive. A pid alone can be reused, so the word also carries the low
//! 32 bits of the process start time (clock ticks since boot, /proc/<pid>/stat field 22).

const std = @import("std");
const linux = std.os.linux;

/// (start time low 32 bits) << 32 | pid. Never 0 for a real process.
pub fn ownerWordOfSelf() u64 {
    const pid: u32 = @intCast(linux.getpid());
    const start = startTime(pid) orelse 0;
    return (@as(u64, @as(u32, @truncate(start))) << 32) | pid;
}

pub fn pidOf(owner: u64) u32 {
    return @truncate(owner);
}

pub const Liveness = enum { alive, dead };

/// Dead when the pid is gone, is a zombie, or now belongs to a process that started at
/// another time. Alive when unsure (another user's process, /proc unreadable).
pub fn liveness(owner: u64) Liveness {
    const pid = pidOf(owner);
    if (pid == 0 or pid > std.math.maxInt(i32)) return .dead;
    const rc = linux.kill(@intCast(pid), 0);
    switch (linux.E.init(rc)) {
        .SUCCESS, .PERM => {},
        else => return .dead,
    }
    const stat = readStat(pid) orelse {
        // Unreadable (then alive, as kill found it), or the zombie was reaped between the two
        // looks: taking that for alive made a subscriber miss PeerDead right after a kill.
        const gone = linux.E.init(linux.kill(@intCast(pid), 0)) == .SRCH;
        return if (gone) .dead else .alive;
    };
    if (stat.state == 'Z' or stat.state == 'X' or stat.state == 'x') return .dead;
    const start_recorded: u32 = @truncate(owner >> 32);
    if (start_recorded != 0 and @as(u32, @truncate(stat.start_time)) != start_recorded) return .dead;
    return .alive;
}

fn startTime(pid: u32) ?u64 {
    const stat = readStat(pid) orelse return null;
    return stat.start_time;
}

const Stat = struct { state: u8, start_time: u64 };

fn readStat(pid: u32) ?Stat {
    var path_buffer: [32]u8 = undefined;
    const path = std.fmt.bufPrint(&path_buffer, "/proc/{d}/stat", .{pid}) catch return null;
    const file = std.fs.openFileAbsolute(path, .{}) catch return null;
    defer file.close();
    var buffer: [1024]u8 = undefined;
    const length = file.read(&buffer) catch return null;
    return parseStat(buffer[0..length]);
}

/// The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
fn parseStat(text: []const u8) ?Stat {
    const close_paren = std.mem.lastIndexOfScalar(u8, text, ')') orelse return null;
    var fields = std.mem.tokenizeScalar(u8, text[close_paren + 1 ..], ' ');
    const state = fields.next() orelse return null;
    // After the state (field 3) come fields 4..; start time is field 22.
    var index: u32 = 4;
    while (fields.next()) |field| : (index += 1) {
        if (index == 22) {
            const start = std.fmt.parseInt(u64, field, 10) catch return null;
            return .{ .state = state[0], .start_time = start };
        }
    }
    return null;
}

test "this process is alive and its owner word is stable" {
    const word = ownerWordOfSelf();
    try std.testing.expect(word != 0);
    try std.testing.expectEqual(word, ownerWordOfSelf());
    try std.testing.expectEqual(Liveness.alive, liveness(word));
}

test "a wrong start time or a missing pid is dead" {
    const word = ownerWordOfSelf();
    try std.testing.expectEqual(Liveness.dead, liveness(word ^ (@as(u64, 1) << 40)));
    try std.testing.expectEqual(Liveness.dead, liveness(0));
    try std.testing.expectEqual(Liveness.dead, liveness(0x7ffffffe));
}

test "stat parsing copes with parentheses in the command name" {
    const line = "42 (a) b)) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 777 20 21";
    const stat = parseStat(line).?;
    try std.testing.expectEqual(@as(u8, 'S'), stat.state);
    try std.testing.expectEqual(@as(u64, 777), stat.start_time);
}

//! The C ABI as a C caller sees it: bad handles, bad arguments, and the documented flow.

const std = @import("std");
const x = @import("exports.zig");
const testing = std.testing;

const S = struct {
    var received: u32 = 0;
    var last_length: u32 = 0;
    fn onMessage(data: [*]const u8, length: u32, msg_type_id: i32) callconv(.c) void {
        _ = data;
        received += 1;
        last_length = length;
        std.debug.assert(msg_type_id == 5);
    }
};

test "the documented flow: create, publish, poll, destroy" {
    const channel = x.zigbolt_ipc_create("/zigbolt-test-capi", 4096) orelse return error.CreateFailed;
    try testing.expectEqual(@as(i32, 0), x.zigbolt_publish(channel, "hello", 5, 5));
    S.received = 0;
    try testing.expectEqual(@as(u32, 1), x.zigbolt_poll(channel, S.onMessage, 10));
    try testing.expectEqual(@as(u32, 5), S.last_length);
    x.zigbolt_ipc_destroy(channel);
    try testing.expectEqual(@as(i32, 0), x.zigbolt_last_status());
}

test "closed, null, garbage and wrong-kind handles are status codes" {
    const channel = x.zigbolt_ipc_create("/zigbolt-test-capi-handles", 4096).?;
    try testing.expectEqual(@as(i32, 0), x.zigbolt_ipc_close(channel));
    try testing.expectEqual(@as(i32, -2), x.zigbolt_publish(channel, "a", 1, 1));
    try testing.expectEqual(@as(i32, -2), x.zigbolt_ipc_close(channel));
    x.zigbolt_ipc_destroy(channel);
    try testing.expectEqual(@as(i32, -2), x.zigbolt_last_status());
    try testing.expectEqual(@as(u32, 0), x.zigbolt_poll(channel, S.onMessage, 10));
    try testing.expectEqual(@as(i32, -2), x.zigbolt_last_status());

    try testing.expectEqual(@as(i32, -1), x.zigbolt_publish(null, "a", 1, 1));
    var local: u64 = 0;
    try testing.expectEqual(@as(i32, -1), x.zigbolt_publish(@ptrCast(&local), "a", 1, 1));

    const transport = x.zigbolt_transport_create(0, 0, 1).?;
    defer x.zigbolt_transport_destroy(transport);
    try testing.expectEqual(@as(i32, -3), x.zigbolt_publish(transport, "a", 1, 1));
    try testing.expectEqual(@as(i32, -3), x.zigbolt_ipc_term_length(transport));
    try testing.expect(x.zigbolt_ipc_segment(transport) == null);
}

test "bad arguments are status codes" {
    try testing.expect(x.zigbolt_ipc_create(null, 4096) == null);
    try testing.expectEqual(@as(i32, -4), x.zigbolt_last_status());
    try testing.expect(x.zigbolt_ipc_create("/zigbolt-test-capi-bad", 1000) == null);
    try testing.expectEqual(@as(i32, -6), x.zigbolt_last_status());
    try testing.expect(x.zigbolt_ipc_create("nope", 4096) == null);
    try testing.expectEqual(@as(i32, -5), x.zigbolt_last_status());
    try testing.expect(x.zigbolt_ipc_create_ex("/zigbolt-test-capi-bad", 4096, 1 << 20) == null);
    try testing.expectEqual(@as(i32, -4), x.zigbolt_last_status());
    try testing.expect(x.zigbolt_transport_create(12345, 0, 0) == null);
    try testing.expectEqual(@as(i32, -6), x.zigbolt_last_status());

    const channel = x.zigbolt_ipc_create("/zigbolt-test-capi-args", 4096).?;
    defer x.zigbolt_ipc_destroy(channel);
    try testing.expectEqual(@as(i32, -13), x.zigbolt_publish(channel, null, 0, 1));
    try testing.expectEqual(@as(i32, -4), x.zigbolt_publish(channel, null, 3, 1));
    try testing.expectEqual(@as(i32, -4), x.zigbolt_ipc_poll_ex(channel, null, null, 1));
    try testing.expectEqual(@as(i32, -4), x.zigbolt_ipc_claim(channel, 7));
    try testing.expectEqual(@as(u32, 0), x.zigbolt_poll(channel, null, 1));
    try testing.expectEqual(@as(i32, -4), x.zigbolt_last_status());
}

test "status names and messages cover every code" {
    try testing.expectEqualStrings("BackPressure", std.mem.span(x.zigbolt_status_name(-14)));
    try testing.expectEqualStrings("Unknown", std.mem.span(x.zigbolt_status_name(5)));
    try testing.expect(std.mem.span(x.zigbolt_status_message(-15)).len > 10);
}

test "a transport creates and opens channels by name" {
    const transport = x.zigbolt_transport_create_ex(8192, 1).?;
    defer x.zigbolt_transport_destroy(transport);
    const created = x.zigbolt_transport_ipc_create(transport, "/zigbolt-test-capi-transport").?;
    defer x.zigbolt_ipc_destroy(created);
    const opened = x.zigbolt_transport_ipc_open(transport, "/zigbolt-test-capi-transport").?;
    defer x.zigbolt_ipc_destroy(opened);
    try testing.expectEqual(@as(i32, 8192), x.zigbolt_ipc_term_length(opened));
    try testing.expectEqual(@as(i32, 1), x.zigbolt_ipc_memory_flags(opened) & 1);
}

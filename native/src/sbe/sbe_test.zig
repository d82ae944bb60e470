//! Round trips, layout and the failure modes of checked decode, on the FIX set.

const std = @import("std");
const fix = @import("fix.zig");
const codec = @import("codec.zig");
const testing = std.testing;

const nos_values: fix.NewOrderSingle.Values = .{
    .price = fix.Price.fromFloat(4512.25),
    .stop_px = null,
    .transact_time = 1_700_000_000_123_456_789,
    .order_qty = 7,
    .min_qty = null,
    .security_id = 42,
    .side = .buy,
    .ord_type = .limit,
    .time_in_force = .day,
    .cust_order_handling_inst = 'W',
    .cl_ord_id = "ORD-0001",
    .account = "ACCT1",
    .self_match_prevention_id = 99,
};

test "NewOrderSingle round-trips and lays out as docs/sbe.md says" {
    var buf: [128]u8 = undefined;
    const len = try fix.NewOrderSingle.encode(&buf, nos_values);
    try testing.expectEqual(@as(usize, 8 + 80), len);
    // Header: block length 80, template 68, schema 1, version 1.
    try testing.expectEqualSlices(u8, &.{ 80, 0, 68, 0, 1, 0, 1, 0 }, buf[0..8]);
    // price mantissa at offset 0 of the block, side at 36, cl_ord_id at 40.
    try testing.expectEqual(@as(i64, 4_512_250_000_000), std.mem.readInt(i64, buf[8..16], .little));
    try testing.expectEqual(@as(u8, 1), buf[8 + 36]);
    try testing.expectEqualStrings("ORD-0001", buf[8 + 40 ..][0..8]);
    try testing.expectEqual(@as(u8, 0), buf[8 + 48]);
    const d = try fix.NewOrderSingle.decode(buf[0..len]);
    try testing.expectEqual(@as(?[]const u8, null), d.firstDifference(nos_values));
    try testing.expectEqual(@as(f64, 4512.25), d.get("price").?.toFloat());
    try testing.expectEqual(fix.Side.buy, d.get("side"));
    try testing.expectEqualStrings("ACCT1", d.get("account"));
    try testing.expectEqual(@as(?u32, null), d.get("min_qty"));
    try testing.expectEqual(len, d.end());
}

test "encode reports BufferTooSmall and over-long strings" {
    var buf: [88]u8 = undefined;
    try testing.expectError(error.BufferTooSmall, fix.NewOrderSingle.encode(buf[0..87], nos_values));
    try testing.expectError(error.BufferTooSmall, fix.NewOrderSingle.encode(buf[0..4], nos_values));
    var long = nos_values;
    long.cl_ord_id = "123456789012345678901";
    try testing.expectError(error.IndexOutOfRange, fix.NewOrderSingle.encode(&buf, long));
    long.cl_ord_id = "12345678901234567890";
    _ = try fix.NewOrderSingle.encode(&buf, long);
    try testing.expectEqualStrings("12345678901234567890", (try fix.NewOrderSingle.decode(&buf)).get("cl_ord_id"));
}

test "an older sender's shorter block decodes with the newer field null" {
    var buf: [128]u8 = undefined;
    const len = try fix.NewOrderSingle.encode(&buf, nos_values);
    // Version 0 had no self_match_prevention_id: block 72.
    std.mem.writeInt(u16, buf[0..2], 72, .little);
    std.mem.writeInt(u16, buf[6..8], 0, .little);
    const d = try fix.NewOrderSingle.decode(buf[0 .. len - 8]);
    try testing.expectEqual(@as(?u64, null), d.get("self_match_prevention_id"));
    try testing.expectEqual(@as(u32, 7), d.get("order_qty"));
    try testing.expectEqual(len - 8, d.end());
    // A version-1 header with the version-0 block length is too short.
    std.mem.writeInt(u16, buf[6..8], 1, .little);
    try testing.expectError(error.Truncated, fix.NewOrderSingle.decode(buf[0 .. len - 8]));
}

test "a newer sender's longer blocks are skipped" {
    var wide: [256]u8 = undefined;
    var entries: [2]fix.MDIncrementalEntry = undefined;
    for (&entries, 0..) |*e, i| e.* = .{
        .md_entry_px = fix.Price.fromFloat(100.5 + @as(f64, @floatFromInt(i))),
        .md_entry_size = 10,
        .security_id = 7,
        .rpt_seq = @intCast(i),
        .md_price_level = 1,
        .md_update_action = .change,
        .md_entry_type = .offer,
    };
    var buf: [256]u8 = undefined;
    const len = try fix.MarketDataIncrementalRefresh.encode(&buf, .{ .transact_time = 5, .match_event_indicator = 0x80, .entries = &entries });
    // Re-encode by hand as version 2: root block +3 bytes, entry block +5 bytes.
    var w: usize = 0;
    codec.writeHeader(&wide, .{ .block_length = 9 + 3, .template_id = 88, .schema_id = 1, .version = 2 });
    w = 8;
    @memcpy(wide[w..][0..9], buf[8..17]);
    @memset(wide[w + 9 ..][0..3], 0xEE);
    w += 12;
    std.mem.writeInt(u16, wide[w..][0..2], 28 + 5, .little);
    std.mem.writeInt(u16, wide[w + 2 ..][0..2], 2, .little);
    w += 4;
    for (0..2) |i| {
        @memcpy(wide[w..][0..28], buf[8 + 9 + 4 + i * 28 ..][0..28]);
        @memset(wide[w + 28 ..][0..5], 0xEE);
        w += 33;
    }
    _ = len;
    const d = try fix.MarketDataIncrementalRefresh.decode(wide[0..w]);
    var it = d.group("entries");
    try testing.expectEqual(@as(usize, 2), it.count);
    var i: usize = 0;
    while (it.next()) |e| : (i += 1) try testing.expectEqual(@as(?[]const u8, null), e.firstDifference(entries[i]));
    try testing.expectEqual(w, d.end());
    try testing.expectEqual(@as(u32, 1), (try d.group("entries").at(1)).get("rpt_seq"));
    try testing.expectError(error.IndexOutOfRange, d.group("entries").at(2));
}

test "checked decode rejects each kind of bad input" {
    var buf: [512]u8 = undefined;
    const quotes = [_]fix.QuoteEntry{
        .{ .security_id = 1, .quote_entry_id = 1, .bid_px = fix.Price.fromFloat(1.5), .bid_volatility = 0.25 },
        .{ .security_id = 2, .quote_entry_id = 2, .offer_px = fix.Price.fromFloat(1.75) },
    };
    const sets = [_]fix.QuoteSet{
        .{ .quote_set_id = 1, .underlying_security_id = 9, .tot_no_quote_entries = 2, .quote_entries = &quotes },
        .{ .quote_set_id = 2, .underlying_security_id = 9, .tot_no_quote_entries = 0 },
    };
    const values: fix.MassQuote.Values = .{ .transact_time = 1, .quote_id = "Q1", .account = "A", .mm_protection_reset = .false, .quote_sets = &sets };
    const len = try fix.MassQuote.encode(&buf, values);
    const ok = try fix.MassQuote.decode(buf[0..len]);
    try testing.expectEqual(@as(?[]const u8, null), ok.firstDifference(values));
    // Every truncation fails with Truncated.
    for (0..len) |cut| try testing.expectError(error.Truncated, fix.MassQuote.decode(buf[0..cut]));
    // Wrong template / schema.
    try testing.expectError(error.UnknownTemplate, fix.NewOrderSingle.decode(buf[0..len]));
    var bad = buf;
    bad[4] = 2;
    try testing.expectError(error.UnknownTemplate, fix.MassQuote.decode(bad[0..len]));
    // Bad enum byte in the root.
    bad = buf;
    bad[8 + 40] = 7;
    try testing.expectError(error.InvalidEnumValue, fix.MassQuote.decode(bad[0..len]));
    // Group count above count_max; nested group block length too small.
    bad = buf;
    std.mem.writeInt(u16, bad[8 + 41 + 2 ..][0..2], 17, .little);
    try testing.expectError(error.InvalidGroup, fix.MassQuote.decode(bad[0..len]));
    bad = buf;
    std.mem.writeInt(u16, bad[8 + 41 + 4 + 7 ..][0..2], 35, .little);
    try testing.expectError(error.InvalidGroup, fix.MassQuote.decode(bad[0..len]));
    // A huge nested count runs out of bytes.
    bad = buf;
    std.mem.writeInt(u16, bad[8 + 41 + 4 + 7 + 2 ..][0..2], 32, .little);
    try testing.expectError(error.Truncated, fix.MassQuote.decode(bad[0..len]));
    // Dispatch.
    const any = try fix.decodeAny(buf[0..len]);
    try testing.expect(any == .mass_quote);
}

test "var data: lengths past the end are Truncated, u32 lengths round-trip" {
    var buf: [256]u8 = undefined;
    const values: fix.Logon.Values = .{
        .sending_time = 1,
        .heart_bt_int = 30,
        .utc_offset_minutes = -300,
        .reset_seq_num = .true,
        .session_id = "ABC",
        .firm_id = "FIRM1",
        .sender_comp_id = "S",
        .target_comp_id = "CME",
        .credentials = "secret-hmac",
    };
    const len = try fix.Logon.encode(&buf, values);
    const d = try fix.Logon.decode(buf[0..len]);
    try testing.expectEqualStrings("secret-hmac", d.data("credentials"));
    try testing.expectEqual(@as(?i16, -300), d.get("utc_offset_minutes"));
    var bad = buf;
    std.mem.writeInt(u32, bad[8 + 61 ..][0..4], 0xFFFF_FFF0, .little);
    try testing.expectError(error.Truncated, fix.Logon.decode(bad[0..len]));
    try testing.expectError(error.BufferTooSmall, fix.Logon.encode(buf[0 .. len - 1], values));
}

// The Zig example of docs/sbe.md, kept compiling and true.
const sbe = @import("sbe.zig");
const s = sbe.schema;
const DocSide = enum(u8) { buy = 1, sell = 2 };
const doc_order: sbe.Message = .{
    .name = "Order",
    .template_id = 1,
    .fields = &.{
        s.optional("price", s.decimal64(-9)),
        s.field("qty", s.uint32),
        s.field("side", s.enumUint8(DocSide)),
        s.field("cl_ord_id", s.chars(20)),
        s.optionalSince("tag", s.uint16, 1),
    },
    .groups = &.{.{ .name = "legs", .count_max = 8, .fields = &.{s.field("ratio", s.int16)} }},
    .data = &.{.{ .name = "text" }},
};
const DocOrder = sbe.MessageType(.{ .id = 7, .version = 1 }, doc_order);

test "the docs example encodes and decodes" {
    var buf: [256]u8 = undefined;
    const legs = [_]DocOrder.Group("legs").Values{.{ .ratio = 1 }};
    const len = try DocOrder.encode(&buf, .{
        .price = .{ .mantissa = 4512_250_000_000 },
        .qty = 7,
        .side = .buy,
        .cl_ord_id = "A-1",
        .legs = &legs,
        .text = "hello",
    });
    const d = try DocOrder.decode(buf[0..len]);
    try testing.expectEqual(@as(u32, 7), d.get("qty"));
    try testing.expectEqual(@as(f64, 4512.25), d.get("price").?.toFloat());
    try testing.expectEqual(@as(?u16, null), d.get("tag"));
    var it = d.group("legs");
    try testing.expectEqual(@as(i16, 1), it.next().?.get("ratio"));
    try testing.expect(it.next() == null);
    try testing.expectEqualStrings("hello", d.data("text"));
}

// Var data inside group entries, a nested group after it, and a group added in version 2.
const kitchen: sbe.Message = .{
    .name = "Kitchen",
    .template_id = 3,
    .fields = &.{
        s.field("c", s.char),
        s.field("i8", s.int8),
        s.field("f32", s.float),
        s.optionalSince("added", s.uint16, 2),
    },
    .groups = &.{
        .{
            .name = "rows",
            .fields = &.{s.field("id", s.uint32)},
            .data = &.{.{ .name = "note" }},
            .groups = &.{.{ .name = "cells", .fields = &.{s.field("v", s.int16)} }},
        },
        .{ .name = "late", .since = 2, .fields = &.{s.field("x", s.uint8)} },
    },
    .data = &.{.{ .name = "tail", .length = .uint32 }},
};
const Kitchen = sbe.MessageType(.{ .id = 9, .version = 2 }, kitchen);

test "var data inside entries, nested groups after it, and a later-version group" {
    const Row = Kitchen.Body.GroupOf("rows");
    const Cell = Row.GroupOf("cells").Values;
    const cells = [_]Cell{ .{ .v = -1 }, .{ .v = 2 } };
    const rows = [_]Row.Values{
        .{ .id = 1, .note = "first", .cells = &cells },
        .{ .id = 2, .note = "" },
        .{ .id = 3, .note = "third", .cells = cells[1..] },
    };
    const late = [_]Kitchen.Body.GroupOf("late").Values{.{ .x = 9 }};
    const values: Kitchen.Values = .{ .c = 'Z', .i8 = -128, .f32 = 1.5, .added = 7, .rows = &rows, .late = &late, .tail = "end" };
    var buf: [256]u8 = undefined;
    const len = try Kitchen.encode(&buf, values);
    const d = try Kitchen.decode(buf[0..len]);
    try testing.expectEqual(@as(?[]const u8, null), d.firstDifference(values));
    const third = try d.group("rows").at(2);
    try testing.expectEqualStrings("third", third.data("note"));
    try testing.expectEqual(@as(i16, 2), (try third.group("cells").at(0)).get("v"));
    try testing.expectEqualStrings("end", d.data("tail"));
    for (0..len) |cut| try testing.expectError(error.Truncated, Kitchen.decode(buf[0..cut]));

    // The same message from a version-1 sender: no `added` field, no `late` group.
    var old: [256]u8 = undefined;
    const block_v1 = Kitchen.block_length - 2;
    sbe.codec.writeHeader(&old, .{ .block_length = block_v1, .template_id = 3, .schema_id = 9, .version = 1 });
    @memcpy(old[8..][0..block_v1], buf[8..][0..block_v1]);
    const rows_start = 8 + Kitchen.block_length;
    const rows_end = rows_start + (d.group("rows").end() - rows_start);
    const rows_len = rows_end - rows_start;
    @memcpy(old[8 + block_v1 ..][0..rows_len], buf[rows_start..rows_end]);
    const tail_start = 8 + block_v1 + rows_len;
    @memcpy(old[tail_start..][0 .. 4 + 3], buf[len - 7 .. len]);
    const o = try Kitchen.decode(old[0 .. tail_start + 7]);
    try testing.expectEqual(@as(?u16, null), o.get("added"));
    try testing.expectEqual(@as(usize, 0), o.group("late").count);
    try testing.expectEqualStrings("end", o.data("tail"));
    try testing.expectEqualStrings("first", (try o.group("rows").at(0)).data("note"));
}

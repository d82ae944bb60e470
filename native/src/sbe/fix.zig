//! The FIX message set in SBE (schema id 1, version 1), after CME iLink 3 conventions:
//! prices are Decimal64 with exponent -9, quantities u32/i32, times u64 nanoseconds since
//! the epoch, identifiers fixed-length char arrays. Each message is declared once here; the
//! encoders, decoders and docs/sbe.md's offset tables (`zigbolt-sbe-corpus layout`) come
//! from these declarations. lib/sbe/fix.ts declares the same set for TypeScript; the golden
//! corpus test checks that both produce the same bytes.

const std = @import("std");
const schema = @import("schema.zig");
const codec = @import("codec.zig");

const field = schema.field;
const optional = schema.optional;
const optionalSince = schema.optionalSince;
const chars = schema.chars;
const enumUint8 = schema.enumUint8;
const enumChar = schema.enumChar;

pub const schema_id: schema.SchemaId = .{ .id = 1, .version = 1 };
/// Exponent of every price: 1e-9 units, as CME iLink 3 PRICE9.
pub const price_exponent = -9;
pub const Price = schema.Decimal64(price_exponent);
const price = schema.decimal64(price_exponent);

// ---- enums (wire values are FIX's) ----

/// uint8: 1 buy, 2 sell.
pub const Side = enum(u8) { buy = 1, sell = 2 };
/// char.
pub const OrdType = enum(u8) { market = '1', limit = '2', stop = '3', stop_limit = '4' };
/// uint8.
pub const TimeInForce = enum(u8) { day = 0, good_till_cancel = 1, immediate_or_cancel = 3, fill_or_kill = 4, good_till_date = 6 };
/// char.
pub const ExecType = enum(u8) { new = '0', canceled = '4', replaced = '5', rejected = '8', expired = 'C', trade = 'F' };
/// char.
pub const OrdStatus = enum(u8) { new = '0', partially_filled = '1', filled = '2', canceled = '4', replaced = '5', rejected = '8', expired = 'C' };
/// uint8.
pub const MDUpdateAction = enum(u8) { new = 0, change = 1, delete = 2, delete_thru = 3, delete_from = 4, overlay = 5 };
/// char.
pub const MDEntryType = enum(u8) { bid = '0', offer = '1', trade = '2', opening_price = '4', settlement_price = '6', implied_bid = 'E', implied_offer = 'F', empty_book = 'J' };
/// char.
pub const LiquidityIndicator = enum(u8) { added = '1', removed = '2' };
/// uint8.
pub const BooleanFlag = enum(u8) { false = 0, true = 1 };

// ---- messages ----

pub const heartbeat: schema.Message = .{
    .name = "Heartbeat",
    .template_id = 48,
    .fields = &.{
        field("sending_time", schema.uint64),
        field("last_msg_seq_num_processed", schema.uint32),
    },
};

pub const logon: schema.Message = .{
    .name = "Logon",
    .template_id = 65,
    .fields = &.{
        field("sending_time", schema.uint64),
        field("heart_bt_int", schema.uint16),
        optional("utc_offset_minutes", schema.int16),
        field("reset_seq_num", enumUint8(BooleanFlag)),
        field("session_id", chars(3)),
        field("firm_id", chars(5)),
        field("sender_comp_id", chars(20)),
        field("target_comp_id", chars(20)),
    },
    .data = &.{.{ .name = "credentials", .length = .uint32 }},
};

pub const logout: schema.Message = .{
    .name = "Logout",
    .template_id = 53,
    .fields = &.{
        field("sending_time", schema.uint64),
        field("next_expected_seq_no", schema.uint32),
    },
    .data = &.{.{ .name = "text" }},
};

pub const new_order_single: schema.Message = .{
    .name = "NewOrderSingle",
    .template_id = 68,
    .fields = &.{
        optional("price", price),
        optional("stop_px", price),
        field("transact_time", schema.uint64),
        field("order_qty", schema.uint32),
        optional("min_qty", schema.uint32),
        field("security_id", schema.int32),
        field("side", enumUint8(Side)),
        field("ord_type", enumChar(OrdType)),
        field("time_in_force", enumUint8(TimeInForce)),
        optional("cust_order_handling_inst", schema.char),
        field("cl_ord_id", chars(20)),
        field("account", chars(12)),
        optionalSince("self_match_prevention_id", schema.uint64, 1),
    },
};

pub const order_cancel_request: schema.Message = .{
    .name = "OrderCancelRequest",
    .template_id = 70,
    .fields = &.{
        optional("order_id", schema.uint64),
        field("transact_time", schema.uint64),
        field("security_id", schema.int32),
        field("side", enumUint8(Side)),
        field("cl_ord_id", chars(20)),
        field("orig_cl_ord_id", chars(20)),
        field("account", chars(12)),
    },
};

pub const order_cancel_replace_request: schema.Message = .{
    .name = "OrderCancelReplaceRequest",
    .template_id = 71,
    .fields = &.{
        optional("price", price),
        optional("stop_px", price),
        optional("order_id", schema.uint64),
        field("transact_time", schema.uint64),
        field("order_qty", schema.uint32),
        field("security_id", schema.int32),
        field("side", enumUint8(Side)),
        field("ord_type", enumChar(OrdType)),
        field("time_in_force", enumUint8(TimeInForce)),
        field("cl_ord_id", chars(20)),
        field("orig_cl_ord_id", chars(20)),
        field("account", chars(12)),
    },
};

pub const execution_report: schema.Message = .{
    .name = "ExecutionReport",
    .template_id = 56,
    .fields = &.{
        field("order_id", schema.uint64),
        field("transact_time", schema.uint64),
        optional("price", price),
        optional("last_px", price),
        optional("fee", schema.double),
        field("security_id", schema.int32),
        field("order_qty", schema.uint32),
        optional("last_qty", schema.uint32),
        field("leaves_qty", schema.uint32),
        field("cum_qty", schema.uint32),
        field("exec_type", enumChar(ExecType)),
        field("ord_status", enumChar(OrdStatus)),
        field("side", enumUint8(Side)),
        optional("liquidity_indicator", enumChar(LiquidityIndicator)),
        field("cl_ord_id", chars(20)),
        field("exec_id", chars(20)),
        field("account", chars(12)),
    },
    .data = &.{.{ .name = "text" }},
};

pub const market_data_incremental_refresh: schema.Message = .{
    .name = "MarketDataIncrementalRefresh",
    .template_id = 88,
    .fields = &.{
        field("transact_time", schema.uint64),
        field("match_event_indicator", schema.uint8),
    },
    .groups = &.{.{
        .name = "entries",
        .count_max = 64,
        .fields = &.{
            optional("md_entry_px", price),
            optional("md_entry_size", schema.int32),
            field("security_id", schema.int32),
            field("rpt_seq", schema.uint32),
            optional("number_of_orders", schema.int32),
            field("md_price_level", schema.uint8),
            field("md_update_action", enumUint8(MDUpdateAction)),
            field("md_entry_type", enumChar(MDEntryType)),
            optional("tick_direction", schema.int8),
        },
    }},
};

pub const market_data_snapshot_full_refresh: schema.Message = .{
    .name = "MarketDataSnapshotFullRefresh",
    .template_id = 87,
    .fields = &.{
        field("last_msg_seq_num_processed", schema.uint32),
        field("tot_num_reports", schema.uint32),
        field("security_id", schema.int32),
        field("rpt_seq", schema.uint32),
        field("transact_time", schema.uint64),
        field("last_update_time", schema.uint64),
        field("trade_date", schema.uint16),
    },
    .groups = &.{.{
        .name = "entries",
        .count_max = 128,
        .fields = &.{
            optional("md_entry_px", price),
            optional("md_entry_size", schema.int64),
            optional("number_of_orders", schema.int32),
            optional("md_price_level", schema.uint8),
            field("md_entry_type", enumChar(MDEntryType)),
        },
    }},
};

pub const mass_quote: schema.Message = .{
    .name = "MassQuote",
    .template_id = 105,
    .fields = &.{
        field("transact_time", schema.uint64),
        field("quote_id", chars(20)),
        field("account", chars(12)),
        field("mm_protection_reset", enumUint8(BooleanFlag)),
    },
    .groups = &.{.{
        .name = "quote_sets",
        .count_max = 16,
        .fields = &.{
            field("quote_set_id", schema.uint16),
            field("underlying_security_id", schema.int32),
            field("tot_no_quote_entries", schema.uint8),
        },
        .groups = &.{.{
            .name = "quote_entries",
            .count_max = 32,
            .fields = &.{
                field("security_id", schema.int32),
                field("quote_entry_id", schema.uint32),
                optional("bid_px", price),
                optional("offer_px", price),
                optional("bid_size", schema.int32),
                optional("offer_size", schema.int32),
                optional("bid_volatility", schema.float),
            },
        }},
    }},
};

pub const Heartbeat = codec.MessageType(schema_id, heartbeat);
pub const Logon = codec.MessageType(schema_id, logon);
pub const Logout = codec.MessageType(schema_id, logout);
pub const NewOrderSingle = codec.MessageType(schema_id, new_order_single);
pub const OrderCancelRequest = codec.MessageType(schema_id, order_cancel_request);
pub const OrderCancelReplaceRequest = codec.MessageType(schema_id, order_cancel_replace_request);
pub const ExecutionReport = codec.MessageType(schema_id, execution_report);
pub const MarketDataIncrementalRefresh = codec.MessageType(schema_id, market_data_incremental_refresh);
pub const MarketDataSnapshotFullRefresh = codec.MessageType(schema_id, market_data_snapshot_full_refresh);
pub const MassQuote = codec.MessageType(schema_id, mass_quote);

/// Entry values of the groups, for encoding.
pub const MDIncrementalEntry = MarketDataIncrementalRefresh.Group("entries").Values;
pub const MDSnapshotEntry = MarketDataSnapshotFullRefresh.Group("entries").Values;
pub const QuoteSet = MassQuote.Group("quote_sets").Values;
pub const QuoteEntry = MassQuote.Group("quote_sets").GroupOf("quote_entries").Values;

/// Every message type of the set, in template-id order of the docs.
pub const messages = .{
    Heartbeat,
    Logon,
    Logout,
    NewOrderSingle,
    OrderCancelRequest,
    OrderCancelReplaceRequest,
    ExecutionReport,
    MarketDataIncrementalRefresh,
    MarketDataSnapshotFullRefresh,
    MassQuote,
};

/// A decoded message of any template of the set.
pub const AnyDecoder = union(enum) {
    heartbeat: Heartbeat.Decoder,
    logon: Logon.Decoder,
    logout: Logout.Decoder,
    new_order_single: NewOrderSingle.Decoder,
    order_cancel_request: OrderCancelRequest.Decoder,
    order_cancel_replace_request: OrderCancelReplaceRequest.Decoder,
    execution_report: ExecutionReport.Decoder,
    market_data_incremental_refresh: MarketDataIncrementalRefresh.Decoder,
    market_data_snapshot_full_refresh: MarketDataSnapshotFullRefresh.Decoder,
    mass_quote: MassQuote.Decoder,
};

/// Reads the header and decodes whichever message of the set it announces
/// (UnknownTemplate for another schema or an unknown template id).
pub fn decodeAny(buf: []const u8) codec.DecodeError!AnyDecoder {
    const header = try codec.readHeader(buf);
    if (header.schema_id != schema_id.id) return error.UnknownTemplate;
    inline for (@typeInfo(AnyDecoder).@"union".fields, 0..) |u, i| {
        const M = messages[i];
        if (header.template_id == M.template_id) {
            return @unionInit(AnyDecoder, u.name, try M.decodeBody(buf, header));
        }
    }
    return error.UnknownTemplate;
}

comptime {
    // The union above and `messages` list the same types in the same order.
    for (@typeInfo(AnyDecoder).@"union".fields, 0..) |u, i| {
        std.debug.assert(u.type == messages[i].Decoder);
    }
    std.debug.assert(NewOrderSingle.block_length == 80);
}

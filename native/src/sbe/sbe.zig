//! SBE (Simple Binary Encoding) for ZigBolt: comptime schema declarations that generate
//! zero-allocation encoders and zero-copy checked decoders, and the FIX message set.
//! docs/sbe.md is the spec; lib/sbe/ is the TypeScript side.

pub const schema = @import("schema.zig");
pub const codec = @import("codec.zig");
pub const fix = @import("fix.zig");
/// The golden corpus generator (tools and tests).
pub const corpus = @import("corpus.zig");
/// The hostile-input fuzzer (tools and tests).
pub const fuzz = @import("fuzz.zig");

pub const Message = schema.Message;
pub const Group = schema.Group;
pub const Field = schema.Field;
pub const Data = schema.Data;
pub const SchemaId = schema.SchemaId;
pub const Decimal64 = schema.Decimal64;
pub const Header = codec.Header;
pub const MessageType = codec.MessageType;
pub const DecodeError = codec.DecodeError;
pub const EncodeError = codec.EncodeError;
pub const readHeader = codec.readHeader;
pub const header_length = schema.header_length;
pub const group_header_length = schema.group_header_length;

test {
    _ = schema;
    _ = codec;
    _ = fix;
    _ = corpus;
    _ = fuzz;
    _ = @import("sbe_test.zig");
}

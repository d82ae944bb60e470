//! Opening a named structure whose own metadata begins its segment (log buffer, broadcast):
//! NamedSegment.open checks the common header, then the structure's layout checks its
//! metadata against the mapping, so a corrupt or foreign segment is never used.

const named_segment = @import("named_segment.zig");
const NamedSegment = named_segment.NamedSegment;
const Kind = @import("header.zig").Kind;
const shm = @import("../platform/shm.zig");
const Error = @import("../status.zig").Error;

/// `Layout` provides `version`, `metadata_length`, `Metadata` and
/// `metadataValid(*const Metadata, segment_length: usize) bool`. ShmTooSmall when the
/// segment cannot hold the metadata, CorruptChannel when the metadata is not valid.
pub fn openChecked(comptime Layout: type, name: []const u8, kind: Kind, memory: shm.MemoryOptions) Error!NamedSegment {
    var segment = try NamedSegment.open(name, kind, Layout.version, memory);
    errdefer segment.close();
    if (segment.memory.len < Layout.metadata_length) return error.ShmTooSmall;
    const metadata: *const Layout.Metadata = @ptrCast(segment.memory.ptr);
    if (!Layout.metadataValid(metadata, segment.memory.len)) return error.CorruptChannel;
    return segment;
}

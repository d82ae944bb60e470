//! The C ABI of SPSC and MPSC ring buffers (docs/spsc-ring.md, docs/mpsc-ring.md). Conventions as in exports.zig; helpers in common.zig.

const std = @import("std");
const zigbolt = @import("zigbolt");
const common = @import("common.zig");
const handles = @import("handles.zig");

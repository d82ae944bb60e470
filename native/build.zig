//! Builds libzigbolt.so and libzigbolt.a (C ABI), installs include/zigbolt.h, and the Zig
//! programs the tests, benchmarks and demo run as separate processes.
//!
//!   zig build -Doptimize=ReleaseFast      library, header, tools into zig-out/
//!   zig build test                         Zig unit tests (core and C ABI)

const std = @import("std");

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});

    const core = b.addModule("zigbolt", .{
        .root_source_file = b.path("src/root.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = true,
    });

    const exports = b.createModule(.{
        .root_source_file = b.path("src/c_api/exports.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = true,
        .imports = &.{.{ .name = "zigbolt", .module = core }},
    });

    const shared = b.addLibrary(.{ .name = "zigbolt", .linkage = .dynamic, .root_module = exports });
    const static = b.addLibrary(.{ .name = "zigbolt", .linkage = .static, .root_module = exports });
    b.installArtifact(shared);
    b.installArtifact(static);
    b.getInstallStep().dependOn(&b.addInstallHeaderFile(b.path("include/zigbolt.h"), "zigbolt.h").step);

    for (tools) |tool| {
        const exe = b.addExecutable(.{
            .name = tool.name,
            .root_module = b.createModule(.{
                .root_source_file = b.path(tool.path),
                .target = target,
                .optimize = optimize,
                .link_libc = true,
                .imports = &.{.{ .name = "zigbolt", .module = core }},
            }),
        });
        b.installArtifact(exe);
    }

    // A plain C program against zigbolt.h and the shared library, as any C user would build it.
    const c_check = b.addExecutable(.{
        .name = "zigbolt-c-abi-check",
        .root_module = b.createModule(.{ .target = target, .optimize = optimize, .link_libc = true }),
    });
    c_check.root_module.addCSourceFile(.{ .file = b.path("../tests/c/abi_check.c"), .flags = &.{ "-std=c99", "-Wall", "-Werror" } });
    c_check.root_module.addIncludePath(b.path("include"));
    c_check.root_module.linkLibrary(shared);
    c_check.root_module.addRPathSpecial("$ORIGIN/../lib");
    b.installArtifact(c_check);

    const header_check = b.createModule(.{
        .root_source_file = b.path("include/header_test.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = true,
        .imports = &.{
            .{ .name = "zigbolt", .module = core },
            .{ .name = "exports", .module = exports },
        },
    });
    header_check.addIncludePath(b.path("include"));

    const test_step = b.step("test", "Run the Zig unit tests");
    for ([_]*std.Build.Module{ core, exports, header_check }) |module| {
        const unit = b.addTest(.{ .root_module = module });
        const run = b.addRunArtifact(unit);
        run.has_side_effects = true;
        test_step.dependOn(&run.step);
    }
}

const Tool = struct { name: []const u8, path: []const u8 };

const tools = [_]Tool{
    // Cross-process test peer (tests/).
    .{ .name = "zigbolt-peer", .path = "tools/ipc_peer.zig" },
    // Benchmark programs (bench/).
    .{ .name = "zigbolt-bench", .path = "tools/bench_ipc.zig" },
    // The market-data demo's tick publisher (scripts/demo).
    .{ .name = "zigbolt-demo-ticker", .path = "tools/demo_ticker.zig" },

    // ---- counters ----
    // Live view of the counters file (like AeronStat).
    .{ .name = "zigbolt-stat", .path = "tools/stat.zig" },

    // ---- rings ----
    // Ring tests' and benchmarks' Zig peer (tests/rings_*.test.ts, bench/core/_suite_rings.ts).
    .{ .name = "zigbolt-ring-peer", .path = "tools/ring_peer.zig" },

    // ---- log buffer ----
    // Log buffer and broadcast peers for the cross-process tests and the core benchmarks.
    .{ .name = "zigbolt-logbcast", .path = "tools/logbcast_peer.zig" },

    // ---- broadcast ----

    // ---- agents ----
    // Idle-step costs and wake-up latencies for docs/agents.md.
    .{ .name = "zigbolt-agents-measure", .path = "tools/agents_measure.zig" },

    // ---- codecs ----
    // Golden vectors of the wire codec and Aeron flyweights (tests/wire_golden.test.ts).
    .{ .name = "zigbolt-wire-corpus", .path = "tools/wire_corpus.zig" },
    // Encode and decode rates of the wire codec and Aeron flyweights (bench/codecs.ts).
    .{ .name = "zigbolt-wire-rates", .path = "tools/wire_rates.zig" },

    // sbe
    .{ .name = "zigbolt-sbe-corpus", .path = "tools/sbe_corpus.zig" },
    .{ .name = "zigbolt-sbe-fuzz", .path = "tools/sbe_fuzz.zig" },
    .{ .name = "zigbolt-sbe-bench", .path = "tools/sbe_bench.zig" },

    // ---- typed messaging ----
    // Typed publisher / subscriber peer of the cross-process tests (tests/typed_*.test.ts).
    .{ .name = "zigbolt-typed-peer", .path = "tools/typed_peer.zig" },
};

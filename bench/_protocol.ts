/**
 * What the benchmark peers say to each other, shared by bench/ipc_peer.ts and
 * native/tools/bench_ipc.zig (which mirrors `msgType` in its `msg_type`).
 *
 * Ping-pong: the pinger sends `ping` messages whose first 4 bytes are a sequence number; the
 * ponger echoes each one whole as `pong`; `stop` ends the ponger.
 * Throughput: `warm` messages first (not timed), then numbered `data` messages, then one `end`
 * whose first 8 bytes are the count of data messages as a float64, for the subscriber to check.
 * @module
 */

export const msgType = {
  ping: 1,
  pong: 2,
  stop: 3,
  warm: 4,
  data: 5,
  end: 6,
} as const;

/** How long a peer waits for the driver's channel or for its partner. */
export const peerTimeoutMs = 20_000;

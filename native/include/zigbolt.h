/*
 * zigbolt.h: the C ABI of libzigbolt (ABI level 0.2.1).
 *
 * Shared-memory IPC channels in the zigbolt-ipc-v1 layout (docs/ipc.md): one publisher and
 * one subscriber per channel, three terms, never blocking.
 *
 * Conventions
 * - Handles (void*) are checked tokens, not pointers: a null, closed, stale or wrong-kind
 *   handle gives ZIGBOLT_STATUS_INVALID_HANDLE, _HANDLE_CLOSED or _WRONG_HANDLE_KIND, never a
 *   crash. Do not close a handle while another thread is inside a call on it.
 * - Functions returning int32_t return 0 (or a count) on success, a negative
 *   ZIGBOLT_STATUS_* on failure. Functions returning a handle, a count of type uint32_t or
 *   nothing record their status for zigbolt_last_status() (per thread).
 *
 * This file is checked against native/src/c_api/exports.zig by the Zig test suite.
 */
#ifndef ZIGBOLT_H
#define ZIGBOLT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes (values are ABI: never renumbered) ---------------------------------- */
enum zigbolt_status {
    ZIGBOLT_STATUS_OK = 0,
    ZIGBOLT_STATUS_INVALID_HANDLE = -1,
    ZIGBOLT_STATUS_HANDLE_CLOSED = -2,
    ZIGBOLT_STATUS_WRONG_HANDLE_KIND = -3,
    ZIGBOLT_STATUS_INVALID_ARGUMENT = -4,
    ZIGBOLT_STATUS_INVALID_NAME = -5,
    ZIGBOLT_STATUS_INVALID_TERM_LENGTH = -6,
    ZIGBOLT_STATUS_NO_SUCH_CHANNEL = -7,
    ZIGBOLT_STATUS_INVALID_CHANNEL = -8,
    ZIGBOLT_STATUS_UNSUPPORTED_VERSION = -9,
    ZIGBOLT_STATUS_SHM_TOO_SMALL = -10,
    ZIGBOLT_STATUS_TERM_LENGTH_MISMATCH = -11,
    ZIGBOLT_STATUS_MESSAGE_TOO_LARGE = -12,
    ZIGBOLT_STATUS_EMPTY_MESSAGE = -13,
    ZIGBOLT_STATUS_BACK_PRESSURE = -14,
    ZIGBOLT_STATUS_CORRUPT_CHANNEL = -15,
    ZIGBOLT_STATUS_CHANNEL_IN_USE = -16,
    ZIGBOLT_STATUS_PUBLISHER_EXISTS = -17,
    ZIGBOLT_STATUS_SUBSCRIBER_EXISTS = -18,
    ZIGBOLT_STATUS_PEER_DEAD = -19,
    ZIGBOLT_STATUS_PERMISSION_DENIED = -20,
    ZIGBOLT_STATUS_OUT_OF_MEMORY = -21,
    ZIGBOLT_STATUS_TOO_MANY_HANDLES = -22,
    ZIGBOLT_STATUS_SYSTEM_ERROR = -23,
    ZIGBOLT_STATUS_INVALID_CAPACITY = -24,
    ZIGBOLT_STATUS_WRONG_STRUCTURE = -25,
    ZIGBOLT_STATUS_COUNTERS_FULL = -26,
    ZIGBOLT_STATUS_TRUNCATED = -27,
    ZIGBOLT_STATUS_INVALID_GROUP = -28,
    ZIGBOLT_STATUS_INVALID_ENUM_VALUE = -29,
    ZIGBOLT_STATUS_INDEX_OUT_OF_RANGE = -30,
    ZIGBOLT_STATUS_BUFFER_TOO_SMALL = -31,
    ZIGBOLT_STATUS_UNKNOWN_TEMPLATE = -32
};

/* Flags of the *_ex calls. Memory options are best effort: see zigbolt_ipc_memory_flags. */
enum zigbolt_flags {
    ZIGBOLT_FLAG_PRE_FAULT = 1, /* fault every page in at create/open */
    ZIGBOLT_FLAG_HUGEPAGES = 2, /* ask for transparent huge pages */
    ZIGBOLT_FLAG_MLOCK = 4,     /* lock the segment in RAM; bounded by `ulimit -l` */
    ZIGBOLT_FLAG_REPLACE = 8,   /* create: replace a channel even if a live process uses it */
    /* close leaves private zero pages at the mapping's address (views kept past close read
       zeros, never fault) until zigbolt_release_mapping: for garbage-collected bindings */
    ZIGBOLT_FLAG_KEEP_ADDRESS = 16
};

enum zigbolt_role { ZIGBOLT_ROLE_PUBLISHER = 0, ZIGBOLT_ROLE_SUBSCRIBER = 1 };

enum zigbolt_peer_state {
    ZIGBOLT_PEER_NONE = 0,  /* nobody holds the role (or a v1 peer that does not record it) */
    ZIGBOLT_PEER_ALIVE = 1,
    ZIGBOLT_PEER_DEAD = 2,  /* its process has exited or was killed */
    ZIGBOLT_PEER_CLOSED = 3 /* its holder closed it cleanly */
};

/* ---- the documented ABI ------------------------------------------------------------------ */

/* A transport holds defaults for the channels it creates. term_length 0 means 1 MiB. */
void* zigbolt_transport_create(uint32_t term_length, uint8_t use_hugepages, uint8_t pre_fault);
void zigbolt_transport_destroy(void* transport);

/* Creates a channel (pre-faulted); fails if a live process uses the name. */
void* zigbolt_ipc_create(const char* name, uint32_t term_length);
/* Opens a channel. term_length 0 accepts the creator's; otherwise it must match. */
void* zigbolt_ipc_open(const char* name, uint32_t term_length);
/* Closes the handle; the creator's handle also unlinks the name. */
void zigbolt_ipc_destroy(void* channel);

/* Copies one message into the channel. 0 on success; ZIGBOLT_STATUS_BACK_PRESSURE means
 * retry later (ZIGBOLT_STATUS_PEER_DEAD instead, now and then, once the subscriber has died);
 * zero-length messages are refused (ZIGBOLT_STATUS_EMPTY_MESSAGE). */
int32_t zigbolt_publish(void* channel, const uint8_t* data, uint32_t len, int32_t msg_type_id);

/* Calls handler for up to `limit` messages; `data` is valid only during the call. Returns
 * the count; on failure 0, with the reason in zigbolt_last_status(). */
uint32_t zigbolt_poll(void* channel,
                      void (*handler)(const uint8_t* data, uint32_t len, int32_t msg_type_id),
                      uint32_t limit);

uint32_t zigbolt_version_major(void);
uint32_t zigbolt_version_minor(void);
uint32_t zigbolt_version_patch(void);

/* ---- extensions --------------------------------------------------------------------------- */

int32_t zigbolt_last_status(void);
/* "BackPressure", ...; "Unknown" for a code that is not a status. Static strings. */
const char* zigbolt_status_name(int32_t status);
const char* zigbolt_status_message(int32_t status);

void* zigbolt_transport_create_ex(uint32_t term_length, uint32_t flags);
void* zigbolt_transport_ipc_create(void* transport, const char* name);
void* zigbolt_transport_ipc_open(void* transport, const char* name);

void* zigbolt_ipc_create_ex(const char* name, uint32_t term_length, uint32_t flags);
void* zigbolt_ipc_open_ex(const char* name, uint32_t term_length, uint32_t flags);
/* Like zigbolt_ipc_destroy, returning the status. */
int32_t zigbolt_ipc_close(void* channel);

/* Like zigbolt_poll, with a context pointer; returns the count or a negative status. */
int32_t zigbolt_ipc_poll_ex(void* channel,
                            void (*handler)(void* clientd, const uint8_t* data, uint32_t len,
                                            int32_t msg_type_id),
                            void* clientd, uint32_t limit);

/* Takes a role (publish and poll take theirs on first use). PUBLISHER_EXISTS or
 * SUBSCRIBER_EXISTS if a live process, or another handle of this process, holds it. */
int32_t zigbolt_ipc_claim(void* channel, uint32_t role);
/* ZIGBOLT_PEER_* of whoever holds `role`, or a negative status. */
int32_t zigbolt_ipc_peer_state(void* channel, uint32_t role);
/* Pid of whoever holds `role` (0 if nobody), or a negative status. */
int32_t zigbolt_ipc_peer_pid(void* channel, uint32_t role);
int32_t zigbolt_ipc_term_length(void* channel);
/* Which ZIGBOLT_FLAG_PRE_FAULT/_HUGEPAGES/_MLOCK took effect, or a negative status. */
int32_t zigbolt_ipc_memory_flags(void* channel);
/* Base address of the mapped segment (4096 + 3 * term_length bytes), for bindings that
 * read and write frames in place; valid until the handle is closed. NULL on a bad handle. */
void* zigbolt_ipc_segment(void* channel);

/* CLOCK_MONOTONIC in nanoseconds, as a double: comparable across processes. */
double zigbolt_clock_ns(void);

/* The caller's views into the mapping starting at `address` (a segment pointer of a handle
   opened with ZIGBOLT_FLAG_KEEP_ADDRESS) are gone: the range is unmapped once the handle is
   closed too. ZIGBOLT_STATUS_INVALID_ARGUMENT for any other address. */
int32_t zigbolt_release_mapping(void* address);
/* Mappings closed with ZIGBOLT_FLAG_KEEP_ADDRESS and not yet released. */
uint32_t zigbolt_retired_mapping_count(void);

/* ---- counters files, counters (docs/counters.md) ------------------------------------- */

/* Counter type ids of the IPC channel's counters (all type ids: docs/counters.md). */
enum zigbolt_counter_type {
    ZIGBOLT_COUNTER_TYPE_IPC_PUBLISHED_MESSAGES = 1,
    ZIGBOLT_COUNTER_TYPE_IPC_PUBLISHED_BYTES = 2,
    ZIGBOLT_COUNTER_TYPE_IPC_BACK_PRESSURE_EVENTS = 3,
    ZIGBOLT_COUNTER_TYPE_IPC_PUBLISHER_POSITION = 4,
    ZIGBOLT_COUNTER_TYPE_IPC_RECEIVED_MESSAGES = 5,
    ZIGBOLT_COUNTER_TYPE_IPC_RECEIVED_BYTES = 6,
    ZIGBOLT_COUNTER_TYPE_IPC_SUBSCRIBER_POSITION = 7,
    ZIGBOLT_COUNTER_TYPE_LOG_WRITTEN_MESSAGES = 30,
    ZIGBOLT_COUNTER_TYPE_LOG_WRITTEN_BYTES = 31,
    ZIGBOLT_COUNTER_TYPE_LOG_BACK_PRESSURE_EVENTS = 32,
    ZIGBOLT_COUNTER_TYPE_LOG_WRITER_POSITION = 33,
    ZIGBOLT_COUNTER_TYPE_LOG_READ_MESSAGES = 34,
    ZIGBOLT_COUNTER_TYPE_LOG_READ_BYTES = 35,
    ZIGBOLT_COUNTER_TYPE_LOG_CONSUMER_POSITION = 36,
    ZIGBOLT_COUNTER_TYPE_BROADCAST_TRANSMITTED_MESSAGES = 40,
    ZIGBOLT_COUNTER_TYPE_BROADCAST_TRANSMITTED_BYTES = 41,
    ZIGBOLT_COUNTER_TYPE_BROADCAST_RECEIVED_MESSAGES = 42,
    ZIGBOLT_COUNTER_TYPE_BROADCAST_LAPPED = 43
};

/* Opens a counters file, creating it (room for counters_max counters, 0 = 4096) if missing.
 * The file outlives every process: closing never deletes it. */
void* zigbolt_counters_open_ex(const char* name, uint32_t counters_max, uint32_t flags);
/* The process's default counters file, where every channel and structure of this process
 * keeps its counters: $ZIGBOLT_COUNTERS, else "/zigbolt-counters" ("off" disables: NULL
 * with NO_SUCH_CHANNEL). */
void* zigbolt_counters_default(void);
int32_t zigbolt_counters_close(void* counters);
/* Number of counters; the mapping is 4096 + counters_max * 640 bytes. */
int32_t zigbolt_counters_max(void* counters);
/* Base address of the mapping (layout: docs/counters.md). NULL on a bad handle. */
void* zigbolt_counters_segment(void* counters);
/* A new counter, value 0, owned by this process: its id, or a negative status
 * (COUNTERS_FULL; INVALID_ARGUMENT for a label over 384 bytes). */
int32_t zigbolt_counters_allocate(void* counters, int32_t type_id, const char* label, uint32_t label_length);
/* Frees a counter this process allocated. */
int32_t zigbolt_counters_free(void* counters, int32_t id);
/* Address of counter `id`'s 64-bit value (8-byte aligned, on its own cache line), for
 * atomic reads and writes; NULL for an id out of range. */
int64_t* zigbolt_counters_value_address(void* counters, int32_t id);
/* The counters-file id of an IPC channel's counter of type ZIGBOLT_COUNTER_TYPE_IPC_*, or a
 * negative status (COUNTERS_FULL: the channel has no such counter). */
int32_t zigbolt_ipc_counter_id(void* channel, int32_t type_id);

/* (end of counters) */

/* ---- SPSC and MPSC ring buffers (docs/spsc-ring.md, docs/mpsc-ring.md) --------------- */

/* Named shared-memory rings of framed messages (zigbolt-ring-v2). capacity: bytes of record
 * data, a power of two in [1024, 1 GiB] (ZIGBOLT_STATUS_INVALID_CAPACITY otherwise); a
 * message carries at most capacity / 8 - 8 payload bytes (ZIGBOLT_STATUS_MESSAGE_TOO_LARGE).
 * msg_type_id must be >= 0 (negative ids are reserved). write returns 0, or
 * ZIGBOLT_STATUS_BACK_PRESSURE when the ring is full (retry later); read calls handler for
 * up to `limit` messages (`data` valid only during the call) and returns the count, 0 when
 * empty. Write and read take their role on first use (one producer and one consumer for
 * SPSC; up to 64 producers and one consumer for MPSC); a role whose holder died is taken
 * over. Damaged shared state gives ZIGBOLT_STATUS_CORRUPT_CHANNEL. */
enum zigbolt_ring_role { ZIGBOLT_RING_ROLE_PRODUCER = 0, ZIGBOLT_RING_ROLE_CONSUMER = 1 };

/* Counter type ids of the rings (docs/counters.md ranges: SPSC 10-19, MPSC 20-29). */
enum zigbolt_ring_counter_type {
    ZIGBOLT_RING_COUNTER_SPSC_WRITTEN_MESSAGES = 10,
    ZIGBOLT_RING_COUNTER_SPSC_WRITTEN_BYTES = 11,
    ZIGBOLT_RING_COUNTER_SPSC_FULL_EVENTS = 12,
    ZIGBOLT_RING_COUNTER_SPSC_PRODUCER_POSITION = 13,
    ZIGBOLT_RING_COUNTER_SPSC_READ_MESSAGES = 14,
    ZIGBOLT_RING_COUNTER_SPSC_READ_BYTES = 15,
    ZIGBOLT_RING_COUNTER_SPSC_CONSUMER_POSITION = 16,
    ZIGBOLT_RING_COUNTER_MPSC_WRITTEN_MESSAGES = 20,
    ZIGBOLT_RING_COUNTER_MPSC_WRITTEN_BYTES = 21,
    ZIGBOLT_RING_COUNTER_MPSC_FULL_EVENTS = 22,
    ZIGBOLT_RING_COUNTER_MPSC_READ_MESSAGES = 23,
    ZIGBOLT_RING_COUNTER_MPSC_READ_BYTES = 24,
    ZIGBOLT_RING_COUNTER_MPSC_LOST_RECORDS = 25,
    ZIGBOLT_RING_COUNTER_MPSC_CONSUMER_POSITION = 26
};

void* zigbolt_spsc_create_ex(const char* name, uint32_t capacity, uint32_t flags);
void* zigbolt_spsc_open_ex(const char* name, uint32_t flags);
int32_t zigbolt_spsc_close(void* ring);
int32_t zigbolt_spsc_write(void* ring, const uint8_t* data, uint32_t len, int32_t msg_type_id);
int32_t zigbolt_spsc_read(void* ring,
                          void (*handler)(void* clientd, const uint8_t* data, uint32_t len,
                                          int32_t msg_type_id),
                          void* clientd, uint32_t limit);
/* Zero-copy write: claims a record for `len` payload bytes and returns the payload's offset
 * in the segment (zigbolt_spsc_segment) to fill in place, or a negative status
 * (BACK_PRESSURE when full; INVALID_ARGUMENT while this handle has a claim outstanding).
 * commit publishes it, abort drops it; both take that offset. */
int32_t zigbolt_spsc_try_claim(void* ring, uint32_t len, int32_t msg_type_id);
int32_t zigbolt_spsc_commit(void* ring, int32_t claim_offset);
int32_t zigbolt_spsc_abort(void* ring, int32_t claim_offset);
/* Takes ZIGBOLT_RING_ROLE_*: PUBLISHER_EXISTS / SUBSCRIBER_EXISTS while a live holder has it. */
int32_t zigbolt_spsc_claim(void* ring, uint32_t role);
/* ZIGBOLT_PEER_* of whoever holds `role`, or a negative status. */
int32_t zigbolt_spsc_peer_state(void* ring, uint32_t role);
int32_t zigbolt_spsc_capacity(void* ring);
/* Counters-file id of this handle's counter of a ZIGBOLT_RING_COUNTER_* type, or a negative
 * status (COUNTERS_FULL: the role is not taken, or counters are off or full). */
int32_t zigbolt_spsc_counter_id(void* ring, int32_t type_id);
/* Base address and length of the mapped segment, for bindings that read and write records
 * in place (docs/spsc-ring.md); valid until the handle is closed. */
void* zigbolt_spsc_segment(void* ring);
int32_t zigbolt_spsc_segment_length(void* ring);

void* zigbolt_mpsc_create_ex(const char* name, uint32_t capacity, uint32_t flags);
void* zigbolt_mpsc_open_ex(const char* name, uint32_t flags);
int32_t zigbolt_mpsc_close(void* ring);
int32_t zigbolt_mpsc_write(void* ring, const uint8_t* data, uint32_t len, int32_t msg_type_id);
/* Also skips claims whose producer died before committing (docs/mpsc-ring.md). */
int32_t zigbolt_mpsc_read(void* ring,
                          void (*handler)(void* clientd, const uint8_t* data, uint32_t len,
                                          int32_t msg_type_id),
                          void* clientd, uint32_t limit);
/* As zigbolt_spsc_try_claim / _commit / _abort. The consumer waits at a claimed record
 * until it is committed or aborted (an aborted one becomes padding, skipped); closing the
 * handle aborts its claim, and a producer that dies with one costs exactly that record. */
int32_t zigbolt_mpsc_try_claim(void* ring, uint32_t len, int32_t msg_type_id);
int32_t zigbolt_mpsc_commit(void* ring, int32_t claim_offset);
int32_t zigbolt_mpsc_abort(void* ring, int32_t claim_offset);
/* The producer slot (0..63) of this handle, taking a free one (TOO_MANY_HANDLES if none). */
int32_t zigbolt_mpsc_claim_producer(void* ring);
int32_t zigbolt_mpsc_claim_consumer(void* ring);
/* Crash tests only: the next `countdown` writes (or claims) complete; the one after claims
 * its space, prints "claimed-and-hanging" and never returns (docs/mpsc-ring.md, Dead
 * producers). */
int32_t zigbolt_mpsc_test_hang_after_claim(void* ring, uint32_t countdown);
/* For a consumer that reads in place: turns the dead producer's claim at `position` (the
 * consumer's head) into a lost or padding record; returns its length, 0 if there is none or
 * its producer is alive. */
int32_t zigbolt_mpsc_resolve_stuck(void* ring, uint32_t position);
int32_t zigbolt_mpsc_consumer_state(void* ring);
/* Dead producers' claims skipped by this handle's reads. */
double zigbolt_mpsc_lost_records(void* ring);
int32_t zigbolt_mpsc_capacity(void* ring);
int32_t zigbolt_mpsc_counter_id(void* ring, int32_t type_id);
void* zigbolt_mpsc_segment(void* ring);
int32_t zigbolt_mpsc_segment_length(void* ring);

/* (end of rings) */

/* ---- log buffer (docs/log-buffer.md) ------------------------------------------------- */

/* An Aeron-style log of three terms: one writer, one consumer, in any processes. The writer
 * never gets more than one term ahead of the consumer's position. */
enum zigbolt_log_role { ZIGBOLT_LOG_ROLE_WRITER = 0, ZIGBOLT_LOG_ROLE_CONSUMER = 1 };

/* term_length: a power of two in [4096, 512 MiB]; 0 means 1 MiB. */
void* zigbolt_log_buffer_create_ex(const char* name, uint32_t term_length, uint32_t flags);
void* zigbolt_log_buffer_open_ex(const char* name, uint32_t flags);
/* Aborts an outstanding claim, gives back the roles; the creator's handle unlinks the name. */
int32_t zigbolt_log_buffer_close(void* log);
/* Claims a frame for `length` payload bytes: returns the payload's offset in the segment
 * (>= 0; write it at zigbolt_log_buffer_segment(log) + offset), or a negative status:
 * ZIGBOLT_STATUS_BACK_PRESSURE while the consumer is a term behind (PEER_DEAD now and then
 * once it has died). One claim at a time; commit or abort it with that offset. */
int32_t zigbolt_log_buffer_claim(void* log, uint32_t length, int32_t msg_type_id);
int32_t zigbolt_log_buffer_commit(void* log, int32_t claim_offset);
/* Turns the claimed frame into padding: the consumer skips it. */
int32_t zigbolt_log_buffer_abort(void* log, int32_t claim_offset);
/* Copies one message in: claim + copy + commit. */
int32_t zigbolt_log_buffer_append(void* log, const uint8_t* data, uint32_t len, int32_t msg_type_id);
/* Calls handler for up to `limit` messages (`data` valid during the call only); returns the
 * count or a negative status (PEER_DEAD when stalled at a frame its dead writer never committed). */
int32_t zigbolt_log_buffer_poll(void* log,
                                void (*handler)(void* clientd, const uint8_t* data, uint32_t len,
                                                int32_t msg_type_id),
                                void* clientd, uint32_t limit);
/* Takes a zigbolt_log_role (claim/append and poll take theirs on first use): PUBLISHER_EXISTS
 * or SUBSCRIBER_EXISTS while a live process holds it. */
int32_t zigbolt_log_buffer_take_role(void* log, uint32_t role);
/* ZIGBOLT_PEER_* / pid of whoever holds `role`, or a negative status. */
int32_t zigbolt_log_buffer_peer_state(void* log, uint32_t role);
int32_t zigbolt_log_buffer_peer_pid(void* log, uint32_t role);
/* The writer's or consumer's position (bytes), exact below 2^53, or a negative status. */
double zigbolt_log_buffer_position(void* log, uint32_t role);
int32_t zigbolt_log_buffer_term_length(void* log);
/* The mapped segment (4096 + 3 * term_length bytes), valid until the handle is closed. */
void* zigbolt_log_buffer_segment(void* log);
int32_t zigbolt_log_buffer_segment_length(void* log);
/* The counters-file id of this handle's counter of ZIGBOLT_COUNTER_TYPE_LOG_* (writer counters
 * once it writes, consumer counters once it polls), or a negative status (COUNTERS_FULL). */
int32_t zigbolt_log_buffer_counter_id(void* log, int32_t type_id);

/* (end of log buffer) */

/* ---- broadcast buffers (docs/broadcast.md) ------------------------------------------- */

/* One transmitter that never blocks, any number of receivers in any processes. A receiver
 * that falls a whole buffer behind is lapped: it counts it and resumes at the latest message. */

/* capacity: a power of two in [1024, 1 GiB]; 0 means 1 MiB. Messages up to capacity / 8 bytes. */
void* zigbolt_broadcast_transmitter_create_ex(const char* name, uint32_t capacity, uint32_t flags);
void* zigbolt_broadcast_transmitter_open_ex(const char* name, uint32_t flags);
int32_t zigbolt_broadcast_transmitter_close(void* transmitter);
/* msg_type_id >= 0 (INVALID_ARGUMENT otherwise); MESSAGE_TOO_LARGE above capacity / 8. */
int32_t zigbolt_broadcast_transmit(void* transmitter, int32_t msg_type_id, const uint8_t* data,
                                   uint32_t len);
/* Joins at the latest message. */
void* zigbolt_broadcast_receiver_open_ex(const char* name, uint32_t flags);
int32_t zigbolt_broadcast_receiver_close(void* receiver);
/* Copies each message, validates the copy, then calls handler with it (never a torn or
 * overwritten message); returns the count or a negative status. */
int32_t zigbolt_broadcast_receive(void* receiver,
                                  void (*handler)(void* clientd, const uint8_t* data, uint32_t len,
                                                  int32_t msg_type_id),
                                  void* clientd, uint32_t limit);
/* Copies up to records_max (at most 64) validated messages into `out` (8-byte aligned, at
 * least zigbolt_broadcast_receiver_batch_length bytes) and returns how many (0: nothing new),
 * or a negative status: no callback per message, for bindings (docs/broadcast.md, Receiving
 * in batches). Each record there, as in the buffer: length (int32_t, its 8-byte header
 * included), msg_type_id (int32_t), payload padded to 8 bytes. */
int32_t zigbolt_broadcast_receive_batch(void* receiver, uint8_t* out, uint32_t out_length,
                                        uint32_t records_max);
int32_t zigbolt_broadcast_receiver_batch_length(void* receiver);
/* Times the receiver was overrun, or a negative status. */
double zigbolt_broadcast_receiver_lapped_count(void* receiver);
/* These take a transmitter or a receiver handle. */
int32_t zigbolt_broadcast_transmitter_state(void* handle);
int32_t zigbolt_broadcast_capacity(void* handle);
void* zigbolt_broadcast_segment(void* handle);
int32_t zigbolt_broadcast_segment_length(void* handle);
/* The counters-file id of the handle's counter of ZIGBOLT_COUNTER_TYPE_BROADCAST_*
 * (transmitted messages and bytes; received messages and lapped count), or a negative status. */
int32_t zigbolt_broadcast_counter_id(void* handle, int32_t type_id);

/* (end of broadcast) */

/* ---- idle strategies and agents (docs/agents.md) ------------------------------------- */

/* Idle strategy kinds. busy spin, yielding and no-op take no parameters (pass 0); sleeping
 * sleeps min_park_ns per step (pass 0 for the rest); backoff spins max_spins steps, yields
 * max_yields steps, then parks min_park_ns, doubling up to max_park_ns. Periods are whole
 * nanoseconds in [1, 60e9]. Anything else: NULL with ZIGBOLT_STATUS_INVALID_ARGUMENT. */
#define ZIGBOLT_IDLE_BUSY_SPIN 1
#define ZIGBOLT_IDLE_YIELDING 2
#define ZIGBOLT_IDLE_SLEEPING 3
#define ZIGBOLT_IDLE_BACKOFF 4
#define ZIGBOLT_IDLE_NO_OP 5

/* What a backoff's last step did (zigbolt_idle_strategy_state). */
#define ZIGBOLT_BACKOFF_NOT_IDLE 0
#define ZIGBOLT_BACKOFF_SPINNING 1
#define ZIGBOLT_BACKOFF_YIELDING 2
#define ZIGBOLT_BACKOFF_PARKING 3

/* A snapshot of an agent runner's statistics (cycle = one do_work plus its idle step). */
typedef struct zigbolt_agent_stats {
    uint64_t cycles;
    uint64_t busy_cycles;   /* cycles whose do_work returned > 0 */
    uint64_t work_count;    /* sum of do_work results */
    uint64_t errors;        /* negative results of on_start and do_work */
    uint64_t total_ns;
    uint64_t busy_ns;       /* time spent in busy cycles */
    uint64_t max_cycle_ns;
    uint64_t p50_cycle_ns;  /* upper bounds of histogram buckets (<= 12.5% above) */
    uint64_t p99_cycle_ns;
    double busy_ratio;      /* busy_cycles / cycles */
    int32_t running;        /* 1 until the agent has closed */
    int32_t reserved;
} zigbolt_agent_stats;

/* An idle strategy keeps state: one thread at a time per handle. */
void* zigbolt_idle_strategy_create(int32_t kind, int32_t max_spins, int32_t max_yields,
                                   double min_park_ns, double max_park_ns);
/* After a duty cycle that did work_count units: > 0 resets, 0 takes one idle step. */
int32_t zigbolt_idle_strategy_idle(void* idle, int32_t work_count);
int32_t zigbolt_idle_strategy_reset(void* idle);
/* ZIGBOLT_BACKOFF_* (NOT_IDLE for the other kinds), or a negative status. */
int32_t zigbolt_idle_strategy_state(void* idle);
/* The next step's sleep in ns (sleeping: the period; backoff: next park; else 0), or a
 * negative status. */
double zigbolt_idle_strategy_park_ns(void* idle);
int32_t zigbolt_idle_strategy_close(void* idle);

/* sched_yield(), for bindings whose runtime has none. Returns 0. */
int32_t zigbolt_thread_yield(void);

/* The calling thread's timer slack (Linux): 50 us by default, it delays short sleeps.
 * Runner threads set 1 ns themselves. 0 is INVALID_ARGUMENT. */
int32_t zigbolt_set_timer_slack(uint32_t slack_ns);
double zigbolt_timer_slack_ns(void);

/* Counter type ids of an agent runner's counters (agents range 50-59, docs/counters.md),
 * labelled "agent duty cycles: <role>" etc., published every millisecond. */
#define ZIGBOLT_AGENT_COUNTER_DUTY_CYCLES 50
#define ZIGBOLT_AGENT_COUNTER_WORK_COUNT 51
#define ZIGBOLT_AGENT_COUNTER_MAX_CYCLE_NS 52
#define ZIGBOLT_AGENT_COUNTER_ERRORS 53

/* Starts a thread that calls on_start (if not NULL), then do_work in a loop with a copy of
 * idle_strategy (NULL: backoff 10 spins, 5 yields, 1 us .. 1 ms), then on_close. do_work
 * returns the work done (>= 0) or a negative error code; on_start returns 0 or a negative
 * code. Each error is counted and passed to on_error (if not NULL), whose non-zero result
 * stops the agent. All callbacks run on the agent thread. role_name (1..255 bytes; NULL:
 * "c-agent") labels the runner's counters in the process's counters file. NULL on failure. */
void* zigbolt_agent_runner_start(const char* role_name,
                                 int32_t (*do_work)(void* clientd),
                                 int32_t (*on_start)(void* clientd),
                                 void (*on_close)(void* clientd),
                                 int32_t (*on_error)(void* clientd, int32_t code),
                                 void* clientd, void* idle_strategy);
int32_t zigbolt_agent_runner_stats(void* runner, zigbolt_agent_stats* stats);
/* Waits for the current cycle and on_close, writes final_stats (if not NULL), releases the
 * handle; a second stop returns ZIGBOLT_STATUS_HANDLE_CLOSED. */
int32_t zigbolt_agent_runner_stop(void* runner, zigbolt_agent_stats* final_stats);
/* The counters-file id of the runner's ZIGBOLT_AGENT_COUNTER_* counter, or a negative
 * status (COUNTERS_FULL: it has none, e.g. counters off). */
int32_t zigbolt_agent_runner_counter_id(void* runner, int32_t type_id);

/* (end of agents) */

#ifdef __cplusplus
}
#endif

#endif /* ZIGBOLT_H */

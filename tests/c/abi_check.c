/*
 * A plain C program against zigbolt.h, as a C user would write it. It checks:
 *   1. the documented exports: version, create, open, publish, poll, destroy;
 *   2. typed status codes for bad handles and bad input;
 *   3. the bytes in /dev/shm, read with the offsets of zigbolt-ipc-v1 (not ZigBolt's code);
 *   4. frames written by hand the way another v1 publisher would (a zero-length one too)
 *      are delivered by zigbolt_poll.
 * Prints "c-abi-check: ok" and exits 0, or names the first failed check and exits 1.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zigbolt.h"

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "c-abi-check: failed at line %d: %s\n", __LINE__, #cond); \
            exit(1);                                                          \
        }                                                                     \
    } while (0)

enum { TERM_LENGTH = 64 * 1024, MESSAGES = 10000 };

static uint32_t received;
static uint32_t expected_next;
static int32_t last_type;
static uint32_t last_length;

static void fill(uint8_t* buf, uint32_t len, uint32_t seq) {
    for (uint32_t i = 0; i < len; i++) buf[i] = (uint8_t)(seq * 31u + i);
}

static void on_message(const uint8_t* data, uint32_t len, int32_t msg_type_id) {
    uint8_t expect[4096];
    CHECK(len <= sizeof expect);
    fill(expect, len, expected_next);
    CHECK(msg_type_id == (int32_t)expected_next);
    CHECK(memcmp(expect, data, len) == 0);
    expected_next++;
    received++;
}

static void on_any(const uint8_t* data, uint32_t len, int32_t msg_type_id) {
    (void)data;
    last_type = msg_type_id;
    last_length = len;
    received++;
}

static uint8_t* map_by_spec(const char* name, size_t* length) {
    char path[300];
    snprintf(path, sizeof path, "/dev/shm/%s", name + 1);
    int fd = open(path, O_RDWR);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    *length = (size_t)st.st_size;
    uint8_t* base = mmap(NULL, *length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(base != MAP_FAILED);
    close(fd);
    return base;
}

static uint64_t load64(const uint8_t* p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static int32_t load32(const uint8_t* p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

int main(void) {
    const char* name = "/zigbolt-c-abi-check";

    CHECK(zigbolt_version_major() == 0 && zigbolt_version_minor() == 2 && zigbolt_version_patch() == 1);

    void* pub = zigbolt_ipc_create(name, TERM_LENGTH);
    CHECK(pub != NULL);
    void* sub = zigbolt_ipc_open(name, TERM_LENGTH);
    CHECK(sub != NULL);
    CHECK(zigbolt_ipc_open(name, TERM_LENGTH * 2) == NULL);
    CHECK(zigbolt_last_status() == ZIGBOLT_STATUS_TERM_LENGTH_MISMATCH);

    /* 1. many messages of many sizes, polled as they go, across term rotations */
    uint8_t buf[4096];
    for (uint32_t seq = 0; seq < MESSAGES; seq++) {
        uint32_t len = 1 + (seq * 7919u) % 4000u;
        fill(buf, len, seq);
        int32_t rc;
        while ((rc = zigbolt_publish(pub, buf, len, (int32_t)seq)) == ZIGBOLT_STATUS_BACK_PRESSURE) {
            zigbolt_poll(sub, on_message, 100);
        }
        CHECK(rc == 0);
    }
    while (received < MESSAGES) CHECK(zigbolt_poll(sub, on_message, 100) > 0 || received == MESSAGES);
    CHECK(received == MESSAGES);
    CHECK(zigbolt_poll(sub, on_message, 100) == 0);
    CHECK(zigbolt_last_status() == ZIGBOLT_STATUS_OK);

    /* 2. typed errors */
    CHECK(zigbolt_publish(pub, buf, 0, 1) == ZIGBOLT_STATUS_EMPTY_MESSAGE);
    CHECK(zigbolt_publish(pub, buf, TERM_LENGTH, 1) == ZIGBOLT_STATUS_MESSAGE_TOO_LARGE);
    CHECK(zigbolt_publish(NULL, buf, 1, 1) == ZIGBOLT_STATUS_INVALID_HANDLE);
    CHECK(zigbolt_publish((void*)buf, buf, 1, 1) == ZIGBOLT_STATUS_INVALID_HANDLE);
    CHECK(zigbolt_ipc_create("no-slash", TERM_LENGTH) == NULL);
    CHECK(zigbolt_last_status() == ZIGBOLT_STATUS_INVALID_NAME);
    CHECK(zigbolt_ipc_create("/zigbolt-c-abi-bad", 5000) == NULL);
    CHECK(zigbolt_last_status() == ZIGBOLT_STATUS_INVALID_TERM_LENGTH);
    CHECK(zigbolt_ipc_open("/zigbolt-c-abi-missing", 0) == NULL);
    CHECK(zigbolt_last_status() == ZIGBOLT_STATUS_NO_SUCH_CHANNEL);
    CHECK(strcmp(zigbolt_status_name(ZIGBOLT_STATUS_BACK_PRESSURE), "BackPressure") == 0);

    /* 3. the bytes, by the spec's offsets */
    size_t length;
    uint8_t* base = map_by_spec(name, &length);
    CHECK(length == 4096u + 3u * TERM_LENGTH);
    static const uint8_t magic[8] = {0x21, 0x54, 0x4C, 0x4F, 0x42, 0x47, 0x49, 0x5A};
    CHECK(memcmp(base, magic, 8) == 0);
    CHECK(load32(base + 8) == 1);
    CHECK(load32(base + 12) == TERM_LENGTH);
    uint64_t tail = load64(base + 128);
    CHECK(tail == load64(base + 256));
    /* the last message, at its frame: tail minus its aligned length */
    uint32_t last_len = 1 + ((MESSAGES - 1) * 7919u) % 4000u;
    uint64_t frame_pos = tail - ((8u + last_len + 7u) & ~7u);
    uint8_t* frame = base + 4096 + ((frame_pos / TERM_LENGTH) % 3) * TERM_LENGTH + frame_pos % TERM_LENGTH;
    CHECK(load32(frame) == (int32_t)last_len);
    CHECK(load32(frame + 4) == MESSAGES - 1);
    fill(buf, last_len, MESSAGES - 1);
    CHECK(memcmp(frame + 8, buf, last_len) == 0);

    /* 4. frames written as another v1 publisher writes them: "hi" then a zero-length one */
    uint8_t* at = base + 4096 + ((tail / TERM_LENGTH) % 3) * TERM_LENGTH + tail % TERM_LENGTH;
    CHECK(tail % TERM_LENGTH <= TERM_LENGTH - 24);
    memcpy(at + 8, "hi", 2);
    int32_t type = 77, two = 2, zero = 0;
    memcpy(at + 4, &type, 4);
    __atomic_store_n((int32_t*)at, two, __ATOMIC_RELEASE);
    type = 78;
    memcpy(at + 16 + 4, &type, 4);
    __atomic_store_n((int32_t*)(at + 16), zero, __ATOMIC_RELEASE);
    __atomic_store_n((uint64_t*)(base + 128), tail + 24, __ATOMIC_RELEASE);
    received = 0;
    CHECK(zigbolt_poll(sub, on_any, 10) == 2);
    CHECK(received == 2 && last_type == 78 && last_length == 0);
    /* Our publisher did not write those frames: its next tail store lands below the head
     * the subscriber reached, and the subscriber refuses the channel as corrupt. */
    CHECK(zigbolt_publish(pub, buf, 1, 1) == 0);
    CHECK(zigbolt_poll(sub, on_any, 10) == 0);
    CHECK(zigbolt_last_status() == ZIGBOLT_STATUS_CORRUPT_CHANNEL);

    munmap(base, length);
    zigbolt_ipc_destroy(sub);
    zigbolt_ipc_destroy(pub);
    CHECK(zigbolt_last_status() == ZIGBOLT_STATUS_OK);
    CHECK(zigbolt_ipc_close(pub) == ZIGBOLT_STATUS_HANDLE_CLOSED);
    CHECK(access("/dev/shm/zigbolt-c-abi-check", F_OK) != 0);

    void* transport = zigbolt_transport_create(TERM_LENGTH, 0, 1);
    CHECK(transport != NULL);
    zigbolt_transport_destroy(transport);
    zigbolt_transport_destroy(transport);
    CHECK(zigbolt_last_status() == ZIGBOLT_STATUS_HANDLE_CLOSED);

    printf("c-abi-check: ok (%d messages)\n", MESSAGES);
    return 0;
}

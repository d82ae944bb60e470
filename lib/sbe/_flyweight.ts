/**
 * The runtime behind lib/sbe: from a block spec it generates one flyweight class whose
 * field accessors have their offsets and null values compiled in as constants (the code is
 * generated with `new Function` from validated names and numbers only), and it holds the
 * validation walk that a checked decode runs before it hands out a view.
 * @module
 */
import {
  BufferTooSmallError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  InvalidEnumValueError,
} from "../errors.ts";
import { Status } from "../status.ts";
import {
  blockLength,
  type BlockSpec,
  type DataSpec,
  fieldSize,
  type FieldSpec,
  type GroupSpec,
} from "./schema.ts";

export const headerLength = 8;
export const groupHeaderLength = 4;
export const varDataU32LengthMax = 1 << 30;
export const groupCountMax = 65535;

const TRUNCATED = Status.Truncated;
const INVALID_GROUP = Status.InvalidGroup;
const INVALID_ENUM = Status.InvalidEnumValue;

/** One field with its place in the block. */
export interface FieldInfo {
  readonly name: string;
  readonly spec: FieldSpec;
  readonly offset: number;
  readonly size: number;
  readonly since: number;
  readonly optional: boolean;
  /** Enums only: 1 at each valid wire byte (and at the null byte when optional). */
  readonly valid: Uint8Array | null;
}

/** One group with the shape of its entries. */
export interface GroupInfo {
  readonly name: string;
  readonly shape: Shape;
  readonly countMax: number;
  readonly since: number;
}

/** One var-data field. */
export interface DataInfo {
  readonly name: string;
  readonly prefix: 2 | 4;
  readonly max: number;
  readonly since: number;
}

/** Everything the flyweights and the validator need to know about a block. */
export class Shape {
  readonly fields: readonly FieldInfo[];
  readonly enumFields: readonly FieldInfo[];
  readonly groups: readonly GroupInfo[];
  readonly data: readonly DataInfo[];
  readonly blockLengths: readonly number[];
  readonly blockLength: number;
  readonly version: number;
  readonly fixedSize: boolean;
  readonly groupIndex: Readonly<Record<string, number>>;
  readonly dataIndex: Readonly<Record<string, number>>;
  readonly fieldsByName: Readonly<Record<string, FieldInfo>>;
  /** The generated flyweight class of this block. */
  readonly Flyweight: new () => Flyweight;
  /** A scratch flyweight for walking entries of variable size. */
  _walker: Flyweight | undefined = undefined;

  constructor(spec: BlockSpec, version: number, where: string) {
    this.version = version;
    const fields: FieldInfo[] = [];
    let offset = 0;
    let since = 0;
    for (const [name, field] of Object.entries(spec.fields)) {
      checkName(name, where);
      const fieldSince = field.since ?? 0;
      if (fieldSince < since || fieldSince > version) {
        throw new InvalidArgumentError(`${where}.${name}: since must not decrease and must be <= ${version}`);
      }
      if (fieldSince > 0 && field.optional !== true) {
        throw new InvalidArgumentError(`${where}.${name}: a field added in a later version must be optional`);
      }
      since = fieldSince;
      const size = fieldSize(field);
      if (!Number.isInteger(size) || size <= 0 || size > 65535) {
        throw new InvalidArgumentError(`${where}.${name}: invalid size`);
      }
      fields.push({
        name,
        spec: field,
        offset,
        size,
        since: fieldSince,
        optional: field.optional === true,
        valid: field.type === "enum"
          ? enumTable(field.values, field.encoding, field.optional === true, where)
          : null,
      });
      offset += size;
    }
    this.fields = fields;
    this.enumFields = fields.filter((f) => f.valid !== null);
    this.fieldsByName = Object.fromEntries(fields.map((f) => [f.name, f]));
    this.groups = Object.entries(spec.groups ?? {}).map(([name, g]: [string, GroupSpec]) => {
      checkName(name, where);
      const countMax = g.countMax ?? groupCountMax;
      if (!Number.isInteger(countMax) || countMax < 0 || countMax > groupCountMax) {
        throw new InvalidArgumentError(`${where}.${name}: countMax must be in [0, 65535]`);
      }
      return { name, shape: new Shape(g, version, `${where}.${name}`), countMax, since: g.since ?? 0 };
    });
    this.data = Object.entries(spec.data ?? {}).map(([name, d]: [string, DataSpec]) => {
      checkName(name, where);
      const wide = d.length === "uint32";
      return { name, prefix: wide ? 4 : 2, max: wide ? varDataU32LengthMax : 65535, since: d.since ?? 0 };
    });
    this.groupIndex = Object.fromEntries(this.groups.map((g, i) => [g.name, i]));
    this.dataIndex = Object.fromEntries(this.data.map((d, i) => [d.name, i]));
    this.blockLengths = Array.from({ length: version + 1 }, (_, v) => blockLength(spec, v));
    this.blockLength = this.blockLengths[version];
    this.fixedSize = this.groups.length === 0 && this.data.length === 0;
    this.Flyweight = generateClass(this);
    this.enumsValid = generateEnumCheck(this);
  }

  /** Whether every enum byte of the block at `pos` is valid (generated, unrolled). */
  readonly enumsValid: (u8: Uint8Array, pos: number, acting: number) => boolean;

  /** The block length an acting version requires at least. */
  blockLengthMin(acting: number): number {
    return this.blockLengths[acting < this.version ? acting : this.version];
  }
}

function checkName(name: string, where: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new InvalidArgumentError(`${where}: "${name}" is not a valid field name (letters, digits, _)`);
  }
}

function enumTable(
  values: Readonly<Record<string, number>>,
  encoding: "uint8" | "char",
  optional: boolean,
  where: string,
): Uint8Array {
  const table = new Uint8Array(256);
  const nullByte = encoding === "uint8" ? 255 : 0;
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value < 0 || value > 255 || value === nullByte) {
      throw new InvalidArgumentError(`${where}: enum value ${name} = ${value} is not a valid ${encoding}`);
    }
    table[value] = 1;
  }
  if (optional) table[nullByte] = 1;
  return table;
}

// ---- validation (mirrors codec.zig validateAt / validateGroup) ----

/**
 * Checks one block at `pos` (whose `blockLen` bytes the caller has checked) and everything
 * after it; returns the position after its groups and var data, or a negative status.
 */
export function validateAt(
  shape: Shape,
  dv: DataView,
  u8: Uint8Array,
  pos: number,
  blockLen: number,
  acting: number,
  limit: number,
): number {
  if (!shape.enumsValid(u8, pos, acting)) return INVALID_ENUM;
  let p = pos + blockLen;
  const groups = shape.groups;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g.since > acting) continue;
    p = validateGroup(g, dv, u8, p, acting, limit);
    if (p < 0) return p;
  }
  const data = shape.data;
  for (let i = 0; i < data.length; i++) {
    const d = data[i];
    if (d.since > acting) continue;
    if (limit - p < d.prefix) return TRUNCATED;
    const length = d.prefix === 2 ? dv.getUint16(p, true) : dv.getUint32(p, true);
    p += d.prefix;
    if (length > d.max || limit - p < length) return TRUNCATED;
    p += length;
  }
  return p;
}

function validateGroup(
  g: GroupInfo,
  dv: DataView,
  u8: Uint8Array,
  pos: number,
  acting: number,
  limit: number,
): number {
  if (limit - pos < groupHeaderLength) return TRUNCATED;
  const blockLen = dv.getUint16(pos, true);
  const count = dv.getUint16(pos + 2, true);
  const shape = g.shape;
  if (blockLen < shape.blockLengthMin(acting) || count > g.countMax) return INVALID_GROUP;
  let p = pos + groupHeaderLength;
  if (shape.fixedSize) {
    if (count * blockLen > limit - p) return TRUNCATED;
    if (shape.enumFields.length !== 0) {
      for (let i = 0; i < count; i++, p += blockLen) {
        if (!shape.enumsValid(u8, p, acting)) return INVALID_ENUM;
      }
      return p;
    }
    return p + count * blockLen;
  }
  for (let i = 0; i < count; i++) {
    if (limit - p < blockLen) return TRUNCATED;
    p = validateAt(shape, dv, u8, p, blockLen, acting, limit);
    if (p < 0) return p;
  }
  return p;
}

// ---- flyweights ----

/** Where the next section of a message being encoded goes, shared by all its blocks. */
export class Cursor {
  pos = 0;
  limit = 0;
}

/** The base of every generated flyweight: one block over a DataView, read or written. */
export class Flyweight {
  _dv: DataView = emptyView;
  _u8: Uint8Array = emptyBytes;
  /** Absolute offset of the block in the ArrayBuffer. */
  _offset = 0;
  _blockLen = 0;
  _acting = 0;
  declare _shape: Shape;
  _readers: (GroupReaderImpl | undefined)[] = [];
  _writers: (GroupWriterImpl | undefined)[] = [];
  /** Encoding: the shared cursor, the next section to write, the group being filled. */
  _cursor: Cursor | null = null;
  _section = 0;
  _pending: GroupWriterImpl | null = null;

  _position(dv: DataView, u8: Uint8Array, offset: number, blockLen: number, acting: number): void {
    this._dv = dv;
    this._u8 = u8;
    this._offset = offset;
    this._blockLen = blockLen;
    this._acting = acting;
  }

  _positionForWrite(dv: DataView, u8: Uint8Array, offset: number, cursor: Cursor): void {
    this._position(dv, u8, offset, this._shape.blockLength, this._shape.version);
    this._cursor = cursor;
    this._section = 0;
    this._pending = null;
  }

  get actingVersion(): number {
    return this._acting;
  }

  /** Absolute position of section `k` (groups, then var data) of this validated block. */
  _sectionStart(k: number): number {
    const shape = this._shape;
    const dv = this._dv;
    let p = this._offset + this._blockLen;
    const groups = shape.groups;
    for (let j = 0; j < k; j++) {
      if (j < groups.length) {
        if (groups[j].since <= this._acting) p = groupEnd(groups[j].shape, this, p);
      } else {
        const d = shape.data[j - groups.length];
        if (d.since <= this._acting) {
          p += d.prefix + (d.prefix === 2 ? dv.getUint16(p, true) : dv.getUint32(p, true));
        }
      }
    }
    return p;
  }

  /** Absolute position after this validated block's groups and var data. */
  _end(): number {
    const shape = this._shape;
    return shape.fixedSize
      ? this._offset + this._blockLen
      : this._sectionStart(shape.groups.length + shape.data.length);
  }

  group(name: string, count?: number): GroupReaderImpl | GroupWriterImpl {
    const index = this._shape.groupIndex[name];
    if (index === undefined) throw new InvalidArgumentError(`No group "${name}" in this block`);
    return count === undefined ? this._readGroup(index) : this._writeGroup(index, count);
  }

  _readGroup(index: number): GroupReaderImpl {
    const g = this._shape.groups[index];
    const reader = this._readers[index] ??= new GroupReaderImpl(g.shape);
    if (g.since > this._acting) reader._empty();
    else reader._init(this._dv, this._u8, this._sectionStart(index), this._acting);
    return reader;
  }

  _dataPosition(name: string): number {
    const index = this._shape.dataIndex[name];
    if (index === undefined) throw new InvalidArgumentError(`No var-data field "${name}" in this block`);
    if (this._shape.data[index].since > this._acting) return -1;
    return this._sectionStart(this._shape.groups.length + index);
  }

  dataLength(name: string): number {
    const p = this._dataPosition(name);
    if (p < 0) return 0;
    const prefix = this._shape.data[this._shape.dataIndex[name]].prefix;
    return prefix === 2 ? this._dv.getUint16(p, true) : this._dv.getUint32(p, true);
  }

  data(name: string): Uint8Array {
    const p = this._dataPosition(name);
    if (p < 0) return emptyBytes;
    const prefix = this._shape.data[this._shape.dataIndex[name]].prefix;
    const length = prefix === 2 ? this._dv.getUint16(p, true) : this._dv.getUint32(p, true);
    return this._u8.subarray(p + prefix, p + prefix + length);
  }

  copyData(name: string, dst: Uint8Array): number {
    const bytes = this.data(name);
    if (bytes.length > dst.length) {
      throw new IndexOutOfRangeError(
        `Var data "${name}" has ${bytes.length} bytes; the destination holds ${dst.length}`,
      );
    }
    dst.set(bytes);
    return bytes.length;
  }

  dataText(name: string): string {
    return utf8.decode(this.data(name));
  }

  copyChars(name: string, dst: Uint8Array): number {
    const f = this._shape.fieldsByName[name];
    if (f === undefined || f.spec.type !== "chars") throw new InvalidArgumentError(`No char array "${name}"`);
    const u8 = this._u8;
    const start = this._offset + f.offset;
    let n = 0;
    while (n < f.size && u8[start + n] !== 0) n++;
    if (n > dst.length) {
      throw new IndexOutOfRangeError(`"${name}" has ${n} chars; the destination holds ${dst.length}`);
    }
    for (let i = 0; i < n; i++) dst[i] = u8[start + i];
    return n;
  }

  toObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const self = this as unknown as Record<string, unknown>;
    for (const f of this._shape.fields) {
      const type = f.spec.type;
      out[f.name] = type === "int64" || type === "uint64"
        ? self[`${f.name}Big`]
        : type === "decimal64"
        ? self[`${f.name}Mantissa`]
        : self[f.name];
    }
    for (let i = 0; i < this._shape.groups.length; i++) {
      const reader = this._readGroup(i);
      const entries: Record<string, unknown>[] = [];
      for (let e = reader.next(); e !== null; e = reader.next()) entries.push(e.toObject());
      out[this._shape.groups[i].name] = entries;
    }
    for (const d of this._shape.data) out[d.name] = this.data(d.name).slice();
    return out;
  }

  // ---- encoding ----

  _writeGroup(index: number, count: number): GroupWriterImpl {
    if (!Number.isInteger(count) || count < 0 || count > this._shape.groups[index].countMax) {
      throw new IndexOutOfRangeError(
        `Group "${this._shape.groups[index].name}" takes 0..${
          this._shape.groups[index].countMax
        } entries, not ${count}`,
      );
    }
    this._advanceTo(index);
    const cursor = this._cursor!;
    if (cursor.limit - cursor.pos < groupHeaderLength) throw tooSmall();
    const writer = this._writers[index] ??= new GroupWriterImpl(this._shape.groups[index]);
    writer._begin(this._dv, this._u8, cursor, count);
    this._pending = writer;
    this._section = index + 1;
    return writer;
  }

  setData(name: string, value: Uint8Array | string): void {
    const index = this._shape.dataIndex[name];
    if (index === undefined) throw new InvalidArgumentError(`No var-data field "${name}" in this block`);
    const d = this._shape.data[index];
    this._advanceTo(this._shape.groups.length + index);
    const cursor = this._cursor!;
    const start = cursor.pos + d.prefix;
    let length: number;
    if (typeof value === "string") {
      if (value.length * 3 > d.max && utf8Length(value) > d.max) throw tooLong(name, d.max);
      if (cursor.limit - start < 0) throw tooSmall();
      const result = utf8Encoder.encodeInto(value, this._u8.subarray(start, cursor.limit));
      if (result.read !== value.length) throw tooSmall();
      length = result.written;
    } else {
      if (value.length > d.max) throw tooLong(name, d.max);
      if (cursor.limit - start < value.length) throw tooSmall();
      this._u8.set(value, start);
      length = value.length;
    }
    if (d.prefix === 2) this._dv.setUint16(cursor.pos, length, true);
    else this._dv.setUint32(cursor.pos, length, true);
    cursor.pos = start + length;
    this._section = this._shape.groups.length + index + 1;
  }

  /** Closes the group being filled and writes empty groups / data up to section `k`. */
  _advanceTo(k: number): void {
    if (this._cursor === null) throw new InvalidArgumentError("This flyweight is not wrapped for encoding");
    if (k < this._section) {
      throw new InvalidArgumentError("Groups and var data must be written in declaration order");
    }
    this._closePending();
    const shape = this._shape;
    const cursor = this._cursor;
    for (let j = this._section; j < k; j++) {
      if (j < shape.groups.length) {
        if (cursor.limit - cursor.pos < groupHeaderLength) throw tooSmall();
        this._dv.setUint16(cursor.pos, shape.groups[j].shape.blockLength, true);
        this._dv.setUint16(cursor.pos + 2, 0, true);
        cursor.pos += groupHeaderLength;
      } else {
        const prefix = shape.data[j - shape.groups.length].prefix;
        if (cursor.limit - cursor.pos < prefix) throw tooSmall();
        if (prefix === 2) this._dv.setUint16(cursor.pos, 0, true);
        else this._dv.setUint32(cursor.pos, 0, true);
        cursor.pos += prefix;
      }
    }
    this._section = k;
  }

  _closePending(): void {
    const pending = this._pending;
    if (pending === null) return;
    if (pending._written !== pending.count) {
      throw new InvalidArgumentError(
        `Group "${pending._info.name}" was declared with ${pending.count} entries but ${pending._written} were written`,
      );
    }
    if (pending._written > 0) pending._entry._complete();
    this._pending = null;
  }

  /** Writes whatever sections were not written (as empty) so the block is complete. */
  _complete(): void {
    const k = this._shape.groups.length + this._shape.data.length;
    if (this._section === k && this._pending === null) return;
    this._advanceTo(k);
  }
}

const emptyBuffer = new ArrayBuffer(0);
const emptyView = new DataView(emptyBuffer);
const emptyBytes = new Uint8Array(emptyBuffer);
const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

function tooSmall(): BufferTooSmallError {
  return new BufferTooSmallError("The destination buffer is too small for the encoded message");
}

function tooLong(name: string, max: number): IndexOutOfRangeError {
  return new IndexOutOfRangeError(`Var data "${name}" holds at most ${max} bytes`);
}

function groupEnd(shape: Shape, parent: Flyweight, pos: number): number {
  const dv = parent._dv;
  const blockLen = dv.getUint16(pos, true);
  const count = dv.getUint16(pos + 2, true);
  let p = pos + groupHeaderLength;
  if (shape.fixedSize) return p + count * blockLen;
  const walker = shape._walker ??= new shape.Flyweight();
  for (let i = 0; i < count; i++) {
    walker._position(dv, parent._u8, p, blockLen, parent._acting);
    p = walker._end();
  }
  return p;
}

/** A validated group being read. */
export class GroupReaderImpl {
  count = 0;
  _dv: DataView = emptyView;
  _u8: Uint8Array = emptyBytes;
  _offset = 0;
  _blockLen = 0;
  _acting = 0;
  _nextIndex = 0;
  _nextPos = 0;
  readonly _shape: Shape;
  readonly _entry: Flyweight;

  constructor(shape: Shape) {
    this._shape = shape;
    this._entry = new shape.Flyweight();
  }

  _init(dv: DataView, u8: Uint8Array, pos: number, acting: number): void {
    this._dv = dv;
    this._u8 = u8;
    this._offset = pos;
    this._blockLen = dv.getUint16(pos, true);
    this.count = dv.getUint16(pos + 2, true);
    this._acting = acting;
    this._nextIndex = 0;
    this._nextPos = pos + groupHeaderLength;
  }

  _empty(): void {
    this.count = 0;
    this._nextIndex = 0;
  }

  next(): Flyweight | null {
    if (this._nextIndex >= this.count) return null;
    const entry = this._entry;
    entry._position(this._dv, this._u8, this._nextPos, this._blockLen, this._acting);
    this._nextPos = this._shape.fixedSize ? this._nextPos + this._blockLen : entry._end();
    this._nextIndex++;
    return entry;
  }

  at(index: number): Flyweight {
    if (!(Number.isInteger(index) && index >= 0 && index < this.count)) {
      throw new IndexOutOfRangeError(`Entry ${index} of a group of ${this.count}`);
    }
    const entry = this._entry;
    let p = this._offset + groupHeaderLength;
    if (this._shape.fixedSize) {
      p += index * this._blockLen;
    } else {
      for (let i = 0; i < index; i++) {
        entry._position(this._dv, this._u8, p, this._blockLen, this._acting);
        p = entry._end();
      }
    }
    entry._position(this._dv, this._u8, p, this._blockLen, this._acting);
    return entry;
  }

  *[Symbol.iterator](): Iterator<Flyweight> {
    for (let i = 0; i < this.count; i++) yield this.at(i);
  }
}

/** A group being encoded. */
export class GroupWriterImpl {
  count = 0;
  _written = 0;
  _dv: DataView = emptyView;
  _u8: Uint8Array = emptyBytes;
  _cursor: Cursor | null = null;
  readonly _info: GroupInfo;
  readonly _entry: Flyweight;

  constructor(info: GroupInfo) {
    this._info = info;
    this._entry = new info.shape.Flyweight();
  }

  _begin(dv: DataView, u8: Uint8Array, cursor: Cursor, count: number): void {
    this._dv = dv;
    this._u8 = u8;
    this._cursor = cursor;
    this.count = count;
    this._written = 0;
    dv.setUint16(cursor.pos, this._info.shape.blockLength, true);
    dv.setUint16(cursor.pos + 2, count, true);
    cursor.pos += groupHeaderLength;
  }

  next(): Flyweight {
    if (this._written >= this.count) {
      throw new IndexOutOfRangeError(`Group "${this._info.name}" was declared with ${this.count} entries`);
    }
    const entry = this._entry;
    if (this._written > 0) entry._complete();
    const cursor = this._cursor!;
    const blockLen = this._info.shape.blockLength;
    if (cursor.limit - cursor.pos < blockLen) throw tooSmall();
    entry._positionForWrite(this._dv, this._u8, cursor.pos, cursor);
    cursor.pos += blockLen;
    this._written++;
    return entry;
  }
}

// ---- code generation of the accessors ----

/** Where 64-bit values pass between accessors and helpers as unboxed doubles. */
const S = new Float64Array(1);

/** Helpers the generated accessors call (passed in, never looked up by name at run time). */
const helpers = {
  readChars(u8: Uint8Array, p: number, n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) {
      const c = u8[p + i];
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  },
  /** The fast path of a char-array setter: a Latin-1 string that fits. */
  setChars(u8: Uint8Array, p: number, n: number, v: string | Uint8Array | null, name: string): void {
    if (typeof v === "string" && v.length <= n) {
      const length = v.length;
      let i = 0;
      for (; i < length; i++) {
        const c = v.charCodeAt(i);
        if (c > 255) break;
        u8[p + i] = c;
      }
      if (i === length) {
        for (; i < n; i++) u8[p + i] = 0;
        return;
      }
    }
    helpers.writeChars(u8, p, n, v, name);
  },
  writeChars(u8: Uint8Array, p: number, n: number, v: string | Uint8Array | null, name: string): void {
    if (v === null) v = "";
    if (v.length > n) throw new IndexOutOfRangeError(`"${name}" holds at most ${n} chars, got ${v.length}`);
    if (typeof v === "string") {
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (c > 255) throw new InvalidArgumentError(`"${name}" takes Latin-1 characters only`);
        u8[p + i] = c;
      }
    } else {
      u8.set(v, p);
    }
    u8.fill(0, p + v.length, p + n);
  },
  /**
   * S[0], an integral double, as int64 at `q`. ToInt32 (`t | 0`, and setInt32 on the high
   * word) keeps the low 32 bits of any integral double, signed or not.
   */
  stI64(dv: DataView, q: number): void {
    const t = Math.trunc(S[0]);
    dv.setInt32(q, t | 0, true);
    dv.setInt32(q + 4, Math.floor(t / 4294967296), true);
  },
  /** S[0] * scale, rounded half away from zero, as a mantissa at `q` (NaN, out of range: null). */
  stDecMul(dv: DataView, q: number, scale: number): void {
    helpers.stMantissa(dv, q, S[0], S[0] * scale);
  },
  stDecDiv(dv: DataView, q: number, scale: number): void {
    helpers.stMantissa(dv, q, S[0], S[0] / scale);
  },
  stMantissa(dv: DataView, q: number, v: number, x: number): void {
    let m = Math.round(Math.abs(x));
    if (!(m < 9223372036854775808)) m = -9223372036854775808;
    else if (v < 0) m = -m;
    dv.setInt32(q, m | 0, true);
    dv.setInt32(q + 4, Math.floor(m / 4294967296), true);
  },
  copyChars(u8: Uint8Array, p: number, size: number, dst: Uint8Array, name: string): number {
    // One pass, kept small so the JIT can inline it next to the field getters.
    let n = 0;
    for (; n < size; n++) {
      const c = u8[p + n];
      if (c === 0) break;
      if (n >= dst.length) throw helpers.charsTooLong(name, dst.length);
      dst[n] = c;
    }
    return n;
  },
  charsTooLong(name: string, room: number): IndexOutOfRangeError {
    return new IndexOutOfRangeError(`"${name}" has more chars than the destination's ${room}`);
  },
  badEnum(name: string, v: unknown): InvalidEnumValueError {
    return new InvalidEnumValueError(`${String(v)} is not a value of "${name}"`);
  },
};

const intNulls: Record<string, number> = {
  int8: -128,
  int16: -32768,
  int32: -2147483648,
  uint8: 255,
  uint16: 65535,
  uint32: 4294967295,
};

const dvMethod: Record<string, string> = {
  int8: "Int8",
  int16: "Int16",
  int32: "Int32",
  uint8: "Uint8",
  uint16: "Uint16",
  uint32: "Uint32",
  float: "Float32",
  double: "Float64",
};

function accessorSource(f: FieldInfo, tables: Uint8Array[]): string {
  const spec = f.spec;
  const p = `this._offset + ${f.offset}`;
  const absent = f.since > 0 ? `if (this._acting < ${f.since}) return null;` : "";
  const opt = f.optional;
  const name = f.name;
  const out: string[] = [];
  const getter = (key: string, body: string) => out.push(`get ${key}() { ${absent} ${body} }`);
  const setter = (key: string, body: string) => out.push(`set ${key}(v) { ${body} }`);
  switch (spec.type) {
    case "int8":
    case "int16":
    case "int32":
    case "uint8":
    case "uint16":
    case "uint32": {
      const m = dvMethod[spec.type];
      const nul = intNulls[spec.type];
      const le = spec.type.endsWith("8") ? "" : ", true";
      getter(
        name,
        opt
          ? `const v = this._dv.get${m}(${p}${le}); return v === ${nul} ? null : v;`
          : `return this._dv.get${m}(${p}${le});`,
      );
      setter(name, `this._dv.set${m}(${p}, ${opt ? `v === null ? ${nul} : v` : "v"}${le});`);
      break;
    }
    case "float":
    case "double": {
      const m = dvMethod[spec.type];
      getter(
        name,
        opt
          ? `const v = this._dv.get${m}(${p}, true); return v !== v ? null : v;`
          : `return this._dv.get${m}(${p}, true);`,
      );
      setter(name, `this._dv.set${m}(${p}, ${opt ? "v === null ? NaN : v" : "v"}, true);`);
      break;
    }
    case "char":
      getter(
        name,
        `const b = this._u8[${p}]; return ${opt ? "b === 0 ? null : " : ""}String.fromCharCode(b);`,
      );
      setter(name, `this._u8[${p}] = v === null || v.length === 0 ? 0 : v.charCodeAt(0) & 255;`);
      break;
    case "int64":
    case "uint64": {
      const signed = spec.type === "int64";
      // Setters hand their double to the helper through the Float64Array S, never as an
      // argument, so V8 boxes nothing even when it does not inline the helper, and the
      // setter itself stays small enough to be inlined into the caller.
      const isNull = signed ? "hi === -2147483648 && lo === 0" : "hi === 4294967295 && lo === 4294967295";
      // A getter returns its double itself: the caller must inline it not to box the result,
      // and a direct read is smaller than a call through S.
      getter(
        name,
        `const q = ${p}; const dv = this._dv; const lo = dv.getUint32(q, true), hi = dv.get${
          signed ? "Int32" : "Uint32"
        }(q + 4, true);` + `return ${opt ? `${isNull} ? null : ` : ""}hi * 4294967296 + lo;`,
      );
      // uint64's null (all ones) is what -1 writes; int64's is -2^63, exact as a double.
      const nullValue = signed ? "-9223372036854775808" : "-1";
      setter(name, `S[0] = ${opt ? `v === null ? ${nullValue} : v` : "v"}; h.stI64(this._dv, ${p});`);
      const big = signed ? "BigInt64" : "BigUint64";
      const bigNull = signed ? "-9223372036854775808n" : "18446744073709551615n";
      getter(
        `${name}Big`,
        `const v = this._dv.get${big}(${p}, true); return ${opt ? `v === ${bigNull} ? null : ` : ""}v;`,
      );
      setter(`${name}Big`, `this._dv.set${big}(${p}, v === null ? ${bigNull} : v, true);`);
      break;
    }
    case "decimal64": {
      const e = spec.exponent;
      if (!Number.isInteger(e) || e < -18 || e > 18) {
        throw new InvalidArgumentError(`${name}: exponent must be in [-18, 18]`);
      }
      const scale = `1e${Math.abs(e)}`;
      const mode = e < 0 ? "Mul" : "Div";
      getter(
        name,
        `const q = ${p}; const dv = this._dv; const lo = dv.getUint32(q, true), hi = dv.getInt32(q + 4, true);` +
          `return hi === -2147483648 && lo === 0 ? ${opt ? "null" : "NaN"} : ` +
          `${e < 0 ? `(hi * 4294967296 + lo) / ${scale}` : `(hi * 4294967296 + lo) * ${scale}`};`,
      );
      // Round half away from zero (Zig's @round); null, NaN and out of the int64 range write
      // the null mantissa.
      setter(name, `S[0] = v === null ? NaN : v; h.stDec${mode}(this._dv, ${p}, ${scale});`);
      getter(
        `${name}Mantissa`,
        `const v = this._dv.getBigInt64(${p}, true); return ${
          opt ? "v === -9223372036854775808n ? null : " : ""
        }v;`,
      );
      setter(`${name}Mantissa`, `this._dv.setBigInt64(${p}, v === null ? -9223372036854775808n : v, true);`);
      break;
    }
    case "enum": {
      const nul = spec.encoding === "uint8" ? 255 : 0;
      tables.push(f.valid!);
      const t = `t${tables.length - 1}`;
      const fail = `throw h.badEnum(${JSON.stringify(name)}, v);`;
      getter(
        name,
        opt ? `const b = this._u8[${p}]; return b === ${nul} ? null : b;` : `return this._u8[${p}];`,
      );
      setter(
        name,
        opt
          ? `const b = v === null ? ${nul} : v; if (${t}[b] !== 1 || (b === ${nul} && v !== null)) ${fail} this._u8[${p}] = b;`
          : `if (${t}[v] !== 1) ${fail} this._u8[${p}] = v;`,
      );
      break;
    }
    case "chars":
      getter(name, `return h.readChars(this._u8, ${p}, ${f.size});`);
      setter(name, `h.setChars(this._u8, ${p}, ${f.size}, v, ${JSON.stringify(name)});`);
      break;
    default:
      throw new InvalidArgumentError(`${name}: unknown type ${(spec as FieldSpec).type}`);
  }
  return out.join("\n");
}

function generateClass(shape: Shape): new () => Flyweight {
  const tables: Uint8Array[] = [];
  const charFields = shape.fields.filter((f) => f.spec.type === "chars");
  // copyChars looks its field up in a per-class table (a constant-key load once inlined)
  // rather than switching on the name, which keeps the method small.
  const copyChars = charFields.length === 0
    ? ""
    : `copyChars(name, dst) { const f = c[name]; if (f === undefined) return super.copyChars(name, dst);` +
      ` return h.copyChars(this._u8, this._offset + f.o, f.n, dst, name); }`;
  const body = shape.fields.map((f) => accessorSource(f, tables)).join("\n") + "\n" + copyChars;
  // Names were checked against /^[A-Za-z_][A-Za-z0-9_]*$/ and every constant is a number.
  const constants = tables.map((_, i) => `const t${i} = t[${i}];`).join(" ");
  const make = new Function(
    "Base",
    "h",
    "t",
    "c",
    "S",
    `${constants}\nreturn class extends Base {\n${body}\n};`,
  ) as (
    base: typeof Flyweight,
    h: typeof helpers,
    t: Uint8Array[],
    c: Record<string, { o: number; n: number }>,
    s: Float64Array,
  ) => new () => Flyweight;
  const charTable = Object.fromEntries(charFields.map((f) => [f.name, { o: f.offset, n: f.size }]));
  const Generated = make(Flyweight, helpers, tables, charTable, S);
  Object.defineProperty(Generated.prototype, "_shape", { value: shape, writable: false });
  return Generated;
}

function generateEnumCheck(shape: Shape): (u8: Uint8Array, pos: number, acting: number) => boolean {
  const checks = shape.enumFields.map((f, i) =>
    f.since > 0
      ? `(a < ${f.since} || t[${i}][u8[p + ${f.offset}]] === 1)`
      : `t[${i}][u8[p + ${f.offset}]] === 1`
  );
  const make = new Function(
    "t",
    `return (u8, p, a) => ${checks.length === 0 ? "true" : checks.join(" && ")};`,
  ) as (
    t: Uint8Array[],
  ) => (u8: Uint8Array, pos: number, acting: number) => boolean;
  return make(shape.enumFields.map((f) => f.valid!));
}

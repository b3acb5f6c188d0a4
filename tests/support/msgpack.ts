// A MessagePack decoder for what dd-trace's agent encoders write (node_modules/dd-trace/packages/dd-trace/src/
// encode/0.4.js and 0.5.js: arrays, maps, strings, integers up to u64, floats, nil and booleans). No package in
// node_modules decodes MessagePack (dd-trace vendors an encoder only). Integers above 2^53 (trace and span ids)
// come back as bigint; extension types, which dd-trace never writes, are refused.

export type Msgpack = null | boolean | number | bigint | string | Uint8Array | Msgpack[] | { [key: string]: Msgpack };

/** Decodes one value that fills `bytes` exactly; throws on anything else (truncated, trailing bytes, an extension type). */
export function decodeMsgpack(bytes: Uint8Array): Msgpack {
  const reader = new Reader(bytes);
  const value = reader.value();
  if (reader.offset !== bytes.length) throw new Error(`msgpack: ${bytes.length - reader.offset} trailing bytes`);
  return value;
}

class Reader {
  offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  value(): Msgpack {
    const type = this.u8();
    if (type <= 0x7f) return type;
    if (type >= 0xe0) return type - 0x100;
    if (type >= 0x80 && type <= 0x8f) return this.map(type & 0x0f);
    if (type >= 0x90 && type <= 0x9f) return this.array(type & 0x0f);
    if (type >= 0xa0 && type <= 0xbf) return this.str(type & 0x1f);
    switch (type) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.take(this.u8()).slice();
      case 0xc5:
        return this.take(this.u16()).slice();
      case 0xc6:
        return this.take(this.u32()).slice();
      case 0xca:
        return this.step(4, (at) => this.view.getFloat32(at));
      case 0xcb:
        return this.step(8, (at) => this.view.getFloat64(at));
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf:
        return exact(this.step(8, (at) => this.view.getBigUint64(at)));
      case 0xd0:
        return this.step(1, (at) => this.view.getInt8(at));
      case 0xd1:
        return this.step(2, (at) => this.view.getInt16(at));
      case 0xd2:
        return this.step(4, (at) => this.view.getInt32(at));
      case 0xd3:
        return exact(this.step(8, (at) => this.view.getBigInt64(at)));
      case 0xd9:
        return this.str(this.u8());
      case 0xda:
        return this.str(this.u16());
      case 0xdb:
        return this.str(this.u32());
      case 0xdc:
        return this.array(this.u16());
      case 0xdd:
        return this.array(this.u32());
      case 0xde:
        return this.map(this.u16());
      case 0xdf:
        return this.map(this.u32());
      default:
        throw new Error(`msgpack: type 0x${type.toString(16)} at byte ${this.offset - 1} is not decoded`);
    }
  }

  private array(length: number): Msgpack[] {
    const items: Msgpack[] = [];
    for (let index = 0; index < length; index++) items.push(this.value());
    return items;
  }

  private map(length: number): { [key: string]: Msgpack } {
    const map: { [key: string]: Msgpack } = {};
    for (let index = 0; index < length; index++) {
      const key = this.value();
      map[String(key)] = this.value();
    }
    return map;
  }

  private str(length: number): string {
    return new TextDecoder("utf-8", { fatal: true }).decode(this.take(length));
  }

  private u8(): number {
    return this.step(1, (at) => this.view.getUint8(at));
  }

  private u16(): number {
    return this.step(2, (at) => this.view.getUint16(at));
  }

  private u32(): number {
    return this.step(4, (at) => this.view.getUint32(at));
  }

  private take(length: number): Uint8Array {
    return this.step(length, (at) => this.bytes.subarray(at, at + length));
  }

  private step<T>(length: number, read: (at: number) => T): T {
    if (this.offset + length > this.bytes.length) throw new Error(`msgpack: truncated at byte ${this.offset}`);
    const value = read(this.offset);
    this.offset += length;
    return value;
  }
}

/** A 64-bit integer as a number when that loses nothing, else as a bigint. */
function exact(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

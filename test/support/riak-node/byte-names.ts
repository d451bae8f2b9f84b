// Buckets, keys and type names are bytes on the wire. Maps key them by latin1
// strings, one char per byte, so that any byte string round-trips exactly.

/** The map key for wire bytes. */
export function nameOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
}

/** The map key for a name given as text (UTF-8 on the wire). */
export function nameOfText(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

/** The wire bytes of a map key. */
export function bytesOf(name: string): Uint8Array {
  return new Uint8Array(Buffer.from(name, "latin1"));
}

import type { ByteReader, ByteWriter } from './byte-cursor.js';

// PoC1 item codes in the application data, as the Wireshark dissector reads them.
export const ITEM_PARTICIPANTS = 100;
export const ITEM_STOP_TALKING_TIME = 101;
export const ITEM_PRIORITY = 102;
export const ITEM_REQUEST_TIMESTAMP = 103;
// RFC 3550 section 6.5: SDES item types used in PoC1 APP data.
export const SDES_CNAME = 1;
export const SDES_NAME = 2;

/** Writes a 16-bit PoC1 item: code, length 2, value. */
export function writeItem16(w: ByteWriter, code: number, value: number, field: string): void {
  w.u8(code, field).u8(2, field).u16(value, field);
}

/** Reads the 16-bit value of a PoC1 item whose code was already consumed. */
export function readItem16(r: ByteReader, field: string): number {
  r.expect(2, field, 'item length');
  return r.u16(field);
}

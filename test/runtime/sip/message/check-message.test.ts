import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMessage, parseMessage } from '../../../../runtime/sip/message/index.js';
import { MessageLayout } from '../../../../runtime/sip/message/message-layout.js';
import { tortureCases } from './torture-fixtures.js';

/*
 * checkMessage checks what parseMessage parses, without building the message: for any bytes it
 * throws the same error (code, reason, location) or none, and keeps the same layout.
 */

type Outcome = { readonly error: unknown } | { readonly layout: unknown };

/** What a parse or a check of `bytes` ends with: its error, or the layout it kept. */
function outcome(
  run: (bytes: Uint8Array, layout: MessageLayout) => void,
  bytes: Uint8Array,
): Outcome {
  const layout = new MessageLayout();
  try {
    run(bytes, layout);
  } catch (error) {
    return {
      error: {
        ...(error as object),
        name: (error as Error).name,
        message: (error as Error).message,
      },
    };
  }
  const { count, lines, ...rest } = layout;
  return { layout: { ...rest, count, lines: [...lines.subarray(0, count * 5)] } };
}

function same(bytes: Uint8Array, transport: 'datagram' | 'stream'): void {
  const parsed = outcome((b, layout) => parseMessage(b, { transport, layout }), bytes);
  const checked = outcome((b, layout) => checkMessage(b, { transport, layout }), bytes);
  expect(checked).toEqual(parsed);
}

const corpus = tortureCases().map((c) => new Uint8Array(readFileSync(c.file)));

describe('checkMessage', () => {
  it('fails as parseMessage does, or keeps the same layout, on every torture message', () => {
    let failed = 0;
    for (const bytes of corpus) {
      for (const transport of ['datagram', 'stream'] as const) same(bytes, transport);
      try {
        parseMessage(bytes);
      } catch {
        failed++;
      }
    }
    // Both sides are exercised: messages refused and messages kept.
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(corpus.length);
  });

  it('returns nothing and keeps where the parts lie', () => {
    const text =
      'BYE sip:b@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-9\r\nX-A: 1\r\nl: 2\r\n\r\nokEXTRA';
    const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
    const layout = new MessageLayout();
    expect(checkMessage(bytes, { layout })).toBeUndefined();
    expect(layout.bytes).toBe(bytes);
    expect(layout.count).toBe(3);
    expect(Buffer.from(bytes.subarray(layout.bodyStart, layout.bodyEnd)).toString()).toBe('ok');
  });

  it('fails as parseMessage does on mutated torture messages', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: corpus.length - 1 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (which, at, value, truncate) => {
          const source = corpus[which] ?? new Uint8Array(0);
          const bytes = truncate ? source.slice(0, at % (source.length + 1)) : source.slice();
          if (!truncate && bytes.length > 0) bytes[at % bytes.length] = value;
          same(bytes, at % 2 === 0 ? 'datagram' : 'stream');
        },
      ),
      { numRuns: 2000 },
    );
  });
});

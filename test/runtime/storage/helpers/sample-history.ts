import type { CpmSessionHistory } from '../../../../runtime/storage/index.js';

/** A one-to-one CPM Session History between Alice and Bob, varied by `n`. */
export function sampleHistory(n: number): CpmSessionHistory {
  return {
    session: {
      conversationId: `conversation-${n}`,
      contributionId: `contribution-${n}`,
      callId: `call-${n}@cpm-pf.example.com`,
    },
    participants: [
      { uri: 'sip:alice@example.com', displayName: 'Alice' },
      { uri: 'tel:+15551234567' },
    ],
    startTime: '2026-11-21T05:00:00.000Z',
    endTime: `2026-11-21T05:${String(n % 60).padStart(2, '0')}:30.000Z`,
    messages: [
      {
        time: '2026-11-21T05:00:01.000Z',
        from: 'sip:alice@example.com',
        to: ['tel:+15551234567'],
        contentType: 'text/plain;charset=UTF-8',
        body: `hello ${n}\r\nsecond line, "quoted" — ünïcode`,
        messageId: `msg-${n}`,
      },
      {
        time: '2026-11-21T05:00:02.000Z',
        from: 'tel:+15551234567',
        to: ['sip:alice@example.com'],
        contentType: 'message/imdn+xml',
        body: '<imdn/>',
      },
    ],
  };
}

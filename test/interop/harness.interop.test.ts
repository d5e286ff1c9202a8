/**
 * The interop harness itself: templates, kamcmd output, the wire count of
 * retransmissions, and above all teardown: a test that fails half-way
 * still leaves no process, control socket or namespace behind.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allocateAddressBlock,
  artifactDir,
  countRetransmissions,
  createRoutedPath,
  InteropError,
  liveProcesses,
  netnsUnavailable,
  parseDialogList,
  renderTemplate,
  runCommand,
  startCapture,
  startKamailio,
  tsharkSip,
  udpSend,
  withTeardown,
  type TsharkSip,
} from './harness/index.js';

const unavailable = await netnsUnavailable();

describe('interop harness', () => {
  it('fills every placeholder of a template and refuses one without a value', () => {
    expect(
      renderTemplate('listen=udp:{{address}}:{{port}}', { address: '127.1.2.3', port: '5060' }),
    ).toBe('listen=udp:127.1.2.3:5060');
    expect(() => renderTemplate('{{ctlSocket}}', {})).toThrow(/ctlSocket/);
  });

  it('reads h_entry, h_id, Call-ID and state from kamcmd dlg.list', () => {
    const text = [
      '{',
      '\th_entry: 3321',
      '\th_id: 3416',
      '\tref: 2',
      '\tcall-id: 1-29169@127.50.0.2',
      '\tfrom_uri: sip:a@b',
      '\tstate: 4',
      '}',
    ].join('\n');
    expect(parseDialogList(text)).toEqual([
      { hEntry: '3321', hId: '3416', callId: '1-29169@127.50.0.2', state: 4 },
    ]);
  });

  it('counts a message sent again with the same branch, CSeq and ends as a retransmission', () => {
    const invite: TsharkSip = {
      frame: 1,
      src: '10.200.0.1:5060',
      dst: '10.200.0.6:5060',
      method: 'INVITE',
      status: '',
      requestUri: 'sip:b@10.200.0.6',
      cseq: '1 INVITE',
      callId: 'c1',
      branch: 'z9hG4bK-1',
      route: '',
      reason: '',
      fromTag: 'f',
      toTag: '',
    };
    const ack = {
      ...invite,
      frame: 3,
      method: 'ACK',
      cseq: '1 ACK',
      branch: 'z9hG4bK-2',
      toTag: 't',
    };
    expect(countRetransmissions([invite, { ...invite, frame: 2 }, ack, { ...ack, frame: 4 }])).toBe(
      2,
    );
    expect(countRetransmissions([invite, { ...invite, frame: 2, callId: 'c2' }])).toBe(0);
  });

  it('gives each test its own 127.A.B.0/24 block', () => {
    const [x, y] = [allocateAddressBlock(), allocateAddressBlock()];
    expect(x.prefix).not.toBe(y.prefix);
    expect(x.captureFilter).toBe(`net ${x.prefix}.0/24 and not host ${x.probeHost}`);
  });

  it('captures on lo from the sentinel on, and keeps what came before the stop', async () => {
    const block = allocateAddressBlock();
    const dir = artifactDir('harness-capture');
    const file = await withTeardown(async (teardown) => {
      const capture = await startCapture(
        {
          name: 'harness',
          file: join(dir, 'capture.pcapng'),
          filter: block.captureFilter,
          sentinel: () => udpSend(block.sentinelHost, block.sentinelHost, 9, 'sentinel'),
        },
        teardown,
      );
      // A SIP-looking datagram right before the stop must be in the file.
      await udpSend(
        block.host(1),
        block.host(2),
        5060,
        'OPTIONS sip:x SIP/2.0\r\nCall-ID: h\r\nCSeq: 1 OPTIONS\r\n\r\n',
      );
      return capture.stop();
    });
    const sip = await tsharkSip(file);
    expect(sip.map((m) => m.method)).toEqual(['OPTIONS']);
    expect(liveProcesses()).toEqual([]);
  });

  it('stops Kamailio and removes its control socket when the test fails after starting it', async () => {
    const block = allocateAddressBlock();
    const dir = artifactDir('harness-teardown');
    let ctl = '';
    await expect(
      withTeardown(async (teardown) => {
        const k = await startKamailio(
          {
            name: 'scscf',
            template: 'scscf.cfg.tpl',
            address: block.host(1),
            workDir: dir,
            probeFrom: block.probeHost,
          },
          teardown,
        );
        expect(await k.kamcmd('dlg.list')).toBe('');
        ctl = k.controlSocket;
        expect(existsSync(ctl)).toBe(true);
        throw new InteropError('command-failed', 'test', 'failing on purpose');
      }),
    ).rejects.toThrow(/failing on purpose/);
    expect(ctl).not.toBe('');
    expect(existsSync(dirname(ctl))).toBe(false);
    expect(liveProcesses()).toEqual([]);
    expect(existsSync(join(dir, 'kamailio.log'))).toBe(true);
  });

  it.skipIf(unavailable !== undefined)(
    'deletes the namespaces (and their veth pairs) when the test fails after creating them',
    async () => {
      let names: readonly string[] = [];
      await expect(
        withTeardown(async (teardown) => {
          const path = await createRoutedPath(teardown);
          names = path.namespaces;
          expect(await runCommand('ip', ['netns', 'list'])).toContain(path.a.netns);
          throw new InteropError('command-failed', 'test', 'failing on purpose');
        }),
      ).rejects.toThrow(/failing on purpose/);
      expect(names).toHaveLength(3);
      const left = await runCommand('ip', ['netns', 'list']);
      for (const ns of names) expect(left).not.toContain(ns);
    },
  );
});

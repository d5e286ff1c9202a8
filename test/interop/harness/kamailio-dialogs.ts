/**
 * Reading `kamcmd dlg.list`: the dialogs Kamailio's dialog module holds,
 * with the hash entry and id that `dlg.end_dlg` takes.
 */
import type { Kamailio } from './kamailio.js';

/** One dialog as dlg.list shows it. */
export interface KamailioDialog {
  readonly hEntry: string;
  readonly hId: string;
  readonly callId: string;
  /** 1 unconfirmed, 2 early, 3 confirmed without ACK, 4 confirmed, 5 deleted. */
  readonly state: number;
}

/** Parses the output of `kamcmd dlg.list`. */
export function parseDialogList(text: string): KamailioDialog[] {
  const dialogs: KamailioDialog[] = [];
  const re = /h_entry:\s*(\d+)\s+h_id:\s*(\d+)[\s\S]*?call-id:\s*(\S+)[\s\S]*?state:\s*(\d+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    dialogs.push({ hEntry: m[1] ?? '', hId: m[2] ?? '', callId: m[3] ?? '', state: Number(m[4]) });
  }
  return dialogs;
}

/** The dialogs a Kamailio holds now. */
export async function listDialogs(kamailio: Kamailio): Promise<KamailioDialog[]> {
  return parseDialogList(await kamailio.kamcmd('dlg.list'));
}

import type { SipRequest, SipResponse } from '../message/index.js';
import type { Dialog } from './dialog.js';
import { DialogError } from './dialog-errors.js';
import { dialogIdOfIncomingRequest, dialogIdOfResponse, dialogKey } from './dialog-id.js';
import type { DialogId } from './dialog-id.js';
import { DialogState } from './dialog-state.js';

/** Active dialogs by state. */
export interface DialogCounts {
  readonly early: number;
  readonly confirmed: number;
  readonly total: number;
}

/**
 * The dialogs of one user agent, by dialog ID (RFC 3261 12). A dialog leaves
 * the store when it terminates, so the counts show what is still alive.
 */
export class DialogStore {
  private readonly dialogs = new Map<string, Dialog>();

  /** Adds a dialog; throws {@link DialogError} when one with the same ID exists. */
  add(dialog: Dialog): Dialog {
    if (dialog.state === DialogState.Terminated)
      throw new DialogError('a terminated dialog cannot be stored', dialog.key, dialog.state);
    if (this.dialogs.has(dialog.key))
      throw new DialogError('a dialog with this ID is already stored', dialog.key, dialog.state);
    this.dialogs.set(dialog.key, dialog);
    const stop = dialog.onStateChange((state) => {
      if (state !== DialogState.Terminated) return;
      stop();
      if (this.dialogs.get(dialog.key) === dialog) this.dialogs.delete(dialog.key);
    });
    return dialog;
  }

  /** The dialog with this ID. */
  get(id: DialogId): Dialog | undefined {
    return this.dialogs.get(dialogKey(id));
  }

  /**
   * RFC 3261 12.2.2: the dialog an incoming request belongs to, by Call-ID,
   * To tag (local) and From tag (remote); undefined for out-of-dialog requests.
   */
  findForRequest(request: SipRequest): Dialog | undefined {
    const id = dialogIdOfIncomingRequest(request);
    return id ? this.get(id) : undefined;
  }

  /** RFC 3261 12.1.2: the dialog a response belongs to at the UAC (From tag local, To tag remote). */
  findForResponse(response: SipResponse): Dialog | undefined {
    const id = dialogIdOfResponse(response);
    return id ? this.get(id) : undefined;
  }

  /** Every stored dialog. */
  all(): Dialog[] {
    return [...this.dialogs.values()];
  }

  /** Counts of early and confirmed dialogs. */
  counts(): DialogCounts {
    let early = 0;
    let confirmed = 0;
    for (const d of this.dialogs.values()) {
      if (d.state === DialogState.Early) early++;
      else if (d.state === DialogState.Confirmed) confirmed++;
    }
    return { early, confirmed, total: early + confirmed };
  }
}

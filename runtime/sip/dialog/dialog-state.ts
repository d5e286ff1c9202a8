/** Dialog states of RFC 3261 12 (early after a provisional with a To tag, confirmed after a 2xx). */
export enum DialogState {
  Early = 'Early',
  Confirmed = 'Confirmed',
  Terminated = 'Terminated',
}

/** Which side of the dialog-creating request this end was on. */
export enum DialogRole {
  /** Sent the request that created the dialog. */
  Uac = 'uac',
  /** Received it. */
  Uas = 'uas',
}

/** States of a subscription dialog usage (RFC 6665 4.1.2, 4.2.2; Subscription-State values). */
export enum SubscriptionUsageState {
  Pending = 'pending',
  Active = 'active',
  Terminated = 'terminated',
}

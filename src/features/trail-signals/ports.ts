/** A CloudTrail signal, told to the security channel (and the owner, for keys made outside the bot). */
export type TrailNotice = {
  readonly kind: 'root_activity' | 'key_created_outside';
  readonly eventName: string;
  readonly eventTime: string;
  readonly region: string;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
  /** The IAM user a key was created for, and who created it (key_created_outside). */
  readonly targetUserArn?: string;
  readonly actorArn?: string;
  readonly requestId?: undefined;
};

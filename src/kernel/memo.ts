/** What the bot remembers between runs that is not a workflow: things already handled, and named cursors. */
export interface Memo {
  /** Records `key` as handled; `false` when it already was (a signal seen twice is acted on once). */
  markSeen(key: string, at: number): Promise<boolean>;
  /** Whether `key` was handled already (read only: for dry runs). */
  wasSeen(key: string): Promise<boolean>;
  cursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string, at: number): Promise<void>;
}
